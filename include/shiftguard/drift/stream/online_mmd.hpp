#pragma once

// Online multivariate drift detection with the squared maximum mean discrepancy (MMD) over a
// sliding window, its thresholds calibrated by simulation to an expected run time (ERT)
// between false alarms: the method of Cobb et al., "Sequential multivariate change detection
// with calibrated and memoryless false detection rates" (AISTATS 2022), with the arguments and
// outputs of alibi-detect's MMDDriftOnline (x_ref, ert, window_size, n_bootstraps, sigma;
// predict returns is_drift, the statistic, the threshold and the time).
//
// Statistic. With R the n kept reference rows and Y the m most recent observations
// (m = min(t, window_size) at time t), the unbiased estimate
//   MMD^2 = sum_{i!=j} k(r_i, r_j) / (n (n-1)) + sum_{i!=j} k(y_i, y_j) / (m (m-1))
//           - 2 sum_{i,j} k(r_i, y_j) / (n m)
// with the Gaussian RBF kernel k(a, b) = exp(-|a-b|^2 / (2 sigma^2)). Decision: with one
// observation in the window (t = 1, or window_size = 1) the within-window term has no pairs and
// is taken as 0; the threshold of that step is calibrated on the same statistic, so the false
// alarm rate is unaffected. sigma <= 0 selects the median heuristic as alibi-detect documents
// it: sigma = the median Euclidean distance between distinct pairs of reference rows (ties at
// zero are skipped; at most 2,896 rows, a seeded subsample, enter the median, so its cost is
// bounded).
//
// Update cost. The first sum is constant. Each new observation costs n + window_size kernel
// evaluations: its kernel sum against R (kept per window slot) and its kernel values with the
// window (a window_size x window_size ring buffer), which update the running sums; the
// evicted observation's contributions are subtracted from the stored values. Every
// window_size updates the running sums are recomputed from the stored values (O(window_size)
// amortised), so rounding errors do not accumulate. Nothing is allocated per update.
//
// Calibration (at construction). Let N be the number of reference rows, W = window_size and
// L = 2W - 1. Thresholds are computed for times t = 1..L: the warm-up steps t < W, the first
// full window t = W, and the W - 1 steps after it, during which the windows still overlap the
// warm-up; for t > L the threshold of t = L is used (the paper's observation that the
// conditional distribution settles once the window has fully moved past the start).
//   * Each of the n_bootstraps simulated streams draws L distinct reference rows, in random
//     order, as its stream; the other n = N - L rows are its reference set. A random subset
//     of an i.i.d. sample is itself i.i.d., so each simulated (reference set, stream) pair has
//     exactly the joint law the deployed detector faces without drift (fresh i.i.d. data
//     against n reference rows): no resampling with replacement, hence no duplicated points
//     inflating the within-window term.
//   * The deployed detector keeps the n rows left by one more such draw (seeded like the
//     others), so the statistic it computes is the one that was simulated.
//   * From the N x N kernel row sums (computed once) each simulated stream costs O(L^2)
//     kernel evaluations: its reference set's sums follow by subtracting the stream's rows.
//   * Thresholds are set step by step: at time t, the threshold is the (1 - 1/ert) quantile
//     (linear interpolation, numpy's default) of the statistic over the simulated streams
//     that have not exceeded an earlier threshold; streams above it are then removed. The
//     false alarm probability at each step, given none before, is thereby 1/ert, and the run
//     length without drift is geometric with mean ert counted from t = 0 (alibi-detect's
//     definition for the multivariate online detectors).
// Where this differs from alibi-detect's documentation, which only says the thresholds are
// configured by bootstrap simulation on the reference data: the calibration is unconditional
// (over the random choice of the kept reference rows, not conditional on them) and uses
// draws without replacement; the statistic during warm-up is computed on the partial window.
// n_bootstraps should be an order of magnitude above ert (as alibi-detect advises): about
// n_bootstraps (1 - 1/ert)^L streams remain for the last threshold.
//
// Determinism: the kept reference rows and every simulated stream come from a random stream
// derived from (seed, stream index) alone; kernel row sums and statistics are computed one
// task per row or stream and thresholds sequentially, so the thresholds are bit-for-bit the
// same for any n_threads.
//
// Stream semantics follow the other stream detectors (river): update(x) takes one
// observation (a feature vector), update_many(X) the rows of X in order and reports where
// drift fired; after a detection the next update first resets the detector (time restarts at
// 0 and the window empties), as in river. A non-finite feature throws under nan_policy::raise
// and makes the whole observation be skipped under nan_policy::omit. warning_detected() is
// always false (no warning zone).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/rng.hpp"
#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/stream/common.hpp"

namespace shiftguard::drift::stream {

/// Options of online_mmd_detector (argument names and defaults as alibi-detect's
/// MMDDriftOnline where it has them).
struct online_mmd_options {
  double ert = 100.0;                ///< expected run time between false alarms (>= 1)
  std::int64_t window_size = 10;     ///< observations in the sliding test window (>= 1)
  std::int64_t n_bootstraps = 1000;  ///< simulated streams for the thresholds (>= 1)
  double sigma = 0.0;                ///< kernel bandwidth; <= 0 selects the median heuristic
  std::uint64_t seed = 0;            ///< seed of the reference split and the simulations
  int n_threads = 0;                 ///< threads for the calibration; 0 = all cores
  nan_policy nan_handling = nan_policy::raise;
};

namespace detail::mmd {

/// Random stream number `stream_index` of `seed`: xoshiro256** seeded through splitmix64 from
/// a mix of both, so that streams of one seed do not overlap in practice and no state is
/// shared between tasks.
class mmd_random_stream {
 public:
  mmd_random_stream(std::uint64_t seed, std::uint64_t stream_index)
      : engine_(first_draw(seed) ^
                (stream_index * 0xD1342543DE82EF95ULL + 0x2545F4914F6CDD1DULL)) {}

  std::uint64_t next() { return engine_.next(); }

  /// Uniform integer in [0, bound), bound >= 1, without modulo bias.
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t reject_below = (0 - bound) % bound;  // 2^64 mod bound
    std::uint64_t value = next();
    while (value < reject_below) value = next();
    return value % bound;
  }

 private:
  static std::uint64_t first_draw(std::uint64_t seed) { return splitmix64(seed); }
  xoshiro256ss engine_;
};

/// Stream index of the draw that chooses the deployed detector's kept reference rows (the
/// simulated streams use 0 .. n_bootstraps-1).
inline constexpr std::uint64_t reference_split_stream = 0xFFFFFFFFFFFFFFFFULL;

/// Fills `drawn` with `count` distinct indices of [0, n) in random order (partial
/// Fisher-Yates on `permutation`, which must hold 0..n-1 and is restored afterwards).
inline void draw_distinct(mmd_random_stream& random, std::vector<index>& permutation,
                          index count, std::vector<index>& drawn,
                          std::vector<index>& swapped_with) {
  const index n = static_cast<index>(permutation.size());
  for (index k = 0; k < count; ++k) {
    const auto j = k + static_cast<index>(random.below(static_cast<std::uint64_t>(n - k)));
    std::swap(permutation[static_cast<std::size_t>(k)], permutation[static_cast<std::size_t>(j)]);
    swapped_with[static_cast<std::size_t>(k)] = j;
    drawn[static_cast<std::size_t>(k)] = permutation[static_cast<std::size_t>(k)];
  }
  for (index k = count - 1; k >= 0; --k) {
    std::swap(permutation[static_cast<std::size_t>(k)],
              permutation[static_cast<std::size_t>(swapped_with[static_cast<std::size_t>(k)])]);
  }
}

/// Gaussian RBF kernel value from a squared distance.
inline double rbf_from_squared(double squared_distance, double gamma) {
  return std::exp(-gamma * squared_distance);
}

/// Quantile of `values` (sorted in place) at level q in [0, 1], linear interpolation between
/// order statistics (numpy.quantile's default).
inline double interpolated_quantile(std::vector<double>& values, double q) {
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return values[below] + fraction * (values[above] - values[below]);
}

/// Median of the Euclidean distances between distinct columns of `samples` (features x
/// samples) that are not zero; 0 when all are zero. At most `max_columns` columns enter, a
/// seeded subsample when there are more.
template <class Scalar>
double median_pairwise_distance(const matrix<Scalar>& samples, std::uint64_t seed) {
  constexpr index max_columns = 2896;  // about 4.2 million pairs
  const index n = samples.cols();
  std::vector<index> columns(static_cast<std::size_t>(n));
  for (index i = 0; i < n; ++i) columns[static_cast<std::size_t>(i)] = i;
  if (n > max_columns) {
    std::vector<index> drawn(static_cast<std::size_t>(max_columns));
    std::vector<index> swapped(static_cast<std::size_t>(max_columns));
    mmd_random_stream random(seed, reference_split_stream - 1);
    draw_distinct(random, columns, max_columns, drawn, swapped);
    columns = std::move(drawn);
    std::sort(columns.begin(), columns.end());
  }
  const index m = static_cast<index>(columns.size());
  std::vector<double> squared;
  squared.reserve(static_cast<std::size_t>(m * (m - 1) / 2));
  for (index a = 0; a < m; ++a) {
    const auto first = samples.col(columns[static_cast<std::size_t>(a)]);
    for (index b = a + 1; b < m; ++b) {
      const double d2 = static_cast<double>(
          (first - samples.col(columns[static_cast<std::size_t>(b)])).squaredNorm());
      if (d2 > 0.0) squared.push_back(d2);
    }
  }
  if (squared.empty()) return 0.0;
  // numpy.median: the mean of the two middle values for an even count.
  const std::size_t half = squared.size() / 2;
  std::nth_element(squared.begin(), squared.begin() + static_cast<std::ptrdiff_t>(half),
                   squared.end());
  double middle = std::sqrt(squared[half]);
  if (squared.size() % 2 == 0) {
    const double lower = *std::max_element(squared.begin(),
                                           squared.begin() + static_cast<std::ptrdiff_t>(half));
    middle = 0.5 * (middle + std::sqrt(lower));
  }
  return middle;
}

}  // namespace detail::mmd

/// Online MMD drift detector (see the file comment for the method).
template <class Scalar>
class online_mmd_detector {
  static_assert(std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double>,
                "online_mmd_detector supports float and double");

 public:
  static constexpr const char* name = "drift.stream.online_mmd";
  static constexpr const char* type_tag = std::is_same_v<Scalar, double>
                                              ? "drift.stream.online_mmd.float64"
                                              : "drift.stream.online_mmd.float32";
  static constexpr std::uint32_t type_version = 1;
  using options_type = online_mmd_options;
  using scalar_type = Scalar;

  /// Calibrates the detector on `x_ref` (samples x features; any Eigen expression, e.g. a
  /// strided Map of a NumPy array). Throws invalid_argument for options out of range (naming
  /// the option) and for non-finite reference values under nan_policy::raise (rows holding
  /// them are dropped under nan_policy::omit), shape_error when x_ref has no feature or too few
  /// rows.
  template <class Derived>
  explicit online_mmd_detector(const Eigen::MatrixBase<Derived>& x_ref,
                               const online_mmd_options& options = {})
      : options_(options) {
    validate_options(options_);
    checks::min_shape(x_ref, 3, "x_ref");
    matrix<Scalar> all = finite_columns(x_ref);  // features x samples
    const index n_all = all.cols();
    const index stream_length = calibration_length();
    if (n_all < stream_length + 2) {
      std::ostringstream message;
      message << "window_size must be at most (rows of x_ref - 1) / 2 = " << (n_all - 1) / 2
              << " for x_ref with " << n_all
              << (options_.nan_handling == nan_policy::omit ? " finite" : "")
              << " rows (2 * window_size - 1 rows simulate the stream and at least 2 stay in "
                 "the reference), got "
              << options_.window_size;
      throw invalid_argument(message.str());
    }
    n_features_ = all.rows();
    sigma_ = options_.sigma > 0.0 ? options_.sigma
                                  : detail::mmd::median_pairwise_distance(all, options_.seed);
    if (!(sigma_ > 0.0) || !std::isfinite(sigma_)) {
      throw invalid_argument(
          "sigma: the median heuristic found no two distinct rows in x_ref; pass sigma > 0");
    }
    gamma_ = 1.0 / (2.0 * sigma_ * sigma_);
    calibrate(all);
    allocate_window();
  }

  [[nodiscard]] const online_mmd_options& options() const { return options_; }
  [[nodiscard]] index n_features() const { return n_features_; }
  /// Rows of x_ref kept as the reference set of the statistic.
  [[nodiscard]] index n_reference() const { return reference_.cols(); }
  /// The kept reference rows (n_reference x n_features).
  [[nodiscard]] matrix<Scalar> reference() const { return reference_.transpose(); }
  /// Kernel bandwidth in use (given, or from the median heuristic).
  [[nodiscard]] double sigma() const { return sigma_; }
  /// Threshold of each time t = 1 .. 2 * window_size - 1 (index t - 1); the last applies to
  /// every later time.
  [[nodiscard]] const std::vector<double>& thresholds() const { return thresholds_; }
  /// Observations processed since the last reset (alibi-detect's `time`).
  [[nodiscard]] std::int64_t t() const { return t_; }
  /// Squared MMD estimate after the last update (0 before the first).
  [[nodiscard]] double test_stat() const { return test_stat_; }
  /// Same as test_stat() (alibi-detect's result key `distance`).
  [[nodiscard]] double distance() const { return test_stat_; }
  /// Threshold the last statistic was compared with (that of time 1 before the first update).
  [[nodiscard]] double threshold() const { return threshold_; }
  /// Observations currently in the window.
  [[nodiscard]] index window_count() const { return count_; }
  /// The window's observations, oldest first (window_count() x n_features).
  [[nodiscard]] matrix<Scalar> window() const {
    matrix<Scalar> out(count_, n_features_);
    const index size = window_size();
    const index oldest = count_ < size ? 0 : head_;
    for (index k = 0; k < count_; ++k) out.row(k) = window_.col((oldest + k) % size).transpose();
    return out;
  }

  [[nodiscard]] bool drift_detected() const { return drift_detected_; }
  [[nodiscard]] bool warning_detected() const { return false; }

  /// Forgets the stream (window, time, flags); the calibration stays.
  void reset() {
    drift_detected_ = false;
    t_ = 0;
    head_ = 0;
    count_ = 0;
    window_pair_sum_ = 0.0;
    cross_sum_ = 0.0;
    test_stat_ = 0.0;
    threshold_ = thresholds_.front();
    updates_since_resum_ = 0;
  }

  /// Processes one observation: a vector (row or column) with n_features() entries. Throws
  /// shape_error for another length; a non-finite entry throws invalid_argument under
  /// nan_policy::raise and skips the observation (nothing changes) under nan_policy::omit.
  template <class Derived>
  online_mmd_detector& update(const Eigen::MatrixBase<Derived>& x) {
    if (x.rows() != 1 && x.cols() != 1) {
      throw shape_error("x must be one observation (a vector of " +
                        std::to_string(n_features_) + " features), got a " +
                        std::to_string(x.rows()) + " x " + std::to_string(x.cols()) + " matrix");
    }
    if (x.size() != n_features_) {
      throw shape_error("x has " + std::to_string(x.size()) +
                        " features but the detector was fitted on " +
                        std::to_string(n_features_) + " features");
    }
    const bool column = x.cols() == 1;
    for (index j = 0; j < n_features_; ++j) {
      const auto value = static_cast<double>(column ? x.coeff(j, 0) : x.coeff(0, j));
      if (!std::isfinite(value)) {
        if (options_.nan_handling == nan_policy::omit) return *this;
        reject(value, "x[" + std::to_string(j) + "]");
      }
    }
    if (column) {
      process(x.template cast<Scalar>());
    } else {
      process(x.transpose().template cast<Scalar>());
    }
    return *this;
  }

  /// Processes the rows of `x` (samples x features) in order and reports the rows where
  /// drift fired. The whole batch is checked before anything is processed, so a bad value
  /// leaves the detector exactly as it was; under nan_policy::omit rows with a non-finite
  /// value are skipped.
  template <class Derived>
  stream_events update_many(const Eigen::MatrixBase<Derived>& x) {
    if (x.cols() != n_features_) {
      throw shape_error("x has " + std::to_string(x.cols()) +
                        " columns (features) but the detector was fitted on " +
                        std::to_string(n_features_) + " features");
    }
    const index rows = x.rows();
    bool any_skipped = false;
    for (index r = 0; r < rows; ++r) {
      for (index j = 0; j < n_features_; ++j) {
        const auto value = static_cast<double>(x.coeff(r, j));
        if (std::isfinite(value)) continue;
        if (options_.nan_handling == nan_policy::omit) {
          any_skipped = true;
        } else {
          reject(value, "x[" + std::to_string(r) + ", " + std::to_string(j) + "]");
        }
      }
    }
    stream_events events;
    for (index r = 0; r < rows; ++r) {
      if (any_skipped && !x.row(r).allFinite()) continue;
      process(x.row(r).transpose().template cast<Scalar>());
      if (drift_detected_) events.drift_indices.push_back(r);
    }
    return events;
  }

  /// The full state (options, kept reference, thresholds, window and kernel sums) in the
  /// versioned binary container.
  [[nodiscard]] std::string save() const {
    serialization::binary_writer writer;
    stream::detail::write_nan_policy(writer, options_.nan_handling);
    writer.write_bool(drift_detected_);
    writer.write_bool(false);  // warning flag, as the other stream detectors store it
    writer.write_f64(options_.ert);
    writer.write_i64(options_.window_size);
    writer.write_i64(options_.n_bootstraps);
    writer.write_f64(options_.sigma);
    writer.write_u64(options_.seed);
    writer.write_i64(options_.n_threads);
    writer.write_u64(static_cast<std::uint64_t>(n_features_));
    writer.write_f64(sigma_);
    writer.write_array(reference_.data(), static_cast<std::size_t>(reference_.size()));
    writer.write_array(thresholds_);
    writer.write_f64(reference_term_);
    writer.write_i64(t_);
    writer.write_i64(head_);
    writer.write_i64(count_);
    writer.write_i64(updates_since_resum_);
    writer.write_array(window_.data(), static_cast<std::size_t>(window_.size()));
    writer.write_array(window_kernel_.data(), static_cast<std::size_t>(window_kernel_.size()));
    writer.write_array(cross_.data(), static_cast<std::size_t>(cross_.size()));
    writer.write_f64(window_pair_sum_);
    writer.write_f64(cross_sum_);
    writer.write_f64(test_stat_);
    writer.write_f64(threshold_);
    return writer.finish(type_tag, type_version);
  }

  /// Restores a detector saved by save(). Truncated, corrupted, foreign (including the other
  /// scalar type) or newer-version data throws format_error; nothing is read out of bounds.
  static online_mmd_detector load(std::string_view bytes) {
    serialization::binary_reader reader(bytes, type_tag, type_version);
    online_mmd_detector detector;
    auto& options = detector.options_;
    options.nan_handling = stream::detail::read_nan_policy(reader);
    detector.drift_detected_ = reader.read_bool();
    if (reader.read_bool()) reader.fail("the warning flag is set (this detector has none)");
    options.ert = reader.read_f64();
    options.window_size = reader.read_i64();
    options.n_bootstraps = reader.read_i64();
    options.sigma = reader.read_f64();
    options.seed = reader.read_u64();
    const std::int64_t threads = reader.read_i64();
    if (threads < 0 || threads > std::numeric_limits<int>::max()) {
      reader.fail("n_threads is out of range");
    }
    options.n_threads = static_cast<int>(threads);
    try {
      validate_options(options);
    } catch (const invalid_argument& bad_option) {
      reader.fail(std::string("the saved options are invalid (") + bad_option.what() + ")");
    }
    const index size = options.window_size;
    if (size > (INT64_MAX / 8)) reader.fail("window_size is out of range");
    detector.n_features_ = stream::detail::read_count(reader, "n_features");
    if (detector.n_features_ < 1) reader.fail("n_features is 0");
    detector.sigma_ = reader.read_f64();
    if (!(detector.sigma_ > 0.0) || !std::isfinite(detector.sigma_)) {
      reader.fail("sigma is not a positive number");
    }
    detector.gamma_ = 1.0 / (2.0 * detector.sigma_ * detector.sigma_);
    std::vector<Scalar> reference = reader.template read_array<Scalar>();
    const auto n_features = static_cast<std::size_t>(detector.n_features_);
    if (reference.size() % n_features != 0 || reference.size() / n_features < 2) {
      reader.fail("the reference holds " + std::to_string(reference.size()) +
                  " values, not at least 2 rows of " + std::to_string(n_features) +
                  " features");
    }
    detector.reference_ = Eigen::Map<const matrix<Scalar>>(
        reference.data(), detector.n_features_,
        static_cast<index>(reference.size() / n_features));
    detector.thresholds_ = reader.template read_array<double>();
    if (static_cast<index>(detector.thresholds_.size()) != detector.calibration_length()) {
      reader.fail("there are " + std::to_string(detector.thresholds_.size()) +
                  " thresholds, expected 2 * window_size - 1 = " +
                  std::to_string(detector.calibration_length()));
    }
    for (const double value : detector.thresholds_) {
      if (std::isnan(value)) reader.fail("a threshold is NaN");
    }
    detector.reference_term_ = reader.read_f64();
    detector.t_ = reader.read_i64();
    detector.head_ = reader.read_i64();
    detector.count_ = reader.read_i64();
    detector.updates_since_resum_ = reader.read_i64();
    if (detector.count_ < 0 || detector.count_ > size || detector.t_ < detector.count_ ||
        detector.head_ < 0 || detector.head_ >= size ||
        (detector.count_ < size && detector.head_ != detector.count_ % size) ||
        detector.updates_since_resum_ < 0 || detector.updates_since_resum_ >= size) {
      reader.fail("the window position is inconsistent (t " + std::to_string(detector.t_) +
                  ", head " + std::to_string(detector.head_) + ", count " +
                  std::to_string(detector.count_) + ")");
    }
    detector.allocate_window();
    reader.read_array_into(detector.window_.data(),
                           static_cast<std::size_t>(detector.window_.size()));
    reader.read_array_into(detector.window_kernel_.data(),
                           static_cast<std::size_t>(detector.window_kernel_.size()));
    reader.read_array_into(detector.cross_.data(),
                           static_cast<std::size_t>(detector.cross_.size()));
    detector.window_pair_sum_ = reader.read_f64();
    detector.cross_sum_ = reader.read_f64();
    detector.test_stat_ = reader.read_f64();
    detector.threshold_ = reader.read_f64();
    reader.expect_end();
    return detector;
  }

  void save_file(const std::string& path) const { serialization::write_file(path, save()); }
  static online_mmd_detector load_file(const std::string& path) {
    return load(serialization::read_file(path));
  }

  /// The statistic recomputed from scratch from the current window (O(window * (n + window))
  /// kernel evaluations); equals test_stat() up to rounding. For tests and diagnostics.
  [[nodiscard]] double recompute_statistic() const {
    if (count_ == 0) return 0.0;
    double within = 0.0;
    double cross = 0.0;
    for (index a = 0; a < count_; ++a) {
      for (index b = 0; b < count_; ++b) {
        if (a != b) within += kernel(window_.col(a), window_.col(b));
      }
      for (index i = 0; i < reference_.cols(); ++i) {
        cross += kernel(reference_.col(i), window_.col(a));
      }
    }
    return statistic(reference_term_, within, cross, count_);
  }

 private:
  online_mmd_detector() = default;

  [[nodiscard]] index window_size() const { return static_cast<index>(options_.window_size); }
  [[nodiscard]] index calibration_length() const { return 2 * window_size() - 1; }

  static void validate_options(const online_mmd_options& options) {
    checks::at_least(options.ert, 1.0, "ert");
    checks::count_at_least(options.window_size, 1, "window_size");
    checks::count_at_least(options.n_bootstraps, 1, "n_bootstraps");
    if (std::isnan(options.sigma) || std::isinf(options.sigma)) {
      std::ostringstream message;
      message << "sigma must be a finite number (> 0, or <= 0 for the median heuristic), got "
              << options.sigma;
      throw invalid_argument(message.str());
    }
    if (options.n_threads < 0) {
      throw invalid_argument("n_threads must be >= 0 (0 means all cores), got " +
                             std::to_string(options.n_threads));
    }
  }

  [[noreturn]] static void reject(double value, const std::string& where) {
    throw invalid_argument(where + " is " + (std::isnan(value) ? "NaN" : "infinite") + " (" +
                           name +
                           " was built with nan_policy 'raise'; use 'omit' to skip non-finite "
                           "values)");
  }

  // The reference as features x samples, without the rows holding a non-finite value
  // (nan_policy::omit) or throwing for the first one (nan_policy::raise).
  template <class Derived>
  matrix<Scalar> finite_columns(const Eigen::MatrixBase<Derived>& x_ref) const {
    if (options_.nan_handling == nan_policy::raise) {
      checks::all_finite(x_ref, "x_ref");
      return x_ref.transpose().template cast<Scalar>();
    }
    std::vector<index> keep;
    for (index r = 0; r < x_ref.rows(); ++r) {
      if (x_ref.row(r).derived().allFinite()) keep.push_back(r);
    }
    matrix<Scalar> out(x_ref.cols(), static_cast<index>(keep.size()));
    for (std::size_t k = 0; k < keep.size(); ++k) {
      out.col(static_cast<index>(k)) = x_ref.row(keep[k]).transpose().template cast<Scalar>();
    }
    return out;
  }

  template <class A, class B>
  double kernel(const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b) const {
    return detail::mmd::rbf_from_squared(static_cast<double>((a - b).squaredNorm()), gamma_);
  }

  static double statistic(double reference_term, double window_pair_sum, double cross_sum,
                          index m, double n) {
    const double dm = static_cast<double>(m);
    const double within = m >= 2 ? window_pair_sum / (dm * (dm - 1.0)) : 0.0;
    return reference_term + within - 2.0 * cross_sum / (n * dm);
  }
  double statistic(double reference_term, double window_pair_sum, double cross_sum,
                   index m) const {
    return statistic(reference_term, window_pair_sum, cross_sum, m,
                     static_cast<double>(reference_.cols()));
  }

  void allocate_window() {
    const index size = window_size();
    window_ = matrix<Scalar>::Zero(n_features_, size);
    window_kernel_ = matrix<double>::Zero(size, size);
    cross_ = vector<double>::Zero(size);
    if (!thresholds_.empty()) threshold_ = thresholds_.front();
  }

  // Simulates the bootstrap streams, sets the thresholds, keeps the reference rows.
  void calibrate(const matrix<Scalar>& all) {
    const index n_all = all.cols();
    const index length = calibration_length();
    const index size = window_size();
    const double n = static_cast<double>(n_all - length);
    const int threads = options_.n_threads;

    // Kernel row sums over all rows (the diagonal excluded), one task per block of rows,
    // each sum accumulated in column order: independent of the thread count.
    std::vector<double> row_sums(static_cast<std::size_t>(n_all), 0.0);
    parallel_for_ranges(n_all, threads, 16, [&](index first, index last) {
      for (index i = first; i < last; ++i) {
        double total = 0.0;
        const auto row = all.col(i);
        for (index j = 0; j < n_all; ++j) {
          if (j != i) total += kernel(row, all.col(j));
        }
        row_sums[static_cast<std::size_t>(i)] = total;
      }
    });
    double grand_total = 0.0;
    for (const double value : row_sums) grand_total += value;

    // Sum over ordered pairs of the complement of `stream` and each stream row's kernel sum
    // against that complement.
    struct stream_scratch {
      std::vector<index> permutation, drawn, swapped;
      matrix<double> stream_kernel;
      std::vector<double> cross;
    };
    auto make_scratch = [&]() {
      stream_scratch scratch;
      scratch.permutation.resize(static_cast<std::size_t>(n_all));
      for (index i = 0; i < n_all; ++i) scratch.permutation[static_cast<std::size_t>(i)] = i;
      scratch.drawn.resize(static_cast<std::size_t>(length));
      scratch.swapped.resize(static_cast<std::size_t>(length));
      scratch.stream_kernel.resize(length, length);
      scratch.cross.resize(static_cast<std::size_t>(length));
      return scratch;
    };
    // Draws stream `stream_index`; returns the reference term of its complement and fills
    // scratch.stream_kernel (kernel among the stream rows) and scratch.cross.
    auto simulate_split = [&](std::uint64_t stream_index, stream_scratch& scratch) {
      detail::mmd::mmd_random_stream random(options_.seed, stream_index);
      detail::mmd::draw_distinct(random, scratch.permutation, length, scratch.drawn,
                                 scratch.swapped);
      double reference_sum = grand_total;
      for (index a = 0; a < length; ++a) {
        const auto row_a = all.col(scratch.drawn[static_cast<std::size_t>(a)]);
        scratch.stream_kernel(a, a) = 1.0;
        for (index b = a + 1; b < length; ++b) {
          const double value = kernel(row_a, all.col(scratch.drawn[static_cast<std::size_t>(b)]));
          scratch.stream_kernel(a, b) = value;
          scratch.stream_kernel(b, a) = value;
        }
      }
      for (index a = 0; a < length; ++a) {
        const index drawn_row = scratch.drawn[static_cast<std::size_t>(a)];
        const double row_sum = row_sums[static_cast<std::size_t>(drawn_row)];
        double among_stream = 0.0;
        for (index b = 0; b < length; ++b) {
          if (b != a) among_stream += scratch.stream_kernel(b, a);
        }
        reference_sum += among_stream - 2.0 * row_sum;
        scratch.cross[static_cast<std::size_t>(a)] = row_sum - among_stream;
      }
      return reference_sum / (n * (n - 1.0));
    };

    // Statistics of every simulated stream at every time (row b holds stream b).
    const index n_streams = options_.n_bootstraps;
    matrix<double> statistics(length, n_streams);
    parallel_for_ranges(n_streams, threads, 8, [&](index first, index last) {
      stream_scratch scratch = make_scratch();
      for (index b = first; b < last; ++b) {
        const double reference_term = simulate_split(static_cast<std::uint64_t>(b), scratch);
        double pair_sum = 0.0;
        double cross_sum = 0.0;
        for (index t = 0; t < length; ++t) {
          const index oldest = t >= size ? t - size + 1 : 0;
          if (t >= size) {  // observation t - size leaves the window
            const index leaving = t - size;
            for (index l = leaving + 1; l < t; ++l) {
              pair_sum -= 2.0 * scratch.stream_kernel(leaving, l);
            }
            cross_sum -= scratch.cross[static_cast<std::size_t>(leaving)];
          }
          for (index l = oldest; l < t; ++l) pair_sum += 2.0 * scratch.stream_kernel(t, l);
          cross_sum += scratch.cross[static_cast<std::size_t>(t)];
          statistics(t, b) = statistic(reference_term, pair_sum, cross_sum, t - oldest + 1, n);
        }
      }
    });

    // Thresholds step by step over the streams without an earlier false alarm.
    const double level = 1.0 - 1.0 / options_.ert;
    std::vector<index> alive(static_cast<std::size_t>(n_streams));
    for (index b = 0; b < n_streams; ++b) alive[static_cast<std::size_t>(b)] = b;
    std::vector<double> values;
    values.reserve(alive.size());
    thresholds_.assign(static_cast<std::size_t>(length), 0.0);
    for (index t = 0; t < length; ++t) {
      values.clear();
      for (const index b : alive) values.push_back(statistics(t, b));
      const double threshold = detail::mmd::interpolated_quantile(values, level);
      thresholds_[static_cast<std::size_t>(t)] = threshold;
      std::vector<index> next;
      next.reserve(alive.size());
      for (const index b : alive) {
        if (!(statistics(t, b) > threshold)) next.push_back(b);
      }
      if (!next.empty()) alive = std::move(next);
    }

    // The deployed reference: the complement of one more draw.
    stream_scratch scratch = make_scratch();
    reference_term_ = simulate_split(detail::mmd::reference_split_stream, scratch);
    std::vector<bool> in_stream(static_cast<std::size_t>(n_all), false);
    for (const index i : scratch.drawn) in_stream[static_cast<std::size_t>(i)] = true;
    reference_.resize(n_features_, n_all - length);
    index column = 0;
    for (index i = 0; i < n_all; ++i) {
      if (!in_stream[static_cast<std::size_t>(i)]) reference_.col(column++) = all.col(i);
    }
  }

  // One finite observation (a column vector expression of Scalar).
  template <class Vector>
  void process(const Vector& y) {
    if (drift_detected_) reset();
    const index size = window_size();
    const index slot = head_;
    if (count_ == size) {  // the oldest observation, in `slot`, leaves the window
      double leaving = 0.0;
      for (index l = 0; l < size; ++l) {
        if (l != slot) leaving += window_kernel_(l, slot);
      }
      window_pair_sum_ -= 2.0 * leaving;
      cross_sum_ -= cross_(slot);
    } else {
      ++count_;
    }
    window_.col(slot) = y;
    const auto entering = window_.col(slot);
    double joining = 0.0;
    for (index l = 0; l < count_; ++l) {
      if (l == slot) continue;
      const double value = kernel(entering, window_.col(l));
      window_kernel_(l, slot) = value;
      window_kernel_(slot, l) = value;
      joining += value;
    }
    window_kernel_(slot, slot) = 1.0;
    window_pair_sum_ += 2.0 * joining;
    double cross = 0.0;
    const index n = reference_.cols();
    for (index i = 0; i < n; ++i) cross += kernel(reference_.col(i), entering);
    cross_(slot) = cross;
    cross_sum_ += cross;
    head_ = (head_ + 1) % size;
    if (++updates_since_resum_ == size) resum();
    ++t_;
    test_stat_ = statistic(reference_term_, window_pair_sum_, cross_sum_, count_);
    const index step = std::min<index>(t_, calibration_length());
    threshold_ = thresholds_[static_cast<std::size_t>(step - 1)];
    drift_detected_ = test_stat_ > threshold_;
  }

  // Recomputes the running sums from the stored kernel values (bounded rounding error).
  void resum() {
    updates_since_resum_ = 0;
    double pairs = 0.0;
    double cross = 0.0;
    for (index a = 0; a < count_; ++a) {
      for (index b = 0; b < count_; ++b) {
        if (a != b) pairs += window_kernel_(b, a);
      }
      cross += cross_(a);
    }
    window_pair_sum_ = pairs;
    cross_sum_ = cross;
  }

  online_mmd_options options_;
  index n_features_ = 0;
  double sigma_ = 1.0;
  double gamma_ = 0.5;
  matrix<Scalar> reference_;         // features x kept reference rows
  std::vector<double> thresholds_;   // time t = 1 .. 2W-1 at index t - 1
  double reference_term_ = 0.0;      // sum_{i!=j} k(r_i, r_j) / (n (n-1))
  matrix<Scalar> window_;            // features x window_size ring buffer
  matrix<double> window_kernel_;     // kernel values between window slots
  vector<double> cross_;             // per slot: sum of the kernel against the reference
  double window_pair_sum_ = 0.0;     // sum over ordered pairs of distinct window slots
  double cross_sum_ = 0.0;           // sum of cross_ over the window
  index head_ = 0;                   // slot of the next observation
  index count_ = 0;                  // observations in the window
  std::int64_t t_ = 0;               // observations since the last reset
  index updates_since_resum_ = 0;
  double test_stat_ = 0.0;
  double threshold_ = 0.0;
  bool drift_detected_ = false;
};

}  // namespace shiftguard::drift::stream
