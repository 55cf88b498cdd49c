#pragma once

// HDDM_W, the drift detector of Frías-Blanco et al. (2014) based on McDiarmid's bound with
// the weighted moving-average test, on a binary error stream, with river's semantics
// (drift.binary.HDDM_W, after MOA): exponentially weighted means (weight lambda_val on the
// newest value) are kept of all values since the last drift, and of the values before and
// after a cut point: the position where the overall weighted mean plus (for increases) the
// McDiarmid bound was smallest, or minus it (for decreases) largest. An increase of the mean
// after the cut over the mean before it larger than the bound at drift_confidence signals
// drift, at warning_confidence a warning; with two_sided_test, decreases are tested too.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/drift/stream/binary_common.hpp"
#include "shiftguard/drift/stream/common.hpp"

namespace shiftguard::drift::stream {

/// HDDM_W options; defaults and names are river's.
struct hddm_w_options {
  double drift_confidence = 0.001;    ///< confidence of the drift test, in (0, 1)
  double warning_confidence = 0.005;  ///< confidence of the warning test, in (0, 1)
  double lambda_val = 0.05;           ///< weight of the newest value, in (0, 1]
  bool two_sided_test = false;        ///< also watch for decreases of the error rate
  nan_policy nan_handling = nan_policy::raise;
};

namespace detail {

/// An exponentially weighted mean and its independent bounded condition (the sum of the
/// squared weights), river's SampleInfo.
struct weighted_sample {
  ew_mean mean;
  double bounded_condition = 1.0;

  [[nodiscard]] bool started() const { return mean.started; }
  void update(double x, double lambda, double lambda_squared, double complement_squared) {
    mean.update(x, lambda);
    bounded_condition = lambda_squared + complement_squared * bounded_condition;
  }
};

}  // namespace detail

/// Hoeffding (McDiarmid) drift detection with the weighted moving-average test.
class hddm_w : public stream_detector<hddm_w> {
 public:
  static constexpr const char* type_tag = "drift.stream.hddm_w";
  static constexpr std::uint32_t type_version = 1;
  static constexpr value_domain domain = value_domain::binary;
  using options_type = hddm_w_options;

  explicit hddm_w(const hddm_w_options& options = {}) : options_(options) {
    checks::open_interval(options.drift_confidence, 0.0, 1.0, "drift_confidence");
    checks::open_interval(options.warning_confidence, 0.0, 1.0, "warning_confidence");
    if (!(options.lambda_val > 0.0 && options.lambda_val <= 1.0)) {
      throw invalid_argument("lambda_val must be in (0, 1], got " +
                             std::to_string(options.lambda_val));
    }
    log_inverse_drift_ = std::log(1.0 / options.drift_confidence);
    log_inverse_warning_ = std::log(1.0 / options.warning_confidence);
    lambda_squared_ = options.lambda_val * options.lambda_val;
    complement_squared_ = std::pow(1.0 - options.lambda_val, 2.0);
  }

  [[nodiscard]] const hddm_w_options& options() const { return options_; }
  /// Exponentially weighted error rate since the last drift or reset (0 before any value).
  [[nodiscard]] double error_rate() const { return total_.mean.value; }

  void reset() {
    clear_flags();
    total_ = {};
    increase_before_ = {};
    increase_after_ = {};
    decrease_before_ = {};
    decrease_after_ = {};
    increase_cutpoint_ = std::numeric_limits<double>::infinity();
    decrease_cutpoint_ = -std::numeric_limits<double>::infinity();
  }

  void process(double x) {
    if (drift_detected_) reset();
    update_sample(total_, x);

    double bound = mcdiarmid_bound(total_.bounded_condition, log_inverse_drift_);
    if (total_.mean.value + bound < increase_cutpoint_) {
      increase_cutpoint_ = total_.mean.value + bound;
      increase_before_ = total_;
      increase_after_ = {};
    } else {
      update_sample(increase_after_, x);
    }
    if (mean_changed(increase_before_, increase_after_, log_inverse_drift_)) {
      warning_detected_ = false;
      drift_detected_ = true;
    } else {
      warning_detected_ = mean_changed(increase_before_, increase_after_, log_inverse_warning_);
      drift_detected_ = false;
    }

    // The decrease statistics are kept up to date even for a one-sided test, as in river.
    bound = mcdiarmid_bound(total_.bounded_condition, log_inverse_drift_);
    if (total_.mean.value - bound > decrease_cutpoint_) {
      decrease_cutpoint_ = total_.mean.value - bound;
      decrease_before_ = total_;
      decrease_after_ = {};
    } else {
      update_sample(decrease_after_, x);
    }
    if (options_.two_sided_test) {
      if (mean_changed(decrease_after_, decrease_before_, log_inverse_drift_)) {
        drift_detected_ = true;  // a warning of the increase test stays, as in river
      } else if (mean_changed(decrease_after_, decrease_before_, log_inverse_warning_)) {
        warning_detected_ = true;
      }
    }
  }

  void write_state(serialization::binary_writer& writer) const {
    writer.write_f64(options_.drift_confidence);
    writer.write_f64(options_.warning_confidence);
    writer.write_f64(options_.lambda_val);
    writer.write_bool(options_.two_sided_test);
    for (const auto* sample :
         {&total_, &increase_before_, &increase_after_, &decrease_before_, &decrease_after_}) {
      writer.write_bool(sample->started());
      writer.write_f64(sample->mean.value);
      writer.write_f64(sample->bounded_condition);
    }
    writer.write_f64(increase_cutpoint_);
    writer.write_f64(decrease_cutpoint_);
  }

  static hddm_w read_state(serialization::binary_reader& reader, nan_policy policy) {
    hddm_w_options options;
    options.nan_handling = policy;
    options.drift_confidence = reader.read_f64();
    options.warning_confidence = reader.read_f64();
    options.lambda_val = reader.read_f64();
    options.two_sided_test = reader.read_bool();
    hddm_w detector(options);
    for (auto* sample : {&detector.total_, &detector.increase_before_, &detector.increase_after_,
                         &detector.decrease_before_, &detector.decrease_after_}) {
      *sample = read_sample(reader);
    }
    detector.increase_cutpoint_ = reader.read_f64();
    detector.decrease_cutpoint_ = reader.read_f64();
    // A cut point is set (finite) exactly when the overall mean has started.
    const bool started = detector.total_.started();
    if (started != std::isfinite(detector.increase_cutpoint_) ||
        started != std::isfinite(detector.decrease_cutpoint_) ||
        (!started && !(detector.increase_cutpoint_ > 0 && detector.decrease_cutpoint_ < 0))) {
      reader.fail("the cut points do not match the values seen");
    }
    return detector;
  }

 private:
  // Weighted means of 0/1 values stay in [0, 1] up to rounding; so does the bounded
  // condition, which starts at 1 and decreases towards lambda / (2 - lambda).
  static constexpr double rounding_slack = 1e-9;

  static detail::weighted_sample read_sample(serialization::binary_reader& reader) {
    detail::weighted_sample sample;
    sample.mean.started = reader.read_bool();
    sample.mean.value = detail::read_bounded(reader, "a weighted mean", 0.0, 1.0 + rounding_slack);
    sample.bounded_condition = detail::read_bounded(
        reader, "a bounded condition", std::numeric_limits<double>::min(), 1.0 + rounding_slack);
    if (!sample.started() && (sample.mean.value != 0.0 || sample.bounded_condition != 1.0)) {
      reader.fail("a weighted mean holds values although none were seen");
    }
    return sample;
  }

  void update_sample(detail::weighted_sample& sample, double x) const {
    sample.update(x, options_.lambda_val, lambda_squared_, complement_squared_);
  }

  [[nodiscard]] static double mcdiarmid_bound(double bounded_condition, double log_inverse) {
    return std::sqrt(bounded_condition * log_inverse / 2.0);
  }

  // Whether `after`'s weighted mean exceeds `before`'s by more than the bound;
  // `log_inverse` is log(1 / confidence).
  [[nodiscard]] static bool mean_changed(const detail::weighted_sample& before,
                                         const detail::weighted_sample& after, double log_inverse) {
    if (!(before.started() && after.started())) return false;
    const double bound =
        mcdiarmid_bound(before.bounded_condition + after.bounded_condition, log_inverse);
    return after.mean.value - before.mean.value > bound;
  }

  hddm_w_options options_;
  double log_inverse_drift_ = 0.0;    // log(1 / drift_confidence)
  double log_inverse_warning_ = 0.0;  // log(1 / warning_confidence)
  double lambda_squared_ = 0.0;
  double complement_squared_ = 0.0;  // (1 - lambda)^2
  detail::weighted_sample total_;
  detail::weighted_sample increase_before_;  // river's s1_incr
  detail::weighted_sample increase_after_;   // river's s2_incr
  detail::weighted_sample decrease_before_;  // river's s1_decr
  detail::weighted_sample decrease_after_;   // river's s2_decr
  double increase_cutpoint_ = std::numeric_limits<double>::infinity();
  double decrease_cutpoint_ = -std::numeric_limits<double>::infinity();
};

}  // namespace shiftguard::drift::stream
