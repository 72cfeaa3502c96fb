// libFuzzer target: RewriteQuery must turn any text into a rewritten query or a rampart::Error
// (syntax error, refusal, bad option), never crash, hang or read out of bounds. The first byte
// picks the privacy unit so that qualified and unqualified resolution are both exercised.
#include <cstddef>
#include <cstdint>
#include <string>

#include <rampart/common/error.h>
#include <rampart/privacy/sql_query.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  rampart::privacy::SqlQueryOptions options;
  options.privacy_unit = data[0] % 2 == 0 ? "person_id" : "p.person_id";
  options.bounds["amount"] = {0.0, 100.0};
  options.max_groups_per_unit = 2;
  options.max_rows_per_group = 3;
  const std::string sql(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    (void)rampart::privacy::RewriteQuery(sql, options);
  } catch (const rampart::Error&) {
  }
  return 0;
}
