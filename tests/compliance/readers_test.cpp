#include <sstream>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/compliance/csv_source.h>
#include <rampart/compliance/ddl_source.h>
#include <rampart/compliance/json_schema_source.h>

namespace rampart::compliance {
namespace {

const Column& Find(const Table& table, const std::string& path) {
  for (const Column& c : table.columns) {
    if (c.path == path) return c;
  }
  throw std::runtime_error("no column " + path);
}

TEST(DdlSourceTest, PostgresColumnsTypesCommentsAndLocations) {
  const std::string sql =
      "-- shop\n"
      "CREATE TABLE crm.customers (\n"
      "  id bigserial PRIMARY KEY,\n"
      "  email varchar(255) NOT NULL,\n"
      "  dob date, -- date of birth\n"
      "  tags text[]\n"
      ");\n"
      "COMMENT ON COLUMN crm.customers.email IS 'contact address';\n"
      "COMMENT ON TABLE crm.customers IS 'people who buy';\n"
      "ALTER TABLE crm.customers ADD COLUMN phone text;\n";
  const Source source = ReadDdl(sql, "shop.sql");
  EXPECT_EQ(source.format, SourceFormat::kPostgresDdl);
  ASSERT_EQ(source.tables.size(), 1U);
  const Table& t = source.tables[0];
  EXPECT_EQ(t.name, "crm.customers");
  EXPECT_EQ(t.comment, "people who buy");
  ASSERT_EQ(t.columns.size(), 5U);
  const Column& email = Find(t, "email");
  EXPECT_EQ(email.type, "varchar(255)");
  EXPECT_EQ(email.nullable, false);
  EXPECT_EQ(email.comment, "contact address");
  EXPECT_EQ(email.location.file, "shop.sql");
  EXPECT_EQ(email.location.line, 4);
  EXPECT_EQ(email.location.column, 3);
  EXPECT_EQ(Find(t, "dob").comment, "date of birth");
  EXPECT_EQ(Find(t, "dob").nullable, true);
  EXPECT_EQ(Find(t, "tags").type, "text[]");
  EXPECT_EQ(Find(t, "id").nullable, false);
  EXPECT_EQ(Find(t, "phone").location.line, 10);
  EXPECT_EQ(Find(t, "phone").location.column, 38);
}

TEST(DdlSourceTest, MysqlBackticksEngineInlineComments) {
  const std::string sql =
      "CREATE TABLE `users` (\n"
      "  `id` int(11) unsigned NOT NULL AUTO_INCREMENT,\n"
      "  `e_mail` varchar(191) DEFAULT NULL COMMENT 'login e-mail',\n"
      "  `note` text COMMENT 'it''s free text',\n"
      "  PRIMARY KEY (`id`),\n"
      "  KEY `idx_mail` (`e_mail`)\n"
      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='site users';\n";
  const Source source = ReadDdl(sql, "my.sql");
  EXPECT_EQ(source.format, SourceFormat::kMysqlDdl);
  ASSERT_EQ(source.tables.size(), 1U);
  const Table& t = source.tables[0];
  EXPECT_EQ(t.name, "users");
  EXPECT_EQ(t.comment, "site users");
  ASSERT_EQ(t.columns.size(), 3U);
  EXPECT_EQ(t.columns[0].type, "int(11) unsigned");
  EXPECT_EQ(t.columns[0].nullable, false);
  EXPECT_EQ(t.columns[1].name, "e_mail");
  EXPECT_EQ(t.columns[1].comment, "login e-mail");
  EXPECT_EQ(t.columns[1].nullable, true);
  EXPECT_EQ(t.columns[1].location.line, 3);
  EXPECT_EQ(t.columns[1].location.column, 3);
  EXPECT_EQ(t.columns[2].comment, "it's free text");
}

TEST(DdlSourceTest, SqliteOnlySyntaxReadBySqlite) {
  const std::string sql =
      "CREATE TABLE [patients] (\n"
      "  pid INTEGER PRIMARY KEY,\n"
      "  full_name,          -- untyped\n"
      "  diagnosis TEXT NOT NULL\n"
      ") WITHOUT ROWID;\n";
  const Source source = ReadDdl(sql, "clinic.sql");
  EXPECT_EQ(source.format, SourceFormat::kSqliteDdl);
  ASSERT_EQ(source.tables.size(), 1U);
  const Table& t = source.tables[0];
  EXPECT_EQ(t.name, "patients");
  ASSERT_EQ(t.columns.size(), 3U);
  EXPECT_EQ(t.columns[1].name, "full_name");
  EXPECT_EQ(t.columns[1].type, "");
  EXPECT_EQ(t.columns[1].comment, "untyped");
  EXPECT_EQ(t.columns[1].location.line, 3);
  EXPECT_EQ(t.columns[1].location.column, 3);
  EXPECT_EQ(t.columns[2].nullable, false);
}

TEST(DdlSourceTest, MalformedDdlReportsLineAndColumn) {
  try {
    (void)ReadDdl("CREATE TABLE a (\n  id int,\n  name text,,\n);\n", "bad.sql");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.location().file, "bad.sql");
    EXPECT_EQ(e.location().line, 3);
    EXPECT_EQ(e.location().column, 13);
  }
  EXPECT_THROW((void)ReadDdl("CREATE TABLE x ('unterminated", "u.sql"), InputError);
}

TEST(DdlSourceTest, InvalidUtf8InIdentifiersIsReadNotFatal) {
  // Found by the fuzzer: libpg_query passes the byte into its JSON parse tree unchanged.
  const Source source = ReadDdl(
      "CREATE TABLE t (id int, email \x89"
      "ext);",
      "utf8.sql");
  ASSERT_EQ(source.tables.size(), 1U);
  ASSERT_EQ(source.tables[0].columns.size(), 2U);
  EXPECT_EQ(source.tables[0].columns[1].location.column, 25);
}

TEST(DdlSourceTest, SqliteDdlCannotAttachFiles) {
  EXPECT_THROW((void)ReadDdl("ATTACH DATABASE '/tmp/rampart_should_not_exist.db' AS x;",
                             "attach.sql", SqlDialect::kSqlite),
               InputError);
  EXPECT_FALSE(std::filesystem::exists("/tmp/rampart_should_not_exist.db"));
}

TEST(JsonSchemaSourceTest, NestedPropertiesItemsRefsAndLocations) {
  const std::string text = R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "employee",
  "type": "object",
  "required": ["email"],
  "properties": {
    "email": {"type": "string", "format": "email", "description": "work e-mail"},
    "home": {"$ref": "#/$defs/address"},
    "children": {"type": "array", "items": {"type": "object",
                 "properties": {"first_name": {"type": "string"}}}},
    "skills": {"type": "array", "items": {"type": "string"}}
  },
  "$defs": {
    "address": {"type": "object", "properties": {
      "street": {"type": ["string", "null"]},
      "zip": {"type": "string"}}}
  }
})";
  const Source source = ReadJsonSchema(text, "hr.json");
  ASSERT_EQ(source.tables.size(), 1U);
  const Table& t = source.tables[0];
  EXPECT_EQ(t.name, "employee");
  ASSERT_EQ(t.columns.size(), 5U);
  const Column& email = Find(t, "email");
  EXPECT_EQ(email.type, "string(email)");
  EXPECT_EQ(email.comment, "work e-mail");
  EXPECT_EQ(email.nullable, false);
  EXPECT_EQ(email.location.line, 7);
  EXPECT_EQ(email.location.column, 5);
  const Column& street = Find(t, "home.street");
  EXPECT_EQ(street.nullable, true);
  EXPECT_EQ(street.location.line, 15);
  EXPECT_EQ(Find(t, "children.first_name").location.line, 10);
  EXPECT_EQ(Find(t, "skills").type, "array<string>");
}

TEST(JsonSchemaSourceTest, Draft7DefinitionsAndCycles) {
  const std::string text = R"({"$schema": "http://json-schema.org/draft-07/schema#",
 "definitions": {"person": {"type": "object", "properties": {
   "name": {"type": "string"}, "parent": {"$ref": "#/definitions/person"}}}},
 "$ref": "#/definitions/person"})";
  const Source source = ReadJsonSchema(text, "people.schema.json");
  ASSERT_EQ(source.tables.size(), 1U);
  EXPECT_EQ(source.tables[0].name, "people");
  EXPECT_EQ(source.tables[0].columns.size(), 1U);  // the recursive parent stops at the cycle
}

TEST(JsonSchemaSourceTest, MalformedJsonHasLocation) {
  try {
    (void)ReadJsonSchema("{\n  \"properties\": {\n    \"a\": {,}\n  }\n}", "x.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.location().line, 3);
    EXPECT_EQ(e.location().column, 11);
  }
  EXPECT_THROW((void)ReadJsonSchema(R"({"properties": {"a": {"$ref": "#/nope"}}})", "r.json"),
               InputError);
  EXPECT_THROW((void)ReadJsonSchema(R"({"type": 5, "properties": 3})", "t.json"), InputError);
}

TEST(AvroSourceTest, RecordsUnionsNestedAndNamedTypes) {
  const std::string text = R"({"type": "record", "name": "User", "namespace": "shop",
 "doc": "a customer",
 "fields": [
  {"name": "email", "type": ["null", "string"], "doc": "login"},
  {"name": "address", "type": {"type": "record", "name": "Address",
     "fields": [{"name": "city", "type": "string"}]}},
  {"name": "billing", "type": "Address"},
  {"name": "birth", "type": {"type": "int", "logicalType": "date"}}
 ]})";
  const Source source = ReadAvroSchema(text, "user.avsc");
  ASSERT_EQ(source.tables.size(), 1U);
  const Table& t = source.tables[0];
  EXPECT_EQ(t.name, "User");
  EXPECT_EQ(t.comment, "a customer");
  ASSERT_EQ(t.columns.size(), 4U);
  EXPECT_EQ(Find(t, "email").nullable, true);
  EXPECT_EQ(Find(t, "email").comment, "login");
  EXPECT_EQ(Find(t, "email").location.line, 4);
  EXPECT_EQ(Find(t, "address.city").type, "string");
  EXPECT_EQ(Find(t, "billing.city").type, "string");
  EXPECT_EQ(Find(t, "birth").type, "int(date)");
  EXPECT_THROW((void)ReadAvroSchema(R"({"type": "record", "name": "X"})", "x.avsc"), InputError);
}

TEST(CsvSourceTest, SniffsSemicolonWithDecimalCommaAndBom) {
  std::istringstream in(
      "\xEF\xBB\xBFname;weight_kg;email\nAnna;61,5;anna@example.org\nBob;80,25;bob@example.com\n");
  const Source source = ReadCsv(in, "people.csv");
  ASSERT_EQ(source.tables.size(), 1U);
  const Table& t = source.tables[0];
  EXPECT_EQ(t.name, "people");
  ASSERT_EQ(t.columns.size(), 3U);
  EXPECT_EQ(t.columns[0].name, "name");
  EXPECT_EQ(t.columns[1].type, "decimal");
  EXPECT_EQ(t.columns[1].samples, (std::vector<std::string>{"61,5", "80,25"}));
  EXPECT_EQ(t.columns[2].location.column, 16);
  EXPECT_EQ(source.sampled_rows, 2U);
}

TEST(CsvSourceTest, ReservoirIsBoundedUniformAndSeeded) {
  std::string text = "id\n";
  for (int i = 0; i < 10000; ++i) text += std::to_string(i) + "\n";
  std::istringstream a(text);
  std::istringstream b(text);
  const Source s1 = ReadCsv(a, "n.csv", {.sample_rows = 200, .seed = 3});
  const Source s2 = ReadCsv(b, "n.csv", {.sample_rows = 200, .seed = 3});
  const auto& v = s1.tables[0].columns[0].samples;
  EXPECT_EQ(v.size(), 200U);
  EXPECT_EQ(v, s2.tables[0].columns[0].samples);
  // Uniform over the file: the sample mean is near 4999.5 (sd of the mean ~ 204).
  double sum = 0;
  int late = 0;
  for (const auto& x : v) {
    sum += std::stod(x);
    late += std::stoi(x) >= 5000 ? 1 : 0;
  }
  EXPECT_NEAR(sum / 200.0, 4999.5, 4 * 205.0);
  EXPECT_GT(late, 60);  // rows from the second half are kept too
  EXPECT_EQ(s1.sampled_rows, 10000U);
}

TEST(CsvSourceTest, RaggedRowIsAnErrorWithLine) {
  std::istringstream in("a,b\n1,2\n3\n");
  try {
    (void)ReadCsv(in, "r.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.location().line, 3);
  }
  std::istringstream ok("a\n1\n");
  EXPECT_THROW((void)ReadCsv(ok, "z.csv", {.sample_rows = 0}), InvalidArgumentError);
}

}  // namespace
}  // namespace rampart::compliance
