// The decision: for every column of every source, is it personal data, of which category and
// entity, how sure are we, and why. Name evidence (name_classifier.h) and the fraction of
// sampled values that validate (detectors.h, validators.h) are combined; counters, flags, order
// totals, product data, business addresses and system timestamps come out as `none`.
//
//   Scanner scanner({.sample_rows = 500});
//   ScanResult result = scanner.ScanPaths({"schemas/", "exports/patients.csv"});
//   scanner.ScanDatabase("sqlite:shop.db", result);      // live catalogs and sampled rows
//   for (const ColumnResult& c : result.columns)
//     if (c.personal) std::cout << c.table << "." << c.column << " " << EntityName(c.entity);
//
// Malformed files do not stop a scan: they are recorded in ScanResult::errors with file:line
// and the rest is still scanned (the CLI then exits 2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <rampart/common/error.h>
#include <rampart/compliance/entities.h>
#include <rampart/compliance/schema.h>
#include <rampart/compliance/validators.h>

namespace rampart::compliance {

struct Evidence {
  std::string kind;    // "name", "comment", "values", "context", "negative", "type"
  std::string detail;  // human-readable: "column token 'email' (en)", "47 of 50 values: iban"
};

struct ColumnResult {
  std::string source;  // file path or redacted database URL
  std::string table;
  std::string column;  // dotted path for nested fields
  std::string type;
  SourceLocation location;
  bool personal = false;
  Category category = Category::kNone;
  Entity entity = Entity::kNone;
  std::string subtype;
  double confidence = 0.0;  // for `personal` == true: that it is this entity; else that it is none
  std::vector<Evidence> evidence;
  std::string recommendation;
  std::size_t values_sampled = 0;
  std::size_t values_matched = 0;
};

// A scanned table and where it is declared, for findings about the whole table (retention,
// k-anonymity): the CREATE TABLE keyword, the JSON Schema object (or its definition's key), the
// Avro record's name, line 1 of a CSV file; databases: the table name in `location.field`.
struct TableResult {
  std::string source;  // as ColumnResult::source
  std::string table;   // as ColumnResult::table
  SourceLocation location;
};

struct ScanError {
  SourceLocation location;
  std::string kind;  // ErrorKindName
  std::string message;
};

struct ScanOptions {
  std::size_t sample_rows = 1000;
  std::uint64_t seed = 0x5eed5eedULL;
  std::vector<std::string> tables;  // databases only: restrict to these tables
  Date reference_date = Today();    // "now" for plausible ages
};

struct ScanResult {
  std::vector<std::string> sources;  // every file or database that was read
  std::vector<TableResult> tables;   // every table of every source, in reading order
  std::vector<ColumnResult> columns;
  std::vector<ScanError> errors;

  [[nodiscard]] std::size_t PersonalCount() const;
};

class Scanner {
 public:
  // Throws InvalidArgumentError for sample_rows == 0.
  explicit Scanner(ScanOptions options = {});

  // Classifies one column of a table (its samples, if any, are validated).
  [[nodiscard]] ColumnResult ClassifyColumn(const Source& source, const Table& table,
                                            const Column& column) const;
  // Classifies every column of `source` into `result`.
  void AddSource(const Source& source, ScanResult& result) const;
  // Reads files and directories (recursively: *.sql *.ddl *.json *.avsc *.csv *.tsv *.psv);
  // errors of one file are recorded and the others still scanned.
  [[nodiscard]] ScanResult ScanPaths(const std::vector<std::string>& paths) const;
  // Reads a live database (db_source.h) into `result`; a connection error is recorded.
  void ScanDatabase(const std::string& url, ScanResult& result) const;

  [[nodiscard]] const ScanOptions& options() const { return options_; }

 private:
  ScanOptions options_;
};

// What to do about a column of this category/entity (GDPR Art. 5(1)(c), 9, 32; PCI DSS).
[[nodiscard]] std::string RecommendationFor(Category category, Entity entity);

}  // namespace rampart::compliance
