#pragma once

// Multivariate energy-distance two-sample test (Szekely & Rizzo) with a permutation p-value.
//
// Statistic (the squared energy distance, V-statistic form):
//   E = 2/(n m) sum_{i,j} |x_i - y_j| - 1/n^2 sum_{i,j} |x_i - x_j| - 1/m^2 sum_{i,j} |y_i - y_j|
// with |.| the Euclidean norm. E >= 0, and E = 0 only when the empirical distributions
// coincide. In one dimension sqrt(E) is scipy.stats.energy_distance; Szekely and Rizzo's
// test statistic is n m / (n + m) E (reported as `scaled_statistic`). The p-value is the
// permutation p-value (b + 1) / (B + 1), computed as the MMD test's (common.hpp): one pooled
// distance matrix, permutations in parallel, each with its own random stream derived from
// (seed, index), so the result does not depend on the number of threads.

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/multivariate/common.hpp"

namespace shiftguard::drift {

/// Options of the energy-distance permutation test.
struct energy_options {
  double p_val = 0.05;                ///< significance level in (0, 1)
  std::int64_t n_permutations = 100;  ///< permutations, >= 1
  std::uint64_t seed = 0;             ///< seed of the permutations
  int n_threads = 0;                  ///< 0 = all cores
};

/// Verdict of the energy-distance test.
struct energy_result {
  bool is_drift = false;            ///< p_value < p_val
  double statistic = 0.0;           ///< squared energy distance E
  double scaled_statistic = 0.0;    ///< n m / (n + m) E (Szekely-Rizzo)
  double p_value = 1.0;             ///< (b + 1) / (B + 1)
  double threshold = 0.05;          ///< p_val
  double distance_threshold = 0.0;  ///< permuted E at the p_val upper quantile
  std::vector<double> permuted_statistics;
};

namespace detail::multivariate {

inline double energy_from_sums(const block_sums& sums, index n_x, index n_y) {
  const auto nx = static_cast<double>(n_x);
  const auto ny = static_cast<double>(n_y);
  return 2.0 * sums.xy / (nx * ny) - sums.xx / (nx * nx) - sums.yy / (ny * ny);
}

inline matrix<double> pooled_distances(matrix<double> z, int n_threads) {
  matrix<double> distances = pooled_squared_distances(std::move(z), n_threads);
  distances = distances.array().sqrt().matrix();
  return distances;
}

}  // namespace detail::multivariate

/// Squared energy distance between the rows of `x` (n x d) and `y` (m x d).
template <class DerivedX, class DerivedY>
double energy_distance_squared(const Eigen::DenseBase<DerivedX>& x,
                               const Eigen::DenseBase<DerivedY>& y, int n_threads = 0) {
  namespace mv = detail::multivariate;
  resolve_thread_count(n_threads);
  mv::check_sample(x, 1, "x");
  mv::check_sample(y, 1, "y");
  mv::check_same_features(y, x.cols(), "y");
  const auto distances = mv::pooled_distances(mv::stack_rows(x, y), n_threads);
  return mv::energy_from_sums(mv::split_block_sums(distances, x.rows()), x.rows(), y.rows());
}

/// Energy-distance permutation test of `x_ref` (n x d) against `x` (m x d), n, m >= 2.
template <class DerivedX, class DerivedY>
energy_result energy_test(const Eigen::DenseBase<DerivedX>& x_ref,
                          const Eigen::DenseBase<DerivedY>& x, const energy_options& options = {}) {
  namespace mv = detail::multivariate;
  mv::check_permutation_options(options.p_val, options.n_permutations, options.n_threads);
  mv::check_sample(x_ref, 2, "x_ref");
  mv::check_sample(x, 2, "x");
  mv::check_same_features(x, x_ref.cols(), "x");
  const index n_x = x_ref.rows();
  const index n_y = x.rows();
  const auto distances = mv::pooled_distances(mv::stack_rows(x_ref, x), options.n_threads);
  const index n = n_x + n_y;
  vector<double> row_sums(n);
  for (index j = 0; j < n; ++j) row_sums(j) = distances.col(j).sum();
  double total = 0.0;
  for (index j = 0; j < n; ++j) total += row_sums(j);
  const double statistic = mv::energy_from_sums(mv::split_block_sums(distances, n_x), n_x, n_y);
  auto permuted = mv::run_permutations(
      n, options.n_permutations, options.seed, options.n_threads,
      [&](const std::vector<index>& order, std::vector<index>& scratch) {
        return mv::energy_from_sums(
            mv::permuted_block_sums(distances, row_sums, total, order, n_x, scratch), n_x, n_y);
      });
  const auto test = mv::finish_permutation_test(statistic, std::move(permuted), options.p_val);
  energy_result result;
  result.statistic = test.statistic;
  result.scaled_statistic =
      static_cast<double>(n_x) * static_cast<double>(n_y) / static_cast<double>(n) * statistic;
  result.p_value = test.p_value;
  result.threshold = options.p_val;
  result.is_drift = test.p_value < options.p_val;
  result.distance_threshold = test.distance_threshold;
  result.permuted_statistics = test.permuted_statistics;
  return result;
}

/// Energy-distance drift detector: keeps the reference (as double) and tests each batch
/// with energy_test.
class energy_drift_detector {
 public:
  template <class Derived>
  explicit energy_drift_detector(const Eigen::DenseBase<Derived>& x_ref,
                                 energy_options options = {})
      : options_(options) {
    namespace mv = detail::multivariate;
    mv::check_permutation_options(options_.p_val, options_.n_permutations, options_.n_threads);
    mv::check_sample(x_ref, 2, "x_ref");
    reference_ = mv::to_double(x_ref);
  }

  template <class Derived>
  energy_result predict(const Eigen::DenseBase<Derived>& x) const {
    detail::multivariate::check_sample(x, 2, "x");
    detail::multivariate::check_same_features(x, n_features(), "x");
    return energy_test(reference_, x, options_);
  }

  [[nodiscard]] index n_features() const { return reference_.cols(); }
  [[nodiscard]] index n_reference() const { return reference_.rows(); }
  [[nodiscard]] const energy_options& options() const { return options_; }

 private:
  energy_options options_;
  matrix<double> reference_;
};

}  // namespace shiftguard::drift
