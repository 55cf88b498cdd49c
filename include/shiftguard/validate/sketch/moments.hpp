#pragma once

// Count, mean, sum of squared deviations (m2), minimum and maximum of a stream of numbers:
// numerically stable and mergeable.
//
// A batch update works per block of up to 1024 values: it sums the block (NaN skipped) and
// takes its minimum and maximum, divides by the block's count for the block mean, then sums
// the squared deviations from that mean in a second pass over the (cache-resident) block; the
// block's (count, mean, m2) is folded into the running state with the pairwise formula of
// Chan, Golub and LeVeque (1979):
//
//   n = n_a + n_b,  delta = mean_b - mean_a,
//   mean = mean_a + delta * n_b / n,  m2 = m2_a + m2_b + delta^2 * n_a * n_b / n.
//
// Two passes per block keep the error of m2 at the level of the two-pass algorithm within a
// block, and the pairwise combination keeps it small across blocks; the loops have no
// branches and vectorise. merge() uses the same formula; it orders its two operands
// canonically first, so a.merge(b) and b.merge(a) give bitwise identical states.
//
// NaN values are skipped (count() counts only the values used; the caller counts missing
// values). Infinities are kept: they make the mean infinite (or NaN for both signs) and the
// variance NaN, as in NumPy and pandas.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/json.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/validate/sketch/common.hpp"

namespace shiftguard::validate::sketch {

/// Mergeable count, mean, variance, minimum and maximum.
class moments {
 public:
  static constexpr const char* type_tag = "validate.sketch.moments";
  static constexpr std::uint32_t type_version = 1;

  moments() = default;

  /// Adds one value; NaN is skipped.
  void update(double x) {
    if (std::isnan(x)) return;
    ++count_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(count_);
    m2_ += delta * (x - mean_);
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }

  /// Adds n values x[0], x[stride], ..., x[(n-1)*stride]; NaN values are skipped.
  template <class Scalar>
  void update(const Scalar* x, std::size_t n, std::ptrdiff_t stride = 1) {
    constexpr std::size_t block = 1024;
    for (std::size_t start = 0; start < n; start += block) {
      const std::size_t size = std::min(block, n - start);
      const Scalar* data = x + static_cast<std::ptrdiff_t>(start) * stride;
      if (stride == 1) {
        add_block(data, size, 1);
      } else {
        add_block(data, size, stride);
      }
    }
  }

  /// Folds another state into this one (Chan et al.); commutative bit for bit.
  void merge(const moments& other) {
    if (other.count_ == 0) return;
    if (count_ == 0) {
      *this = other;
      return;
    }
    // Canonical order of the operands, so that the result does not depend on which is this.
    const moments* a = this;
    const moments* b = &other;
    if (std::make_tuple(b->count_, key(b->mean_), key(b->m2_)) <
        std::make_tuple(a->count_, key(a->mean_), key(a->m2_))) {
      std::swap(a, b);
    }
    combine(a->count_, a->mean_, a->m2_, b->count_, b->mean_, b->m2_);
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }

  /// Number of values added (NaN excluded).
  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] bool empty() const { return count_ == 0; }
  /// Mean; NaN when empty.
  [[nodiscard]] double mean() const { return count_ == 0 ? nan() : mean_; }
  /// Sum of the values (count * mean); 0 when empty.
  [[nodiscard]] double sum() const { return count_ == 0 ? 0.0 : mean_ * static_cast<double>(count_); }
  /// Sum of squared deviations from the mean; 0 when empty.
  [[nodiscard]] double m2() const { return m2_; }
  /// m2 / (count - ddof); NaN when count <= ddof. ddof must be >= 0.
  [[nodiscard]] double variance(int ddof = 1) const {
    if (ddof < 0) {
      throw invalid_argument("moments::variance: ddof must be >= 0, got " + std::to_string(ddof));
    }
    if (count_ <= static_cast<std::uint64_t>(ddof)) return nan();
    return m2_ / static_cast<double>(count_ - static_cast<std::uint64_t>(ddof));
  }
  [[nodiscard]] double std_dev(int ddof = 1) const { return std::sqrt(variance(ddof)); }
  /// Smallest value; NaN when empty.
  [[nodiscard]] double min() const { return count_ == 0 ? nan() : min_; }
  /// Largest value; NaN when empty.
  [[nodiscard]] double max() const { return count_ == 0 ? nan() : max_; }

  friend bool operator==(const moments& a, const moments& b) {
    return a.count_ == b.count_ && same(a.mean_, b.mean_) && same(a.m2_, b.m2_) &&
           same(a.min_, b.min_) && same(a.max_, b.max_);
  }
  friend bool operator!=(const moments& a, const moments& b) { return !(a == b); }

  /// Writes the fields (for use inside another object's container).
  void write(serialization::binary_writer& writer) const {
    writer.write_u64(count_);
    writer.write_f64(mean_);
    writer.write_f64(m2_);
    writer.write_f64(min_);
    writer.write_f64(max_);
  }

  /// Reads the fields written by write() and checks them; format_error when inconsistent.
  static moments read(serialization::binary_reader& reader) {
    moments result;
    result.count_ = reader.read_u64();
    result.mean_ = reader.read_f64();
    result.m2_ = reader.read_f64();
    result.min_ = reader.read_f64();
    result.max_ = reader.read_f64();
    const std::string problem = result.check();
    if (!problem.empty()) reader.fail("moments: " + problem);
    return result;
  }

  /// A standalone container (tag "validate.sketch.moments").
  [[nodiscard]] std::string to_bytes() const {
    serialization::binary_writer writer;
    write(writer);
    return writer.finish(type_tag, type_version);
  }
  static moments from_bytes(std::string_view bytes) {
    serialization::binary_reader reader(bytes, type_tag, type_version);
    moments result = read(reader);
    reader.expect_end();
    return result;
  }

  /// {"type": "moments", "version": 1, "count", "mean", "m2", "min", "max"}.
  [[nodiscard]] json::value to_json() const {
    json::value out = json::value::object();
    out["type"] = "moments";
    out["version"] = static_cast<int>(type_version);
    out["count"] = detail::u64_to_json(count_);
    out["mean"] = mean_;
    out["m2"] = m2_;
    out["min"] = min_;
    out["max"] = max_;
    return out;
  }
  static moments from_json(const json::value& value) {
    detail::check_json_header(value, "moments", type_version);
    moments result;
    result.count_ = detail::u64_from_json(value.at("count"), "moments");
    result.mean_ = value.at("mean").as_number();
    result.m2_ = value.at("m2").as_number();
    result.min_ = value.at("min").as_number();
    result.max_ = value.at("max").as_number();
    const std::string problem = result.check();
    if (!problem.empty()) throw format_error("cannot load moments from JSON: " + problem);
    return result;
  }

 private:
  static double nan() { return std::numeric_limits<double>::quiet_NaN(); }
  static bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }
  // Total order key of a double for the canonical operand order (NaN last).
  static double key(double x) { return std::isnan(x) ? std::numeric_limits<double>::infinity() : x; }

  template <class Scalar>
  void add_block(const Scalar* data, std::size_t size, std::ptrdiff_t stride) {
    double sum = 0.0;
    std::uint64_t used = 0;
    double low = std::numeric_limits<double>::infinity();
    double high = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < size; ++i) {
      const double v = static_cast<double>(data[static_cast<std::ptrdiff_t>(i) * stride]);
      const bool keep = v == v;
      sum += keep ? v : 0.0;
      used += keep ? 1 : 0;
      low = keep && v < low ? v : low;
      high = keep && v > high ? v : high;
    }
    if (used == 0) return;
    const double block_mean = sum / static_cast<double>(used);
    double block_m2 = 0.0;
    if (std::isfinite(block_mean)) {
      for (std::size_t i = 0; i < size; ++i) {
        const double v = static_cast<double>(data[static_cast<std::ptrdiff_t>(i) * stride]);
        const double d = v == v ? v - block_mean : 0.0;
        block_m2 += d * d;
      }
    } else {
      block_m2 = nan();  // an infinite value in the block
    }
    if (count_ == 0) {
      count_ = used;
      mean_ = block_mean;
      m2_ = block_m2;
    } else {
      combine(count_, mean_, m2_, used, block_mean, block_m2);
    }
    min_ = std::min(min_, low);
    max_ = std::max(max_, high);
  }

  void combine(std::uint64_t n_a, double mean_a, double m2_a, std::uint64_t n_b, double mean_b,
               double m2_b) {
    const std::uint64_t n = n_a + n_b;
    const double fa = static_cast<double>(n_a);
    const double fb = static_cast<double>(n_b);
    const double fn = static_cast<double>(n);
    const double delta = mean_b - mean_a;
    double mean = mean_a + delta * (fb / fn);
    if (!std::isfinite(delta)) mean = mean_a + mean_b;  // infinities: inf, or NaN for +inf and -inf
    count_ = n;
    mean_ = mean;
    m2_ = m2_a + m2_b + delta * delta * (fa * (fb / fn));
  }

  // Empty string when the state is consistent, else what is wrong.
  [[nodiscard]] std::string check() const {
    if (count_ == 0) {
      if (mean_ != 0.0 || m2_ != 0.0 || min_ != std::numeric_limits<double>::infinity() ||
          max_ != -std::numeric_limits<double>::infinity()) {
        return "an empty state has nonzero fields";
      }
      return {};
    }
    if (std::isnan(min_) || std::isnan(max_) || !(min_ <= max_)) {
      return "minimum and maximum are inconsistent (" + std::to_string(min_) + ", " +
             std::to_string(max_) + ")";
    }
    if (std::isfinite(min_) && std::isfinite(max_)) {
      const double slack = 1e-9 * std::max(std::abs(min_), std::abs(max_)) + 1e-300;
      if (!(mean_ >= min_ - slack && mean_ <= max_ + slack)) {
        return "the mean " + std::to_string(mean_) + " lies outside [min, max]";
      }
      if (!(m2_ >= 0.0) || !std::isfinite(m2_)) {
        return "the sum of squared deviations is " + std::to_string(m2_);
      }
    } else if (!(std::isnan(m2_) || m2_ >= 0.0)) {
      return "the sum of squared deviations is " + std::to_string(m2_);
    }
    return {};
  }

  std::uint64_t count_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace shiftguard::validate::sketch
