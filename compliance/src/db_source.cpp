#include <algorithm>
#include <cmath>

#include <rampart/common/database.h>
#include <rampart/common/error.h>
#include <rampart/compliance/db_source.h>

#include "text_util.h"

namespace rampart::compliance {
namespace {

void AddSamples(Database& db, const std::string& sql, const std::vector<DbValue>& params,
                Table& table, std::size_t& rows) {
  std::vector<std::size_t> index;  // result column -> table column
  db.Stream(
      sql, params,
      [&](const std::vector<std::string>& names) {
        for (const std::string& name : names) {
          const auto it = std::find_if(table.columns.begin(), table.columns.end(),
                                       [&](const Column& c) { return c.name == name; });
          index.push_back(it == table.columns.end()
                              ? table.columns.size()
                              : static_cast<std::size_t>(it - table.columns.begin()));
        }
      },
      [&](const DbRow& row) {
        ++rows;
        for (std::size_t i = 0; i < row.size() && i < index.size(); ++i) {
          if (index[i] >= table.columns.size()) continue;
          Column& column = table.columns[index[i]];
          const std::string text = IsNull(row[i]) ? std::string() : DbValueToString(row[i]);
          if (internal::Trim(text).empty()) {
            ++column.null_count;
          } else {
            column.samples.push_back(text);
          }
        }
        return true;
      });
}

std::string RandomSample(const std::string& quoted_table, const std::string& limit) {
  std::string sql = "SELECT * FROM ";
  sql += quoted_table;
  sql += " ORDER BY random() LIMIT ";
  sql += limit;
  return sql;
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  std::string out(url);
  const auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    const auto at = out.find('@', scheme + 3);
    const auto slash = out.find('/', scheme + 3);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const auto colon = out.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at) out.erase(colon, at - colon);
    }
  }
  const auto password = out.find("password=");
  if (password != std::string::npos) {
    const auto end = out.find('&', password);
    out.replace(password + 9, (end == std::string::npos ? out.size() : end) - password - 9, "***");
  }
  return out;
}

Source ReadDatabase(std::string_view url, const DatabaseScanOptions& options) {
  if (options.sample_rows == 0) {
    throw InvalidArgumentError("sample_rows must be at least 1", {.field = "--sample-rows"});
  }
  const std::unique_ptr<Database> db = Database::Open(url, {.read_only = true, .create = false});
  Source source{.path = RedactUrl(url), .format = SourceFormat::kDatabase};
  std::vector<std::string> tables = db->ListTables();
  if (!options.tables.empty()) {
    std::vector<std::string> chosen;
    for (const std::string& wanted : options.tables) {
      const auto it = std::find_if(tables.begin(), tables.end(), [&](const std::string& t) {
        return internal::EqualsIgnoreCase(t, wanted);
      });
      if (it == tables.end()) {
        throw NotFoundError("no table " + wanted + " in the database",
                            {.file = source.path, .field = wanted});
      }
      chosen.push_back(*it);
    }
    tables = chosen;
  }
  const std::string limit = std::to_string(options.sample_rows);
  for (const std::string& name : tables) {
    Table table{.name = name, .location = {.file = source.path, .field = name}};
    const std::string quoted = Database::QuoteIdentifier(name);
    if (db->engine() == DatabaseEngine::kSqlite) {
      const QueryResult info =
          db->Query("SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo(?)", {name});
      for (const DbRow& row : info.rows) {
        Column c;
        c.name = DbValueToString(row[0]);
        c.path = c.name;
        c.type = DbValueToString(row[1]);
        c.nullable = DbValueToString(row[2]) == "0" && DbValueToString(row[3]) == "0";
        c.location = {.file = source.path, .field = name + "." + c.name};
        table.columns.push_back(std::move(c));
      }
      AddSamples(*db, RandomSample(quoted, limit), {}, table, source.sampled_rows);
    } else {
      const QueryResult info = db->Query(
          "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
          "coalesce(col_description(a.attrelid, a.attnum), '') FROM pg_attribute a "
          "WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped "
          "ORDER BY a.attnum",
          {quoted});
      for (const DbRow& row : info.rows) {
        Column c;
        c.name = DbValueToString(row[0]);
        c.path = c.name;
        c.type = DbValueToString(row[1]);
        const std::string not_null = DbValueToString(row[2]);
        c.nullable = !(not_null == "1" || not_null == "t" || not_null == "true");
        c.comment = DbValueToString(row[3]);
        c.location = {.file = source.path, .field = name + "." + c.name};
        table.columns.push_back(std::move(c));
      }
      const QueryResult meta = db->Query(
          "SELECT coalesce(obj_description(to_regclass(?), 'pg_class'), ''), "
          "coalesce((SELECT reltuples FROM pg_class WHERE oid = to_regclass(?)), 0)",
          {quoted, quoted});
      double estimated_rows = 0;
      if (!meta.rows.empty()) {
        table.comment = DbValueToString(meta.rows[0][0]);
        estimated_rows = DbValueAsDouble(meta.rows[0][1]);
      }
      const auto wanted = static_cast<double>(options.sample_rows);
      if (estimated_rows > 20.0 * wanted) {
        // Bernoulli sampling reads every page but sorts nothing; 3x oversampling then LIMIT.
        const double percent = std::min(100.0, 300.0 * wanted / estimated_rows);
        std::string sql = "SELECT * FROM ";
        sql += quoted;
        sql += " TABLESAMPLE BERNOULLI (";
        sql += std::to_string(percent);
        sql += ") REPEATABLE (";
        sql += std::to_string(options.seed % 2147483647ULL);
        sql += ") LIMIT ";
        sql += limit;
        AddSamples(*db, sql, {}, table, source.sampled_rows);
      } else {
        AddSamples(*db, RandomSample(quoted, limit), {}, table, source.sampled_rows);
      }
    }
    source.tables.push_back(std::move(table));
  }
  return source;
}

}  // namespace rampart::compliance
