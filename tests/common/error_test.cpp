#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/common/exit_codes.h>

namespace rampart {
namespace {

TEST(ErrorTest, WhatCarriesTheLocationLikeACompiler) {
  const InputError error("unterminated quoted field",
                         {.file = "data.csv", .line = 12, .column = 7});
  EXPECT_STREQ(error.what(), "data.csv:12:7: unterminated quoted field");
  EXPECT_EQ(error.message(), "unterminated quoted field");
  EXPECT_EQ(error.kind(), ErrorKind::kInput);
  EXPECT_EQ(error.location().line, 12);
}

TEST(ErrorTest, PartialLocations) {
  EXPECT_EQ((SourceLocation{.file = "a.sql", .line = 3}).ToString(), "a.sql:3");
  EXPECT_EQ((SourceLocation{.file = "a.sql"}).ToString(), "a.sql");
  EXPECT_EQ((SourceLocation{.field = "--epsilon"}).ToString(), "--epsilon");
  EXPECT_EQ((SourceLocation{.file = "m.onnx", .field = "node Conv_3"}).ToString(),
            "m.onnx (node Conv_3)");
  EXPECT_STREQ(InvalidArgumentError("epsilon must be > 0").what(), "epsilon must be > 0");
}

TEST(ErrorTest, SubclassesAreCatchableAsError) {
  try {
    throw BudgetExhaustedError("budget of dataset 'visits' exhausted");
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kBudgetExhausted);
    EXPECT_EQ(ErrorKindName(error.kind()), "budget_exhausted");
  }
}

TEST(ErrorTest, ExitCodesFollowTheContract) {
  EXPECT_EQ(ExitCodeFor(ErrorKind::kInvalidArgument), 2);
  EXPECT_EQ(ExitCodeFor(ErrorKind::kInput), 2);
  EXPECT_EQ(ExitCodeFor(ErrorKind::kNotFound), 2);
  EXPECT_EQ(ExitCodeFor(ErrorKind::kUnsupported), 2);
  EXPECT_EQ(ExitCodeFor(ErrorKind::kBudgetExhausted), 3);
  EXPECT_EQ(ExitCodeFor(ErrorKind::kInternal), 70);
}

}  // namespace
}  // namespace rampart
