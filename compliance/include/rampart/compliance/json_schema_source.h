// Reads JSON Schema (draft 7 and 2020-12) and Avro schemas (.avsc) into the neutral schema model.
// Nested objects become dotted paths ("address.street"); array items are followed ("items",
// "prefixItems", Avro "array"/"map"); "$ref" pointers inside the document ("#/definitions/x",
// "#/$defs/x") are resolved, with a guard against cycles; "description" / Avro "doc" become the
// column comment; "required" / Avro unions with "null" set nullability. Every column keeps the
// line and column of its key in the file.
//
//   Source s = ReadJsonSchemaFile("hr_employee.schema.json");   // table name: "title" or stem
//   Source a = ReadAvroSchemaFile("user.avsc");                 // table name: record name
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <rampart/compliance/schema.h>

namespace rampart::compliance {

// Both throw InputError with file:line:column on malformed JSON or a schema that is not one.
[[nodiscard]] Source ReadJsonSchema(std::string_view text, const std::string& file);
[[nodiscard]] Source ReadAvroSchema(std::string_view text, const std::string& file);
[[nodiscard]] Source ReadJsonSchemaFile(const std::filesystem::path& path);
[[nodiscard]] Source ReadAvroSchemaFile(const std::filesystem::path& path);

}  // namespace rampart::compliance
