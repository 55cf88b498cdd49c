#pragma once

// HDDM_A, the drift detector of Frías-Blanco et al. (2014) based on Hoeffding's bound with
// the moving-average test, on a binary error stream, with river's semantics
// (drift.binary.HDDM_A, after MOA): the mean of all values since the last drift is compared
// with the mean up to a cut point, the prefix whose mean plus Hoeffding bound was smallest
// (for increases) or whose mean minus the bound was largest (for decreases). An increase
// larger than the bound at drift_confidence signals drift, at warning_confidence a warning;
// with two_sided_test, decreases are tested the same way.

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/drift/stream/binary_common.hpp"
#include "shiftguard/drift/stream/common.hpp"

namespace shiftguard::drift::stream {

/// HDDM_A options; defaults and names are river's.
struct hddm_a_options {
  double drift_confidence = 0.001;    ///< confidence of the drift test, in (0, 1)
  double warning_confidence = 0.005;  ///< confidence of the warning test, in (0, 1)
  bool two_sided_test = false;        ///< also watch for decreases of the error rate
  nan_policy nan_handling = nan_policy::raise;
};

/// Hoeffding drift detection with the moving-average test.
class hddm_a : public stream_detector<hddm_a> {
 public:
  static constexpr const char* type_tag = "drift.stream.hddm_a";
  static constexpr std::uint32_t type_version = 1;
  static constexpr value_domain domain = value_domain::binary;
  using options_type = hddm_a_options;

  explicit hddm_a(const hddm_a_options& options = {}) : options_(options) {
    checks::open_interval(options.drift_confidence, 0.0, 1.0, "drift_confidence");
    checks::open_interval(options.warning_confidence, 0.0, 1.0, "warning_confidence");
    log_inverse_drift_ = std::log(1.0 / options.drift_confidence);
    log_two_over_drift_ = std::log(2.0 / options.drift_confidence);
    log_two_over_warning_ = std::log(2.0 / options.warning_confidence);
  }

  [[nodiscard]] const hddm_a_options& options() const { return options_; }
  /// Values seen since the last drift or reset.
  [[nodiscard]] std::int64_t n_seen() const { return total_.count; }
  /// Error rate since the last drift or reset.
  [[nodiscard]] double error_rate() const { return total_.mean; }

  void reset() {
    clear_flags();
    total_ = {};
    increase_cut_ = {};
    decrease_cut_ = {};
  }

  void process(double x) {
    if (drift_detected_) reset();
    total_.update(x);
    if (increase_cut_.count == 0) increase_cut_ = total_;
    if (decrease_cut_.count == 0) decrease_cut_ = total_;

    const double bound_total = hoeffding_bound(total_.n());
    double bound_cut = hoeffding_bound(increase_cut_.n());
    if (increase_cut_.mean + bound_cut >= total_.mean + bound_total) increase_cut_ = total_;
    bound_cut = hoeffding_bound(decrease_cut_.n());
    if (decrease_cut_.mean - bound_cut <= total_.mean - bound_total) decrease_cut_ = total_;

    if (mean_increased(log_two_over_drift_)) {
      warning_detected_ = false;
      drift_detected_ = true;
    } else {
      warning_detected_ = mean_increased(log_two_over_warning_);
      drift_detected_ = false;
    }
    if (options_.two_sided_test) {
      if (mean_decreased(log_two_over_drift_)) {
        drift_detected_ = true;  // a warning of the increase test stays, as in river
      } else if (mean_decreased(log_two_over_warning_)) {
        warning_detected_ = true;
      }
    }
  }

  void write_state(serialization::binary_writer& writer) const {
    writer.write_f64(options_.drift_confidence);
    writer.write_f64(options_.warning_confidence);
    writer.write_bool(options_.two_sided_test);
    detail::write_running_mean(writer, total_);
    detail::write_running_mean(writer, increase_cut_);
    detail::write_running_mean(writer, decrease_cut_);
  }

  static hddm_a read_state(serialization::binary_reader& reader, nan_policy policy) {
    hddm_a_options options;
    options.nan_handling = policy;
    options.drift_confidence = reader.read_f64();
    options.warning_confidence = reader.read_f64();
    options.two_sided_test = reader.read_bool();
    hddm_a detector(options);
    detector.total_ = detail::read_running_mean(reader, "the error rate", 0.0, 1.0);
    detector.increase_cut_ = detail::read_running_mean(reader, "the increase cut", 0.0, 1.0);
    detector.decrease_cut_ = detail::read_running_mean(reader, "the decrease cut", 0.0, 1.0);
    // Both cut points are prefixes of the values seen, and non-empty once one was seen.
    for (const auto* cut : {&detector.increase_cut_, &detector.decrease_cut_}) {
      if (cut->count > detector.total_.count || (cut->count == 0) != (detector.total_.count == 0)) {
        reader.fail("a cut point does not match the number of values seen");
      }
    }
    return detector;
  }

 private:
  [[nodiscard]] double hoeffding_bound(double n) const {
    return std::sqrt(1.0 / (2.0 * n) * log_inverse_drift_);
  }

  // Whether the mean since the cut point exceeds the mean up to it by more than the bound;
  // `log_term` is log(2 / confidence).
  [[nodiscard]] bool mean_increased(double log_term) const {
    if (increase_cut_.count == total_.count) return false;
    return total_.mean - increase_cut_.mean >= bound(increase_cut_, log_term);
  }
  [[nodiscard]] bool mean_decreased(double log_term) const {
    if (decrease_cut_.count == total_.count) return false;
    return decrease_cut_.mean - total_.mean >= bound(decrease_cut_, log_term);
  }
  [[nodiscard]] double bound(const detail::running_mean& cut, double log_term) const {
    const double m = (total_.n() - cut.n()) / cut.n() * (1.0 / total_.n());
    return std::sqrt(m / 2.0 * log_term);
  }

  hddm_a_options options_;
  double log_inverse_drift_ = 0.0;     // log(1 / drift_confidence)
  double log_two_over_drift_ = 0.0;    // log(2 / drift_confidence)
  double log_two_over_warning_ = 0.0;  // log(2 / warning_confidence)
  detail::running_mean total_;
  detail::running_mean increase_cut_;  // river's x_min
  detail::running_mean decrease_cut_;  // river's x_max
};

}  // namespace shiftguard::drift::stream
