#pragma once

// DDM, the Drift Detection Method of Gama et al. (2004), on a binary error stream, with
// river's semantics (drift.binary.DDM): the error rate p and its Bernoulli standard deviation
// s = sqrt(p (1 - p) / n) are tracked since the last drift; once more than warm_start values
// were seen, the smallest p + s so far is remembered (p_min, s_min), and the detector warns
// when p + s > p_min + warning_threshold * s_min and signals drift when
// p + s > p_min + drift_threshold * s_min (drift clears the warning).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/drift/stream/binary_common.hpp"
#include "shiftguard/drift/stream/common.hpp"

namespace shiftguard::drift::stream {

/// DDM options; defaults and names are river's.
struct ddm_options {
  std::int64_t warm_start = 30;    ///< values seen before warnings or drift (>= 0)
  double warning_threshold = 2.0;  ///< warning when p + s > p_min + this * s_min (>= 0)
  double drift_threshold = 3.0;    ///< drift when p + s > p_min + this * s_min (>= 0)
  nan_policy nan_handling = nan_policy::raise;
};

/// Drift Detection Method on a stream of errors (1) and correct predictions (0).
class ddm : public stream_detector<ddm> {
 public:
  static constexpr const char* type_tag = "drift.stream.ddm";
  static constexpr std::uint32_t type_version = 1;
  static constexpr value_domain domain = value_domain::binary;
  using options_type = ddm_options;

  explicit ddm(const ddm_options& options = {}) : options_(options) {
    checks::count_at_least(options.warm_start, 0, "warm_start");
    checks::at_least(options.warning_threshold, 0.0, "warning_threshold");
    checks::at_least(options.drift_threshold, 0.0, "drift_threshold");
  }

  [[nodiscard]] const ddm_options& options() const { return options_; }
  /// Values seen since the last drift or reset.
  [[nodiscard]] std::int64_t n_seen() const { return error_rate_.count; }
  /// Error rate since the last drift or reset.
  [[nodiscard]] double error_rate() const { return error_rate_.mean; }
  /// Error rate where p + s was smallest (NaN until more than warm_start values were seen).
  [[nodiscard]] double p_min() const { return p_min_; }
  /// Standard deviation where p + s was smallest (NaN until then).
  [[nodiscard]] double s_min() const { return s_min_; }

  void reset() {
    clear_flags();
    error_rate_ = {};
    p_min_ = std::numeric_limits<double>::quiet_NaN();
    s_min_ = std::numeric_limits<double>::quiet_NaN();
    ps_min_ = std::numeric_limits<double>::infinity();
  }

  void process(double x) {
    if (drift_detected_) reset();
    error_rate_.update(x);
    const double p = error_rate_.mean;
    decide(error_rate_.count, p, std::sqrt(p * (1.0 - p) / error_rate_.n()));
  }

  /// update_many's loop (called by stream_detector::update_many on validated values). The
  /// values are taken in blocks: the running error rates of a block form a dependency chain,
  /// but the divisions and square roots do not, so they are computed for the whole block
  /// first (the same operations as process, so the results are bit-identical), and the
  /// decisions are then taken value by value. A drift ends the block early: the next value
  /// starts from a fresh state.
  template <class VectorDerived>
  void process_batch(const Eigen::DenseBase<VectorDerived>& values, bool any_skipped,
                     stream_events& events) {
    if (any_skipped) {
      stream_detector::process_batch(values, any_skipped, events);
      return;
    }
    constexpr int block = 32;
    using block_array = Eigen::Array<double, block, 1>;
    const block_array offsets = block_array::NullaryExpr([](index k) { return k + 1.0; });
    block_array rate = block_array::Zero();
    const index n = values.size();
    index start = 0;
    while (start < n) {
      if (drift_detected_) reset();
      const index length = std::min<index>(block, n - start);
      const std::int64_t seen = error_rate_.count;
      // Value counts as doubles (exact below 2^53), so that Eigen vectorises the divisions
      // and square roots (IEEE operations: the same bits as the scalar ones).
      const block_array counts = offsets + static_cast<double>(seen);
      const block_array reciprocal = 1.0 / counts;
      double mean = error_rate_.mean;
      for (index k = 0; k < length; ++k) {
        mean += reciprocal[k] * (static_cast<double>(values(start + k)) - mean);
        rate[k] = mean;
      }
      const block_array deviation = (rate * (1.0 - rate) / counts).sqrt();
      index used = length;
      for (index k = 0; k < length; ++k) {
        decide(seen + k + 1, rate[k], deviation[k]);
        if (warning_detected_) events.warning_indices.push_back(start + k);
        if (drift_detected_) {
          events.drift_indices.push_back(start + k);
          used = k + 1;
          break;
        }
      }
      error_rate_.count = seen + used;
      error_rate_.mean = rate[used - 1];
      start += used;
    }
  }

  void write_state(serialization::binary_writer& writer) const {
    writer.write_i64(options_.warm_start);
    writer.write_f64(options_.warning_threshold);
    writer.write_f64(options_.drift_threshold);
    detail::write_running_mean(writer, error_rate_);
    writer.write_f64(p_min_);
    writer.write_f64(s_min_);
    writer.write_f64(ps_min_);
  }

  static ddm read_state(serialization::binary_reader& reader, nan_policy policy) {
    ddm_options options;
    options.nan_handling = policy;
    options.warm_start = reader.read_i64();
    options.warning_threshold = reader.read_f64();
    options.drift_threshold = reader.read_f64();
    ddm detector(options);
    detector.error_rate_ = detail::read_running_mean(reader, "error rate", 0.0, 1.0);
    detector.p_min_ = reader.read_f64();
    detector.s_min_ = reader.read_f64();
    detector.ps_min_ = reader.read_f64();
    // The minimum is recorded at the first value past warm_start, and only then.
    const bool past_warm_start = detector.error_rate_.count > options.warm_start;
    if (std::isinf(detector.ps_min_) && detector.ps_min_ > 0) {
      if (past_warm_start || !std::isnan(detector.p_min_) || !std::isnan(detector.s_min_)) {
        reader.fail("p_min and s_min do not match the number of values seen");
      }
    } else if (!past_warm_start) {
      reader.fail("a minimum is recorded before warm_start values were seen");
    } else if (!(detector.p_min_ >= 0.0 && detector.p_min_ <= 1.0 && detector.s_min_ >= 0.0 &&
                 detector.s_min_ <= 1.0 && detector.ps_min_ == detector.p_min_ + detector.s_min_)) {
      reader.fail("p_min, s_min and their sum are inconsistent");
    }
    return detector;
  }

 private:
  // The decisions after one value, given the values seen, the error rate p and s.
  void decide(std::int64_t seen, double p, double s) {
    if (seen <= options_.warm_start) return;
    // p + s <= infinity holds the first time, so p_min_ and s_min_ are set before use.
    if (p + s <= ps_min_) {
      p_min_ = p;
      s_min_ = s;
      ps_min_ = p_min_ + s_min_;
    }
    warning_detected_ = p + s > p_min_ + options_.warning_threshold * s_min_;
    if (p + s > p_min_ + options_.drift_threshold * s_min_) {
      drift_detected_ = true;
      warning_detected_ = false;
    }
  }

  ddm_options options_;
  detail::running_mean error_rate_;
  double p_min_ = std::numeric_limits<double>::quiet_NaN();
  double s_min_ = std::numeric_limits<double>::quiet_NaN();
  double ps_min_ = std::numeric_limits<double>::infinity();
};

}  // namespace shiftguard::drift::stream
