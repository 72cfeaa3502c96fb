// Reads a live database into the neutral schema model: the catalog (every user table, or the
// ones asked for) and a random sample of each table's rows. Read-only by construction: the
// connection is opened read-only (SQLite) or in a read-only session (PostgreSQL) and only SELECT
// and catalog queries run. Sampling: SQLite `ORDER BY random() LIMIT n`; PostgreSQL
// `TABLESAMPLE BERNOULLI(p) REPEATABLE(seed)` on large tables, `ORDER BY random()` on small ones.
//
//   Source s = ReadDatabase("sqlite:shop.db", {.sample_rows = 500});
//   Source p = ReadDatabase("postgresql://scanner@db/crm", {.tables = {"crm.customers"}});
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <rampart/compliance/schema.h>

namespace rampart::compliance {

struct DatabaseScanOptions {
  std::size_t sample_rows = 1000;
  std::uint64_t seed = 0x5eed5eedULL;  // PostgreSQL REPEATABLE seed
  std::vector<std::string> tables;     // empty: all user tables
};

// Throws NotFoundError for a missing SQLite file or an unknown table in `tables`, IoError when
// the server refuses, InvalidArgumentError for an unsupported URL.
[[nodiscard]] Source ReadDatabase(std::string_view url, const DatabaseScanOptions& options = {});

// The URL without a password ("postgresql://user:secret@h/db" -> "postgresql://user@h/db").
[[nodiscard]] std::string RedactUrl(std::string_view url);

}  // namespace rampart::compliance
