#pragma once

// Pieces shared by the multivariate two-sample tests (MMD, LSDD, energy distance):
// input checks, pooled squared-distance matrices computed once with Eigen, the median
// heuristic bandwidth, and a parallel, seeded permutation engine whose answer does not
// depend on the number of threads.
//
// Squared distances. D_ij = |z_i|^2 + |z_j|^2 - 2 z_i.z_j is computed block by block (fixed
// blocks of 256 rows, each a GEMM against all rows) in double, after centring the pooled
// rows on their mean (distances are translation invariant; centring removes most of the
// cancellation). Entries where the expansion still cancels badly (D_ij < 1e-3 (|z_i|^2 +
// |z_j|^2)) are recomputed directly as sum_k (z_ik - z_jk)^2, so every entry has a small
// relative error. Blocks are fixed, so the matrix is the same bits for any thread count.
//
// Permutations. Permutation b (b = 0 .. B-1) shuffles the pooled indices with a
// Fisher-Yates shuffle driven by its own std::mt19937_64 seeded from splitmix64(seed, b);
// each permutation writes its own slot, so the statistics are the same for 1, 2 or 8 threads.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/rng.hpp"
#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/types.hpp"

namespace shiftguard::drift {

/// Outcome of a permutation test on a two-sample statistic.
struct permutation_test_result {
  double statistic = 0.0;                ///< the statistic on the observed split
  double p_value = 1.0;                  ///< (b + 1) / (B + 1), b = permuted >= observed
  double distance_threshold = 0.0;       ///< permuted statistic at the p_val upper quantile
  std::vector<double> permuted_statistics;  ///< one per permutation, in permutation order
};

namespace detail::multivariate {

/// Rows per block of the distance-matrix computation (fixed: results do not depend on it
/// being split differently between threads).
inline constexpr index distance_block_rows = 256;

/// splitmix64 finaliser: a well-mixed 64-bit value from (seed, stream index).
inline std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream) {
  return mix64(seed + golden_gamma * (stream + 1));
}

/// Uniform integer in [0, n) from a 64-bit generator, by rejection (no modulo bias, and the
/// same on every platform, unlike std::uniform_int_distribution).
inline std::uint64_t uniform_below(std::mt19937_64& engine, std::uint64_t n) {
  return below_by_rejection(engine, n);
}

/// Permutation of 0..n-1 for permutation `index` of a test seeded with `seed`.
inline void seeded_permutation(std::uint64_t seed, std::uint64_t index_of_permutation,
                               std::vector<index>& order) {
  std::iota(order.begin(), order.end(), index{0});
  std::mt19937_64 engine(stream_seed(seed, index_of_permutation));
  for (std::size_t i = order.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(uniform_below(engine, i));
    std::swap(order[i - 1], order[j]);
  }
}

/// Checks a reference or test sample: at least `min_rows` rows, >= 1 column, all finite.
template <class Derived>
void check_sample(const Eigen::DenseBase<Derived>& x, index min_rows, const char* name) {
  checks::min_shape(x, min_rows, name);
  for (index col = 0; col < x.cols(); ++col) {
    for (index row = 0; row < x.rows(); ++row) {
      const double value = static_cast<double>(x.derived().coeff(row, col));
      if (!std::isfinite(value)) {
        std::ostringstream message;
        message << name << " contains " << (std::isnan(value) ? "NaN" : "an infinite value")
                << " at row " << row << ", column " << col
                << " (multivariate tests need finite data; drop or impute those rows)";
        throw invalid_argument(message.str());
      }
    }
  }
}

/// Checks that the test sample has the reference's number of features.
template <class Derived>
void check_same_features(const Eigen::DenseBase<Derived>& x, index n_features, const char* name) {
  if (x.cols() != n_features) {
    std::ostringstream message;
    message << name << " has " << x.cols() << " features (columns) but the reference has "
            << n_features;
    throw shape_error(message.str());
  }
}

/// Copies `x` (any layout, float or double) into a double matrix.
template <class Derived>
matrix<double> to_double(const Eigen::DenseBase<Derived>& x) {
  return x.derived().template cast<double>();
}

/// Stacks `x` on top of `y` in double.
template <class DerivedX, class DerivedY>
matrix<double> stack_rows(const Eigen::DenseBase<DerivedX>& x,
                          const Eigen::DenseBase<DerivedY>& y) {
  matrix<double> z(x.rows() + y.rows(), x.cols());
  z.topRows(x.rows()) = x.derived().template cast<double>();
  z.bottomRows(y.rows()) = y.derived().template cast<double>();
  return z;
}

/// Squared Euclidean distances between every row of `a` and every row of `b`
/// (a.rows() x b.rows()), computed in blocks of rows of `a` in parallel. `a` and `b` should
/// be centred on a common point (see the file comment); near-cancelling entries are
/// recomputed directly.
inline matrix<double> squared_distances(const matrix<double>& a, const matrix<double>& b,
                                        int n_threads) {
  const index n_a = a.rows();
  const index n_b = b.rows();
  const vector<double> norms_a = a.rowwise().squaredNorm();
  const vector<double> norms_b = b.rowwise().squaredNorm();
  matrix<double> distances(n_a, n_b);
  const matrix<double> b_transposed = b.transpose();
  const index n_blocks = (n_a + distance_block_rows - 1) / distance_block_rows;
  parallel_for_ranges(n_blocks, n_threads, 1, [&](index begin, index end) {
    matrix<double> products;
    for (index block = begin; block < end; ++block) {
      const index first = block * distance_block_rows;
      const index rows = std::min(distance_block_rows, n_a - first);
      products.noalias() = a.middleRows(first, rows) * b_transposed;
      for (index j = 0; j < n_b; ++j) {
        for (index i = 0; i < rows; ++i) {
          const double scale = norms_a(first + i) + norms_b(j);
          double value = scale - 2.0 * products(i, j);
          if (value < 1e-3 * scale) {
            value = (a.row(first + i) - b.row(j)).squaredNorm();
          }
          distances(first + i, j) = value;
        }
      }
    }
  });
  return distances;
}

/// Pooled squared-distance matrix of the rows of `z` (symmetric, zero diagonal), after
/// centring `z` on its column means.
inline matrix<double> pooled_squared_distances(matrix<double> z, int n_threads) {
  const Eigen::RowVectorXd mean = z.colwise().mean();
  z.rowwise() -= mean;
  matrix<double> distances = squared_distances(z, z, n_threads);
  // Exact symmetry and zero diagonal, whatever rounding did.
  for (index j = 0; j < distances.cols(); ++j) {
    distances(j, j) = 0.0;
    for (index i = j + 1; i < distances.rows(); ++i) distances(j, i) = distances(i, j);
  }
  return distances;
}

/// The lower median of the n (n - 1) / 2 squared distances between distinct rows (i < j)
/// of a symmetric squared-distance matrix.
inline double lower_median_pair_distance(const matrix<double>& distances) {
  const index n = distances.rows();
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(n * (n - 1) / 2));
  for (index j = 0; j < n; ++j) {
    for (index i = j + 1; i < n; ++i) values.push_back(distances(i, j));
  }
  const std::size_t k = (values.size() - 1) / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

/// Neumaier-compensated running sum (used where a statistic is a difference of large sums).
struct compensated_sum {
  double sum = 0.0;
  double compensation = 0.0;
  void add(double value) {
    const double t = sum + value;
    if (std::abs(sum) >= std::abs(value)) {
      compensation += (sum - t) + value;
    } else {
      compensation += (value - t) + sum;
    }
    sum = t;
  }
  [[nodiscard]] double value() const { return sum + compensation; }
};

/// Sums of a symmetric matrix over the blocks of a split at `n_x`: rows/cols [0, n_x) are
/// the first sample, the rest the second. Returns {sum_xx, sum_yy, sum_xy} where sum_xx and
/// sum_yy include the diagonal and sum_xy counts each cross pair once.
struct block_sums {
  double xx = 0.0;
  double yy = 0.0;
  double xy = 0.0;
};

inline block_sums split_block_sums(const matrix<double>& k, index n_x) {
  const index n = k.rows();
  compensated_sum xx;
  compensated_sum yy;
  compensated_sum xy;
  for (index j = 0; j < n; ++j) {
    for (index i = 0; i < n; ++i) {
      const double value = k(i, j);
      if (i < n_x && j < n_x) {
        xx.add(value);
      } else if (i >= n_x && j >= n_x) {
        yy.add(value);
      } else if (i >= n_x && j < n_x) {
        xy.add(value);
      }
    }
  }
  return {xx.value(), yy.value(), xy.value()};
}

/// Sum of k(i, j) over i, j in `members` (sorted indices), diagonal included, using symmetry.
inline double quadratic_form_sum(const matrix<double>& k, const std::vector<index>& members) {
  double off_diagonal = 0.0;
  double diagonal = 0.0;
  const std::size_t count = members.size();
  for (std::size_t a = 0; a < count; ++a) {
    const index column = members[a];
    const double* data = k.data() + column * k.rows();
    diagonal += data[column];
    double partial = 0.0;
    for (std::size_t b = a + 1; b < count; ++b) partial += data[members[b]];
    off_diagonal += partial;
  }
  return diagonal + 2.0 * off_diagonal;
}

/// Block sums {xx, yy, xy} of a symmetric matrix `k` with row sums `row_sums` and total
/// `total`, for the split where the first sample is the first n_x entries of `order`.
/// Only the smaller group's quadratic form is computed (O(min(n_x, n_y)^2)).
inline block_sums permuted_block_sums(const matrix<double>& k, const vector<double>& row_sums,
                                      double total, const std::vector<index>& order, index n_x,
                                      std::vector<index>& members) {
  const index n = k.rows();
  const index n_y = n - n_x;
  const bool first_smaller = n_x <= n_y;
  const index begin = first_smaller ? 0 : n_x;
  const index count = first_smaller ? n_x : n_y;
  members.assign(order.begin() + begin, order.begin() + begin + count);
  std::sort(members.begin(), members.end());
  double small_row_sum = 0.0;
  for (const index member : members) small_row_sum += row_sums(member);
  const double small = quadratic_form_sum(k, members);
  const double cross = small_row_sum - small;
  const double large = total - 2.0 * small_row_sum + small;
  block_sums sums;
  sums.xy = cross;
  sums.xx = first_smaller ? small : large;
  sums.yy = first_smaller ? large : small;
  return sums;
}

/// Runs `n_permutations` seeded permutations in parallel; `statistic_of(order, scratch)`
/// maps a permutation of the pooled indices to the statistic. Each permutation writes its
/// own slot.
template <class Statistic>
std::vector<double> run_permutations(index n_pooled, index n_permutations, std::uint64_t seed,
                                     int n_threads, Statistic&& statistic_of) {
  std::vector<double> statistics(static_cast<std::size_t>(n_permutations));
  parallel_for_ranges(n_permutations, n_threads, 1, [&](index begin, index end) {
    std::vector<index> order(static_cast<std::size_t>(n_pooled));
    std::vector<index> scratch;
    for (index b = begin; b < end; ++b) {
      seeded_permutation(seed, static_cast<std::uint64_t>(b), order);
      statistics[static_cast<std::size_t>(b)] = statistic_of(order, scratch);
    }
  });
  return statistics;
}

/// p-value (b + 1) / (B + 1) and alibi-detect's distance threshold (the permuted statistic
/// at position floor(p_val B) of the permuted statistics sorted in decreasing order).
inline permutation_test_result finish_permutation_test(double statistic,
                                                       std::vector<double> permuted,
                                                       double p_val) {
  permutation_test_result result;
  result.statistic = statistic;
  index at_least = 0;
  for (const double value : permuted) {
    if (value >= statistic) ++at_least;
  }
  const auto n = static_cast<index>(permuted.size());
  result.p_value = static_cast<double>(at_least + 1) / static_cast<double>(n + 1);
  if (n > 0) {
    std::vector<double> sorted = permuted;
    std::sort(sorted.begin(), sorted.end(), [](double a, double b) { return a > b; });
    auto position = static_cast<index>(std::floor(p_val * static_cast<double>(n)));
    position = std::min(position, n - 1);
    result.distance_threshold = sorted[static_cast<std::size_t>(position)];
  }
  result.permuted_statistics = std::move(permuted);
  return result;
}

/// Common checks of permutation-test options.
inline void check_permutation_options(double p_val, long long n_permutations, int n_threads) {
  checks::open_interval(p_val, 0.0, 1.0, "p_val");
  checks::count_at_least(n_permutations, 1, "n_permutations");
  resolve_thread_count(n_threads);
}

}  // namespace detail::multivariate
}  // namespace shiftguard::drift
