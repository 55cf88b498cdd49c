#pragma once

// Page–Hinkley test for a change in the mean of a real-valued stream, with river's
// semantics (drift.PageHinkley): the running mean is updated first, the deviation of the new
// value from it (less/plus the tolerance delta) accumulates with forgetting factor alpha, and
// drift is signalled once at least min_instances values were seen and the accumulated
// increase (or decrease) exceeds the threshold.

#include <cstdint>
#include <limits>
#include <string>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/drift/stream/common.hpp"

namespace shiftguard::drift::stream {

/// Direction of change Page–Hinkley watches for.
enum class ph_mode { both, up, down };

inline ph_mode ph_mode_from_string(const std::string& name) {
  if (name == "both") return ph_mode::both;
  if (name == "up") return ph_mode::up;
  if (name == "down") return ph_mode::down;
  throw invalid_argument("mode must be 'both', 'up' or 'down', got '" + name + "'");
}

inline const char* to_string(ph_mode mode) {
  switch (mode) {
    case ph_mode::up:
      return "up";
    case ph_mode::down:
      return "down";
    case ph_mode::both:
    default:
      return "both";
  }
}

/// Page–Hinkley options; defaults are river's.
struct page_hinkley_options {
  std::int64_t min_instances = 30;  ///< values seen before drift can be signalled (>= 1)
  double delta = 0.005;             ///< tolerated deviation (>= 0)
  double threshold = 50.0;          ///< decision threshold lambda (>= 0)
  double alpha = 1.0 - 0.0001;      ///< forgetting factor in (0, 1]
  ph_mode mode = ph_mode::both;     ///< watch increases, decreases, or both
  nan_policy nan_handling = nan_policy::raise;
};

/// Page–Hinkley change detector.
class page_hinkley : public stream_detector<page_hinkley> {
 public:
  static constexpr const char* type_tag = "drift.stream.page_hinkley";
  static constexpr std::uint32_t type_version = 1;
  static constexpr value_domain domain = value_domain::real;
  using options_type = page_hinkley_options;

  explicit page_hinkley(const page_hinkley_options& options = {}) : options_(options) {
    checks::count_at_least(options.min_instances, 1, "min_instances");
    checks::at_least(options.delta, 0.0, "delta");
    checks::at_least(options.threshold, 0.0, "threshold");
    if (!(options.alpha > 0.0 && options.alpha <= 1.0)) {
      throw invalid_argument("alpha must be in (0, 1], got " + std::to_string(options.alpha));
    }
  }

  [[nodiscard]] const page_hinkley_options& options() const { return options_; }
  /// Values seen since the last reset.
  [[nodiscard]] std::int64_t n_seen() const { return n_; }
  /// Running mean since the last reset.
  [[nodiscard]] double mean() const { return mean_; }

  void reset() {
    clear_flags();
    n_ = 0;
    mean_ = 0.0;
    sum_increase_ = 0.0;
    sum_decrease_ = 0.0;
    min_increase_ = std::numeric_limits<double>::infinity();
    max_decrease_ = -1.0;
  }

  void process(double x) {
    if (drift_detected_) reset();
    ++n_;
    // Written as river's running mean computes it, so that the rounding is the same.
    mean_ += (1.0 / static_cast<double>(n_)) * (x - mean_);
    const double deviation = x - mean_;
    sum_increase_ = options_.alpha * sum_increase_ + deviation - options_.delta;
    sum_decrease_ = options_.alpha * sum_decrease_ + deviation + options_.delta;
    if (sum_increase_ < min_increase_) min_increase_ = sum_increase_;
    if (sum_decrease_ > max_decrease_) max_decrease_ = sum_decrease_;
    if (n_ >= options_.min_instances) {
      const bool up = sum_increase_ - min_increase_ > options_.threshold;
      const bool down = max_decrease_ - sum_decrease_ > options_.threshold;
      drift_detected_ = options_.mode == ph_mode::up     ? up
                        : options_.mode == ph_mode::down ? down
                                                         : (up || down);
    }
  }

  void write_state(serialization::binary_writer& writer) const {
    writer.write_i64(options_.min_instances);
    writer.write_f64(options_.delta);
    writer.write_f64(options_.threshold);
    writer.write_f64(options_.alpha);
    writer.write_u8(static_cast<std::uint8_t>(options_.mode));
    writer.write_i64(n_);
    writer.write_f64(mean_);
    writer.write_f64(sum_increase_);
    writer.write_f64(sum_decrease_);
    writer.write_f64(min_increase_);
    writer.write_f64(max_decrease_);
  }

  static page_hinkley read_state(serialization::binary_reader& reader, nan_policy policy) {
    page_hinkley_options options;
    options.nan_handling = policy;
    options.min_instances = reader.read_i64();
    options.delta = reader.read_f64();
    options.threshold = reader.read_f64();
    options.alpha = reader.read_f64();
    const auto mode = reader.read_u8();
    if (mode > 2) reader.fail("unknown mode code " + std::to_string(mode));
    options.mode = static_cast<ph_mode>(mode);
    page_hinkley detector(options);
    detector.n_ = reader.read_i64();
    if (detector.n_ < 0) reader.fail("negative count of values seen");
    detector.mean_ = reader.read_f64();
    detector.sum_increase_ = reader.read_f64();
    detector.sum_decrease_ = reader.read_f64();
    detector.min_increase_ = reader.read_f64();
    detector.max_decrease_ = reader.read_f64();
    return detector;
  }

 private:
  page_hinkley_options options_;
  std::int64_t n_ = 0;
  double mean_ = 0.0;
  double sum_increase_ = 0.0;
  double sum_decrease_ = 0.0;
  double min_increase_ = std::numeric_limits<double>::infinity();
  double max_decrease_ = -1.0;
};

}  // namespace shiftguard::drift::stream
