#include <string>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <rampart/common/junit_writer.h>

namespace rampart {
namespace {

TEST(JUnitWriterTest, WellFormedWithCountsAndFailures) {
  JUnitSuite suite{.name = "rampart.robustness", .timestamp = "2026-01-01T00:00:00Z"};
  suite.properties = {{"seed", "42"}};
  suite.cases.push_back(
      {.classname = "rampart.robustness.net", .name = "fgsm_linf_eps=0.03", .time_seconds = 1.5});
  suite.cases.push_back({.classname = "rampart.robustness.net",
                         .name = "pgd_linf_eps=0.1",
                         .time_seconds = 2.25,
                         .failure = JUnitFailure{.message = "robust_accuracy=0.31 < 0.5",
                                                 .text = "details <here> & there"}});
  suite.cases.push_back({.classname = "c", .name = "skipped one", .skipped = "no labels"});
  const std::string xml = WriteJUnitXml({suite});

  pugi::xml_document doc;
  const auto parsed = doc.load_string(xml.c_str());
  ASSERT_TRUE(parsed) << parsed.description() << "\n" << xml;
  const auto root = doc.child("testsuites");
  EXPECT_EQ(root.attribute("tests").as_int(), 3);
  EXPECT_EQ(root.attribute("failures").as_int(), 1);
  EXPECT_EQ(root.attribute("skipped").as_int(), 1);
  const auto ts = root.child("testsuite");
  EXPECT_STREQ(ts.attribute("name").value(), "rampart.robustness");
  EXPECT_EQ(ts.attribute("tests").as_int(), 3);
  EXPECT_EQ(ts.attribute("failures").as_int(), 1);
  EXPECT_EQ(ts.attribute("errors").as_int(), 0);
  EXPECT_DOUBLE_EQ(ts.attribute("time").as_double(), 3.75);
  EXPECT_STREQ(ts.child("properties").child("property").attribute("value").value(), "42");

  const auto failed = ts.find_child_by_attribute("testcase", "name", "pgd_linf_eps=0.1");
  ASSERT_TRUE(failed);
  EXPECT_STREQ(failed.child("failure").attribute("message").value(), "robust_accuracy=0.31 < 0.5");
  EXPECT_STREQ(failed.child("failure").child_value(), "details <here> & there");
  const auto passed = ts.find_child_by_attribute("testcase", "name", "fgsm_linf_eps=0.03");
  EXPECT_FALSE(passed.child("failure"));
  EXPECT_STREQ(passed.attribute("classname").value(), "rampart.robustness.net");
  EXPECT_TRUE(ts.find_child_by_attribute("testcase", "name", "skipped one").child("skipped"));
}

TEST(JUnitWriterTest, EscapesAndDropsForbiddenCharacters) {
  EXPECT_EQ(EscapeXml("a<b>&\"'\x01z"), "a&lt;b&gt;&amp;&quot;&apos;z");
  JUnitSuite suite{.name = "s\x02"};
  suite.cases.push_back({.classname = "c", .name = "n", .system_out = "out\x07put"});
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(WriteJUnitXml({suite}).c_str()));
  EXPECT_STREQ(doc.select_node("//system-out").node().child_value(), "output");
}

}  // namespace
}  // namespace rampart
