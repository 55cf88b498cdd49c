#pragma once

// A small JSON document type, a strict parser and a writer: what shiftguard's text formats
// (profiles, schemas) need, with no dependency beyond the standard library.
//
// * A value is null, a boolean, a number, a string, an array or an object. Objects keep their
//   keys in insertion order (so a written file reads in the order it was built) and lookups are
//   linear: the documents here are small (a schema of a few hundred columns at most).
// * Numbers keep integers exact: a literal without fraction or exponent that fits in a signed
//   or unsigned 64-bit integer is stored as that integer; every other number is a double.
// * JSON has no NaN or infinity. The writer writes non-finite doubles as the strings "NaN",
//   "Infinity" and "-Infinity", and as_number() reads those strings back, so a profile of an
//   all-missing column round-trips. (Python's json module writes bare NaN; those files are
//   not JSON and the parser rejects them with a message that says so.)
// * parse() follows RFC 8259 strictly: one value, optional whitespace around it, no trailing
//   commas, no comments, no leading zeros, strings in UTF-8 with escapes (including surrogate
//   pairs for \u escapes). Nesting deeper than max_depth is refused instead of overflowing the
//   stack. Every failure throws format_error "json: <what> at line L column C".
// * The typed accessors (as_number, as_string, at, ...) throw format_error naming what was
//   expected and what was found, so a loader that reads a document field by field reports a
//   malformed file instead of misreading it.

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shiftguard/core/errors.hpp"

namespace shiftguard::json {

/// Deepest nesting of arrays and objects that parse() accepts.
inline constexpr int max_depth = 256;

class value {
 public:
  enum class kind { null, boolean, number, string, array, object };
  using array_type = std::vector<value>;
  using object_type = std::vector<std::pair<std::string, value>>;

  value() = default;
  value(std::nullptr_t) {}  // NOLINT(google-explicit-constructor): JSON literal
  value(bool flag) : kind_(kind::boolean), boolean_(flag) {}  // NOLINT
  value(double number) : kind_(kind::number), number_(number) {}  // NOLINT
  value(float number) : value(static_cast<double>(number)) {}  // NOLINT
  value(int number) : value(static_cast<long long>(number)) {}  // NOLINT
  value(long number) : value(static_cast<long long>(number)) {}  // NOLINT
  value(long long number)  // NOLINT
      : kind_(kind::number), form_(number_form::signed_integer),
        number_(static_cast<double>(number)), signed_(number) {}
  value(unsigned number) : value(static_cast<unsigned long long>(number)) {}  // NOLINT
  value(unsigned long number) : value(static_cast<unsigned long long>(number)) {}  // NOLINT
  value(unsigned long long number)  // NOLINT
      : kind_(kind::number), form_(number_form::unsigned_integer),
        number_(static_cast<double>(number)), unsigned_(number) {}
  value(const char* text) : kind_(kind::string), string_(text) {}  // NOLINT
  value(std::string text) : kind_(kind::string), string_(std::move(text)) {}  // NOLINT
  value(std::string_view text) : kind_(kind::string), string_(text) {}  // NOLINT

  static value array() {
    value out;
    out.kind_ = kind::array;
    return out;
  }
  static value object() {
    value out;
    out.kind_ = kind::object;
    return out;
  }

  kind type() const { return kind_; }
  bool is_null() const { return kind_ == kind::null; }
  bool is_bool() const { return kind_ == kind::boolean; }
  bool is_number() const { return kind_ == kind::number; }
  bool is_string() const { return kind_ == kind::string; }
  bool is_array() const { return kind_ == kind::array; }
  bool is_object() const { return kind_ == kind::object; }
  /// True for a number stored as an integer (an integer literal, or built from one).
  bool is_integer() const { return kind_ == kind::number && form_ != number_form::floating; }

  bool as_bool() const {
    expect(kind::boolean);
    return boolean_;
  }

  /// The number as a double; the strings "NaN", "Infinity" and "-Infinity" give the
  /// non-finite doubles the writer stores that way.
  double as_number() const {
    if (kind_ == kind::string) {
      if (string_ == "NaN") return std::numeric_limits<double>::quiet_NaN();
      if (string_ == "Infinity") return std::numeric_limits<double>::infinity();
      if (string_ == "-Infinity") return -std::numeric_limits<double>::infinity();
    }
    expect(kind::number);
    return number_;
  }

  /// The number as a signed 64-bit integer; a number with a fraction or out of range throws.
  std::int64_t as_int() const {
    expect(kind::number);
    switch (form_) {
      case number_form::signed_integer:
        return signed_;
      case number_form::unsigned_integer:
        if (unsigned_ <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          return static_cast<std::int64_t>(unsigned_);
        }
        break;
      case number_form::floating:
        if (std::isfinite(number_) && number_ == std::floor(number_) && number_ >= -9.2e18 &&
            number_ <= 9.2e18) {
          return static_cast<std::int64_t>(number_);
        }
        break;
    }
    throw format_error("json: expected an integer, got " + dump());
  }

  /// The number as an unsigned 64-bit integer; negative, fractional or out-of-range throws.
  std::uint64_t as_uint() const {
    expect(kind::number);
    switch (form_) {
      case number_form::unsigned_integer:
        return unsigned_;
      case number_form::signed_integer:
        if (signed_ >= 0) return static_cast<std::uint64_t>(signed_);
        break;
      case number_form::floating:
        if (std::isfinite(number_) && number_ == std::floor(number_) && number_ >= 0 &&
            number_ <= 1.8e19) {
          return static_cast<std::uint64_t>(number_);
        }
        break;
    }
    throw format_error("json: expected a non-negative integer, got " + dump());
  }

  const std::string& as_string() const {
    expect(kind::string);
    return string_;
  }
  const array_type& as_array() const {
    expect(kind::array);
    return array_;
  }
  array_type& as_array() {
    expect(kind::array);
    return array_;
  }
  const object_type& as_object() const {
    expect(kind::object);
    return object_;
  }
  object_type& as_object() {
    expect(kind::object);
    return object_;
  }

  /// Object member by key, inserted as null when absent; a null value becomes an object.
  value& operator[](std::string_view key) {
    if (kind_ == kind::null) kind_ = kind::object;
    expect(kind::object);
    for (auto& member : object_) {
      if (member.first == key) return member.second;
    }
    object_.emplace_back(std::string(key), value());
    return object_.back().second;
  }

  /// Object member by key; format_error "missing key 'k'" when absent.
  const value& at(std::string_view key) const {
    const value* found = find(key);
    if (found == nullptr) throw format_error("json: missing key '" + std::string(key) + "'");
    return *found;
  }

  /// Array element by position; format_error when out of range.
  const value& at(std::size_t position) const {
    expect(kind::array);
    if (position >= array_.size()) {
      throw format_error("json: index " + std::to_string(position) + " out of range for an array of " +
                         std::to_string(array_.size()) + " elements");
    }
    return array_[position];
  }

  /// Object member by key, or nullptr when absent.
  const value* find(std::string_view key) const {
    expect(kind::object);
    for (const auto& member : object_) {
      if (member.first == key) return &member.second;
    }
    return nullptr;
  }

  bool contains(std::string_view key) const { return find(key) != nullptr; }

  /// Appends to an array; a null value becomes an array.
  void push_back(value element) {
    if (kind_ == kind::null) kind_ = kind::array;
    expect(kind::array);
    array_.push_back(std::move(element));
  }

  /// Elements of an array, members of an object, 0 for anything else.
  std::size_t size() const {
    if (kind_ == kind::array) return array_.size();
    if (kind_ == kind::object) return object_.size();
    return 0;
  }

  /// The document as text: compact when indent < 0, else pretty-printed with that many spaces.
  std::string dump(int indent = -1) const {
    std::string out;
    write(out, indent, 0);
    return out;
  }

  friend bool operator==(const value& a, const value& b) {
    if (a.kind_ != b.kind_) return false;
    switch (a.kind_) {
      case kind::null: return true;
      case kind::boolean: return a.boolean_ == b.boolean_;
      case kind::number:
        if (a.form_ != number_form::floating && a.form_ == b.form_) {
          return a.form_ == number_form::signed_integer ? a.signed_ == b.signed_
                                                       : a.unsigned_ == b.unsigned_;
        }
        return a.number_ == b.number_;
      case kind::string: return a.string_ == b.string_;
      case kind::array: return a.array_ == b.array_;
      case kind::object: return a.object_ == b.object_;
    }
    return false;
  }
  friend bool operator!=(const value& a, const value& b) { return !(a == b); }

  static const char* kind_name(kind k) {
    switch (k) {
      case kind::null: return "null";
      case kind::boolean: return "a boolean";
      case kind::number: return "a number";
      case kind::string: return "a string";
      case kind::array: return "an array";
      case kind::object: return "an object";
    }
    return "?";
  }

 private:
  enum class number_form { floating, signed_integer, unsigned_integer };
  friend class parser;

  void expect(kind wanted) const {
    if (kind_ != wanted) {
      throw format_error(std::string("json: expected ") + kind_name(wanted) + ", got " +
                         kind_name(kind_));
    }
  }

  static void write_string(std::string& out, std::string_view text) {
    out += '"';
    for (char c : text) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
            out += escaped;
          } else {
            out += c;
          }
      }
    }
    out += '"';
  }

  static void write_double(std::string& out, double number) {
    if (std::isnan(number)) {
      out += "\"NaN\"";
      return;
    }
    if (std::isinf(number)) {
      out += number > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      return;
    }
    // The shortest of 15 or 17 significant digits that reads back to the same double.
    char text[32];
    std::snprintf(text, sizeof text, "%.15g", number);
    if (std::strtod(text, nullptr) != number) std::snprintf(text, sizeof text, "%.17g", number);
    std::string_view written(text);
    out += written;
    // Keep a double a double when read back (1.0 must not become the integer 1).
    if (written.find_first_of(".eE") == std::string_view::npos) out += ".0";
  }

  static void newline(std::string& out, int indent, int depth) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(depth), ' ');
  }

  void write(std::string& out, int indent, int depth) const {
    switch (kind_) {
      case kind::null: out += "null"; break;
      case kind::boolean: out += boolean_ ? "true" : "false"; break;
      case kind::number:
        if (form_ == number_form::signed_integer) {
          out += std::to_string(signed_);
        } else if (form_ == number_form::unsigned_integer) {
          out += std::to_string(unsigned_);
        } else {
          write_double(out, number_);
        }
        break;
      case kind::string: write_string(out, string_); break;
      case kind::array:
        out += '[';
        for (std::size_t i = 0; i < array_.size(); ++i) {
          if (i > 0) out += ',';
          newline(out, indent, depth + 1);
          array_[i].write(out, indent, depth + 1);
        }
        if (!array_.empty()) newline(out, indent, depth);
        out += ']';
        break;
      case kind::object:
        out += '{';
        for (std::size_t i = 0; i < object_.size(); ++i) {
          if (i > 0) out += ',';
          newline(out, indent, depth + 1);
          write_string(out, object_[i].first);
          out += indent < 0 ? ":" : ": ";
          object_[i].second.write(out, indent, depth + 1);
        }
        if (!object_.empty()) newline(out, indent, depth);
        out += '}';
        break;
    }
  }

  kind kind_ = kind::null;
  number_form form_ = number_form::floating;
  bool boolean_ = false;
  double number_ = 0.0;
  std::int64_t signed_ = 0;
  std::uint64_t unsigned_ = 0;
  std::string string_;
  array_type array_;
  object_type object_;
};

/// The recursive-descent parser behind parse(); one per document.
class parser {
 public:
  explicit parser(std::string_view text) : text_(text) {}

  value parse_document() {
    skip_whitespace();
    value out = parse_value(0);
    skip_whitespace();
    if (position_ != text_.size()) fail("unexpected text after the document");
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < position_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw format_error("json: " + what + " at line " + std::to_string(line) + " column " +
                       std::to_string(column));
  }

  bool at_end() const { return position_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[position_]; }

  void skip_whitespace() {
    while (!at_end()) {
      const char c = text_[position_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++position_;
    }
  }

  void expect_literal(std::string_view literal) {
    if (text_.substr(position_, literal.size()) != literal) {
      fail("invalid literal (expected '" + std::string(literal) + "')");
    }
    position_ += literal.size();
  }

  value parse_value(int depth) {
    if (at_end()) fail("unexpected end of input");
    const char c = peek();
    switch (c) {
      case '{': return parse_object(depth + 1);
      case '[': return parse_array(depth + 1);
      case '"': return value(parse_string());
      case 't': expect_literal("true"); return value(true);
      case 'f': expect_literal("false"); return value(false);
      case 'n': expect_literal("null"); return value();
      case 'N':
      case 'I':
        fail("NaN and Infinity are not JSON (shiftguard writes them as the strings \"NaN\", "
             "\"Infinity\", \"-Infinity\")");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number();
        fail(std::string("unexpected character '") + c + "'");
    }
  }

  value parse_object(int depth) {
    if (depth > max_depth) fail("nesting deeper than " + std::to_string(max_depth));
    ++position_;  // '{'
    value out = value::object();
    skip_whitespace();
    if (peek() == '}') {
      ++position_;
      return out;
    }
    while (true) {
      skip_whitespace();
      if (peek() != '"') fail("expected a string key");
      std::string key = parse_string();
      for (const auto& member : out.object_) {
        if (member.first == key) fail("duplicate key '" + key + "'");
      }
      skip_whitespace();
      if (peek() != ':') fail("expected ':'");
      ++position_;
      skip_whitespace();
      value element = parse_value(depth);
      out.object_.emplace_back(std::move(key), std::move(element));
      skip_whitespace();
      if (peek() == ',') {
        ++position_;
        continue;
      }
      if (peek() == '}') {
        ++position_;
        return out;
      }
      fail("expected ',' or '}'");
    }
  }

  value parse_array(int depth) {
    if (depth > max_depth) fail("nesting deeper than " + std::to_string(max_depth));
    ++position_;  // '['
    value out = value::array();
    skip_whitespace();
    if (peek() == ']') {
      ++position_;
      return out;
    }
    while (true) {
      skip_whitespace();
      out.array_.push_back(parse_value(depth));
      skip_whitespace();
      if (peek() == ',') {
        ++position_;
        continue;
      }
      if (peek() == ']') {
        ++position_;
        return out;
      }
      fail("expected ',' or ']'");
    }
  }

  unsigned parse_hex4() {
    if (position_ + 4 > text_.size()) fail("truncated \\u escape");
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[position_++];
      code <<= 4;
      if (c >= '0' && c <= '9') {
        code |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        code |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        code |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        fail("invalid \\u escape");
      }
    }
    return code;
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string parse_string() {
    ++position_;  // opening quote
    std::string out;
    while (true) {
      if (at_end()) fail("unterminated string");
      const char c = text_[position_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) {
        --position_;
        fail("control character in a string (escape it)");
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_end()) fail("unterminated string");
      const char escape = text_[position_++];
      switch (escape) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned code = parse_hex4();
          if (code >= 0xD800 && code <= 0xDBFF) {
            if (text_.substr(position_, 2) != "\\u") fail("unpaired surrogate in \\u escape");
            position_ += 2;
            const unsigned low = parse_hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail("invalid low surrogate in \\u escape");
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          } else if (code >= 0xDC00 && code <= 0xDFFF) {
            fail("unpaired surrogate in \\u escape");
          }
          append_utf8(out, code);
          break;
        }
        default:
          --position_;
          fail(std::string("invalid escape '\\") + escape + "'");
      }
    }
  }

  value parse_number() {
    const std::size_t start = position_;
    bool negative = false;
    if (peek() == '-') {
      negative = true;
      ++position_;
    }
    if (peek() == '0') {
      ++position_;
      if (peek() >= '0' && peek() <= '9') fail("leading zero in a number");
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') ++position_;
    } else {
      fail("invalid number");
    }
    bool integral = true;
    if (peek() == '.') {
      integral = false;
      ++position_;
      if (!(peek() >= '0' && peek() <= '9')) fail("expected a digit after '.'");
      while (peek() >= '0' && peek() <= '9') ++position_;
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      ++position_;
      if (peek() == '+' || peek() == '-') ++position_;
      if (!(peek() >= '0' && peek() <= '9')) fail("expected a digit in the exponent");
      while (peek() >= '0' && peek() <= '9') ++position_;
    }
    const std::string literal(text_.substr(start, position_ - start));
    if (integral) {
      errno = 0;
      char* end = nullptr;
      if (negative) {
        const long long parsed = std::strtoll(literal.c_str(), &end, 10);
        if (errno == 0) return value(parsed);
      } else {
        const unsigned long long parsed = std::strtoull(literal.c_str(), &end, 10);
        if (errno == 0) return value(parsed);
      }
      // Out of the 64-bit range: kept as a double.
    }
    const double parsed = std::strtod(literal.c_str(), nullptr);
    if (!std::isfinite(parsed)) {
      position_ = start;
      fail("number out of range");
    }
    return value(parsed);
  }

  std::string_view text_;
  std::size_t position_ = 0;
};

/// Parses one JSON document; format_error "json: <what> at line L column C" on any fault.
inline value parse(std::string_view text) { return parser(text).parse_document(); }

}  // namespace shiftguard::json
