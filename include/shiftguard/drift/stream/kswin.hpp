#pragma once

// KSWIN (Kolmogorov–Smirnov windowing, Raab et al. 2020) with river's semantics
// (drift.KSWIN): a sliding window of the last window_size values; once it is full, each new
// value triggers a two-sample KS test between the stat_size most recent values and stat_size
// values drawn at random, without replacement, from the older part of the window. Drift is
// signalled when the p-value is at most alpha and the statistic exceeds 0.1.
//
// The random draws reproduce Python's random.Random(seed).sample draw for draw
// (core/rng.hpp) and the test reproduces scipy.stats.ks_2samp(method="auto"), so a seeded
// detector fires at the same positions as river's. As in river, the generator is reseeded
// after each drift and on reset.

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/rng.hpp"
#include "shiftguard/drift/stream/common.hpp"
#include "shiftguard/drift/univariate.hpp"

namespace shiftguard::drift::stream {

/// KSWIN options; defaults are river's.
struct kswin_options {
  double alpha = 0.005;             ///< significance level of each test, in (0, 1)
  std::int64_t window_size = 100;   ///< length of the sliding window
  std::int64_t stat_size = 30;      ///< values in each tested sample; window_size >= 2*stat_size
  std::uint64_t seed = 0;           ///< seed of the draws (Python's random.Random(seed))
  nan_policy nan_handling = nan_policy::raise;
};

/// KSWIN change detector.
class kswin : public stream_detector<kswin> {
 public:
  static constexpr const char* type_tag = "drift.stream.kswin";
  static constexpr std::uint32_t type_version = 1;
  static constexpr value_domain domain = value_domain::real;
  using options_type = kswin_options;

  /// `initial_window` (at most window_size values, oldest first) pre-fills the window, as
  /// river's `window` argument does; it is not restored by reset().
  explicit kswin(const kswin_options& options = {}, const std::vector<double>& initial_window = {})
      : options_(options), rng_(options.seed) {
    checks::open_interval(options.alpha, 0.0, 1.0, "alpha");
    checks::count_at_least(options.stat_size, 1, "stat_size");
    checks::count_at_least(options.window_size, 2, "window_size");
    if (options.window_size < 2 * options.stat_size) {
      throw invalid_argument("window_size must be at least twice stat_size (the random sample "
                             "is drawn from the window's older part), got window_size=" +
                             std::to_string(options.window_size) +
                             ", stat_size=" + std::to_string(options.stat_size));
    }
    if (options.window_size > (std::int64_t{1} << 31)) {
      throw invalid_argument("window_size must be below 2^31, got " +
                             std::to_string(options.window_size));
    }
    const auto window = static_cast<std::size_t>(options.window_size);
    const auto stat = static_cast<std::size_t>(options.stat_size);
    window_.assign(window, 0.0);
    workspace_.assign(window - stat, 0);
    picks_.assign(stat, 0);
    older_sample_.assign(stat, 0.0);
    recent_sample_.assign(stat, 0.0);
    recent_in_order_.assign(stat, 0.0);
    // With two samples of stat_size values the statistic is h / stat_size for an integer h,
    // so the p-values SciPy would compute are tabulated once.
    p_value_table_.resize(stat + 1);
    for (std::size_t h = 0; h <= stat; ++h) {
      double statistic = static_cast<double>(h) / static_cast<double>(stat);
      p_value_table_[h] = ks_2samp_p_value(options.stat_size, options.stat_size, statistic,
                                           alternative::two_sided, ks_method::automatic);
    }
    for (const double value : initial_window) {
      if (!std::isfinite(value)) {
        throw invalid_argument("initial_window must hold finite values");
      }
      push(value);
    }
  }

  [[nodiscard]] const kswin_options& options() const { return options_; }
  /// Values seen since the last drift or reset.
  [[nodiscard]] std::int64_t n_seen() const { return n_; }
  /// p-value of the last test (0 before the window first fills, as in river).
  [[nodiscard]] double p_value() const { return p_value_; }
  /// The window's values, oldest first.
  [[nodiscard]] std::vector<double> window() const {
    std::vector<double> out(static_cast<std::size_t>(count_));
    for (std::int64_t i = 0; i < count_; ++i) out[static_cast<std::size_t>(i)] = at(i);
    return out;
  }

  void reset() {
    clear_flags();
    n_ = 0;
    p_value_ = 0.0;
    count_ = 0;
    head_ = 0;
    rng_.seed_from(options_.seed);
  }

  void process(double x) {
    if (drift_detected_) reset();
    ++n_;
    push(x);
    if (count_ < options_.window_size) {
      drift_detected_ = false;
      return;
    }
    const auto stat = static_cast<std::uint32_t>(options_.stat_size);
    const auto older = static_cast<std::uint32_t>(options_.window_size - options_.stat_size);
    rng_.sample_range(older, stat, workspace_.data(), picks_.data());
    for (std::uint32_t i = 0; i < stat; ++i) {
      older_sample_[i] = at(picks_[i]);
      recent_in_order_[i] = at(older + i);
    }
    std::copy(recent_in_order_.begin(), recent_in_order_.end(), recent_sample_.begin());
    std::sort(older_sample_.begin(), older_sample_.end());
    std::sort(recent_sample_.begin(), recent_sample_.end());
    const std::size_t h = largest_cdf_gap(stat);
    const double statistic = static_cast<double>(h) / static_cast<double>(stat);
    p_value_ = p_value_table_[h];
    drift_detected_ = p_value_ <= options_.alpha && statistic > 0.1;
    if (drift_detected_) {
      // river keeps only the most recent values (the next update resets anyway).
      count_ = 0;
      head_ = 0;
      for (const double value : recent_in_order_) push(value);
    }
  }

  void write_state(serialization::binary_writer& writer) const {
    writer.write_f64(options_.alpha);
    writer.write_i64(options_.window_size);
    writer.write_i64(options_.stat_size);
    writer.write_u64(options_.seed);
    writer.write_i64(n_);
    writer.write_f64(p_value_);
    const std::vector<double> values = window();
    writer.write_array(values);
    std::vector<std::uint64_t> rng_state(rng_.state().begin(), rng_.state().end());
    writer.write_array(rng_state);
    writer.write_u32(static_cast<std::uint32_t>(rng_.position()));
  }

  static kswin read_state(serialization::binary_reader& reader, nan_policy policy) {
    kswin_options options;
    options.nan_handling = policy;
    options.alpha = reader.read_f64();
    options.window_size = reader.read_i64();
    options.stat_size = reader.read_i64();
    options.seed = reader.read_u64();
    kswin detector(options);
    detector.n_ = reader.read_i64();
    if (detector.n_ < 0) reader.fail("negative count of values seen");
    detector.p_value_ = reader.read_f64();
    const auto values = reader.read_array<double>();
    if (static_cast<std::int64_t>(values.size()) > options.window_size) {
      reader.fail("the window holds more values than window_size");
    }
    for (const double value : values) {
      if (!std::isfinite(value)) reader.fail("the window holds a non-finite value");
      detector.push(value);
    }
    const auto rng_words = reader.read_array<std::uint64_t>();
    if (rng_words.size() != python_random::state_size) reader.fail("bad random state size");
    std::array<std::uint32_t, python_random::state_size> state{};
    for (std::size_t i = 0; i < state.size(); ++i) {
      if (rng_words[i] > 0xffffffffULL) reader.fail("bad random state word");
      state[i] = static_cast<std::uint32_t>(rng_words[i]);
    }
    const auto position = reader.read_u32();
    if (position > static_cast<std::uint32_t>(python_random::state_size)) {
      reader.fail("bad random state position");
    }
    detector.rng_.set_state(state, static_cast<int>(position));
    return detector;
  }

 private:
  // max |i - j| over the merged sorted samples, where i and j count the values <= v in each
  // sample: stat_size times the two-sided KS statistic, exactly.
  std::size_t largest_cdf_gap(std::size_t size) const {
    std::size_t i = 0;
    std::size_t j = 0;
    std::size_t gap = 0;
    while (i < size && j < size) {
      const double value = std::min(older_sample_[i], recent_sample_[j]);
      while (i < size && older_sample_[i] == value) ++i;
      while (j < size && recent_sample_[j] == value) ++j;
      gap = std::max(gap, i > j ? i - j : j - i);
    }
    return gap;  // once one sample is exhausted the gap only shrinks
  }

  double at(std::int64_t i) const {
    std::int64_t slot = head_ + i;  // i < window_size, so one wrap at most
    if (slot >= options_.window_size) slot -= options_.window_size;
    return window_[static_cast<std::size_t>(slot)];
  }

  void push(double x) {
    if (count_ < options_.window_size) {
      window_[static_cast<std::size_t>(count_)] = x;  // head_ is 0 until the window is full
      ++count_;
    } else {
      window_[static_cast<std::size_t>(head_)] = x;
      if (++head_ == options_.window_size) head_ = 0;
    }
  }

  kswin_options options_;
  python_random rng_;
  std::int64_t n_ = 0;
  double p_value_ = 0.0;
  std::vector<double> window_;  // ring buffer: count_ values starting at head_
  std::int64_t count_ = 0;
  std::int64_t head_ = 0;
  // Workspaces sized at construction, so that updates do not allocate.
  std::vector<std::uint32_t> workspace_;
  std::vector<std::uint32_t> picks_;
  std::vector<double> older_sample_;
  std::vector<double> recent_sample_;
  std::vector<double> recent_in_order_;
  std::vector<double> p_value_table_;  // p-value for statistic h / stat_size
};

}  // namespace shiftguard::drift::stream
