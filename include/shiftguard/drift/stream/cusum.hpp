#pragma once

// Two-sided tabular CUSUM (Page 1954; Montgomery, "Introduction to Statistical Quality
// Control", ch. 9) on standardised values z = (x - target) / std:
//
//   S_up   = max(0, S_up   + z - k)
//   S_down = max(0, S_down - z - k)
//
// with reference value k and decision interval h, both in units of std. Drift is signalled
// when S_up > h (an increase), S_down > h (a decrease), or either (mode both). When target
// or std is not given, they are estimated from the first burn_in values after each reset
// (mean, and sample standard deviation with ddof 1); no drift is signalled during burn-in.
// With k = 0.5 and h = 5 (the defaults) a one-sided chart has an in-control average run
// length of about 930 values and detects a one-std mean shift in about 10.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/drift/stream/common.hpp"
#include "shiftguard/drift/stream/page_hinkley.hpp"

namespace shiftguard::drift::stream {

/// CUSUM options. NaN target/std mean "estimate from the burn-in values".
struct cusum_options {
  double target = std::numeric_limits<double>::quiet_NaN();  ///< in-control mean
  double std = std::numeric_limits<double>::quiet_NaN();     ///< in-control std (> 0)
  std::int64_t burn_in = 30;   ///< values used to estimate what is not given (>= 2)
  double k = 0.5;              ///< reference value (allowance), in std units (>= 0)
  double h = 5.0;              ///< decision interval, in std units (> 0)
  ph_mode mode = ph_mode::both;
  nan_policy nan_handling = nan_policy::raise;
};

/// Two-sided CUSUM change detector.
class cusum : public stream_detector<cusum> {
 public:
  static constexpr const char* type_tag = "drift.stream.cusum";
  static constexpr std::uint32_t type_version = 1;
  static constexpr value_domain domain = value_domain::real;
  using options_type = cusum_options;

  explicit cusum(const cusum_options& options = {}) : options_(options) {
    if (!std::isnan(options.target) && !std::isfinite(options.target)) {
      throw invalid_argument("target must be finite or NaN (estimate it), got " +
                             std::to_string(options.target));
    }
    if (!std::isnan(options.std)) checks::greater_than(options.std, 0.0, "std");
    if (estimates()) checks::count_at_least(options.burn_in, 2, "burn_in");
    checks::at_least(options.k, 0.0, "k");
    checks::greater_than(options.h, 0.0, "h");
    reset();
  }

  [[nodiscard]] const cusum_options& options() const { return options_; }
  [[nodiscard]] std::int64_t n_seen() const { return n_; }
  /// Cumulative sum for an increase (S_up) and for a decrease (S_down).
  [[nodiscard]] double sum_up() const { return sum_up_; }
  [[nodiscard]] double sum_down() const { return sum_down_; }
  /// The target and std in use (NaN while they are being estimated).
  [[nodiscard]] double target() const { return target_; }
  [[nodiscard]] double std_dev() const { return std_; }

  void reset() {
    clear_flags();
    n_ = 0;
    sum_up_ = 0.0;
    sum_down_ = 0.0;
    burn_mean_ = 0.0;
    burn_m2_ = 0.0;
    target_ = options_.target;
    std_ = options_.std;
  }

  void process(double x) {
    if (drift_detected_) reset();
    ++n_;
    if (estimates() && n_ <= options_.burn_in) {
      const double delta = x - burn_mean_;
      burn_mean_ += delta / static_cast<double>(n_);
      burn_m2_ += delta * (x - burn_mean_);
      if (n_ == options_.burn_in) {
        if (std::isnan(options_.target)) target_ = burn_mean_;
        if (std::isnan(options_.std)) {
          std_ = std::sqrt(burn_m2_ / static_cast<double>(n_ - 1));
        }
      }
      drift_detected_ = false;
      return;
    }
    const double deviation = x - target_;
    // A constant burn-in gives std 0: then any change is an infinite deviation.
    const double z = deviation == 0.0 ? 0.0 : deviation / std_;
    sum_up_ = std::max(0.0, sum_up_ + z - options_.k);
    sum_down_ = std::max(0.0, sum_down_ - z - options_.k);
    const bool up = sum_up_ > options_.h;
    const bool down = sum_down_ > options_.h;
    drift_detected_ = options_.mode == ph_mode::up     ? up
                      : options_.mode == ph_mode::down ? down
                                                       : (up || down);
  }

  void write_state(serialization::binary_writer& writer) const {
    writer.write_f64(options_.target);
    writer.write_f64(options_.std);
    writer.write_i64(options_.burn_in);
    writer.write_f64(options_.k);
    writer.write_f64(options_.h);
    writer.write_u8(static_cast<std::uint8_t>(options_.mode));
    writer.write_i64(n_);
    writer.write_f64(sum_up_);
    writer.write_f64(sum_down_);
    writer.write_f64(burn_mean_);
    writer.write_f64(burn_m2_);
    writer.write_f64(target_);
    writer.write_f64(std_);
  }

  static cusum read_state(serialization::binary_reader& reader, nan_policy policy) {
    cusum_options options;
    options.nan_handling = policy;
    options.target = reader.read_f64();
    options.std = reader.read_f64();
    options.burn_in = reader.read_i64();
    options.k = reader.read_f64();
    options.h = reader.read_f64();
    const auto mode = reader.read_u8();
    if (mode > 2) reader.fail("unknown mode code " + std::to_string(mode));
    options.mode = static_cast<ph_mode>(mode);
    cusum detector(options);
    detector.n_ = reader.read_i64();
    if (detector.n_ < 0) reader.fail("negative count of values seen");
    detector.sum_up_ = reader.read_f64();
    detector.sum_down_ = reader.read_f64();
    detector.burn_mean_ = reader.read_f64();
    detector.burn_m2_ = reader.read_f64();
    detector.target_ = reader.read_f64();
    detector.std_ = reader.read_f64();
    if (!(detector.sum_up_ >= 0.0) || !(detector.sum_down_ >= 0.0)) {
      reader.fail("negative or NaN cumulative sum");
    }
    return detector;
  }

 private:
  [[nodiscard]] bool estimates() const {
    return std::isnan(options_.target) || std::isnan(options_.std);
  }

  cusum_options options_;
  std::int64_t n_ = 0;
  double sum_up_ = 0.0;
  double sum_down_ = 0.0;
  double burn_mean_ = 0.0;
  double burn_m2_ = 0.0;
  double target_ = 0.0;
  double std_ = 0.0;
};

}  // namespace shiftguard::drift::stream
