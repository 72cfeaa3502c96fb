// libFuzzer target: the ONNX loader must turn any byte string into a model or a rampart::Error,
// never crash, hang or read out of bounds. Models that load are also run (forward and gradient)
// on one zero sample when small, so that shapes accepted by the loader are safe to execute.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <rampart/common/error.h>
#include <rampart/robustness/executor.h>
#include <rampart/robustness/onnx_model.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    rampart::robustness::OnnxModel model = rampart::robustness::OnnxModel::FromBytes(bytes, "fuzz");
    if (model.activation_size() > (1 << 16) || model.input_size() > 4096 ||
        model.output_size() < 1 || model.output_size() > 4096) {
      return 0;
    }
    rampart::robustness::Executor executor(model, {.threads = 1});
    const rampart::robustness::Batch x = rampart::robustness::Batch::Zero(1, model.input_size());
    (void)executor.Forward(x);
    const std::vector<std::int64_t> labels{0};
    if (model.output_size() >= 2) {
      (void)executor.Gradient(x, labels, rampart::robustness::Loss::kCrossEntropy);
    }
  } catch (const rampart::Error&) {
  }
  return 0;
}
