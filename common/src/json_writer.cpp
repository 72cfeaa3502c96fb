#include <rampart/common/json_writer.h>

namespace rampart {

nlohmann::json NewJsonDocument() {
  return nlohmann::json{{"schema_version", kJsonSchemaVersion}};
}

std::string ToJsonText(const nlohmann::json& document, int indent) {
  // `replace`: invalid UTF-8 in user data (a column name, a CSV value) becomes U+FFFD instead of
  // throwing half-way through a report. nlohmann writes NaN and infinity as null.
  std::string text = document.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  return text;
}

}  // namespace rampart
