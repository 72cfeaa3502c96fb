#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/parameters.h>

namespace rampart::privacy {
namespace {

TEST(ParametersTest, AcceptsValidValues) {
  EXPECT_EQ(CheckEpsilon(0.5), 0.5);
  EXPECT_EQ(CheckDelta(0.0, /*allow_zero=*/true), 0.0);
  EXPECT_EQ(CheckDelta(1e-5, /*allow_zero=*/false), 1e-5);
  EXPECT_EQ(CheckPositive(2.0, "sensitivity"), 2.0);
}

TEST(ParametersTest, RejectsOutOfDomainValuesNamingTheField) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const double bad : {0.0, -1.0, nan, inf})
    EXPECT_THROW(CheckEpsilon(bad), InvalidArgumentError);
  for (const double bad : {-0.1, 1.0, nan})
    EXPECT_THROW(CheckDelta(bad, true), InvalidArgumentError);
  EXPECT_THROW(CheckDelta(0.0, /*allow_zero=*/false), InvalidArgumentError);
  try {
    CheckPositive(-1.0, "sensitivity");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.location().field, "sensitivity");
    EXPECT_NE(std::string(error.what()).find("sensitivity must be"), std::string::npos);
  }
}

}  // namespace
}  // namespace rampart::privacy
