#pragma once

// Helpers shared by the sketch headers: the JSON header check and exact 64-bit integers in
// JSON (written as decimal strings, since JSON numbers are exact only up to 2^53 in most
// readers).

#include <cstdint>
#include <string>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/json.hpp"

namespace shiftguard::validate::sketch::detail {

/// Checks the "type" and "version" fields of a sketch's JSON object.
inline void check_json_header(const json::value& value, const char* type,
                              std::uint32_t max_version) {
  if (!value.is_object()) {
    throw format_error(std::string("cannot load ") + type + " from JSON: expected an object");
  }
  const std::string& found = value.at("type").as_string();
  if (found != type) {
    throw format_error(std::string("cannot load ") + type + " from JSON: the data holds a '" +
                       found + "'");
  }
  const auto version = value.at("version").as_int();
  if (version < 1 || version > static_cast<std::int64_t>(max_version)) {
    throw format_error(std::string("cannot load ") + type + " from JSON: version " +
                       std::to_string(version) + " is not supported (this build reads up to " +
                       std::to_string(max_version) + ")");
  }
}

/// A 64-bit unsigned integer in JSON: a number up to 2^63 - 1, above that a string of decimal
/// digits (JSON integers are exact only in the int64 range here).
inline json::value u64_to_json(std::uint64_t value) {
  if (value <= static_cast<std::uint64_t>(INT64_MAX)) {
    return json::value(static_cast<unsigned long long>(value));
  }
  return json::value(std::to_string(value));
}

/// Reads u64_to_json's string (a JSON integer is accepted too); format_error otherwise.
inline std::uint64_t u64_from_json(const json::value& value, const char* what) {
  if (value.is_number()) return value.as_uint();
  const std::string& text = value.as_string();
  if (text.empty() || text.size() > 20) {
    throw format_error(std::string("cannot load ") + what + " from JSON: not an unsigned integer '" +
                       text + "'");
  }
  std::uint64_t result = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      throw format_error(std::string("cannot load ") + what +
                         " from JSON: not an unsigned integer '" + text + "'");
    }
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (result > (UINT64_MAX - digit) / 10) {
      throw format_error(std::string("cannot load ") + what + " from JSON: '" + text +
                         "' exceeds 2^64 - 1");
    }
    result = result * 10 + digit;
  }
  return result;
}

}  // namespace shiftguard::validate::sketch::detail
