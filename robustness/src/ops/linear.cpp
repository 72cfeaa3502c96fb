// Gemm and MatMul: one Eigen GEMM per call over the whole chunk of the batch.
#include <memory>
#include <string>

#include <rampart/common/error.h>

#include "ops/op.h"

namespace rampart::robustness::internal {

namespace {

// Y = alpha * op(A) * op(B) + beta * C, with op = transpose when transA / transB.
class GemmOp final : public Op {
 public:
  explicit GemmOp(const NodeInfo& node)
      : trans_a_(node.Int("transA", 0) != 0),
        trans_b_(node.Int("transB", 0) != 0),
        alpha_(node.Float("alpha", 1.0F)),
        beta_(node.Float("beta", 1.0F)) {
    if (node.input_count() < 2) throw InputError("Gemm needs inputs A and B");
  }

  Shape InferShape(const std::vector<Shape>& in) const override {
    if (in[0].size() != 2 || in[1].size() != 2) {
      throw InputError("Gemm needs 2-D A and B, got " + DimsToString(in[0]) + " and " +
                       DimsToString(in[1]));
    }
    const std::int64_t m = trans_a_ ? in[0][1] : in[0][0];
    const std::int64_t k = trans_a_ ? in[0][0] : in[0][1];
    const std::int64_t kb = trans_b_ ? in[1][1] : in[1][0];
    const std::int64_t n = trans_b_ ? in[1][0] : in[1][1];
    if (k != kb) {
      throw InputError("Gemm inner dimensions differ: A " + DimsToString(in[0]) + ", B " +
                       DimsToString(in[1]));
    }
    if (in.size() > 2 && !in[2].empty()) {
      const Shape& c = in[2];
      if (c.size() > 2) throw InputError("Gemm bias C must have rank <= 2");
      const std::int64_t cr = c.size() == 2 ? c[0] : 1;
      const std::int64_t cc = c.empty() ? 1 : c.back();
      if ((cr != 1 && cr != m) || (cc != 1 && cc != n)) {
        throw InputError("Gemm bias C " + DimsToString(c) + " does not broadcast to [" +
                         DimsToString({m, n}) + "]");
      }
    }
    return {m, n};
  }

  void Forward(const ForwardArgs& args) const override {
    const Shape& sa = args.input_shapes[0];
    const Shape& sb = args.input_shapes[1];
    const ConstMatrixMap a(args.inputs[0], sa[0], sa[1]);
    const ConstMatrixMap b(args.inputs[1], sb[0], sb[1]);
    MatrixMap y(args.output, args.output_shape[0], args.output_shape[1]);
    if (!trans_a_ && !trans_b_) {
      y.noalias() = a * b;
    } else if (!trans_a_) {
      y.noalias() = a * b.transpose();
    } else if (!trans_b_) {
      y.noalias() = a.transpose() * b;
    } else {
      y.noalias() = a.transpose() * b.transpose();
    }
    if (alpha_ != 1.0F) y *= alpha_;
    if (args.inputs.size() > 2 && args.inputs[2] != nullptr && beta_ != 0.0F) {
      const Shape& c = args.input_shapes[2];
      const std::int64_t cr = c.size() == 2 ? c[0] : 1;
      const std::int64_t cc = c.empty() ? 1 : c.back();
      const float* cp = args.inputs[2];
      for (std::int64_t i = 0; i < y.rows(); ++i) {
        const float* row = cp + (cr == 1 ? 0 : i * cc);
        float* out = args.output + i * y.cols();
        if (cc == 1) {
          for (std::int64_t j = 0; j < y.cols(); ++j) out[j] += beta_ * row[0];
        } else {
          for (std::int64_t j = 0; j < y.cols(); ++j) out[j] += beta_ * row[j];
        }
      }
    }
  }

  void Backward(const BackwardArgs& args) const override {
    const Shape& sa = args.input_shapes[0];
    const Shape& sb = args.input_shapes[1];
    const ConstMatrixMap a(args.inputs[0], sa[0], sa[1]);
    const ConstMatrixMap b(args.inputs[1], sb[0], sb[1]);
    const ConstMatrixMap dy(args.output_grad, args.output_shape[0], args.output_shape[1]);
    if (args.input_grads[0] != nullptr) {
      MatrixMap da(args.input_grads[0], sa[0], sa[1]);
      // dA = alpha dY op(B)^T (transA: its transpose).
      if (!trans_a_) {
        if (!trans_b_) {
          da.noalias() += alpha_ * (dy * b.transpose());
        } else {
          da.noalias() += alpha_ * (dy * b);
        }
      } else {
        if (!trans_b_) {
          da.noalias() += alpha_ * (b * dy.transpose());
        } else {
          da.noalias() += alpha_ * (b.transpose() * dy.transpose());
        }
      }
    }
    if (args.input_grads[1] != nullptr) {
      MatrixMap db(args.input_grads[1], sb[0], sb[1]);
      // dB = alpha op(A)^T dY (transB: its transpose).
      if (!trans_b_) {
        if (!trans_a_) {
          db.noalias() += alpha_ * (a.transpose() * dy);
        } else {
          db.noalias() += alpha_ * (a * dy);
        }
      } else {
        if (!trans_a_) {
          db.noalias() += alpha_ * (dy.transpose() * a);
        } else {
          db.noalias() += alpha_ * (dy.transpose() * a.transpose());
        }
      }
    }
    if (args.input_grads.size() > 2 && args.input_grads[2] != nullptr) {
      const Shape& c = args.input_shapes[2];
      const std::int64_t cr = c.size() == 2 ? c[0] : 1;
      const std::int64_t cc = c.empty() ? 1 : c.back();
      float* dc = args.input_grads[2];
      for (std::int64_t i = 0; i < dy.rows(); ++i) {
        for (std::int64_t j = 0; j < dy.cols(); ++j) {
          dc[(cr == 1 ? 0 : i * cc) + (cc == 1 ? 0 : j)] += beta_ * dy(i, j);
        }
      }
    }
  }

 private:
  bool trans_a_;
  bool trans_b_;
  float alpha_;
  float beta_;
};

// MatMul of A [..., M, K] with a 2-D B [K, N] (or a vector B [K]): the leading dimensions of A,
// batch included, are rows of one GEMM. Batched matrix-matrix products (B of rank > 2) are not
// supported; classifiers exported from PyTorch, Keras and scikit-learn do not use them.
class MatMulOp final : public Op {
 public:
  explicit MatMulOp(const NodeInfo& node) {
    if (node.input_count() != 2) throw InputError("MatMul needs two inputs");
  }

  Shape InferShape(const std::vector<Shape>& in) const override {
    const Shape& a = in[0];
    const Shape& b = in[1];
    if (a.size() < 2) throw UnsupportedError("MatMul with a 1-D first input");
    if (b.empty() || b.size() > 2) {
      throw UnsupportedError("MatMul with a second input of rank " + std::to_string(b.size()) +
                             " (only 1-D or 2-D)");
    }
    if (a.back() != b[0]) {
      throw InputError("MatMul inner dimensions differ: " + DimsToString(a) + " and " +
                       DimsToString(b));
    }
    Shape out(a.begin(), a.end() - 1);
    if (b.size() == 2) out.push_back(b[1]);
    return out;
  }

  void Forward(const ForwardArgs& args) const override {
    const Shape& sa = args.input_shapes[0];
    const Shape& sb = args.input_shapes[1];
    const std::int64_t k = sa.back();
    const std::int64_t rows = ElementCount(sa) / std::max<std::int64_t>(k, 1);
    const std::int64_t n = sb.size() == 2 ? sb[1] : 1;
    const ConstMatrixMap a(args.inputs[0], rows, k);
    const ConstMatrixMap b(args.inputs[1], k, n);
    MatrixMap y(args.output, rows, n);
    y.noalias() = a * b;
  }

  void Backward(const BackwardArgs& args) const override {
    const Shape& sa = args.input_shapes[0];
    const Shape& sb = args.input_shapes[1];
    const std::int64_t k = sa.back();
    const std::int64_t rows = ElementCount(sa) / std::max<std::int64_t>(k, 1);
    const std::int64_t n = sb.size() == 2 ? sb[1] : 1;
    const ConstMatrixMap a(args.inputs[0], rows, k);
    const ConstMatrixMap b(args.inputs[1], k, n);
    const ConstMatrixMap dy(args.output_grad, rows, n);
    if (args.input_grads[0] != nullptr) {
      MatrixMap da(args.input_grads[0], rows, k);
      da.noalias() += dy * b.transpose();
    }
    if (args.input_grads[1] != nullptr) {
      MatrixMap db(args.input_grads[1], k, n);
      db.noalias() += a.transpose() * dy;
    }
  }
};

}  // namespace

void RegisterLinearOps(std::map<std::string, OpFactory, std::less<>>& registry) {
  registry["Gemm"] = [](const NodeInfo& node) { return std::make_unique<GemmOp>(node); };
  registry["MatMul"] = [](const NodeInfo& node) { return std::make_unique<MatMulOp>(node); };
}

}  // namespace rampart::robustness::internal
