// The fused projected step of PGD (internal::AscentStep) against the three separate operations it
// replaces (AscentDirection, the step in double, ProjectAndClip), bit for bit, on rows with zero,
// infinite and NaN gradient entries, points outside the clip range and both step signs.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "attack_internal.h"

namespace rampart::robustness {
namespace {

bool SameBits(float a, float b) {
  return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
}

TEST(AscentStep, EqualsDirectionStepProjectAndClipBitForBit) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> unit(-0.2F, 1.2F);
  std::uniform_real_distribution<float> grad(-1.0F, 1.0F);
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const Norm norm : {Norm::kLinf, Norm::kL2}) {
    for (int trial = 0; trial < 200; ++trial) {
      // Lengths around the vector widths, so that vector bodies and scalar tails both run.
      const auto d = static_cast<Eigen::Index>(1 + trial % 19);
      Eigen::RowVectorXf x0(d);
      Eigen::RowVectorXf g(d);
      for (Eigen::Index j = 0; j < d; ++j) {
        x0[j] = unit(rng);
        const auto kind = rng() % 10;
        g[j] = kind == 0   ? 0.0F
               : kind == 1 ? (rng() % 2 ? inf : -inf)
               : kind == 2 ? nan
                           : grad(rng);
      }
      const double epsilon = 0.01 + 0.3 * static_cast<double>(rng() % 100) / 100.0;
      const double step = (trial % 2 == 0 ? 1.0 : -1.0) * epsilon / 3.0;
      Eigen::RowVectorXf x = x0;
      for (Eigen::Index j = 0; j < d; ++j) x[j] += 0.5F * grad(rng) * static_cast<float>(epsilon);

      Eigen::RowVectorXf expected = x;
      Eigen::RowVectorXf direction = g;
      internal::AscentDirection(norm, direction);
      expected = (expected.cast<double>() + step * direction.cast<double>()).cast<float>();
      internal::ProjectAndClip(norm, epsilon, 0.0F, 1.0F, x0, expected);

      Eigen::RowVectorXf fused = x;
      Eigen::RowVectorXf g_copy = g;
      internal::AscentStep(norm, step, epsilon, 0.0F, 1.0F, x0, g_copy, fused);
      for (Eigen::Index j = 0; j < d; ++j) {
        ASSERT_TRUE(SameBits(fused[j], expected[j]))
            << (norm == Norm::kLinf ? "linf" : "l2") << " trial " << trial << " at " << j << ": "
            << fused[j] << " vs " << expected[j];
      }
    }
  }
}

}  // namespace
}  // namespace rampart::robustness
