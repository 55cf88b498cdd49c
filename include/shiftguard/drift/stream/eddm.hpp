#pragma once

// EDDM, the Early Drift Detection Method of Baena-García et al. (2006), on a binary error
// stream, with river's semantics (drift.binary.EDDM): at each error, the distance (in values)
// since the previous error updates a running mean p' and standard deviation s'. Once more than
// warm_start values were seen, the largest p' + 2 s' so far is remembered; when an error does
// not raise it and more than warm_start errors were seen, the ratio
// level = (p' + 2 s') / max(p' + 2 s') signals drift below beta, a warning below alpha, and
// clears the warning otherwise. Correct predictions (0) change nothing but the counters, so a
// warning stays on until the next error decides again.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/drift/stream/binary_common.hpp"
#include "shiftguard/drift/stream/common.hpp"

namespace shiftguard::drift::stream {

/// EDDM options; defaults and names are river's.
struct eddm_options {
  std::int64_t warm_start = 30;  ///< values and errors seen before warnings or drift (>= 0)
  double alpha = 0.95;           ///< warning when the level falls below this, in (0, 1]
  double beta = 0.9;             ///< drift when the level falls below this, in (0, alpha]
  nan_policy nan_handling = nan_policy::raise;
};

/// Early Drift Detection Method on a stream of errors (1) and correct predictions (0).
class eddm : public stream_detector<eddm> {
 public:
  static constexpr const char* type_tag = "drift.stream.eddm";
  static constexpr std::uint32_t type_version = 1;
  static constexpr value_domain domain = value_domain::binary;
  using options_type = eddm_options;

  explicit eddm(const eddm_options& options = {}) : options_(options) {
    checks::count_at_least(options.warm_start, 0, "warm_start");
    check_unit(options.alpha, "alpha");
    check_unit(options.beta, "beta");
    if (options.alpha < options.beta) {
      throw invalid_argument("alpha must be greater than or equal to beta, got alpha=" +
                             std::to_string(options.alpha) +
                             " and beta=" + std::to_string(options.beta));
    }
  }

  [[nodiscard]] const eddm_options& options() const { return options_; }
  /// Values seen since the last drift or reset.
  [[nodiscard]] std::int64_t n_seen() const { return n_; }
  /// Errors seen since the last drift or reset.
  [[nodiscard]] std::int64_t n_errors() const { return n_errors_; }
  /// Mean distance between consecutive errors (p').
  [[nodiscard]] double mean_distance() const { return distances_.mean.mean; }
  /// Standard deviation of the distance between consecutive errors (s').
  [[nodiscard]] double std_distance() const { return std::pow(distances_.variance(), 0.5); }
  /// Largest p' + 2 s' so far (-1 before the first one past warm_start).
  [[nodiscard]] double max_level() const { return p2s_max_; }

  void reset() {
    clear_flags();
    distances_ = {};
    n_ = 0;
    last_error_ = 0;
    n_errors_ = 0;
    p2s_max_ = -1.0;
  }

  void process(double x) {
    if (drift_detected_) reset();
    ++n_;
    if (x != 1.0) return;
    ++n_errors_;
    distances_.update(static_cast<double>(n_ - last_error_));
    if (n_ > options_.warm_start) {
      // river takes the square root as `variance ** 0.5`, i.e. pow, not sqrt.
      const double p2s = distances_.mean.mean + 2.0 * std::pow(distances_.variance(), 0.5);
      if (p2s > p2s_max_) {
        p2s_max_ = p2s;
      } else if (n_errors_ > options_.warm_start) {
        const double level = p2s / p2s_max_;
        if (level < options_.beta) {
          drift_detected_ = true;  // the warning keeps its value, as in river
        } else {
          warning_detected_ = level < options_.alpha;
        }
      }
    }
    last_error_ = n_;
  }

  void write_state(serialization::binary_writer& writer) const {
    writer.write_i64(options_.warm_start);
    writer.write_f64(options_.alpha);
    writer.write_f64(options_.beta);
    writer.write_i64(n_);
    writer.write_i64(last_error_);
    writer.write_i64(n_errors_);
    detail::write_running_mean(writer, distances_.mean);
    writer.write_f64(distances_.sum_of_squares);
    writer.write_f64(p2s_max_);
  }

  static eddm read_state(serialization::binary_reader& reader, nan_policy policy) {
    eddm_options options;
    options.nan_handling = policy;
    options.warm_start = reader.read_i64();
    options.alpha = reader.read_f64();
    options.beta = reader.read_f64();
    eddm detector(options);
    detector.n_ = detail::read_count(reader, "the number of values seen");
    detector.last_error_ = detail::read_count(reader, "the position of the last error");
    detector.n_errors_ = detail::read_count(reader, "the number of errors");
    if (detector.last_error_ > detector.n_ || detector.n_errors_ > detector.n_ ||
        (detector.n_errors_ == 0) != (detector.last_error_ == 0)) {
      reader.fail("the counts of values and errors are inconsistent");
    }
    const double largest = static_cast<double>(detector.n_);
    detector.distances_.mean =
        detail::read_running_mean(reader, "the mean distance between errors", 0.0, largest);
    if (detector.distances_.mean.count != detector.n_errors_) {
      reader.fail("the number of distances differs from the number of errors");
    }
    detector.distances_.sum_of_squares = detail::read_bounded(
        reader, "the sum of squared distances", 0.0, std::numeric_limits<double>::max());
    detector.p2s_max_ =
        detail::read_bounded(reader, "the largest level", -1.0, std::numeric_limits<double>::max());
    return detector;
  }

 private:
  static void check_unit(double value, const char* name) {
    if (!(value > 0.0 && value <= 1.0)) {
      throw invalid_argument(std::string(name) + " must be in (0, 1], got " +
                             std::to_string(value));
    }
  }

  eddm_options options_;
  detail::running_variance distances_;  // distances between consecutive errors
  std::int64_t n_ = 0;
  std::int64_t last_error_ = 0;  // position (1-based) of the last error, 0 before any
  std::int64_t n_errors_ = 0;
  double p2s_max_ = -1.0;
};

}  // namespace shiftguard::drift::stream
