#pragma once

// HyperLogLog distinct-count sketch (Flajolet, Fusy, Gandouet and Meunier 2007), written here.
//
// m = 2^p registers (precision p in [4, 18], default 12: 4096 one-byte registers). A 64-bit
// hash h is split into the register index (its top p bits) and the rest w (the low 64 - p
// bits); the register keeps the largest rank rho(w) = 1 + number of leading zeros of w seen
// (64 - p + 1 when w = 0). The estimate is the harmonic mean
//
//   E = alpha_m * m^2 / sum_j 2^-M[j],   alpha_16 = 0.673, alpha_32 = 0.697, alpha_64 = 0.709,
//                                        alpha_m = 0.7213 / (1 + 1.079 / m) for m >= 128,
//
// with the paper's small-range correction: when E <= 2.5 m and V > 0 registers are zero, the
// linear-counting estimate m ln(m / V) is used instead. With a 64-bit hash, collisions matter
// only near 2^64 distinct values, so the paper's large-range correction (for 32-bit hashes)
// is not needed. The relative standard error is about 1.04 / sqrt(m) (1.6% at p = 12).
//
// merge() takes the register-wise maximum: the merge of the sketches of A and B has exactly
// the registers of the sketch of A union B (so it is commutative, associative and idempotent).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/json.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/validate/sketch/hash.hpp"
#include "shiftguard/validate/sketch/common.hpp"

namespace shiftguard::validate::sketch {

/// Distinct-count sketch over 64-bit hashes.
class hyperloglog {
 public:
  static constexpr const char* type_tag = "validate.sketch.hyperloglog";
  static constexpr std::uint32_t type_version = 1;
  static constexpr int min_precision = 4;
  static constexpr int max_precision = 18;

  explicit hyperloglog(int precision = 12) {
    check_precision(precision, "hyperloglog: precision");
    precision_ = precision;
    registers_.assign(std::size_t{1} << precision, 0);
  }

  /// Adds a 64-bit hash (from hash_double, hash_bytes, hash_u64 or the caller's own).
  void add_hash(std::uint64_t h) {
    const auto index = static_cast<std::size_t>(h >> (64 - precision_));
    const std::uint64_t rest = h << precision_;
    const auto rank = static_cast<std::uint8_t>(
        rest == 0 ? 64 - precision_ + 1 : leading_zeros(rest) + 1);
    std::uint8_t& slot = registers_[index];
    slot = rank > slot ? rank : slot;
  }

  /// Adds a double (hash_double; NaN is skipped).
  void update(double x) {
    if (!std::isnan(x)) add_hash(hash_double(x));
  }
  /// Adds a string (hash_bytes).
  void update(std::string_view item) { add_hash(hash_bytes(item)); }
  /// Adds n values x[0], x[stride], ...; NaN values are skipped.
  template <class Scalar>
  void update(const Scalar* x, std::size_t n, std::ptrdiff_t stride = 1) {
    for (std::size_t i = 0; i < n; ++i) {
      const double v = static_cast<double>(x[static_cast<std::ptrdiff_t>(i) * stride]);
      if (v == v) add_hash(hash_double(v));
    }
  }

  /// Register-wise maximum; the precisions must be equal (invalid_argument otherwise).
  void merge(const hyperloglog& other) {
    if (other.precision_ != precision_) {
      throw invalid_argument("hyperloglog::merge: precisions differ (" +
                             std::to_string(precision_) + " and " +
                             std::to_string(other.precision_) + ")");
    }
    for (std::size_t j = 0; j < registers_.size(); ++j) {
      registers_[j] = std::max(registers_[j], other.registers_[j]);
    }
  }

  /// Estimated number of distinct hashes added.
  [[nodiscard]] double estimate() const {
    const double m = static_cast<double>(registers_.size());
    double harmonic = 0.0;
    std::size_t zeros = 0;
    for (const std::uint8_t r : registers_) {
      harmonic += std::ldexp(1.0, -static_cast<int>(r));
      zeros += r == 0 ? 1 : 0;
    }
    const double raw = alpha() * m * m / harmonic;
    if (raw <= 2.5 * m && zeros > 0) {
      return m * std::log(m / static_cast<double>(zeros));
    }
    return raw;
  }

  /// The relative standard error 1.04 / sqrt(m).
  [[nodiscard]] double relative_error() const {
    return 1.04 / std::sqrt(static_cast<double>(registers_.size()));
  }
  [[nodiscard]] int precision() const { return precision_; }
  [[nodiscard]] const std::vector<std::uint8_t>& registers() const { return registers_; }
  [[nodiscard]] bool empty() const {
    return std::all_of(registers_.begin(), registers_.end(), [](std::uint8_t r) { return r == 0; });
  }

  friend bool operator==(const hyperloglog& a, const hyperloglog& b) {
    return a.precision_ == b.precision_ && a.registers_ == b.registers_;
  }
  friend bool operator!=(const hyperloglog& a, const hyperloglog& b) { return !(a == b); }

  void write(serialization::binary_writer& writer) const {
    writer.write_u32(static_cast<std::uint32_t>(precision_));
    writer.write_string(std::string_view(reinterpret_cast<const char*>(registers_.data()),
                                         registers_.size()));
  }
  static hyperloglog read(serialization::binary_reader& reader) {
    const auto precision = reader.read_u32();
    if (precision < min_precision || precision > max_precision) {
      reader.fail("hyperloglog: precision " + std::to_string(precision) + " is outside [4, 18]");
    }
    hyperloglog result(static_cast<int>(precision));
    const std::string bytes = reader.read_string();
    if (bytes.size() != result.registers_.size()) {
      reader.fail("hyperloglog: " + std::to_string(bytes.size()) + " registers, expected " +
                  std::to_string(result.registers_.size()));
    }
    const std::string problem = result.set_registers(bytes);
    if (!problem.empty()) reader.fail("hyperloglog: " + problem);
    return result;
  }
  [[nodiscard]] std::string to_bytes() const {
    serialization::binary_writer writer;
    write(writer);
    return writer.finish(type_tag, type_version);
  }
  static hyperloglog from_bytes(std::string_view bytes) {
    serialization::binary_reader reader(bytes, type_tag, type_version);
    hyperloglog result = read(reader);
    reader.expect_end();
    return result;
  }

  /// {"type": "hyperloglog", "version": 1, "precision", "registers": hex string, 2 digits each}.
  [[nodiscard]] json::value to_json() const {
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * registers_.size());
    for (const std::uint8_t r : registers_) {
      hex.push_back(digits[r >> 4]);
      hex.push_back(digits[r & 15]);
    }
    json::value out = json::value::object();
    out["type"] = "hyperloglog";
    out["version"] = static_cast<int>(type_version);
    out["precision"] = precision_;
    out["registers"] = std::move(hex);
    return out;
  }
  static hyperloglog from_json(const json::value& value) {
    detail::check_json_header(value, "hyperloglog", type_version);
    const std::int64_t precision = value.at("precision").as_int();
    if (precision < min_precision || precision > max_precision) {
      throw format_error("cannot load hyperloglog from JSON: precision " +
                         std::to_string(precision) + " is outside [4, 18]");
    }
    hyperloglog result(static_cast<int>(precision));
    const std::string& hex = value.at("registers").as_string();
    if (hex.size() != 2 * result.registers_.size()) {
      throw format_error("cannot load hyperloglog from JSON: 'registers' has " +
                         std::to_string(hex.size()) + " hex digits, expected " +
                         std::to_string(2 * result.registers_.size()));
    }
    std::string bytes(result.registers_.size(), '\0');
    for (std::size_t j = 0; j < bytes.size(); ++j) {
      const int high = hex_digit(hex[2 * j]);
      const int low = hex_digit(hex[2 * j + 1]);
      if (high < 0 || low < 0) {
        throw format_error("cannot load hyperloglog from JSON: 'registers' holds a character "
                           "that is not a lowercase hex digit at position " +
                           std::to_string(high < 0 ? 2 * j : 2 * j + 1));
      }
      bytes[j] = static_cast<char>(high * 16 + low);
    }
    const std::string problem = result.set_registers(bytes);
    if (!problem.empty()) throw format_error("cannot load hyperloglog from JSON: " + problem);
    return result;
  }

  static void check_precision(long long precision, const char* name) {
    if (precision < min_precision || precision > max_precision) {
      throw invalid_argument(std::string(name) + " must be in [4, 18], got " +
                             std::to_string(precision));
    }
  }

 private:
  static int leading_zeros(std::uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_clzll(x);
#else
    int n = 0;
    while ((x & (std::uint64_t{1} << 63)) == 0) {
      x <<= 1;
      ++n;
    }
    return n;
#endif
  }
  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }
  [[nodiscard]] double alpha() const {
    switch (registers_.size()) {
      case 16: return 0.673;
      case 32: return 0.697;
      case 64: return 0.709;
      default: return 0.7213 / (1.0 + 1.079 / static_cast<double>(registers_.size()));
    }
  }
  // Copies register bytes after checking each lies in [0, 64 - p + 1].
  std::string set_registers(const std::string& bytes) {
    const int largest = 64 - precision_ + 1;
    for (std::size_t j = 0; j < bytes.size(); ++j) {
      const int r = static_cast<unsigned char>(bytes[j]);
      if (r > largest) {
        return "register " + std::to_string(j) + " holds " + std::to_string(r) +
               ", more than the largest possible rank " + std::to_string(largest);
      }
      registers_[j] = static_cast<std::uint8_t>(r);
    }
    return {};
  }

  int precision_ = 12;
  std::vector<std::uint8_t> registers_;
};

}  // namespace shiftguard::validate::sketch
