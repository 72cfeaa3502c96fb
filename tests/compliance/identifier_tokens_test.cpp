#include <gtest/gtest.h>

#include <rampart/compliance/identifier_tokens.h>

namespace rampart::compliance {
namespace {

using Tokens = std::vector<std::string>;

TEST(IdentifierTokensTest, SplitsCommonConventions) {
  EXPECT_EQ(SplitIdentifier("customer_email"), (Tokens{"customer", "email"}));
  EXPECT_EQ(SplitIdentifier("customerEmail_2"), (Tokens{"customer", "email", "2"}));
  EXPECT_EQ(SplitIdentifier("HTTPServerIP"), (Tokens{"http", "server", "ip"}));
  EXPECT_EQ(SplitIdentifier("date-of-birth"), (Tokens{"date", "of", "birth"}));
  EXPECT_EQ(SplitIdentifier("address.line1"), (Tokens{"address", "line", "1"}));
  EXPECT_EQ(SplitIdentifier("IBAN"), (Tokens{"iban"}));
  EXPECT_EQ(SplitIdentifier("Straße"), (Tokens{"stra\xC3\x9F"
                                               "e"}));
  EXPECT_TRUE(SplitIdentifier("__").empty());
}

}  // namespace
}  // namespace rampart::compliance
