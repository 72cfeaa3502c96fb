// libFuzzer target: any byte string read as a privacy event (the ledger stores events as JSON)
// must become a valid event that round-trips through JSON, or an InputError; never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include <rampart/common/error.h>
#include <rampart/privacy/events.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  try {
    const rampart::privacy::PrivacyEvent event = rampart::privacy::PrivacyEvent::FromJson(json);
    const auto back =
        rampart::privacy::PrivacyEvent::FromJson(nlohmann::json::parse(event.ToJson().dump()));
    if (!(back == event)) std::abort();  // the round trip must be exact
    (void)rampart::privacy::FlattenEvent(event);
  } catch (const rampart::InputError&) {
  } catch (const rampart::InvalidArgumentError&) {  // FlattenEvent: counts beyond 2^53
  }
  return 0;
}
