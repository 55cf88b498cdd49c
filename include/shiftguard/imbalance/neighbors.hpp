#pragma once

// Exact k-nearest neighbours under the Euclidean distance, the building block of the
// resamplers (Tomek links, ENN, NearMiss, the SMOTE family).
//
// Method. Query rows are processed in blocks, reference rows in tiles of at most 2048. For
// a block and a tile the squared distances are formed with one float32 matrix product,
// |q|^2 + |r|^2 - 2 q.r, into a buffer of block x tile values that stays in cache (at most
// `options.block_bytes` per task; never an n_query x n_ref matrix). Those fast distances are
// only used to find candidates: each query row keeps its running k smallest and every
// reference row within a rounding margin of the running k-th (the margin bounds, pair by
// pair, the error of the float product form). The candidates' distances are then computed
// directly as sum((q - r)^2) in double precision. The final ordering uses the directly computed
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
  /// Upper bound, in bytes, of the distance buffer of one task (block rows x tile values).
  std::size_t block_bytes = std::size_t{1} << 20;
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

/// Query rows per block so that a block x tile buffer of Scalars (tile: at most 2048
/// reference rows) stays within `block_bytes` (at least 8 rows, at most 256).
template <class Scalar>
index neighbor_block_rows(index n_ref, std::size_t block_bytes) {
  const index tile = std::clamp<index>(n_ref, 1, 2048);
  const auto per_row = static_cast<std::size_t>(tile) * sizeof(Scalar);
  const auto rows = static_cast<index>(block_bytes / per_row);
  return std::clamp<index>(rows, 8, 256);
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
         static_cast<std::size_t>(std::clamp<index>(n_ref, 1, 2048)) * sizeof(float);
}

namespace detail {

/// The search itself on a packed reference. `fill_block(first, rows, block)` writes query
/// rows [first, first + rows) into `block`; `self_of(i)` is the reference row that query row
/// i must not have as a neighbour (-1: none).
///
/// Candidate distances come from float32 matrix products of a block of query rows with a
/// tile of reference rows (block x tile values, sized to stay in cache), whatever Scalar is.
/// For each query row a running top-k of those fast values is kept, and every reference
/// row whose fast value is within a rounding margin of the running k-th value is kept as a
/// candidate. The margin bounds, pair by pair, the error of the float form (inputs rounded
/// to float included), so every row whose exact distance is at most the true k-th distance
/// is a candidate; the candidates' distances are then computed directly in double and the
/// k smallest (ties by index) are the result.
template <class Scalar, class FillBlock, class SelfOf>
kneighbors_result<Scalar> kneighbors_packed(const matrix<Scalar>& ref, index n_query, index k,
                                            const kneighbors_options& options,
                                            FillBlock&& fill_block, SelfOf&& self_of) {
  using fast_scalar = float;
  using row_major = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const matrix<fast_scalar> ref_fast = ref.template cast<fast_scalar>();
  const row_major ref_rows = ref;  // contiguous rows for the exact distances
  const vector<double> ref_norms = ref.template cast<double>().rowwise().squaredNorm();
  const vector<fast_scalar> ref_norms_fast = ref_norms.template cast<fast_scalar>();
  const double ref_norm_max = ref_norms.size() > 0 ? ref_norms.maxCoeff() : 0.0;
  const index n_ref = ref.rows();
  const index n_features = ref.cols();
  // fewer query rows per block when k is large (each keeps about k candidates)
  const index block_rows = std::clamp<index>(
      std::min(neighbor_block_rows<fast_scalar>(n_ref, options.block_bytes),
               static_cast<index>((std::size_t{32} << 20) / (16 * static_cast<std::size_t>(k + 1024)))),
      8, 256);
  const index tile_rows = std::min<index>(n_ref, 2048);
  const index n_blocks = (n_query + block_rows - 1) / block_rows;

  kneighbors_result<Scalar> result;
  result.indices.resize(n_query, k);
  result.distances.resize(n_query, k);
  // Bound of the rounding error of the float |q|^2 + |r|^2 - 2 q.r relative to
  // |q|^2 + |r|^2 + d^2; generous by design.
  const double unit = static_cast<double>(std::numeric_limits<fast_scalar>::epsilon());
  const double error_factor = 8.0 * (static_cast<double>(n_features) + 4.0) * unit;
  const auto inf = std::numeric_limits<float>::infinity();

  parallel_for_ranges(n_blocks, options.n_threads, 1, [&](index block_begin, index block_end) {
    row_major block;
    matrix<fast_scalar> block_fast;
    matrix<fast_scalar> squared;  // tile x block rows: column i is query row i, contiguous
    vector<double> query_norms;
    std::vector<std::vector<std::pair<float, index>>> best;        // running top-k (max-heap)
    std::vector<std::vector<std::pair<float, index>>> candidates;  // within the margin
    std::vector<float> threshold;
    std::vector<std::pair<double, index>> exact;
    for (index b = block_begin; b < block_end; ++b) {
      const index row_begin = b * block_rows;
      const index rows = std::min(block_rows, n_query - row_begin);
      block.resize(rows, n_features);
      fill_block(row_begin, rows, block);
      block_fast = block.template cast<fast_scalar>();
      query_norms = block.template cast<double>().rowwise().squaredNorm();
      best.resize(static_cast<std::size_t>(rows));
      candidates.resize(static_cast<std::size_t>(rows));
      threshold.assign(static_cast<std::size_t>(rows), inf);
      for (index i = 0; i < rows; ++i) {
        best[static_cast<std::size_t>(i)].clear();
        candidates[static_cast<std::size_t>(i)].clear();
      }
      // margin (in the units of fast - |q|^2) allowed above the running k-th fast value
      const auto margin = [&](index i, float kth) {
        const double q = query_norms(i);
        const double kth_distance = std::max(0.0, static_cast<double>(kth) + q);
        return 2.0 * error_factor * (q + ref_norm_max + kth_distance) * 1.0625;
      };
      const auto cutoff = [&](index i, float kth) {
        if (kth == inf) return inf;
        return std::nextafter(static_cast<float>(static_cast<double>(kth) + margin(i, kth)), inf);
      };
      for (index tile_begin = 0; tile_begin < n_ref; tile_begin += tile_rows) {
        const index tile = std::min(tile_rows, n_ref - tile_begin);
        squared.noalias() = fast_scalar(-2) * ref_fast.middleRows(tile_begin, tile) *
                            block_fast.transpose();
        for (index i = 0; i < rows; ++i) {
          const index self = self_of(row_begin + i);
          auto& heap = best[static_cast<std::size_t>(i)];
          auto& kept = candidates[static_cast<std::size_t>(i)];
          float limit = threshold[static_cast<std::size_t>(i)];
          const auto column = squared.col(i);
          for (index t = 0; t < tile; ++t) {
            const float value = column(t) + ref_norms_fast(tile_begin + t);
            if (value > limit) continue;
            const index r = tile_begin + t;
            if (r == self) continue;
            kept.emplace_back(value, r);
            const std::pair<float, index> item(value, r);
            if (static_cast<index>(heap.size()) < k) {
              heap.push_back(item);
              std::push_heap(heap.begin(), heap.end());
              if (static_cast<index>(heap.size()) == k) limit = cutoff(i, heap.front().first);
            } else if (item < heap.front()) {
              std::pop_heap(heap.begin(), heap.end());
              heap.back() = item;
              std::push_heap(heap.begin(), heap.end());
              limit = cutoff(i, heap.front().first);
            }
          }
          threshold[static_cast<std::size_t>(i)] = limit;
          if (kept.size() > static_cast<std::size_t>(4 * k + 1024)) {
            kept.erase(std::remove_if(kept.begin(), kept.end(),
                                      [limit](const auto& c) { return c.first > limit; }),
                       kept.end());
          }
        }
      }
      for (index i = 0; i < rows; ++i) {
        const index query_row = row_begin + i;
        const float limit = threshold[static_cast<std::size_t>(i)];
        exact.clear();
        for (const auto& candidate : candidates[static_cast<std::size_t>(i)]) {
          if (candidate.first > limit) continue;
          exact.emplace_back(direct_squared_distance(block.row(i), ref_rows.row(candidate.second)),
                             candidate.second);
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
      [&](index first, index rows, auto& block) { block = query.middleRows(first, rows); },
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
      [&](index first, index count, auto& block) {
        for (index i = 0; i < count; ++i) {
          block.row(i) = ref.row(rows[static_cast<std::size_t>(first + i)]);
        }
      },
      [&](index query_row) { return rows[static_cast<std::size_t>(query_row)]; });
}

}  // namespace shiftguard::imbalance
