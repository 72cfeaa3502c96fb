#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/events.h>

namespace rampart::privacy {
namespace {

PrivacyEvent DpSgd() {
  return PrivacyEvent::SelfComposed(
      PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(1.1), 0.01), 10000);
}

TEST(EventsTest, EveryKindRoundTripsThroughJson) {
  const PrivacyEvent all = PrivacyEvent::Composed({
      PrivacyEvent::Laplace(2.0, 0.5),
      PrivacyEvent::Gaussian(1.7, 3.0),
      PrivacyEvent::DiscreteLaplace(4.0, 2),
      PrivacyEvent::DiscreteGaussian(5.5, 1),
      PrivacyEvent::EpsilonDelta(0.3, 1e-7),
      DpSgd(),
      PrivacyEvent::Composed({}),
  });
  const nlohmann::json json = all.ToJson();
  const PrivacyEvent back = PrivacyEvent::FromJson(nlohmann::json::parse(json.dump()));
  EXPECT_EQ(back, all);
  EXPECT_EQ(json["type"], "composed");
  EXPECT_EQ(json["events"][1]["sigma"], 1.7);
  EXPECT_EQ(json["events"][5]["event"]["sampling_rate"], 0.01);
  EXPECT_EQ(json["events"][5]["count"], 10000);
  EXPECT_EQ(json["events"][2]["sensitivity"], 2);
}

TEST(EventsTest, FactoriesRejectOutOfDomainParameters) {
  EXPECT_THROW(PrivacyEvent::Laplace(0.0), InvalidArgumentError);
  EXPECT_THROW(PrivacyEvent::Gaussian(-1.0), InvalidArgumentError);
  EXPECT_THROW(PrivacyEvent::Gaussian(1.0, 0.0), InvalidArgumentError);
  EXPECT_THROW(PrivacyEvent::DiscreteGaussian(1.0, 0), InvalidArgumentError);
  EXPECT_THROW(PrivacyEvent::EpsilonDelta(-0.1), InvalidArgumentError);
  EXPECT_THROW(PrivacyEvent::EpsilonDelta(1.0, 1.0), InvalidArgumentError);
  EXPECT_THROW(PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(1.0), 0.0),
               InvalidArgumentError);
  EXPECT_THROW(PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(1.0), 1.5),
               InvalidArgumentError);
  EXPECT_THROW(PrivacyEvent::SelfComposed(PrivacyEvent::Gaussian(1.0), 0), InvalidArgumentError);
  EXPECT_NO_THROW(PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(1.0), 1.0));
}

TEST(EventsTest, MalformedJsonNamesThePath) {
  const auto error_field = [](const std::string& text) {
    try {
      (void)PrivacyEvent::FromJson(nlohmann::json::parse(text));
    } catch (const InputError& error) {
      return error.location().field;
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_field(R"({"type":"gaussian"})"), "event.sigma");
  EXPECT_EQ(error_field(R"({"type":"gaussian","sigma":"x"})"), "event.sigma");
  EXPECT_EQ(error_field(R"({"type":"composed","events":[{"type":"laplace","scale":1},
              {"type":"gaussian","sigma":-2}]})"),
            "event.events[1].sigma");
  EXPECT_EQ(error_field(R"({"type":"self_composed","count":1.5,"event":{"type":"laplace",
              "scale":1}})"),
            "event.count");
  EXPECT_EQ(error_field(R"({"type":"poisson_subsampled","sampling_rate":2,
              "event":{"type":"laplace","scale":1}})"),
            "event.sampling_rate");
  EXPECT_EQ(error_field(R"({"type":"warp"})"), "event.type");
  EXPECT_EQ(error_field(R"([1,2])"), "event");
}

TEST(EventsTest, FlattenMergesEqualAtomsAndMultipliesCounts) {
  const PrivacyEvent g = PrivacyEvent::Gaussian(2.0);
  const PrivacyEvent l = PrivacyEvent::Laplace(1.0);
  const PrivacyEvent event =
      PrivacyEvent::Composed({PrivacyEvent::SelfComposed(PrivacyEvent::Composed({g, l, g}), 10), g,
                              PrivacyEvent::SelfComposed(PrivacyEvent::SelfComposed(l, 3), 4)});
  const auto atoms = FlattenEvent(event);
  ASSERT_EQ(atoms.size(), 2U);
  EXPECT_EQ(atoms[0].first, g);
  EXPECT_EQ(atoms[0].second, 21);
  EXPECT_EQ(atoms[1].first, l);
  EXPECT_EQ(atoms[1].second, 22);
  const std::int64_t big = std::int64_t{1} << 30;
  EXPECT_THROW(
      (void)FlattenEvent(PrivacyEvent::SelfComposed(PrivacyEvent::SelfComposed(g, big), big)),
      InvalidArgumentError);
}

}  // namespace
}  // namespace rampart::privacy
