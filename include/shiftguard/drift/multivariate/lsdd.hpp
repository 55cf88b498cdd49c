#pragma once

// Least-squares density difference (LSDD) two-sample test with a permutation p-value, as
// alibi-detect's LSDDDrift defines it (Bu et al., "A pdf-free change detection test based on
// density difference estimation", IEEE TNNLS 2017, with alibi-detect's choices):
//
// Fitting on the reference x_ref (n x d):
//   * every feature is standardised with the reference mean and standard deviation (ddof 1);
//     the test batch is standardised with the same values;
//   * sigma <= 0 selects the median heuristic of mmd.hpp on the standardised reference;
//   * n_kernel_centers (default max(n / 20, 1)) standardised reference rows, chosen at random
//     (seeded), become the kernel centres c_1..c_k; the other n - k rows form the effective
//     reference sample that batches are compared with. Centres can also be given as row
//     indices into x_ref (to reproduce a run of another implementation);
//   * H_ij = exp(-|c_i - c_j|^2 / (4 sigma^2)), the Gaussian-model Gram matrix without its
//     (pi sigma^2)^(d/2) factor (alibi-detect drops it for numerical stability; the test
//     statistic is scaled by a constant and the p-values are unchanged).
//
// Testing a batch x (m x d): with k(z, c) = exp(-|z - c|^2 / (2 sigma^2)) and, for a split of
// the pooled rows into groups X (n_eff rows) and Y (m rows),
//   h = mean_{z in X} k(z, c) - mean_{z in Y} k(z, c)            (a k-vector)
// the LSDD estimate is h^T W h with
//   W = 2 (H + lambda I)^{-1} - (H + lambda I)^{-1} H (H + lambda I)^{-1}
// (i.e. 2 h^T theta - theta^T H theta with theta = (H + lambda I)^{-1} h). lambda is chosen per
// batch from the candidates 4^-i, i = 0..9: the largest for which the mean over the permuted
// splits of the relative difference 1 - theta^T H theta / h^T theta is below lambda_rd_max
// (the smallest candidate when none is). The p-value is (b + 1) / (B + 1) over B seeded
// permutations (alibi-detect reports b / B); permutations run in parallel with streams derived
// from (seed, index), so the result does not depend on the number of threads.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/multivariate/common.hpp"
#include "shiftguard/drift/multivariate/mmd.hpp"

namespace shiftguard::drift {

/// Options of the LSDD permutation test (defaults as alibi-detect's LSDDDrift).
struct lsdd_options {
  double p_val = 0.05;                ///< significance level in (0, 1)
  std::int64_t n_permutations = 100;  ///< permutations, >= 1
  double sigma = 0.0;                 ///< bandwidth (standardised units); <= 0: median heuristic
  std::int64_t n_kernel_centers = 0;  ///< 0: max(n_ref / 20, 1)
  double lambda_rd_max = 0.2;         ///< maximum relative difference caused by lambda, > 0
  std::uint64_t seed = 0;             ///< seed of the centre choice and the permutations
  int n_threads = 0;                  ///< 0 = all cores
};

/// Verdict of the LSDD test.
struct lsdd_result {
  bool is_drift = false;            ///< p_value < p_val
  double statistic = 0.0;           ///< LSDD estimate (scaled as alibi-detect's)
  double p_value = 1.0;             ///< (b + 1) / (B + 1)
  double threshold = 0.05;          ///< p_val
  double distance_threshold = 0.0;  ///< permuted LSDD at the p_val upper quantile
  double lambda = 0.0;              ///< regularisation chosen for this batch
  std::vector<double> permuted_statistics;
};

/// LSDD drift detector fitted once on reference data (alibi-detect's LSDDDrift).
class lsdd_drift_detector {
 public:
  /// Fits on `x_ref` (n x d); centres chosen at random (seeded) among the reference rows.
  template <class Derived>
  explicit lsdd_drift_detector(const Eigen::DenseBase<Derived>& x_ref, lsdd_options options = {})
      : lsdd_drift_detector(x_ref, options, std::vector<index>{}) {}

  /// Fits on `x_ref` with the given kernel centres: `center_rows` are distinct row indices of
  /// x_ref (empty: seeded random choice of n_kernel_centers rows).
  template <class Derived>
  lsdd_drift_detector(const Eigen::DenseBase<Derived>& x_ref, lsdd_options options,
                      std::vector<index> center_rows)
      : options_(options) {
    namespace mv = detail::multivariate;
    mv::check_permutation_options(options_.p_val, options_.n_permutations, options_.n_threads);
    mv::check_sigma_option(options_.sigma);
    checks::greater_than(options_.lambda_rd_max, 0.0, "lambda_rd_max");
    mv::check_sample(x_ref, 3, "x_ref");
    const index n = x_ref.rows();
    matrix<double> reference = mv::to_double(x_ref);
    mean_ = reference.colwise().mean();
    reference.rowwise() -= mean_;
    scale_ = (reference.colwise().squaredNorm() / static_cast<double>(n - 1)).cwiseSqrt();
    for (index c = 0; c < scale_.size(); ++c) {
      if (!(scale_(c) > 0.0)) {
        throw invalid_argument("x_ref column " + std::to_string(c) +
                               " is constant: LSDD standardises each feature by its reference "
                               "standard deviation, which is 0; drop the column");
      }
    }
    reference.array().rowwise() /= scale_.array();
    if (center_rows.empty()) {
      std::int64_t n_centers = options_.n_kernel_centers;
      if (n_centers <= 0) n_centers = std::max<std::int64_t>(n / 20, 1);
      if (n_centers > n - 2) {
        throw invalid_argument("n_kernel_centers must leave at least 2 reference rows, got " +
                               std::to_string(n_centers) + " for " + std::to_string(n) +
                               " rows");
      }
      std::vector<index> order(static_cast<std::size_t>(n));
      mv::seeded_permutation(options_.seed, ~std::uint64_t{0}, order);
      center_rows.assign(order.begin(), order.begin() + n_centers);
    }
    options_.n_kernel_centers = static_cast<std::int64_t>(center_rows.size());
    std::vector<char> is_center(static_cast<std::size_t>(n), 0);
    for (const index row : center_rows) {
      if (row < 0 || row >= n) {
        throw invalid_argument("center_rows: row " + std::to_string(row) +
                               " is out of range for x_ref with " + std::to_string(n) + " rows");
      }
      if (is_center[static_cast<std::size_t>(row)] != 0) {
        throw invalid_argument("center_rows: row " + std::to_string(row) + " appears twice");
      }
      is_center[static_cast<std::size_t>(row)] = 1;
    }
    if (static_cast<index>(center_rows.size()) > n - 2) {
      throw invalid_argument("center_rows must leave at least 2 reference rows");
    }
    centers_.resize(static_cast<index>(center_rows.size()), reference.cols());
    for (std::size_t k = 0; k < center_rows.size(); ++k) {
      centers_.row(static_cast<index>(k)) = reference.row(center_rows[k]);
    }
    effective_reference_.resize(n - static_cast<index>(center_rows.size()), reference.cols());
    index next = 0;
    for (index row = 0; row < n; ++row) {
      if (is_center[static_cast<std::size_t>(row)] == 0) {
        effective_reference_.row(next++) = reference.row(row);
      }
    }
    center_rows_ = std::move(center_rows);
    sigma_ = options_.sigma > 0.0
                 ? options_.sigma
                 : mv::median_heuristic_sigma(
                       mv::pooled_squared_distances(reference, options_.n_threads));
    matrix<double> center_distances = mv::pooled_squared_distances(centers_, 1);
    // H uses the bandwidth sqrt(2) sigma: exp(-D / (4 sigma^2)).
    gram_ = (center_distances.array() * (-1.0 / (4.0 * sigma_ * sigma_))).exp().matrix();
    reference_kernel_ = kernel_to_centers(effective_reference_);
  }

  /// Tests the batch `x` (m x d, m >= 2, finite) against the effective reference.
  template <class Derived>
  lsdd_result predict(const Eigen::DenseBase<Derived>& x) const {
    namespace mv = detail::multivariate;
    mv::check_sample(x, 2, "x");
    mv::check_same_features(x, n_features(), "x");
    matrix<double> current = mv::to_double(x);
    current.rowwise() -= mean_;
    current.array().rowwise() /= scale_.array();
    const index n_x = effective_reference_.rows();
    const index n_y = current.rows();
    const index n = n_x + n_y;
    const index k = centers_.rows();
    // Pooled kernel-to-centre matrix, stored transposed (k x n) so a row's values are
    // contiguous.
    matrix<double> pooled(k, n);
    pooled.leftCols(n_x) = reference_kernel_;
    pooled.rightCols(n_y) = kernel_to_centers(current);
    const vector<double> column_total = pooled.rowwise().sum();
    const auto witness = [&](const std::vector<index>* order) {
      vector<double> group_sum = vector<double>::Zero(k);
      const bool first_smaller = n_x <= n_y;
      const index begin = first_smaller ? 0 : n_x;
      const index count = first_smaller ? n_x : n_y;
      for (index i = 0; i < count; ++i) {
        const index row = order != nullptr ? (*order)[static_cast<std::size_t>(begin + i)]
                                           : begin + i;
        group_sum += pooled.col(row);
      }
      const vector<double> rest = column_total - group_sum;
      const vector<double>& sum_x = first_smaller ? group_sum : rest;
      const vector<double>& sum_y = first_smaller ? rest : group_sum;
      return vector<double>(sum_x / static_cast<double>(n_x) - sum_y / static_cast<double>(n_y));
    };
    const index n_perm = options_.n_permutations;
    matrix<double> witnesses(k, n_perm);
    parallel_for_ranges(n_perm, options_.n_threads, 1, [&](index begin, index end) {
      std::vector<index> order(static_cast<std::size_t>(n));
      for (index b = begin; b < end; ++b) {
        mv::seeded_permutation(options_.seed, static_cast<std::uint64_t>(b), order);
        witnesses.col(b) = witness(&order);
      }
    });
    const vector<double> observed = witness(nullptr);
    // Choose lambda on the permuted witnesses.
    const matrix<double> identity = matrix<double>::Identity(k, k);
    double lambda = 0.0;
    matrix<double> inverse;
    for (int i = 0; i < 10; ++i) {
      lambda = std::pow(4.0, -i);
      inverse = (gram_ + lambda * identity).llt().solve(identity);
      const matrix<double> theta = inverse * witnesses;
      const matrix<double> h_theta = (witnesses.array() * theta.array()).colwise().sum();
      const matrix<double> theta_h_theta =
          (theta.array() * (gram_ * theta).array()).colwise().sum();
      double mean_rd = 0.0;
      for (index b = 0; b < n_perm; ++b) mean_rd += 1.0 - theta_h_theta(0, b) / h_theta(0, b);
      mean_rd /= static_cast<double>(n_perm);
      if (mean_rd < options_.lambda_rd_max) break;
    }
    const matrix<double> weight = 2.0 * inverse - inverse * gram_ * inverse;
    const matrix<double> weighted = weight * witnesses;
    std::vector<double> permuted(static_cast<std::size_t>(n_perm));
    for (index b = 0; b < n_perm; ++b) {
      permuted[static_cast<std::size_t>(b)] = witnesses.col(b).dot(weighted.col(b));
    }
    const double statistic = observed.dot(weight * observed);
    const auto test = mv::finish_permutation_test(statistic, std::move(permuted), options_.p_val);
    lsdd_result result;
    result.statistic = test.statistic;
    result.p_value = test.p_value;
    result.threshold = options_.p_val;
    result.is_drift = test.p_value < options_.p_val;
    result.distance_threshold = test.distance_threshold;
    result.lambda = lambda;
    result.permuted_statistics = test.permuted_statistics;
    return result;
  }

  [[nodiscard]] index n_features() const { return centers_.cols(); }
  /// Rows of x_ref (centres included).
  [[nodiscard]] index n_reference() const {
    return effective_reference_.rows() + centers_.rows();
  }
  [[nodiscard]] double sigma() const { return sigma_; }
  [[nodiscard]] const lsdd_options& options() const { return options_; }
  /// Row indices of x_ref used as kernel centres.
  [[nodiscard]] const std::vector<index>& center_rows() const { return center_rows_; }
  /// Kernel centres in standardised units (k x d).
  [[nodiscard]] const matrix<double>& centers() const { return centers_; }
  /// Reference mean and standard deviation used to standardise each feature.
  [[nodiscard]] const Eigen::RowVectorXd& feature_means() const { return mean_; }
  [[nodiscard]] const Eigen::RowVectorXd& feature_scales() const { return scale_; }

 private:
  // Transposed kernel values exp(-|z - c|^2 / (2 sigma^2)): k x rows(z).
  matrix<double> kernel_to_centers(const matrix<double>& rows) const {
    matrix<double> distances =
        detail::multivariate::squared_distances(centers_, rows, options_.n_threads);
    detail::multivariate::rbf_in_place(distances, sigma_);
    return distances;
  }

  lsdd_options options_;
  Eigen::RowVectorXd mean_;
  Eigen::RowVectorXd scale_;
  matrix<double> centers_;
  matrix<double> effective_reference_;
  matrix<double> reference_kernel_;
  matrix<double> gram_;
  std::vector<index> center_rows_;
  double sigma_ = 1.0;
};

/// LSDD permutation test of `x_ref` against `x` (fits an lsdd_drift_detector on x_ref).
template <class DerivedX, class DerivedY>
lsdd_result lsdd_test(const Eigen::DenseBase<DerivedX>& x_ref, const Eigen::DenseBase<DerivedY>& x,
                      const lsdd_options& options = {}) {
  detail::multivariate::check_sample(x, 2, "x");
  detail::multivariate::check_same_features(x, x_ref.cols(), "x");
  return lsdd_drift_detector(x_ref, options).predict(x);
}

}  // namespace shiftguard::drift
