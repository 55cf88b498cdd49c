#pragma once

// Exact k-nearest neighbours under the Euclidean distance, the building block of the
// resamplers (Tomek links, ENN, NearMiss, the SMOTE family).
//
// Method. Query rows are processed in blocks. For one block the squared distances to every
// reference row are formed with one float32 matrix product, |q|^2 + |r|^2 - 2 q.r, into a
// buffer of block_rows x n_ref values (never an n_query x n_ref matrix): the block size is
// chosen so that the buffer stays under `options.block_bytes` per task. Those fast distances
// are only used to find candidates: for each query row the k smallest are taken, their
// distances are recomputed directly as sum((q - r)^2) in double precision, and every
// reference row whose fast distance could still be within that bound (allowing, pair by
// pair, for the rounding error of the float product form) is rechecked the same way. The final ordering uses the directly computed
// distances, so duplicated points are at distance exactly 0 and equal distances are equal.
//
// Ties. Neighbours are ordered by (distance, reference index): among reference rows at the
// same distance the smaller index comes first. scikit-learn's NearestNeighbors returns tied
// neighbours in an order that depends on its algorithm (kd_tree, ball_tree and brute give
// three different orders on data with duplicates; brute's comes from np.argpartition); it
// agrees with shiftguard whenever the distances are distinct.
//
// Self-exclusion. With `exclude_self`, the query set must be the reference set and row i is
// never its own neighbour (its duplicates, being other rows, can be). This is what
// scikit-learn's kneighbors() without X does.
//
// Parallelism. Blocks run on oneTBB tasks; each task writes only its own rows of the
// result, and the result does not depend on the number of threads.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/types.hpp"

namespace shiftguard::imbalance {

/// Row-major matrix of neighbour indices (n_query x k), as NumPy returns them.
using index_matrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Row-major matrix of neighbour distances (n_query x k).
template <class Scalar>
using distance_matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Options of kneighbors().
struct kneighbors_options {
  /// The query set is the reference set: row i is not its own neighbour (k <= n_ref - 1).
  bool exclude_self = false;
  /// Upper bound, in bytes, of the distance buffer of one task (block rows x n_ref values).
  std::size_t block_bytes = std::size_t{16} << 20;
  /// Threads (0 = all cores). The result does not depend on it.
  int n_threads = 0;
};

/// Result of kneighbors(): row i holds the k nearest reference rows of query row i, nearest
/// first, ties by smaller index; `distances` are Euclidean (not squared).
template <class Scalar>
struct kneighbors_result {
  index_matrix indices;
  distance_matrix<Scalar> distances;
};

namespace detail {

/// Query rows per block so that block_rows x n_ref Scalars stay within `block_bytes`
/// (at least 8 rows, at most 1024).
template <class Scalar>
index neighbor_block_rows(index n_ref, std::size_t block_bytes) {
  const auto per_row = static_cast<std::size_t>(std::max<index>(n_ref, 1)) * sizeof(Scalar);
  const auto rows = static_cast<index>(block_bytes / per_row);
  return std::clamp<index>(rows, 8, 1024);
}

/// sum((a - b)^2) accumulated in double, feature by feature in order.
template <class RowA, class RowB>
double direct_squared_distance(const RowA& a, const RowB& b) {
  double total = 0.0;
  for (index j = 0; j < a.size(); ++j) {
    const double difference = static_cast<double>(a(j)) - static_cast<double>(b(j));
    total += difference * difference;
  }
  return total;
}

}  // namespace detail

/// Bytes of the distance buffer one task uses for `n_ref` reference rows (what the block
/// size is chosen from; candidate distances are float32 for both scalar types); multiply by
/// the thread count for the whole search. The search also keeps a float32 and a Scalar copy
/// of the reference (n_ref x n_features each).
template <class Scalar>
std::size_t kneighbors_buffer_bytes(index n_ref, const kneighbors_options& options = {}) {
  return static_cast<std::size_t>(detail::neighbor_block_rows<float>(n_ref, options.block_bytes)) *
         static_cast<std::size_t>(n_ref) * sizeof(float);
}

namespace detail {

/// The search itself on a packed reference. `fill_block(first, rows, block)` writes query
/// rows [first, first + rows) into `block`; `self_of(i)` is the reference row that query row
/// i must not have as a neighbour (-1: none). The candidate distances come from a float32
/// matrix product whatever Scalar is (twice the speed of double on the same cores); the
/// rounding error is allowed for per pair, and the final distances are exact in double.
template <class Scalar, class FillBlock, class SelfOf>
kneighbors_result<Scalar> kneighbors_packed(const matrix<Scalar>& ref, index n_query, index k,
                                            const kneighbors_options& options,
                                            FillBlock&& fill_block, SelfOf&& self_of) {
  using fast_scalar = float;
  const matrix<fast_scalar> ref_fast = ref.template cast<fast_scalar>();
  const vector<double> ref_norms = ref.template cast<double>().rowwise().squaredNorm();
  const vector<fast_scalar> ref_norms_fast = ref_norms.template cast<fast_scalar>();
  const double ref_norm_max = ref_norms.size() > 0 ? ref_norms.maxCoeff() : 0.0;
  const index n_ref = ref.rows();
  const index n_features = ref.cols();
  const index block_rows = neighbor_block_rows<fast_scalar>(n_ref, options.block_bytes);
  const index n_blocks = (n_query + block_rows - 1) / block_rows;

  kneighbors_result<Scalar> result;
  result.indices.resize(n_query, k);
  result.distances.resize(n_query, k);
  // Bound of the rounding error of the float |q|^2 + |r|^2 - 2 q.r (inputs rounded to float
  // included) relative to |q|^2 + |r|^2 + d^2; generous by design.
  const double unit = static_cast<double>(std::numeric_limits<fast_scalar>::epsilon());
  const double error_factor = 8.0 * (static_cast<double>(n_features) + 4.0) * unit;

  parallel_for_ranges(n_blocks, options.n_threads, 1, [&](index block_begin, index block_end) {
    matrix<Scalar> block;
    matrix<fast_scalar> block_fast;
    matrix<fast_scalar> squared;  // n_ref x block rows: column i is query row i, contiguous
    vector<double> query_norms;
    std::vector<std::pair<float, index>> candidates;
    std::vector<std::pair<float, index>> smallest;
    std::vector<std::pair<double, index>> exact;
    constexpr index small_k = 16;
    for (index b = block_begin; b < block_end; ++b) {
      const index row_begin = b * block_rows;
      const index rows = std::min(block_rows, n_query - row_begin);
      block.resize(rows, n_features);
      fill_block(row_begin, rows, block);
      block_fast = block.template cast<fast_scalar>();
      squared.noalias() = fast_scalar(-2) * ref_fast * block_fast.transpose();
      squared.colwise() += ref_norms_fast;
      query_norms = block.template cast<double>().rowwise().squaredNorm();
      for (index i = 0; i < rows; ++i) {
        const index query_row = row_begin + i;
        const index self = self_of(query_row);
        const double query_norm = query_norms(i);
        const auto column = squared.col(i);  // fast distance - |q|^2
        // The k smallest fast distances; their exact distances bound the k-th neighbour.
        double bound = 0.0;
        if (k <= small_k) {
          // one pass keeping the k smallest (value, index) in a sorted array
          smallest.clear();
          float worst = std::numeric_limits<float>::infinity();
          for (index r = 0; r < n_ref; ++r) {
            const float value = column(r);
            if (value > worst || r == self) continue;
            const std::pair<float, index> item(value, r);
            if (static_cast<index>(smallest.size()) == k) {
              if (!(item < smallest.back())) continue;
              smallest.pop_back();
            }
            smallest.insert(std::upper_bound(smallest.begin(), smallest.end(), item), item);
            if (static_cast<index>(smallest.size()) == k) worst = smallest.back().first;
          }
          for (const auto& item : smallest) {
            bound = std::max(bound, direct_squared_distance(block.row(i), ref.row(item.second)));
          }
        } else {
          candidates.clear();
          candidates.reserve(static_cast<std::size_t>(n_ref));
          for (index r = 0; r < n_ref; ++r) {
            if (r != self) candidates.emplace_back(column(r), r);
          }
          const auto kth = candidates.begin() + (k - 1);
          std::nth_element(candidates.begin(), kth, candidates.end());
          for (auto it = candidates.begin(); it != kth + 1; ++it) {
            bound = std::max(bound, direct_squared_distance(block.row(i), ref.row(it->second)));
          }
        }
        // Every row whose fast distance may still be <= bound is rechecked exactly: the fast
        // value of row r is within error_factor * (|q|^2 + |r|^2 + bound) of the truth.
        const double base = bound * (1.0 + error_factor) + error_factor * query_norm;
        const float cutoff_max = std::nextafter(
            static_cast<float>(base - query_norm + error_factor * ref_norm_max),
            std::numeric_limits<float>::infinity());
        exact.clear();
        for (index r = 0; r < n_ref; ++r) {
          const float value = column(r);
          if (value > cutoff_max || r == self) continue;
          if (static_cast<double>(value) + query_norm <= base + error_factor * ref_norms(r)) {
            exact.emplace_back(direct_squared_distance(block.row(i), ref.row(r)), r);
          }
        }
        std::partial_sort(exact.begin(), exact.begin() + k, exact.end());
        for (index j = 0; j < k; ++j) {
          const auto& chosen = exact[static_cast<std::size_t>(j)];
          result.indices(query_row, j) = static_cast<std::int64_t>(chosen.second);
          result.distances(query_row, j) = static_cast<Scalar>(std::sqrt(chosen.first));
        }
      }
    }
  });
  return result;
}

inline void check_k(index k, index n_ref, bool exclude_self) {
  const index available = exclude_self ? n_ref - 1 : n_ref;
  if (k < 1 || k > available) {
    std::ostringstream message;
    message << "n_neighbors must be in [1, " << available << "] (" << n_ref
            << " reference rows" << (exclude_self ? ", excluding each row itself" : "")
            << "), got " << k;
    throw invalid_argument(message.str());
  }
}

}  // namespace detail

/// The `k` nearest rows of `reference` for every row of `query` (Euclidean distance, exact,
/// ties by smaller index). Throws shape_error when the column counts differ or a set is
/// empty, invalid_argument when k < 1, k exceeds the available neighbours (n_ref, or n_ref - 1
/// with exclude_self) or an entry is not finite.
template <class QueryDerived, class ReferenceDerived>
kneighbors_result<typename QueryDerived::Scalar> kneighbors(
    const Eigen::MatrixBase<QueryDerived>& query,
    const Eigen::MatrixBase<ReferenceDerived>& reference, index k,
    const kneighbors_options& options = {}) {
  using Scalar = typename QueryDerived::Scalar;
  static_assert(std::is_same_v<Scalar, typename ReferenceDerived::Scalar>,
                "query and reference must have the same scalar type");
  static_assert(std::is_floating_point_v<Scalar>, "kneighbors needs float or double data");
  checks::min_shape(reference, 1, "reference");
  checks::min_shape(query, 1, "query");
  if (query.cols() != reference.cols()) {
    std::ostringstream message;
    message << "query has " << query.cols() << " columns but reference has "
            << reference.cols();
    throw shape_error(message.str());
  }
  if (options.exclude_self && query.rows() != reference.rows()) {
    std::ostringstream message;
    message << "exclude_self needs the query to be the reference set, got " << query.rows()
            << " query rows and " << reference.rows() << " reference rows";
    throw shape_error(message.str());
  }
  detail::check_k(k, reference.rows(), options.exclude_self);
  checks::all_finite(reference, "reference");
  checks::all_finite(query, "query");
  // One contiguous copy of the reference (n_ref x n_features) so the product runs on packed
  // data whatever the caller's strides.
  const matrix<Scalar> ref = reference;
  const bool exclude = options.exclude_self;
  return detail::kneighbors_packed<Scalar>(
      ref, query.rows(), k, options,
      [&](index first, index rows, matrix<Scalar>& block) {
        block = query.middleRows(first, rows);
      },
      [exclude](index row) { return exclude ? row : index{-1}; });
}

/// The `k` nearest rows of `reference` for the reference rows listed in `rows` (row
/// rows[i] is never its own neighbour): neighbours of a subset of the training set.
template <class ReferenceDerived>
kneighbors_result<typename ReferenceDerived::Scalar> kneighbors_of_rows(
    const Eigen::MatrixBase<ReferenceDerived>& reference, const std::vector<index>& rows,
    index k, const kneighbors_options& options = {}) {
  using Scalar = typename ReferenceDerived::Scalar;
  static_assert(std::is_floating_point_v<Scalar>, "kneighbors needs float or double data");
  checks::min_shape(reference, 1, "reference");
  for (const index row : rows) {
    if (row < 0 || row >= reference.rows()) {
      throw invalid_argument("rows must be in [0, " + std::to_string(reference.rows()) +
                             "), got " + std::to_string(row));
    }
  }
  detail::check_k(k, reference.rows(), true);
  checks::all_finite(reference, "reference");
  const matrix<Scalar> ref = reference;
  return detail::kneighbors_packed<Scalar>(
      ref, static_cast<index>(rows.size()), k, options,
      [&](index first, index count, matrix<Scalar>& block) {
        for (index i = 0; i < count; ++i) {
          block.row(i) = ref.row(rows[static_cast<std::size_t>(first + i)]);
        }
      },
      [&](index query_row) { return rows[static_cast<std::size_t>(query_row)]; });
}

}  // namespace shiftguard::imbalance
