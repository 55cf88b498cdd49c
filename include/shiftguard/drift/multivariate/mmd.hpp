#pragma once

// Maximum mean discrepancy (MMD) two-sample tests with the Gaussian RBF kernel
//   k(x, y) = exp(-|x - y|^2 / (2 sigma^2))
// (alibi-detect's GaussianRBF), as alibi-detect's MMDDrift uses it.
//
// Bandwidth. sigma <= 0 selects alibi-detect's median heuristic, computed on the reference
// sample: sigma = sqrt(median / 2), with `median` the lower median of the squared Euclidean
// distances between distinct pairs of reference rows; then 2 sigma^2 equals that median.
//
// Quadratic-time test. The unbiased estimate
//   MMD^2 = sum_{i!=j} k(x_i, x_j) / (n (n-1)) + sum_{i!=j} k(y_i, y_j) / (m (m-1))
//           - 2 sum_{i,j} k(x_i, y_j) / (n m)
// with a permutation p-value (b + 1) / (B + 1), b the number of the B permuted statistics
// that are >= the observed one (alibi-detect reports b / B, which can be 0). The pooled
// (n+m) x (n+m) kernel matrix is computed once (squared norms + GEMM in double, see
// common.hpp) and every permutation reuses it: permutation b shuffles the pooled rows with
// its own random stream derived from (seed, b), and only the smaller group's quadratic form
// is summed (the others follow from the kernel row sums). The permutations run in parallel
// (oneTBB), each writing its own slot, so the result is the same for any thread count.
//
// Linear-time test (Gretton et al., JMLR 2012, section 6). With m2 = floor(min(n, m) / 2)
// and the samples taken in the order given,
//   h_i = k(x_{2i}, x_{2i+1}) + k(y_{2i}, y_{2i+1}) - k(x_{2i}, y_{2i+1}) - k(x_{2i+1}, y_{2i}),
// MMD_l^2 = mean(h), and under the null sqrt(m2) MMD_l^2 / s_h is asymptotically standard
// normal (s_h the sample standard deviation of h), giving the one-sided p-value
// 1 - Phi(sqrt(m2) MMD_l^2 / s_h). Cost O((n + m) d), memory O(d).
//
// mmd_drift_detector is fitted once on the reference: it keeps the reference rows (centred
// on their mean), the bandwidth, the reference kernel block and its row sums, so a predict
// computes only the cross and test blocks. save()/load() use core/serialization.hpp.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/multivariate/common.hpp"

namespace shiftguard::drift {

/// Options of the MMD permutation test (defaults as alibi-detect's MMDDrift).
struct mmd_options {
  double p_val = 0.05;               ///< significance level in (0, 1)
  std::int64_t n_permutations = 100;  ///< permutations of the test, >= 1
  double sigma = 0.0;                ///< kernel bandwidth; <= 0 selects the median heuristic
  std::uint64_t seed = 0;            ///< seed of the permutations
  int n_threads = 0;                 ///< 0 = all cores
};

/// Verdict of an MMD permutation test.
struct mmd_result {
  bool is_drift = false;            ///< p_value < p_val
  double statistic = 0.0;           ///< unbiased MMD^2
  double p_value = 1.0;             ///< (b + 1) / (B + 1)
  double threshold = 0.05;          ///< the p_val the p-value is compared with
  double distance_threshold = 0.0;  ///< permuted MMD^2 at the p_val upper quantile
  double sigma = 0.0;               ///< bandwidth used
  std::vector<double> permuted_statistics;  ///< MMD^2 of each permutation
};

/// Verdict of the linear-time MMD test.
struct linear_mmd_result {
  bool is_drift = false;     ///< p_value < p_val
  double statistic = 0.0;    ///< linear-time MMD^2 estimate, mean of h
  double p_value = 1.0;      ///< Gaussian one-sided p-value
  double z_score = 0.0;      ///< sqrt(n_pairs) * statistic / std(h)
  double std_dev = 0.0;      ///< sample standard deviation of h
  std::int64_t n_pairs = 0;  ///< m2 = floor(min(n, m) / 2)
  double threshold = 0.05;   ///< p_val
  double sigma = 0.0;        ///< bandwidth used
};

namespace detail::multivariate {

/// alibi-detect's median-heuristic bandwidth from a squared-distance matrix of the reference.
inline double median_heuristic_sigma(const matrix<double>& reference_distances) {
  if (reference_distances.rows() < 2) {
    throw invalid_argument("sigma: the median heuristic needs at least 2 reference rows");
  }
  const double median = lower_median_pair_distance(reference_distances);
  if (!(median > 0.0) || !std::isfinite(median)) {
    throw invalid_argument(
        "sigma: the median heuristic found a median pairwise distance of 0 in x_ref (more "
        "than half the pairs of rows are identical, e.g. constant data); pass sigma > 0");
  }
  return std::sqrt(0.5 * median);
}

/// In-place RBF kernel of a squared-distance matrix.
inline void rbf_in_place(matrix<double>& squared, double sigma) {
  const double scale = -1.0 / (2.0 * sigma * sigma);
  squared = (squared.array() * scale).exp().matrix();
}

/// Unbiased MMD^2 from block sums (diagonals of the within blocks are 1 for the RBF kernel).
inline double mmd2_from_sums(const block_sums& sums, index n_x, index n_y) {
  const auto nx = static_cast<double>(n_x);
  const auto ny = static_cast<double>(n_y);
  return (sums.xx - nx) / (nx * (nx - 1.0)) + (sums.yy - ny) / (ny * (ny - 1.0)) -
         2.0 * sums.xy / (nx * ny);
}

inline void check_sigma_option(double sigma) {
  if (!std::isfinite(sigma)) {
    throw invalid_argument("sigma must be a finite number (> 0, or <= 0 for the median "
                           "heuristic), got " + std::to_string(sigma));
  }
}

inline double normal_upper_tail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

/// MMD permutation test on a pooled kernel matrix with the first n_x rows the first sample.
inline mmd_result mmd_permutation_test(const matrix<double>& kernel, index n_x,
                                       const block_sums& observed, const mmd_options& options,
                                       double sigma) {
  const index n = kernel.rows();
  const index n_y = n - n_x;
  vector<double> row_sums(n);
  for (index j = 0; j < n; ++j) row_sums(j) = kernel.col(j).sum();
  double total = 0.0;
  for (index j = 0; j < n; ++j) total += row_sums(j);
  const double statistic = mmd2_from_sums(observed, n_x, n_y);
  auto permuted = run_permutations(
      n, options.n_permutations, options.seed, options.n_threads,
      [&](const std::vector<index>& order, std::vector<index>& scratch) {
        return mmd2_from_sums(permuted_block_sums(kernel, row_sums, total, order, n_x, scratch),
                              n_x, n_y);
      });
  const permutation_test_result test =
      finish_permutation_test(statistic, std::move(permuted), options.p_val);
  mmd_result result;
  result.statistic = test.statistic;
  result.p_value = test.p_value;
  result.threshold = options.p_val;
  result.is_drift = test.p_value < options.p_val;
  result.distance_threshold = test.distance_threshold;
  result.sigma = sigma;
  result.permuted_statistics = test.permuted_statistics;
  return result;
}

}  // namespace detail::multivariate

/// Median-heuristic bandwidth of `x_ref` as alibi-detect computes it (see the file comment).
/// Throws shape_error for fewer than 2 rows, invalid_argument for non-finite values or when
/// the median pairwise distance is 0.
template <class Derived>
double median_heuristic_sigma(const Eigen::DenseBase<Derived>& x_ref, int n_threads = 0) {
  detail::multivariate::check_sample(x_ref, 2, "x_ref");
  const auto distances = detail::multivariate::pooled_squared_distances(
      detail::multivariate::to_double(x_ref), n_threads);
  return detail::multivariate::median_heuristic_sigma(distances);
}

/// Unbiased MMD^2 between the rows of `x` (n x d) and `y` (m x d), n, m >= 2, with bandwidth
/// `sigma` (<= 0: median heuristic on `x`).
template <class DerivedX, class DerivedY>
double mmd2(const Eigen::DenseBase<DerivedX>& x, const Eigen::DenseBase<DerivedY>& y,
            double sigma = 0.0, int n_threads = 0) {
  namespace mv = detail::multivariate;
  mv::check_sigma_option(sigma);
  resolve_thread_count(n_threads);
  mv::check_sample(x, 2, "x");
  mv::check_sample(y, 2, "y");
  mv::check_same_features(y, x.cols(), "y");
  matrix<double> kernel = mv::pooled_squared_distances(mv::stack_rows(x, y), n_threads);
  if (!(sigma > 0.0)) {
    sigma = mv::median_heuristic_sigma(kernel.topLeftCorner(x.rows(), x.rows()));
  }
  mv::rbf_in_place(kernel, sigma);
  return mv::mmd2_from_sums(mv::split_block_sums(kernel, x.rows()), x.rows(), y.rows());
}

/// MMD permutation test of `x_ref` (n x d) against `x` (m x d), n, m >= 2.
template <class DerivedX, class DerivedY>
mmd_result mmd_test(const Eigen::DenseBase<DerivedX>& x_ref, const Eigen::DenseBase<DerivedY>& x,
                    const mmd_options& options = {}) {
  namespace mv = detail::multivariate;
  mv::check_permutation_options(options.p_val, options.n_permutations, options.n_threads);
  mv::check_sigma_option(options.sigma);
  mv::check_sample(x_ref, 2, "x_ref");
  mv::check_sample(x, 2, "x");
  mv::check_same_features(x, x_ref.cols(), "x");
  matrix<double> kernel = mv::pooled_squared_distances(mv::stack_rows(x_ref, x), options.n_threads);
  double sigma = options.sigma;
  if (!(sigma > 0.0)) {
    sigma = mv::median_heuristic_sigma(kernel.topLeftCorner(x_ref.rows(), x_ref.rows()));
  }
  mv::rbf_in_place(kernel, sigma);
  const auto observed = mv::split_block_sums(kernel, x_ref.rows());
  return mv::mmd_permutation_test(kernel, x_ref.rows(), observed, options, sigma);
}

/// Linear-time MMD test (Gretton et al. 2012) of `x` against `y`; sigma <= 0 selects the
/// median heuristic on at most the first 1,000 rows of `x`. Needs min(n, m) >= 4.
template <class DerivedX, class DerivedY>
linear_mmd_result linear_mmd_test(const Eigen::DenseBase<DerivedX>& x,
                                  const Eigen::DenseBase<DerivedY>& y, double sigma = 0.0,
                                  double p_val = 0.05) {
  namespace mv = detail::multivariate;
  checks::open_interval(p_val, 0.0, 1.0, "p_val");
  mv::check_sigma_option(sigma);
  mv::check_sample(x, 4, "x");
  mv::check_sample(y, 4, "y");
  mv::check_same_features(y, x.cols(), "y");
  if (!(sigma > 0.0)) {
    const index rows = std::min<index>(x.rows(), 1000);
    const auto distances = mv::pooled_squared_distances(
        mv::to_double(x.derived().topRows(rows)), 1);
    sigma = mv::median_heuristic_sigma(distances);
  }
  const double scale = -1.0 / (2.0 * sigma * sigma);
  const index pairs = std::min(x.rows(), y.rows()) / 2;
  const auto& xd = x.derived();
  const auto& yd = y.derived();
  auto kernel = [&](const auto& a, const auto& b) {
    return std::exp(scale * (a.template cast<double>() - b.template cast<double>()).squaredNorm());
  };
  std::vector<double> h(static_cast<std::size_t>(pairs));
  for (index i = 0; i < pairs; ++i) {
    const auto x0 = xd.row(2 * i);
    const auto x1 = xd.row(2 * i + 1);
    const auto y0 = yd.row(2 * i);
    const auto y1 = yd.row(2 * i + 1);
    h[static_cast<std::size_t>(i)] =
        kernel(x0, x1) + kernel(y0, y1) - kernel(x0, y1) - kernel(x1, y0);
  }
  double mean = 0.0;
  for (const double value : h) mean += value;
  mean /= static_cast<double>(pairs);
  double squares = 0.0;
  for (const double value : h) squares += (value - mean) * (value - mean);
  const double std_dev = std::sqrt(squares / static_cast<double>(pairs - 1));
  linear_mmd_result result;
  result.statistic = mean;
  result.std_dev = std_dev;
  result.n_pairs = pairs;
  result.sigma = sigma;
  result.threshold = p_val;
  if (std_dev > 0.0) {
    result.z_score = std::sqrt(static_cast<double>(pairs)) * mean / std_dev;
    result.p_value = mv::normal_upper_tail(result.z_score);
  } else {
    // Every h equal: no variability to test against; identical samples give h = 0.
    result.z_score = mean > 0.0 ? INFINITY : 0.0;
    result.p_value = mean > 0.0 ? 0.0 : 1.0;
  }
  result.is_drift = result.p_value < p_val;
  return result;
}

/// MMD drift detector fitted once on reference data (alibi-detect's MMDDrift).
class mmd_drift_detector {
 public:
  static constexpr const char* type_tag = "drift.multivariate.mmd";
  static constexpr std::uint32_t layout_version = 1;

  /// Fits on `x_ref` (n x d, n >= 2, finite): bandwidth, reference kernel block, row sums.
  template <class Derived>
  explicit mmd_drift_detector(const Eigen::DenseBase<Derived>& x_ref, mmd_options options = {})
      : options_(options) {
    namespace mv = detail::multivariate;
    mv::check_permutation_options(options_.p_val, options_.n_permutations, options_.n_threads);
    mv::check_sigma_option(options_.sigma);
    mv::check_sample(x_ref, 2, "x_ref");
    reference_ = mv::to_double(x_ref);
    fit_from_reference();
  }

  /// Tests the batch `x` (m x d, m >= 2, finite) against the reference.
  template <class Derived>
  mmd_result predict(const Eigen::DenseBase<Derived>& x) const {
    namespace mv = detail::multivariate;
    mv::check_sample(x, 2, "x");
    mv::check_same_features(x, n_features(), "x");
    const index n = reference_.rows();
    const index m = x.rows();
    matrix<double> current = mv::to_double(x);
    current.rowwise() -= mean_;
    matrix<double> cross =
        mv::squared_distances(current, centred_reference_, options_.n_threads);
    matrix<double> within = mv::squared_distances(current, current, options_.n_threads);
    for (index j = 0; j < m; ++j) {
      within(j, j) = 0.0;
      for (index i = j + 1; i < m; ++i) within(j, i) = within(i, j);
    }
    mv::rbf_in_place(cross, sigma_);
    mv::rbf_in_place(within, sigma_);
    matrix<double> kernel(n + m, n + m);
    kernel.topLeftCorner(n, n) = reference_kernel_;
    kernel.bottomLeftCorner(m, n) = cross;
    kernel.topRightCorner(n, m) = cross.transpose();
    kernel.bottomRightCorner(m, m) = within;
    mv::block_sums observed;
    observed.xx = reference_total_;
    mv::compensated_sum cross_sum;
    mv::compensated_sum within_sum;
    for (index j = 0; j < m; ++j) {
      for (index i = 0; i < n; ++i) cross_sum.add(kernel(i, n + j));
      for (index i = 0; i < m; ++i) within_sum.add(kernel(n + i, n + j));
    }
    observed.xy = cross_sum.value();
    observed.yy = within_sum.value();
    return mv::mmd_permutation_test(kernel, n, observed, options_, sigma_);
  }

  [[nodiscard]] index n_features() const { return reference_.cols(); }
  [[nodiscard]] index n_reference() const { return reference_.rows(); }
  [[nodiscard]] double sigma() const { return sigma_; }
  [[nodiscard]] const mmd_options& options() const { return options_; }
  /// Row sums of the reference kernel block (diagonal included).
  [[nodiscard]] const vector<double>& reference_kernel_row_sums() const { return row_sums_; }
  /// Sum of the reference kernel block (diagonal included).
  [[nodiscard]] double reference_kernel_sum() const { return reference_total_; }

  /// Serialized detector (core/serialization.hpp container, tag drift.multivariate.mmd).
  [[nodiscard]] std::string save() const {
    serialization::binary_writer writer;
    writer.write_f64(options_.p_val);
    writer.write_i64(options_.n_permutations);
    writer.write_f64(options_.sigma);
    writer.write_u64(options_.seed);
    writer.write_i64(options_.n_threads);
    writer.write_i64(reference_.rows());
    writer.write_i64(reference_.cols());
    writer.write_array(reference_.data(), static_cast<std::size_t>(reference_.size()));
    writer.write_f64(sigma_);
    writer.write_array(row_sums_.data(), static_cast<std::size_t>(row_sums_.size()));
    writer.write_f64(reference_total_);
    return writer.finish(type_tag, layout_version);
  }

  /// Restores a detector written by save(); throws format_error for malformed data.
  static mmd_drift_detector load(std::string_view bytes) {
    serialization::binary_reader reader(bytes, type_tag, layout_version);
    mmd_options options;
    options.p_val = reader.read_f64();
    options.n_permutations = reader.read_i64();
    options.sigma = reader.read_f64();
    options.seed = reader.read_u64();
    options.n_threads = static_cast<int>(reader.read_i64());
    const std::int64_t rows = reader.read_i64();
    const std::int64_t cols = reader.read_i64();
    if (rows < 2 || cols < 1) reader.fail("the reference shape is invalid");
    std::vector<double> data = reader.read_array<double>();
    if (data.size() / static_cast<std::size_t>(cols) != static_cast<std::size_t>(rows) ||
        data.size() % static_cast<std::size_t>(cols) != 0) {
      reader.fail("the reference data does not match its shape");
    }
    const double sigma = reader.read_f64();
    std::vector<double> row_sums = reader.read_array<double>();
    const double total = reader.read_f64();
    reader.expect_end();
    if (row_sums.size() != static_cast<std::size_t>(rows)) {
      reader.fail("the kernel row sums do not match the reference");
    }
    if (!(sigma > 0.0) || !std::isfinite(sigma)) reader.fail("sigma is not a positive number");
    try {
      detail::multivariate::check_permutation_options(options.p_val, options.n_permutations,
                                                      options.n_threads);
    } catch (const error& problem) {
      reader.fail(problem.what());
    }
    matrix<double> reference =
        Eigen::Map<const matrix<double>>(data.data(), static_cast<index>(rows),
                                         static_cast<index>(cols));
    mmd_drift_detector detector(std::move(reference), options, sigma);
    if (std::abs(detector.reference_total_ - total) > 1e-9 * std::abs(total)) {
      reader.fail("the stored kernel sums do not match the reference data");
    }
    return detector;
  }

 private:
  mmd_drift_detector(matrix<double> reference, mmd_options options, double sigma)
      : options_(options), reference_(std::move(reference)) {
    fit_from_reference(sigma);
  }

  void fit_from_reference(double fixed_sigma = 0.0) {
    namespace mv = detail::multivariate;
    mean_ = reference_.colwise().mean();
    centred_reference_ = reference_;
    centred_reference_.rowwise() -= mean_;
    reference_kernel_ = mv::squared_distances(centred_reference_, centred_reference_,
                                              options_.n_threads);
    const index n = reference_.rows();
    for (index j = 0; j < n; ++j) {
      reference_kernel_(j, j) = 0.0;
      for (index i = j + 1; i < n; ++i) reference_kernel_(j, i) = reference_kernel_(i, j);
    }
    if (fixed_sigma > 0.0) {
      sigma_ = fixed_sigma;
    } else if (options_.sigma > 0.0) {
      sigma_ = options_.sigma;
    } else {
      sigma_ = mv::median_heuristic_sigma(reference_kernel_);
    }
    mv::rbf_in_place(reference_kernel_, sigma_);
    row_sums_.resize(n);
    for (index j = 0; j < n; ++j) row_sums_(j) = reference_kernel_.col(j).sum();
    mv::compensated_sum total;
    for (index j = 0; j < n; ++j) {
      for (index i = 0; i < n; ++i) total.add(reference_kernel_(i, j));
    }
    reference_total_ = total.value();
  }

  mmd_options options_;
  matrix<double> reference_;
  matrix<double> centred_reference_;
  Eigen::RowVectorXd mean_;
  matrix<double> reference_kernel_;
  vector<double> row_sums_;
  double reference_total_ = 0.0;
  double sigma_ = 1.0;
};

}  // namespace shiftguard::drift
