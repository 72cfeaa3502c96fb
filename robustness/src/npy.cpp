#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>

#include <rampart/common/error.h>
#include <rampart/robustness/npy.h>

namespace rampart::robustness {

namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      throw NotFoundError("file not found", {.file = path.string()});
    throw IoError("cannot open the file", {.file = path.string()});
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The text after `'key':` in the header dictionary, up to the next top-level comma or brace.
std::string_view HeaderValue(std::string_view header, std::string_view key,
                             const std::string& source) {
  const std::string quoted = "'" + std::string(key) + "'";
  const std::size_t at = header.find(quoted);
  if (at == std::string_view::npos) {
    throw InputError("npy header has no '" + std::string(key) + "'", {.file = source});
  }
  std::size_t pos = header.find(':', at + quoted.size());
  if (pos == std::string_view::npos) throw InputError("malformed npy header", {.file = source});
  ++pos;
  while (pos < header.size() && header[pos] == ' ') ++pos;
  int depth = 0;
  std::size_t end = pos;
  for (; end < header.size(); ++end) {
    const char c = header[end];
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (depth == 0 && (c == ',' || c == '}')) {
      break;
    }
  }
  return header.substr(pos, end - pos);
}

template <typename T>
void Append(std::string_view data, std::size_t count, std::vector<double>& out) {
  out.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    T value;
    std::memcpy(&value, data.data() + i * sizeof(T), sizeof(T));
    out[i] = static_cast<double>(value);
  }
}

}  // namespace

bool NpyArray::is_integer() const {
  return dtype.size() >= 2 && (dtype[1] == 'i' || dtype[1] == 'u');
}

NpyArray ReadNpy(const std::filesystem::path& path) {
  return ParseNpy(ReadFile(path), path.string());
}

NpyArray ParseNpy(std::string_view bytes, const std::string& source) {
  constexpr std::string_view kMagic("\x93NUMPY", 6);
  if (bytes.size() < 10 || bytes.substr(0, 6) != kMagic) {
    throw InputError("not a NumPy .npy file (bad magic string)", {.file = source});
  }
  const auto major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0;
  std::size_t header_start = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) |
                 (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8U);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw InputError("truncated npy header", {.file = source});
    for (std::size_t i = 0; i < 4; ++i) {
      header_len |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    }
    header_start = 12;
  } else {
    throw InputError("unsupported npy format version " + std::to_string(major), {.file = source});
  }
  if (header_start + header_len > bytes.size()) {
    throw InputError("truncated npy header", {.file = source});
  }
  const std::string_view header = bytes.substr(header_start, header_len);
  NpyArray array;
  std::string_view descr = HeaderValue(header, "descr", source);
  if (descr.size() < 2 || (descr.front() != '\'' && descr.front() != '"')) {
    throw InputError("malformed npy descr", {.file = source});
  }
  array.dtype = std::string(descr.substr(1, descr.size() - 2));
  const std::string_view fortran = HeaderValue(header, "fortran_order", source);
  if (fortran.substr(0, 4) == "True") {
    throw InputError("npy array in Fortran order (save it with C order)", {.file = source});
  }
  std::string_view shape = HeaderValue(header, "shape", source);
  if (shape.empty() || shape.front() != '(')
    throw InputError("malformed npy shape", {.file = source});
  shape.remove_prefix(1);
  while (!shape.empty() && shape.front() != ')') {
    while (!shape.empty() && (shape.front() == ' ' || shape.front() == ',')) shape.remove_prefix(1);
    if (shape.empty() || shape.front() == ')') break;
    std::int64_t dim = 0;
    const auto [ptr, ec] = std::from_chars(shape.data(), shape.data() + shape.size(), dim);
    if (ec != std::errc() || dim < 0) throw InputError("malformed npy shape", {.file = source});
    array.shape.push_back(dim);
    shape.remove_prefix(static_cast<std::size_t>(ptr - shape.data()));
    while (!shape.empty() && shape.front() == 'L') shape.remove_prefix(1);
  }
  const std::int64_t count = ElementCount(array.shape);
  const std::string& t = array.dtype;
  if (t.size() < 3 || (t[0] != '<' && t[0] != '|' && t[0] != '=')) {
    throw InputError("npy dtype '" + t + "' is not little-endian", {.file = source});
  }
  const std::string kind = t.substr(1);
  std::size_t width = 0;
  if (kind == "f4" || kind == "i4")
    width = 4;
  else if (kind == "f8" || kind == "i8")
    width = 8;
  else if (kind == "u1")
    width = 1;
  else
    throw InputError("unsupported npy dtype '" + t + "' (float32/64, int32/64, uint8)",
                     {.file = source});
  const std::string_view data = bytes.substr(header_start + header_len);
  if (static_cast<std::uint64_t>(count) > data.size() / width ||
      data.size() != static_cast<std::size_t>(count) * width) {
    throw InputError("npy data holds " + std::to_string(data.size()) + " bytes but the shape " +
                         ShapeToString(array.shape) + " needs " +
                         std::to_string(static_cast<std::size_t>(count) * width),
                     {.file = source});
  }
  const auto n = static_cast<std::size_t>(count);
  if (kind == "f4")
    Append<float>(data, n, array.values);
  else if (kind == "f8")
    Append<double>(data, n, array.values);
  else if (kind == "i4")
    Append<std::int32_t>(data, n, array.values);
  else if (kind == "i8")
    Append<std::int64_t>(data, n, array.values);
  else
    Append<std::uint8_t>(data, n, array.values);
  return array;
}

}  // namespace rampart::robustness
