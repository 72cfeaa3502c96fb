#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/robustness/tensor.h>

namespace rampart::robustness {
namespace {

TEST(TensorTest, ElementCount) {
  EXPECT_EQ(ElementCount({}), 1);
  EXPECT_EQ(ElementCount({1, 3, 32, 32}), 3072);
  EXPECT_EQ(ElementCount({4, 0, 7}), 0);
  EXPECT_THROW((void)ElementCount({2, -1}), InputError);
  EXPECT_THROW((void)ElementCount({1LL << 40, 1LL << 40}), InputError);
  EXPECT_EQ(ShapeToString({1, 3, 32, 32}), "[1, 3, 32, 32]");
}

}  // namespace
}  // namespace rampart::robustness
