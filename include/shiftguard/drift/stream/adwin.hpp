#pragma once

// ADWIN (ADaptive WINdowing, Bifet & Gavaldà 2007) for a change in the mean of a real-valued
// stream, with river's semantics (drift.ADWIN, river 0.26.1).
//
// The window is summarised by an exponential histogram: row r of the histogram holds up to
// max_buckets buckets, each the sum (and the sum of squared deviations) of 2^r consecutive
// values, oldest first; rows further down hold older values. A new value enters row 0 as a
// bucket of one; when a row holds max_buckets + 1 buckets its two oldest merge into one
// bucket of the next row, which may cascade. So a window of n values takes
// O(max_buckets * log2(n / max_buckets)) buckets.
//
// Every `clock` values, once the window holds more than grace_period values, every split of
// the window at a bucket boundary into an older part W0 and a newer part W1 (both at least
// min_window_length long) is tested: when |mean(W0) - mean(W1)| exceeds
//   sqrt(2 m variance/width ln(2 ln(width) / delta)) + 2/3 m ln(2 ln(width) / delta),
//   m = 1 / (n0 - min_window_length + 1) + 1 / (n1 - min_window_length + 1),
// the oldest bucket is dropped, the splits are tested again, and drift is signalled. As in
// river, the detector then starts afresh with the next value (an empty window).
//
// The arithmetic follows river's order of operations, so that the rounding and therefore the
// detection indices are the same.
//
// Speed (update_many): the values between two tests are inserted as one block (running total
// and variance in river's order, divisions two at a time, merges row by row), and a test
// first checks a rigorous bound that proves "no split cuts" for most windows (see may_cut);
// only when the bound cannot exclude a cut does river's exact pass run. Results are
// identical to the value-by-value path.
//
// Storage: one contiguous block of (max_buckets + 1) slots per row, used as a ring buffer, so
// an update moves no data and allocates nothing once the window has reached its largest
// number of rows; a new row (a doubling of the window) grows the block, and a reset keeps it.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/stream/common.hpp"

namespace shiftguard::drift::stream {

/// ADWIN options; defaults are river's.
struct adwin_options {
  double delta = 0.002;                 ///< significance level, in (0, 1)
  std::int64_t clock = 32;              ///< test for change every `clock` values (1 to 2^31-1)
  std::int64_t max_buckets = 5;         ///< buckets per row before two merge (1 to 2^20)
  std::int64_t min_window_length = 5;   ///< shortest sub-window a split may leave (>= 1)
  std::int64_t grace_period = 10;       ///< no test until the window holds more values (>= 0)
  nan_policy nan_handling = nan_policy::raise;
};

/// ADWIN change detector.
class adwin : public stream_detector<adwin> {
 public:
  static constexpr const char* type_tag = "drift.stream.adwin";
  static constexpr std::uint32_t type_version = 1;
  static constexpr value_domain domain = value_domain::real;
  using options_type = adwin_options;

  /// Largest max_buckets accepted (a row of the histogram takes 16 (max_buckets + 1) bytes).
  static constexpr std::int64_t max_max_buckets = std::int64_t{1} << 20;
  /// Most rows the histogram can have: a bucket of row r holds 2^r values, and the window
  /// length stays below 2^62.
  static constexpr std::size_t max_rows = 62;

  explicit adwin(const adwin_options& options = {})
      : options_(options), stride_(static_cast<std::size_t>(validated(options).max_buckets) + 1) {
    clock_ = static_cast<std::int32_t>(options.clock);
    min_window_length_ = static_cast<double>(options.min_window_length);
    grace_period_ = static_cast<double>(options.grace_period);
    add_row();
    countdown_ = ticks_to_next_test(tick_);
  }

  [[nodiscard]] const adwin_options& options() const { return options_; }

  /// Number of values in the window.
  [[nodiscard]] std::int64_t width() const { return width_; }
  /// Sum of the values in the window.
  [[nodiscard]] double total() const { return total_; }
  /// river's `variance`: the sum of squared deviations of the window's values from their mean
  /// (the window's variance times its width), maintained incrementally.
  [[nodiscard]] double variance() const { return variance_; }
  /// Mean of the window (0 when it is empty).
  [[nodiscard]] double estimation() const {
    return width_ == 0 ? 0.0 : total_ / static_cast<double>(width_);
  }
  /// Changes detected since the detector last started afresh. As in river, the detector
  /// starts afresh on the value after a drift, so this is 1 right after a drift, else 0.
  [[nodiscard]] std::int64_t n_detections() const { return n_detections_; }
  /// Rows of the exponential histogram in use (grows like log2(width / max_buckets)).
  [[nodiscard]] std::size_t n_bucket_rows() const { return n_rows_; }
  /// Buckets held in all rows.
  [[nodiscard]] std::int64_t n_buckets() const {
    std::int64_t count = 0;
    for (std::size_t row = 0; row < n_rows_; ++row) {
      count += static_cast<std::int64_t>(counts_[row]);
    }
    return count;
  }
  /// Rows for which storage is allocated (kept across resets).
  [[nodiscard]] std::size_t allocated_bucket_rows() const { return counts_.size(); }

  void reset() {
    clear_flags();
    for (std::size_t row = 0; row < n_rows_; ++row) {
      starts_[row] = 0;
      counts_[row] = 0;
    }
    n_rows_ = 1;
    width_ = 0;
    total_ = 0.0;
    variance_ = 0.0;
    tick_ = 0;
    countdown_ = ticks_to_next_test(tick_);
    n_detections_ = 0;
    scan_valid_from_ = invalid_scan;
  }

  void process(double x) {
    if (drift_detected_) reset();
    insert(x);
    drift_detected_ = detect_change();
  }

  /// Processes a batch in order and reports where drift fired (as stream_detector's
  /// update_many, with identical results): values between two tests of the window are
  /// inserted as a block, so that their arithmetic runs without a test in between.
  template <class VectorDerived>
  stream_events update_many(const Eigen::DenseBase<VectorDerived>& values) {
    const index n = values.size();
    for (index i = 0; i < n; ++i) {
      if (!std::isfinite(static_cast<double>(values(i)))) {
        // Rare: the base class raises or skips value by value.
        return stream_detector<adwin>::update_many(values);
      }
    }
    stream_events events;
    double buffer[block_capacity];
    for (index start = 0; start < n; start += static_cast<index>(block_capacity)) {
      const index length = std::min<index>(n - start, static_cast<index>(block_capacity));
      for (index i = 0; i < length; ++i) buffer[i] = static_cast<double>(values(start + i));
      process_many(buffer, length, start, events);
    }
    return events;
  }

  /// Processes `count` values at `data` (contiguous).
  stream_events update_many(const double* data, index count) {
    if (!all_finite(data, count)) {
      // Rare: the base class raises or skips value by value.
      return stream_detector<adwin>::update_many(Eigen::Map<const vector<double>>(data, count));
    }
    stream_events events;
    process_many(data, count, 0, events);
    return events;
  }

  void write_state(serialization::binary_writer& writer) const {
    writer.write_f64(options_.delta);
    writer.write_i64(options_.clock);
    writer.write_i64(options_.max_buckets);
    writer.write_i64(options_.min_window_length);
    writer.write_i64(options_.grace_period);
    writer.write_i64(tick_);
    writer.write_i64(n_detections_);
    writer.write_i64(width_);
    writer.write_f64(total_);
    writer.write_f64(variance_);
    writer.write_u64(n_rows_);
    // Each row oldest bucket first, whatever the ring buffer's rotation.
    for (std::size_t row = 0; row < n_rows_; ++row) {
      const std::size_t count = counts_[row];
      writer.write_u64(count);
      for (std::size_t k = 0; k < count; ++k) writer.write_f64(totals_[slot(row, k)]);
      for (std::size_t k = 0; k < count; ++k) writer.write_f64(variances_[slot(row, k)]);
    }
  }

  static adwin read_state(serialization::binary_reader& reader, nan_policy policy) {
    adwin_options options;
    options.nan_handling = policy;
    options.delta = reader.read_f64();
    options.clock = reader.read_i64();
    options.max_buckets = reader.read_i64();
    options.min_window_length = reader.read_i64();
    options.grace_period = reader.read_i64();
    adwin detector(options);  // validates the options (invalid_argument -> format_error)

    const std::int64_t tick = reader.read_i64();
    if (tick < std::numeric_limits<std::int32_t>::min() ||
        tick > std::numeric_limits<std::int32_t>::max()) {
      reader.fail("the clock tick " + std::to_string(tick) + " is out of range");
    }
    detector.tick_ = static_cast<std::int32_t>(tick);
    detector.countdown_ = detector.ticks_to_next_test(detector.tick_);
    detector.n_detections_ = reader.read_i64();
    if (detector.n_detections_ < 0 || detector.n_detections_ > 1) {
      reader.fail("n_detections is " + std::to_string(detector.n_detections_) +
                  ", expected 0 or 1");
    }
    const std::int64_t width = reader.read_i64();
    detector.total_ = reader.read_f64();
    detector.variance_ = reader.read_f64();

    const std::uint64_t n_rows = reader.read_u64();
    if (n_rows < 1 || n_rows > max_rows) {
      reader.fail("the histogram has " + std::to_string(n_rows) + " rows, expected 1 to " +
                  std::to_string(max_rows));
    }
    const auto max_buckets = static_cast<std::uint64_t>(options.max_buckets);
    std::int64_t counted_width = 0;
    for (std::size_t row = 0; row < n_rows; ++row) {
      const std::uint64_t count = reader.read_u64();
      const bool last = row + 1 == n_rows;
      // Rows above the last have been merged from, so they hold max_buckets - 1 or
      // max_buckets buckets; the last holds 1 to max_buckets (0 only when it is the only row).
      const std::uint64_t least = last ? (n_rows == 1 ? 0 : 1) : max_buckets - 1;
      if (count < least || count > max_buckets) {
        reader.fail("row " + std::to_string(row) + " of the histogram holds " +
                    std::to_string(count) + " buckets, expected " + std::to_string(least) +
                    " to " + std::to_string(max_buckets));
      }
      // count <= 2^20 and row < 62: the sum stays below 2^62 + 2^21 (no overflow), checked
      // against the limit as it grows.
      counted_width += static_cast<std::int64_t>(count) << row;
      if (counted_width > (std::int64_t{1} << 62)) reader.fail("the window is too long");
      if (row >= detector.n_rows_) detector.add_row();
      // Each value is 8 bytes: a count beyond the remaining data fails in read_f64 before
      // anything out of bounds is touched (the row's slots exist already).
      detector.starts_[row] = 0;
      detector.counts_[row] = static_cast<std::size_t>(count);
      for (std::size_t k = 0; k < count; ++k) {
        detector.totals_[detector.slot(row, k)] = reader.read_f64();
      }
      for (std::size_t k = 0; k < count; ++k) {
        detector.variances_[detector.slot(row, k)] = reader.read_f64();
      }
    }
    if (width != counted_width) {
      reader.fail("the window width " + std::to_string(width) +
                  " does not match its buckets (" + std::to_string(counted_width) + ")");
    }
    detector.width_ = width;
    detector.scan_valid_from_ = invalid_scan;
    return detector;
  }

 private:
  static constexpr std::size_t invalid_scan = std::numeric_limits<std::size_t>::max();

  // Whether no value is infinite or NaN (x - x is 0 exactly when x is finite).
  static bool all_finite(const double* data, index count) {
    index i = 0;
    bool finite = true;
#if defined(__SSE2__)
    __m128d bad = _mm_setzero_pd();
    for (; i + 3 < count; i += 4) {
      const __m128d a = _mm_loadu_pd(data + i);
      const __m128d b = _mm_loadu_pd(data + i + 2);
      const __m128d da = _mm_sub_pd(a, a);
      const __m128d db = _mm_sub_pd(b, b);
      bad = _mm_or_pd(bad, _mm_or_pd(_mm_cmpunord_pd(da, da), _mm_cmpunord_pd(db, db)));
    }
    finite = _mm_movemask_pd(bad) == 0;
#endif
    for (; i < count; ++i) finite = finite && std::isfinite(data[i]);
    return finite;
  }
  // Most values inserted as one block (stack buffers of this many doubles).
  static constexpr std::size_t block_capacity = 256;

  // Processes finite values; positions of drift are reported offset by `first_index`.
  void process_many(const double* data, index count, index first_index, stream_events& events) {
    index position = 0;
    while (position < count) {
      if (drift_detected_) reset();
      // Insert up to (and including) the next value whose tick is tested.
      index length = std::min<index>(count - position, countdown_);
      length = std::min<index>(length, static_cast<index>(block_capacity));
      insert_block(data + position, static_cast<std::size_t>(length));
      position += length;
      tick_ = static_cast<std::int32_t>(static_cast<std::uint32_t>(tick_) +
                                        static_cast<std::uint32_t>(length));
      countdown_ -= static_cast<std::int32_t>(length);
      if (countdown_ == 0) {
        drift_detected_ = test_tick();
        if (drift_detected_) events.drift_indices.push_back(first_index + position - 1);
      } else {
        drift_detected_ = false;
      }
    }
  }

  // Inserts values as insert() does one by one, with identical arithmetic: the running total
  // and variance in the same order, and the merges of each row in the order they happen.
  void insert_block(const double* values, std::size_t n) {
    std::size_t i = 0;
    double total = total_;
    double variance = variance_;
    double width = static_cast<double>(width_);  // before the value; exact below 2^53
    if (width_ == 0 && n > 0) {
      // The first value of the window adds 0.0 to the variance.
      variance += 0.0;
      total += values[0];
      width = 1.0;
      i = 1;
    }
#if defined(__SSE2__)
    // Two values at a time: the running total and variance stay sequential scalars, the
    // divisions of both values go through one divpd (IEEE division, the same results).
    const __m128d one = _mm_set1_pd(1.0);
    const __m128d two = _mm_set1_pd(2.0);
    __m128d widths = _mm_set_pd(width + 2.0, width + 1.0);  // (high, low)
    for (; i + 1 < n; i += 2) {
      const double total_before_first = total;
      total += values[i];
      const double total_before_second = total;
      total += values[i + 1];
      const __m128d previous = _mm_set_pd(total_before_second, total_before_first);
      const __m128d x = _mm_loadu_pd(values + i);
      const __m128d widths_minus_one = _mm_sub_pd(widths, one);
      const __m128d deviation = _mm_sub_pd(x, _mm_div_pd(previous, widths_minus_one));
      const __m128d increment = _mm_div_pd(
          _mm_mul_pd(_mm_mul_pd(widths_minus_one, deviation), deviation), widths);
      variance += _mm_cvtsd_f64(increment);
      variance += _mm_cvtsd_f64(_mm_unpackhi_pd(increment, increment));
      widths = _mm_add_pd(widths, two);
      width += 2.0;
    }
#endif
    for (; i < n; ++i) {
      width += 1.0;
      const double deviation = values[i] - total / (width - 1.0);
      variance += (width - 1.0) * deviation * deviation / width;
      total += values[i];
    }
    total_ = total;
    variance_ = variance;
    width_ += static_cast<std::int64_t>(n);
    insert_buckets(values, n);
  }

  // Pushes n buckets of one value each into row 0 and carries out every merge they cause,
  // row by row: a row receiving k buckets while holding c merges its two oldest whenever it
  // reaches max_buckets + 1, i.e. merges consecutive pairs of (its c buckets, then the k new
  // ones), and the merged buckets reach the next row in that order.
  void insert_buckets(const double* values, std::size_t n) {
    double totals_a[block_capacity];
    double variances_a[block_capacity];
    double totals_b[block_capacity];
    double variances_b[block_capacity];
    const auto max_buckets = static_cast<std::size_t>(options_.max_buckets);
    const double* in_totals = values;
    const double* in_variances = nullptr;  // row 0: all 0.0
    double* out_totals = totals_a;
    double* out_variances = variances_a;
    std::size_t k = n;
    for (std::size_t row = 0; k > 0; ++row) {
      const std::size_t held = counts_[row];
      const std::size_t merges = held + k > max_buckets ? (held + k - max_buckets + 1) / 2 : 0;
      if (merges > 0) {
        if (row + 1 == n_rows_) add_row();
        const double size = static_cast<double>(std::uint64_t{1} << row);
        const double inverse_size = 1.0 / size;  // exact: size is a power of two
        const double half_size = size * 0.5;
        // Pairs (2j, 2j+1) of the sequence (held buckets, new buckets).
        std::size_t j = 0;
        for (; j < merges && 2 * j < held; ++j) {
          const std::size_t at_first = slot(row, 2 * j);
          const double total_first = totals_[at_first];
          const double variance_first = variances_[at_first];
          double total_second;
          double variance_second;
          if (2 * j + 1 < held) {
            const std::size_t at_second = slot(row, 2 * j + 1);
            total_second = totals_[at_second];
            variance_second = variances_[at_second];
          } else {
            total_second = in_totals[0];
            variance_second = in_variances == nullptr ? 0.0 : in_variances[0];
          }
          const double mean_first = total_first * inverse_size;
          const double mean_second = total_second * inverse_size;
          out_totals[j] = total_first + total_second;
          out_variances[j] = variance_first + variance_second +
                             half_size * (mean_first - mean_second) * (mean_first - mean_second);
        }
        // Pairs made of new buckets only: (2j - held, 2j + 1 - held).
        if (in_variances == nullptr) {
#if defined(__SSE2__)
          const __m128d half_v = _mm_set1_pd(half_size);
          const __m128d zero_v = _mm_setzero_pd();
          for (; j + 1 < merges; j += 2) {
            const double* pair = in_totals + (2 * j - held);
            const __m128d low = _mm_loadu_pd(pair);       // (first of j, second of j)
            const __m128d high = _mm_loadu_pd(pair + 2);  // (first of j+1, second of j+1)
            const __m128d firsts = _mm_unpacklo_pd(low, high);
            const __m128d seconds = _mm_unpackhi_pd(low, high);
            const __m128d difference = _mm_sub_pd(firsts, seconds);
            _mm_storeu_pd(out_totals + j, _mm_add_pd(firsts, seconds));
            _mm_storeu_pd(out_variances + j,
                          _mm_add_pd(_mm_add_pd(zero_v, zero_v),
                                     _mm_mul_pd(_mm_mul_pd(half_v, difference), difference)));
          }
#endif
          for (std::size_t m = j; m < merges; ++m) {
            const double total_first = in_totals[2 * m - held];
            const double total_second = in_totals[2 * m + 1 - held];
            const double difference = total_first - total_second;
            out_totals[m] = total_first + total_second;
            out_variances[m] = 0.0 + 0.0 + half_size * difference * difference;
          }
        } else {
#if defined(__SSE2__)
          const __m128d half_v = _mm_set1_pd(half_size);
          const __m128d inverse_v = _mm_set1_pd(inverse_size);
          for (; j + 1 < merges; j += 2) {
            const double* pair = in_totals + (2 * j - held);
            const double* pair_variances = in_variances + (2 * j - held);
            const __m128d low = _mm_loadu_pd(pair);
            const __m128d high = _mm_loadu_pd(pair + 2);
            const __m128d low_variances = _mm_loadu_pd(pair_variances);
            const __m128d high_variances = _mm_loadu_pd(pair_variances + 2);
            const __m128d firsts = _mm_unpacklo_pd(low, high);
            const __m128d seconds = _mm_unpackhi_pd(low, high);
            const __m128d difference =
                _mm_sub_pd(_mm_mul_pd(firsts, inverse_v), _mm_mul_pd(seconds, inverse_v));
            _mm_storeu_pd(out_totals + j, _mm_add_pd(firsts, seconds));
            _mm_storeu_pd(out_variances + j,
                          _mm_add_pd(_mm_add_pd(_mm_unpacklo_pd(low_variances, high_variances),
                                                _mm_unpackhi_pd(low_variances, high_variances)),
                                     _mm_mul_pd(_mm_mul_pd(half_v, difference), difference)));
          }
#endif
          for (std::size_t m = j; m < merges; ++m) {
            const double total_first = in_totals[2 * m - held];
            const double total_second = in_totals[2 * m + 1 - held];
            const double mean_first = total_first * inverse_size;
            const double mean_second = total_second * inverse_size;
            out_totals[m] = total_first + total_second;
            out_variances[m] = in_variances[2 * m - held] + in_variances[2 * m + 1 - held] +
                               half_size * (mean_first - mean_second) * (mean_first - mean_second);
          }
        }
      }
      // What stays in the row: the sequence from position 2 * merges on.
      const std::size_t consumed = 2 * merges;
      const std::size_t first_kept = consumed >= held ? consumed - held : 0;
      if (consumed > 0) drop_oldest(row, std::min(consumed, held));
      push_buckets(row, in_totals + first_kept,
                   in_variances == nullptr ? nullptr : in_variances + first_kept,
                   k - first_kept);
      // The merged buckets are the next row's new buckets.
      k = merges;
      in_totals = out_totals;
      in_variances = out_variances;
      if (out_totals == totals_a) {
        out_totals = totals_b;
        out_variances = variances_b;
      } else {
        out_totals = totals_a;
        out_variances = variances_a;
      }
    }
  }

  static const adwin_options& validated(const adwin_options& options) {
    checks::open_interval(options.delta, 0.0, 1.0, "delta");
    checks::count_at_least(options.clock, 1, "clock");
    if (options.clock > std::numeric_limits<std::int32_t>::max()) {
      throw invalid_argument("clock must be <= 2147483647, got " + std::to_string(options.clock));
    }
    checks::count_at_least(options.max_buckets, 1, "max_buckets");
    if (options.max_buckets > max_max_buckets) {
      throw invalid_argument("max_buckets must be <= " + std::to_string(max_max_buckets) +
                             ", got " + std::to_string(options.max_buckets));
    }
    checks::count_at_least(options.min_window_length, 1, "min_window_length");
    checks::count_at_least(options.grace_period, 0, "grace_period");
    return options;
  }

  // Physical slot of the k-th oldest bucket of a row.
  [[nodiscard]] std::size_t slot(std::size_t row, std::size_t k) const {
    std::size_t position = starts_[row] + k;
    if (position >= stride_) position -= stride_;
    return row * stride_ + position;
  }

  // Makes row n_rows_ available (empty), allocating only when it never existed before.
  void add_row() {
    if (n_rows_ == counts_.size()) {
      totals_.resize(totals_.size() + stride_, 0.0);
      variances_.resize(variances_.size() + stride_, 0.0);
      starts_.push_back(0);
      counts_.push_back(0);
      scan_n0_.resize(totals_.size(), 0.0);
      scan_u0_.resize(totals_.size(), 0.0);
      scan_abs_.resize(totals_.size(), 0.0);
      row_begin_.push_back(0);
    }
    starts_[n_rows_] = 0;
    counts_[n_rows_] = 0;
    ++n_rows_;
  }

  void push_bucket(std::size_t row, double total, double variance) {
    const std::size_t at = slot(row, counts_[row]);
    totals_[at] = total;
    variances_[at] = variance;
    ++counts_[row];
    touch(row);
  }

  // Appends buckets to a row (which has room for them); row 0's buckets have variance 0.
  void push_buckets(std::size_t row, const double* totals, const double* variances,
                    std::size_t n) {
    if (n == 0) return;
    std::size_t position = starts_[row] + counts_[row];
    if (position >= stride_) position -= stride_;
    double* row_totals = totals_.data() + row * stride_;
    double* row_variances = variances_.data() + row * stride_;
    for (std::size_t i = 0; i < n; ++i) {
      row_totals[position] = totals[i];
      row_variances[position] = variances == nullptr ? 0.0 : variances[i];
      if (++position == stride_) position = 0;
    }
    counts_[row] += n;
    touch(row);
  }

  // Marks a row as changed: its scan prefix sums, and those of every newer row, are stale.
  void touch(std::size_t row) {
    if (scan_valid_from_ < row + 1) scan_valid_from_ = row + 1;
  }

  void drop_oldest(std::size_t row, std::size_t how_many) {
    starts_[row] += how_many;
    if (starts_[row] >= stride_) starts_[row] -= stride_;
    counts_[row] -= how_many;
    touch(row);
  }

  void insert(double x) {
    push_bucket(0, x, 0.0);
    ++width_;
    const double width = static_cast<double>(width_);
    double increment = 0.0;
    if (width > 1.0) {
      const double deviation = x - total_ / (width - 1.0);
      increment = (width - 1.0) * deviation * deviation / width;
    }
    variance_ += increment;
    total_ += x;
    compress();
  }

  // Merges the two oldest buckets of every full row into the next row, from row 0 down.
  void compress() {
    const auto max_buckets = static_cast<std::size_t>(options_.max_buckets);
    for (std::size_t row = 0; counts_[row] == max_buckets + 1; ++row) {
      const double size = static_cast<double>(std::uint64_t{1} << row);
      const std::size_t first = slot(row, 0);
      const std::size_t second = slot(row, 1);
      const double total_first = totals_[first];
      const double total_second = totals_[second];
      const double mean_first = total_first / size;
      const double mean_second = total_second / size;
      const double merged_total = total_first + total_second;
      const double spread = size * 0.5 * (mean_first - mean_second) * (mean_first - mean_second);
      const double merged_variance = variances_[first] + variances_[second] + spread;
      if (row + 1 == n_rows_) add_row();
      push_bucket(row + 1, merged_total, merged_variance);
      drop_oldest(row, 2);
      if (counts_[row + 1] <= max_buckets) break;
    }
  }

  // Drops the oldest bucket (the first of the last row) from the window.
  void delete_oldest() {
    const std::size_t last = n_rows_ - 1;
    const double size = static_cast<double>(std::uint64_t{1} << last);
    const std::size_t at = slot(last, 0);
    const double bucket_total = totals_[at];
    const double bucket_mean = bucket_total / size;
    width_ -= std::int64_t{1} << last;
    total_ -= bucket_total;
    const double width = static_cast<double>(width_);
    const double window_mean = total_ / width;
    const double decrement = variances_[at] + size * width * (bucket_mean - window_mean) *
                                                  (bucket_mean - window_mean) / (size + width);
    variance_ -= decrement;
    drop_oldest(last, 1);
    // river drops an emptied last row; rows above it can only be empty when max_buckets is 1,
    // and river would fail on the next deletion then, so drop every empty trailing row.
    while (n_rows_ > 1 && counts_[n_rows_ - 1] == 0) --n_rows_;
  }

  // Number of tick increments from `tick` until the tick must be tested against the clock
  // again: the next multiple of the clock, or the wrap-around of the 32-bit tick, whichever
  // comes first (the test itself is the exact modulo, as in river).
  [[nodiscard]] std::int32_t ticks_to_next_test(std::int32_t tick) const {
    const std::int64_t current = tick;
    const std::int64_t clock = clock_;
    const std::int64_t remainder = current >= 0 ? current % clock : (-current) % clock;
    std::int64_t distance = current >= 0 ? clock - remainder : (remainder == 0 ? clock : remainder);
    const std::int64_t to_wrap =
        static_cast<std::int64_t>(std::numeric_limits<std::int32_t>::max()) - current + 1;
    if (distance > to_wrap) distance = to_wrap;
    return static_cast<std::int32_t>(distance);
  }

  // Tests every split of the window; drops the oldest buckets while some split shows a change.
  bool detect_change() {
    // river keeps the tick in a 32-bit integer that wraps around.
    tick_ = static_cast<std::int32_t>(static_cast<std::uint32_t>(tick_) + 1U);
    if (--countdown_ != 0) return false;
    return test_tick();
  }

  // At a tick where the countdown ran out: tests the window if the tick is a multiple of the
  // clock (and the window is past the grace period).
  bool test_tick() {
    countdown_ = ticks_to_next_test(tick_);
    if (tick_ % clock_ != 0 || !(static_cast<double>(width_) > grace_period_)) return false;
    bool change = false;
    while (may_cut() && exact_pass()) change = true;
    if (change) ++n_detections_;
    return change;
  }

  // Brings the scan prefix sums up to date (rows changed since the last call) and returns the
  // number of buckets.
  std::size_t refresh_scan() {
    std::size_t row = scan_valid_from_ < n_rows_ ? scan_valid_from_ : n_rows_;
    std::size_t position = 0;
    double n0 = 0.0;
    double u0 = 0.0;
    double abs_sum = 0.0;
    if (row < n_rows_) {
      position = row_begin_[row] + counts_[row];
      if (position > 0) {
        n0 = scan_n0_[position - 1];
        u0 = scan_u0_[position - 1];
        abs_sum = scan_abs_[position - 1];
      }
    }
    // The no-cut bound holds for prefix sums added in any order (Higham's bound covers
    // every summation order), so each row is summed on its own and then offset by the sums
    // before it: short dependency chains instead of one through the whole window.
    while (row-- > 0) {
      row_begin_[row] = position;
      const double size = static_cast<double>(std::uint64_t{1} << row);
      const std::size_t count = counts_[row];
      double row_sum = 0.0;
      double row_abs = 0.0;
      double row_n = 0.0;
      // The row's ring buffer as (at most) two contiguous pieces.
      const double* row_totals = totals_.data() + row * stride_;
      const std::size_t start = starts_[row];
      const std::size_t first_piece = std::min(count, stride_ - start);
      double* out_n0 = scan_n0_.data() + position;
      double* out_u0 = scan_u0_.data() + position;
      double* out_abs = scan_abs_.data() + position;
      for (std::size_t k = 0; k < first_piece; ++k) {
        const double bucket_total = row_totals[start + k];
        row_n += size;
        row_sum += bucket_total;
        row_abs += std::fabs(bucket_total);
        out_n0[k] = n0 + row_n;
        out_u0[k] = u0 + row_sum;
        out_abs[k] = abs_sum + row_abs;
      }
      for (std::size_t k = first_piece; k < count; ++k) {
        const double bucket_total = row_totals[k - first_piece];
        row_n += size;
        row_sum += bucket_total;
        row_abs += std::fabs(bucket_total);
        out_n0[k] = n0 + row_n;
        out_u0[k] = u0 + row_sum;
        out_abs[k] = abs_sum + row_abs;
      }
      n0 += row_n;
      u0 += row_sum;
      abs_sum += row_abs;
      position += count;
    }
    scan_valid_from_ = 0;
    return position;
  }

  // False only when it is proved that no split of the window shows a change, i.e. that
  // river's test |u0/n0 - u1/n1| > epsilon (in floating point, exactly as exact_pass computes
  // it) fails at every split; true when some split may show a change.
  //
  // With W = n0 + n1 the width, T the window total, S the exact sum of the buckets up to a
  // split, A = sum |bucket| and K - 1 the number of buckets: river's u0 and u1 (T minus the
  // buckets one by one) are within gamma_K A and gamma_K (|T| + A) of S and T - S, and so is
  // the cached prefix sum c (summed in another order; Higham's bound for recursive
  // summation holds for any order, gamma_K = K eps / (1 - K eps)). Hence, in exact arithmetic,
  //   |u0/n0 - u1/n1| n0 n1 <= |c W - T n0| + 2 gamma_K W (A + |T|),
  // the rounding of river's two divisions and subtraction adds at most about
  // eps W (A + |T|), and P = fl(c W - T n0) is within 3 eps W (A + |T|) of c W - T n0. All of
  // it is below
  //   |P| + margin,  margin = 2 W eps (8 + 4 K) (A + |T|),
  // with a factor 2 of room for the rounding of margin itself and of A.
  // On the other side, m = 1/(n0 - L + 1) + 1/(n1 - L + 1) >= 1/n0 + 1/n1 = W / (n0 n1)
  // (L >= 1), so epsilon n0 n1 >= sqrt(2 v delta' W n0 n1) + (2/3) delta' W, and river's
  // rounded epsilon is within a relative 1e-14 of the exact one. A split is skipped when
  //   a = (|P| + margin)(1 + 1e-9) - (2/3) delta' W (1 - 1e-9)
  // is negative or a^2 < 2 v delta' W n0 n1 (1 - 1e-8), the factors covering every
  // remaining rounding. Splits with n0 < L or n1 < L are never tested by river.
  bool may_cut() {
    const double width = static_cast<double>(width_);
    // delta' grows with the width: river's delta' at a width no larger, shrunk by far more
    // than the error of two logarithms, is a lower bound, recomputed as the width grows.
    if (!(width >= delta_prime_floor_width_ && width < 1.25 * delta_prime_floor_width_)) {
      delta_prime_floor_width_ = width;
      delta_prime_floor_ = std::log(2.0 * std::log(width) / options_.delta) * (1.0 - 1e-12);
    }
    const double delta_prime = delta_prime_floor_;
    const double variance_per_value = variance_ / width;
    const double total = total_;
    if (!(width < 0x1p52) || !(delta_prime > 0.0) || !(delta_prime < 1e300) ||
        !(variance_per_value >= 0.0) || !(variance_per_value < 1e300) ||
        !(std::fabs(total) < 1e300)) {
      return true;
    }
    const std::size_t n_buckets = refresh_scan();
    if (n_buckets == 0) return false;
    constexpr double unit = std::numeric_limits<double>::epsilon() / 2.0;
    const double terms = static_cast<double>(n_buckets) + 2.0;
    if (terms * unit > 1e-3) return true;
    const double abs_total = scan_abs_[n_buckets - 1];
    // Magnitudes that keep every product below finite and river's arithmetic free of
    // overflow; beyond them the exact pass decides.
    if (!((abs_total + std::fabs(total)) * width < 1e300)) return true;
    const double margin = 2.0 * width * unit * (8.0 + 4.0 * terms) * (abs_total + std::fabs(total));
    const double linear = 2.0 / 3.0 * delta_prime * width * (1.0 - 1e-9);
    double quadratic = 2.0 * variance_per_value * delta_prime * width * (1.0 - 1e-8);
    if (!(quadratic * width * width < 1e300)) return true;
    // A smaller quadratic term only skips less; dropping a tiny one keeps river's square root
    // (whose operand could then be subnormal) out of the argument.
    if (quadratic < 1e-200) quadratic = 0.0;
    const double shortest = min_window_length_;
    const double* n0s = scan_n0_.data();
    const double* u0s = scan_u0_.data();
    // river tests the splits with n0 >= L and n1 = W - n0 >= L: n0 grows along the scan, so
    // they are the positions [begin, end).
    std::size_t begin = 0;
    while (begin < n_buckets && !(n0s[begin] >= shortest)) ++begin;
    std::size_t end = n_buckets;
    while (end > begin && !(width - n0s[end - 1] >= shortest)) --end;
    // a = (|p| + margin)(1 + 1e-9) - linear, evaluated as |p| (1 + 1e-9) + offset: the
    // rounding of either form is far inside the 1e-9 of room.
    constexpr double inflate = 1.0 + 1e-9;
    const double offset = margin * inflate - linear;
    std::size_t j = begin;
#if defined(__SSE2__)
    const __m128d width_v = _mm_set1_pd(width);
    const __m128d total_v = _mm_set1_pd(total);
    const __m128d inflate_v = _mm_set1_pd(inflate);
    const __m128d offset_v = _mm_set1_pd(offset);
    const __m128d quadratic_v = _mm_set1_pd(quadratic);
    const __m128d zero_v = _mm_setzero_pd();
    const __m128d abs_mask = _mm_castsi128_pd(_mm_set1_epi64x(0x7fffffffffffffffLL));
    __m128d any = _mm_setzero_pd();
    for (; j + 1 < end; j += 2) {
      const __m128d n0 = _mm_loadu_pd(n0s + j);
      const __m128d u0 = _mm_loadu_pd(u0s + j);
      const __m128d n1 = _mm_sub_pd(width_v, n0);
      const __m128d p = _mm_sub_pd(_mm_mul_pd(u0, width_v), _mm_mul_pd(total_v, n0));
      const __m128d a = _mm_add_pd(_mm_mul_pd(_mm_and_pd(p, abs_mask), inflate_v), offset_v);
      const __m128d bound = _mm_mul_pd(quadratic_v, _mm_mul_pd(n0, n1));
      any = _mm_or_pd(any, _mm_and_pd(_mm_cmpge_pd(a, zero_v),
                                      _mm_cmpge_pd(_mm_mul_pd(a, a), bound)));
    }
    if (_mm_movemask_pd(any) != 0) return true;
#endif
    for (; j < end; ++j) {
      const double n0 = n0s[j];
      const double n1 = width - n0;
      const double p = u0s[j] * width - total * n0;
      const double a = std::fabs(p) * inflate + offset;
      if (a >= 0.0 && a * a >= quadratic * (n0 * n1)) return true;
    }
    return false;
  }

  // One pass of river's test over every split, oldest first; on the first split that shows a
  // change, drops the oldest bucket and returns true.
  bool exact_pass() {
    const double width = static_cast<double>(width_);
    // Same operands as river's per-split computation, computed once per pass.
    const double delta_prime = std::log(2.0 * std::log(width) / options_.delta);
    const double variance_per_value = variance_ / width;
    double n0 = 0.0;
    double n1 = width;
    double u0 = 0.0;
    double u1 = total_;
    for (std::size_t row = n_rows_; row-- > 0;) {
      const double size = static_cast<double>(std::uint64_t{1} << row);
      const std::size_t count = counts_[row];
      for (std::size_t k = 0; k < count; ++k) {
        n0 += size;
        n1 -= size;
        const double bucket_total = totals_[slot(row, k)];
        u0 += bucket_total;
        u1 -= bucket_total;
        if (row == 0 && k + 1 == count) break;  // W1 would be empty
        const double mean_difference = (u0 / n0) - (u1 / n1);
        if (n1 >= min_window_length_ && n0 >= min_window_length_ &&
            cut_found(n0, n1, mean_difference, delta_prime, variance_per_value)) {
          delete_oldest();
          return true;
        }
      }
    }
    return false;
  }

  [[nodiscard]] bool cut_found(double n0, double n1, double mean_difference, double delta_prime,
                               double variance_per_value) const {
    const double m_reciprocal =
        1.0 / (n0 - min_window_length_ + 1.0) + 1.0 / (n1 - min_window_length_ + 1.0);
    const double epsilon = std::sqrt(2.0 * m_reciprocal * variance_per_value * delta_prime) +
                           2.0 / 3.0 * delta_prime * m_reciprocal;
    return std::fabs(mean_difference) > epsilon;
  }

  adwin_options options_;
  std::size_t stride_;  // slots per row: max_buckets + 1
  std::int32_t clock_ = 32;
  double min_window_length_ = 5.0;
  double grace_period_ = 10.0;

  // Histogram rows 0..n_rows_-1 in use; storage for counts_.size() rows.
  std::vector<double> totals_;     // row r's slots at [r * stride_, (r + 1) * stride_)
  std::vector<double> variances_;  // likewise
  std::vector<std::size_t> starts_;  // ring-buffer position of each row's oldest bucket
  std::vector<std::size_t> counts_;  // buckets in each row
  std::size_t n_rows_ = 0;

  // Prefix sums of the buckets in scan order (oldest bucket first), as the split test
  // accumulates them: after the j-th bucket, n0, u0 (river's running sum, same additions in
  // the same order) and the running sum of |bucket total|. Rows >= scan_valid_from_ have not
  // changed since their entries were computed, nor has any older row.
  std::vector<double> scan_n0_;
  std::vector<double> scan_u0_;
  std::vector<double> scan_abs_;
  std::vector<std::size_t> row_begin_;  // scan position of each row's oldest bucket
  std::size_t scan_valid_from_ = invalid_scan;

  std::int64_t width_ = 0;
  double total_ = 0.0;
  double variance_ = 0.0;
  std::int32_t tick_ = 0;
  std::int32_t countdown_ = 1;  // values until the tick next needs the modulo test
  // A lower bound of river's delta' for any width >= delta_prime_floor_width_ (not state).
  double delta_prime_floor_ = 0.0;
  double delta_prime_floor_width_ = std::numeric_limits<double>::infinity();
  std::int64_t n_detections_ = 0;
};

}  // namespace shiftguard::drift::stream
