#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include <rampart/common/error.h>
#include <rampart/compliance/json_schema_source.h>

#include "json_locations.h"
#include "text_util.h"

namespace rampart::compliance {
namespace {

using nlohmann::json;
using Locations = std::unordered_map<std::string, SourceLocation>;

constexpr int kMaxDepth = 32;

json ParseJson(std::string_view text, const std::string& file) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    const std::size_t byte = e.byte > 0 ? e.byte - 1 : 0;
    std::string message = e.what();
    // nlohmann's text starts with "[json.exception.parse_error.101] parse error at line ...:";
    // keep only the reason, our location says where.
    const auto colon = message.rfind(": ");
    if (colon != std::string::npos) message = message.substr(colon + 2);
    throw InputError("malformed JSON: " + message, LocationAt(file, text, byte));
  }
}

std::string Stem(const std::string& file) {
  std::string stem = std::filesystem::path(file).filename().string();
  for (const std::string_view suffix : {".schema.json", ".json", ".avsc"}) {
    if (stem.size() > suffix.size() && stem.ends_with(suffix)) {
      return stem.substr(0, stem.size() - suffix.size());
    }
  }
  return stem;
}

std::string Dotted(const std::string& prefix, const std::string& name) {
  if (prefix.empty()) return name;
  std::string path = prefix;
  path += '.';
  path += name;
  return path;
}

class JsonSchemaWalker {
 public:
  JsonSchemaWalker(const json& root, const Locations& locations, std::string file)
      : root_(root), locations_(locations), file_(std::move(file)) {}

  // Follows "$ref": "#/..." inside the document; returns the target and its pointer.
  std::pair<const json*, std::string> Resolve(const json* node, std::string pointer,
                                              int depth) const {
    while (node->is_object() && node->contains("$ref") && (*node)["$ref"].is_string() &&
           depth < kMaxDepth) {
      const std::string ref = (*node)["$ref"].get<std::string>();
      if (ref.empty() || ref[0] != '#') break;  // external references are out of scope
      const std::string target = ref.substr(1);
      try {
        const json& resolved = root_.at(json::json_pointer(target));
        node = &resolved;
        pointer = target;
      } catch (const json::exception&) {
        const auto where = locations_.find(pointer + "/$ref");
        throw InputError("unresolved $ref \"" + ref + "\"",
                         where != locations_.end() ? where->second : SourceLocation{.file = file_});
      }
      ++depth;
    }
    return {node, pointer};
  }

  void Walk(const json& node_in, const std::string& pointer_in, const std::string& prefix,
            Table& table, int depth, std::set<std::string>& active) const {
    if (depth > kMaxDepth) return;
    auto [node_ptr, pointer] = Resolve(&node_in, pointer_in, 0);
    const json& node = *node_ptr;
    if (!node.is_object()) return;
    if (active.count(pointer) != 0) return;  // a recursive $ref: stop at the cycle
    active.insert(pointer);
    for (const char* combinator : {"allOf", "anyOf", "oneOf"}) {
      if (node.contains(combinator) && node[combinator].is_array()) {
        for (std::size_t i = 0; i < node[combinator].size(); ++i) {
          Walk(node[combinator][i], pointer + "/" + combinator + "/" + std::to_string(i), prefix,
               table, depth + 1, active);
        }
      }
    }
    std::set<std::string> required;
    if (node.contains("required") && node["required"].is_array()) {
      for (const json& r : node["required"])
        if (r.is_string()) required.insert(r.get<std::string>());
    }
    if (node.contains("properties") && !node["properties"].is_object()) {
      const auto where = locations_.find(pointer + "/properties");
      throw InputError("\"properties\" must be an object",
                       where != locations_.end() ? where->second : SourceLocation{.file = file_});
    }
    if (node.contains("properties")) {
      for (const auto& [key, child] : node["properties"].items()) {
        const std::string child_pointer = pointer + "/properties/" + internal::PointerEscape(key);
        const std::string path = Dotted(prefix, key);
        const auto [target, target_pointer] = Resolve(&child, child_pointer, 0);
        if (IsContainer(*target)) {
          Walk(*target, target_pointer, path, table, depth + 1, active);
          continue;
        }
        Column column;
        column.name = key;
        column.path = path;
        column.type = TypeOf(*target);
        column.comment = Describe(child);
        if (column.comment.empty()) column.comment = Describe(*target);
        column.nullable = required.count(key) == 0 || TypeAllowsNull(*target);
        const auto where = locations_.find(child_pointer);
        column.location = where != locations_.end() ? where->second : table.location;
        table.columns.push_back(std::move(column));
      }
    }
    if (node.contains("items")) {
      const json& items = node["items"];
      if (items.is_array()) {  // draft 7 tuple form
        for (std::size_t i = 0; i < items.size(); ++i)
          Walk(items[i], pointer + "/items/" + std::to_string(i), prefix, table, depth + 1, active);
      } else {
        Walk(items, pointer + "/items", prefix, table, depth + 1, active);
      }
    }
    if (node.contains("prefixItems") && node["prefixItems"].is_array()) {  // 2020-12
      for (std::size_t i = 0; i < node["prefixItems"].size(); ++i)
        Walk(node["prefixItems"][i], pointer + "/prefixItems/" + std::to_string(i), prefix, table,
             depth + 1, active);
    }
    active.erase(pointer);
  }

  // An object with properties (or an array of such): its fields become dotted columns.
  bool IsContainer(const json& node) const {
    if (!node.is_object()) return false;
    if (node.contains("properties") || node.contains("allOf") || node.contains("anyOf") ||
        node.contains("oneOf"))
      return true;
    if (node.contains("items")) {
      const json& items = node["items"];
      if (items.is_array()) return true;
      const auto [target, unused] = Resolve(&items, "", 0);
      return IsContainer(*target);
    }
    return node.contains("prefixItems");
  }

  static bool TypeAllowsNull(const json& node) {
    if (!node.contains("type")) return false;
    const json& type = node["type"];
    if (type.is_string()) return type == "null";
    if (type.is_array())
      return std::any_of(type.begin(), type.end(), [](const json& t) { return t == "null"; });
    return false;
  }

  static std::string Describe(const json& node) {
    if (!node.is_object()) return {};
    std::string text;
    if (node.contains("title") && node["title"].is_string())
      text = node["title"].get<std::string>();
    if (node.contains("description") && node["description"].is_string()) {
      if (!text.empty()) text += ": ";
      text += node["description"].get<std::string>();
    }
    return text;
  }

  std::string TypeOf(const json& node) const {
    std::string type;
    if (node.contains("type")) {
      const json& t = node["type"];
      if (t.is_string()) {
        type = t.get<std::string>();
      } else if (t.is_array()) {
        for (const json& part : t) {
          if (!part.is_string() || part == "null") continue;
          if (!type.empty()) type += '|';
          type += part.get<std::string>();
        }
      }
    } else if (node.contains("enum")) {
      type = "enum";
    }
    if (type == "array" && node.contains("items") && node["items"].is_object()) {
      const auto [target, unused] = Resolve(&node["items"], "", 0);
      type = "array<" + TypeOf(*target) + ">";
    }
    if (node.contains("format") && node["format"].is_string())
      type += "(" + node["format"].get<std::string>() + ")";
    return type;
  }

 private:
  const json& root_;
  const Locations& locations_;
  std::string file_;
};

// ---------------------------------------------------------------- Avro

class AvroWalker {
 public:
  AvroWalker(const Locations& locations, std::string file)
      : locations_(locations), file_(std::move(file)) {}

  void Register(const json& type, const std::string& enclosing_namespace) {
    if (!type.is_object() || !type.contains("name") || !type["name"].is_string()) return;
    const std::string name = type["name"].get<std::string>();
    const std::string ns = type.value("namespace", enclosing_namespace);
    named_[name] = &type;
    if (!ns.empty()) named_[ns + "." + name] = &type;
  }

  const json& Deref(const json& type) const {
    if (type.is_string()) {
      const auto it = named_.find(type.get<std::string>());
      if (it != named_.end()) return *it->second;
    }
    return type;
  }

  static bool IsPrimitive(const std::string& name) {
    static const std::set<std::string> kPrimitives = {"null",  "boolean", "int",   "long",
                                                      "float", "double",  "bytes", "string"};
    return kPrimitives.count(name) != 0;
  }

  std::string TypeName(const json& type_in) const {
    const json& type = Deref(type_in);
    if (type.is_string()) return type.get<std::string>();
    if (type.is_array()) {
      std::string out;
      for (const json& t : type) {
        if (t == "null") continue;
        if (!out.empty()) out += '|';
        out += TypeName(t);
      }
      return out;
    }
    if (type.is_object()) {
      const std::string kind = type.value("type", "");
      std::string name = kind;
      if (kind == "array" && type.contains("items"))
        name = "array<" + TypeName(type["items"]) + ">";
      if (kind == "map" && type.contains("values")) name = "map<" + TypeName(type["values"]) + ">";
      if (kind == "record" || kind == "enum" || kind == "fixed") name = type.value("name", kind);
      if (type.contains("logicalType")) name += "(" + type.value("logicalType", "") + ")";
      return name;
    }
    return "unknown";
  }

  // The record inside a field type, if any (through unions with null, arrays and maps).
  const json* NestedRecord(const json& type_in, int depth) const {
    if (depth > kMaxDepth) return nullptr;
    const json& type = Deref(type_in);
    if (type.is_array()) {
      for (const json& t : type) {
        if (t == "null") continue;
        if (const json* r = NestedRecord(t, depth + 1)) return r;
      }
      return nullptr;
    }
    if (!type.is_object()) return nullptr;
    const std::string kind = type.value("type", "");
    if (kind == "record") return &type;
    if (kind == "array" && type.contains("items")) return NestedRecord(type["items"], depth + 1);
    if (kind == "map" && type.contains("values")) return NestedRecord(type["values"], depth + 1);
    return nullptr;
  }

  void Walk(const json& record, const std::string& pointer, const std::string& prefix,
            const std::string& ns, Table& table, int depth, std::set<const json*>& active) {
    if (depth > kMaxDepth || active.count(&record) != 0) return;
    if (!record.contains("fields") || !record["fields"].is_array()) {
      throw InputError("Avro record without a \"fields\" array", Where(pointer));
    }
    active.insert(&record);
    Register(record, ns);
    const std::string record_ns = record.value("namespace", ns);
    const json& fields = record["fields"];
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const json& field = fields[i];
      const std::string field_pointer = pointer + "/fields/" + std::to_string(i);
      if (!field.is_object() || !field.contains("name") || !field["name"].is_string() ||
          !field.contains("type")) {
        throw InputError("Avro field needs a \"name\" and a \"type\"", Where(field_pointer));
      }
      const std::string name = field["name"].get<std::string>();
      const std::string path = Dotted(prefix, name);
      RegisterNested(field["type"], record_ns, 0);
      if (const json* nested = NestedRecord(field["type"], 0)) {
        Walk(*nested, field_pointer + "/type", path, record_ns, table, depth + 1, active);
        continue;
      }
      Column column;
      column.name = name;
      column.path = path;
      column.type = TypeName(field["type"]);
      column.comment = field.value("doc", "");
      bool nullable = false;
      if (field["type"].is_array()) {
        for (const json& t : field["type"]) nullable = nullable || t == "null";
      }
      column.nullable = nullable;
      column.location = Where(field_pointer + "/name");
      table.columns.push_back(std::move(column));
    }
    active.erase(&record);
  }

  void RegisterNested(const json& type, const std::string& ns, int depth) {
    if (depth > kMaxDepth) return;
    if (type.is_array()) {
      for (const json& t : type) RegisterNested(t, ns, depth + 1);
    } else if (type.is_object()) {
      Register(type, ns);
      if (type.contains("items")) RegisterNested(type["items"], ns, depth + 1);
      if (type.contains("values")) RegisterNested(type["values"], ns, depth + 1);
    }
  }

  SourceLocation Where(const std::string& pointer) const {
    const auto it = locations_.find(pointer);
    return it != locations_.end() ? it->second : SourceLocation{.file = file_};
  }

 private:
  const Locations& locations_;
  std::string file_;
  std::map<std::string, const json*> named_;
};

}  // namespace

namespace {
Source ReadJsonSchemaChecked(std::string_view text, const std::string& file) {
  const json root = ParseJson(text, file);
  if (!root.is_object()) {
    throw InputError("a JSON Schema must be an object", LocationAt(file, text, 0));
  }
  const Locations locations = internal::JsonKeyLocations(text, file);
  const JsonSchemaWalker walker(root, locations, file);
  Source source{.path = file, .format = SourceFormat::kJsonSchema};
  auto add_table = [&](const json& schema, const std::string& pointer, const std::string& name) {
    Table table;
    table.name = name;
    table.comment = JsonSchemaWalker::Describe(schema);
    // The root object is the table: point at its '{' (nothing but blanks precede it in valid
    // JSON); a definition is pointed at by its key.
    const auto where = locations.find(pointer);
    table.location = pointer.empty() ? LocationAt(file, text, std::min(text.find('{'), text.size()))
                     : where != locations.end()
                         ? where->second
                         : SourceLocation{.file = file, .line = 1, .column = 1};
    std::set<std::string> active;
    walker.Walk(schema, pointer, "", table, 0, active);
    source.tables.push_back(std::move(table));
  };
  const bool has_root_fields = walker.IsContainer(root) || root.contains("$ref");
  if (has_root_fields) {
    add_table(root, "",
              root.contains("title") && root["title"].is_string() ? root["title"].get<std::string>()
                                                                  : Stem(file));
  } else {
    // A bundle of definitions only: each object definition is a table of its own.
    for (const char* defs : {"$defs", "definitions"}) {
      if (!root.contains(defs) || !root[defs].is_object()) continue;
      for (const auto& [key, schema] : root[defs].items()) {
        if (walker.IsContainer(schema))
          add_table(schema, std::string("/") + defs + "/" + internal::PointerEscape(key), key);
      }
    }
  }
  if (source.tables.empty()) {
    throw InputError("no \"properties\" found: not a JSON Schema of records",
                     LocationAt(file, text, 0));
  }
  return source;
}

Source ReadAvroSchemaChecked(std::string_view text, const std::string& file) {
  const json root = ParseJson(text, file);
  const Locations locations = internal::JsonKeyLocations(text, file);
  AvroWalker walker(locations, file);
  Source source{.path = file, .format = SourceFormat::kAvro};
  auto add_record = [&](const json& record, const std::string& pointer) {
    if (!record.is_object() || record.value("type", "") != "record") {
      throw InputError("the top level of an Avro schema must be a record (or a list of them)",
                       walker.Where(pointer.empty() ? "/type" : pointer));
    }
    Table table;
    table.name = record.value("name", Stem(file));
    table.comment = record.value("doc", "");
    table.location = walker.Where(pointer + "/name");
    std::set<const json*> active;
    walker.Walk(record, pointer, "", record.value("namespace", ""), table, 0, active);
    source.tables.push_back(std::move(table));
  };
  if (root.is_array()) {
    for (std::size_t i = 0; i < root.size(); ++i) {
      walker.RegisterNested(root[i], "", 0);
      if (root[i].is_object() && root[i].value("type", "") == "record")
        add_record(root[i], "/" + std::to_string(i));
    }
  } else {
    add_record(root, "");
  }
  return source;
}

}  // namespace

// A value of an unexpected JSON type (a "type" that is a number, ...) surfaces from nlohmann as a
// type_error: report it as malformed input of this file, never as a crash.
Source ReadJsonSchema(std::string_view text, const std::string& file) {
  try {
    return ReadJsonSchemaChecked(text, file);
  } catch (const json::exception& e) {
    throw InputError(std::string("unexpected JSON Schema structure: ") + e.what(), {.file = file});
  }
}

Source ReadAvroSchema(std::string_view text, const std::string& file) {
  try {
    return ReadAvroSchemaChecked(text, file);
  } catch (const json::exception& e) {
    throw InputError(std::string("unexpected Avro schema structure: ") + e.what(), {.file = file});
  }
}

Source ReadJsonSchemaFile(const std::filesystem::path& path) {
  return ReadJsonSchema(internal::ReadTextFile(path), path.string());
}

Source ReadAvroSchemaFile(const std::filesystem::path& path) {
  return ReadAvroSchema(internal::ReadTextFile(path), path.string());
}

}  // namespace rampart::compliance
