#pragma once

// The deterministic samplers (and the random ones, seeded) on labels encoded as
// 0..n_classes-1: which rows to keep (or repeat). Each returns row numbers of the input in
// the order imbalanced-learn 0.14 returns its sample_indices_:
//
//   random_under_sampling   per class in increasing order: a targeted class gives
//                           `count` rows drawn as RandomState.choice(n_class, count, replace)
//                           (positions within the class), other classes all their rows;
//   random_over_sampling    every row 0..n-1, then per targeted class `count` rows drawn as
//                           RandomState.choice(class rows, count, replace=True);
//   tomek_links             the rows that are not in a Tomek link of a targeted class, in
//                           increasing order (a link: two rows of different classes, each
//                           the other's nearest neighbour);
//   edited_nearest_neighbours  per class in increasing order: a targeted class keeps the
//                           rows whose n_neighbors nearest other rows all share its class
//                           (kind "all") or whose most common neighbour class is its class
//                           (kind "mode": ties go to the smallest class), others all rows;
//   near_miss               per class in increasing order: a targeted class keeps `count`
//                           rows chosen by their distances to the minority class
//                           (versions 1, 2, 3; see near_miss()), others all rows.
//
// Neighbours come from kneighbors() (exact, ties by smaller index), so on data without
// tied distances the kept rows equal imbalanced-learn's; where scikit-learn's neighbour
// order among tied points differs (exact duplicates of different classes), the result here
// is the one defined by the smaller-index rule.

#include <algorithm>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/imbalance/neighbors.hpp"
#include "shiftguard/imbalance/numpy_random.hpp"
#include "shiftguard/imbalance/sampling.hpp"

namespace shiftguard::imbalance {

/// Encoded labels: y[i] in [0, n_classes).
using label_vector = std::vector<std::int64_t>;

namespace detail {

inline index check_labels(const label_vector& y, index n_rows, const char* name = "y") {
  if (static_cast<index>(y.size()) != n_rows) {
    throw shape_error(std::string(name) + " has " + std::to_string(y.size()) +
                      " labels but X has " + std::to_string(n_rows) + " rows");
  }
  std::int64_t largest = -1;
  for (const auto label : y) {
    if (label < 0) {
      throw invalid_argument(std::string(name) + " must hold class numbers >= 0, got " +
                             std::to_string(label));
    }
    largest = std::max(largest, label);
  }
  return static_cast<index>(largest + 1);
}

/// Rows of each class, in increasing order.
inline std::vector<std::vector<index>> rows_by_class(const label_vector& y, index n_classes) {
  std::vector<std::vector<index>> rows(static_cast<std::size_t>(n_classes));
  for (index i = 0; i < static_cast<index>(y.size()); ++i) {
    rows[static_cast<std::size_t>(y[static_cast<std::size_t>(i)])].push_back(i);
  }
  return rows;
}

inline void check_strategy_classes(const resolved_strategy& strategy, index n_classes) {
  for (const auto& entry : strategy) {
    if (entry.first < 0 || entry.first >= n_classes) {
      throw invalid_argument("sampling strategy names class " + std::to_string(entry.first) +
                             ", not present in y (" + std::to_string(n_classes) + " classes)");
    }
  }
}

/// The listed rows of x, in double precision.
template <class Derived>
matrix<double> gather_rows(const Eigen::MatrixBase<Derived>& x, const std::vector<index>& rows) {
  matrix<double> out(static_cast<index>(rows.size()), x.cols());
  for (index i = 0; i < out.rows(); ++i) {
    out.row(i) = x.row(rows[static_cast<std::size_t>(i)]).template cast<double>();
  }
  return out;
}

/// The listed rows of x, as Scalar (no change of precision).
template <class Scalar, class Derived>
matrix<Scalar> gather_rows_as(const Eigen::MatrixBase<Derived>& x, const std::vector<index>& rows) {
  matrix<Scalar> out(static_cast<index>(rows.size()), x.cols());
  for (index i = 0; i < out.rows(); ++i) {
    out.row(i) = x.row(rows[static_cast<std::size_t>(i)]).template cast<Scalar>();
  }
  return out;
}

}  // namespace detail

/// Random under-sampling: `strategy` maps a class to the number of its rows to keep.
inline std::vector<std::int64_t> random_under_sampling(const label_vector& y,
                                                       const resolved_strategy& strategy,
                                                       numpy_random_state& random,
                                                       bool replacement = false) {
  const index n_classes = detail::check_labels(y, static_cast<index>(y.size()));
  detail::check_strategy_classes(strategy, n_classes);
  const auto rows = detail::rows_by_class(y, n_classes);
  std::vector<std::int64_t> kept;
  for (index c = 0; c < n_classes; ++c) {
    const auto& class_rows = rows[static_cast<std::size_t>(c)];
    const auto target = strategy.find(c);
    if (target == strategy.end()) {
      kept.insert(kept.end(), class_rows.begin(), class_rows.end());
      continue;
    }
    const auto picks = random.choice(static_cast<std::int64_t>(class_rows.size()),
                                     target->second, replacement);
    for (const auto pick : picks) kept.push_back(class_rows[static_cast<std::size_t>(pick)]);
  }
  return kept;
}

/// Random over-sampling (bootstrap, shrinkage none): `strategy` maps a class to the number
/// of its rows to ADD. Returns 0..n-1 followed by the repeated rows.
inline std::vector<std::int64_t> random_over_sampling(const label_vector& y,
                                                      const resolved_strategy& strategy,
                                                      numpy_random_state& random) {
  const index n_classes = detail::check_labels(y, static_cast<index>(y.size()));
  detail::check_strategy_classes(strategy, n_classes);
  const auto rows = detail::rows_by_class(y, n_classes);
  std::vector<std::int64_t> out(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) out[i] = static_cast<std::int64_t>(i);
  for (const auto& [c, count] : strategy) {
    const auto& class_rows = rows[static_cast<std::size_t>(c)];
    const auto picks = random.choice(static_cast<std::int64_t>(class_rows.size()), count, true);
    for (const auto pick : picks) out.push_back(class_rows[static_cast<std::size_t>(pick)]);
  }
  return out;
}

/// Result of tomek_links().
struct tomek_result {
  std::vector<std::int64_t> kept;  ///< rows kept, increasing
  std::vector<bool> in_link;       ///< per row: in a Tomek link (any class)
  /// Per row: its nearest other row where it was computed, -1 elsewhere. It is computed for
  /// every row outside the largest class and for the rows of the largest class that are the
  /// nearest row of one of those (the only rows that can be in a link); the other rows of
  /// the largest class are never in a link and get -1.
  std::vector<std::int64_t> nearest;
};

/// Tomek links: removes the rows of the targeted classes (keys of `strategy`) that form a
/// link with a row of another class.
///
/// Method. The two rows of a link have different classes, so at least one is outside the
/// largest class L. The nearest neighbour is searched for the rows outside L (queries), then
/// for the rows of L that are the nearest neighbour of a query (candidates) only; a row of L
/// that is no query's nearest neighbour cannot be in a link. Every row in a link is a query
/// or a candidate and its partner's nearest row is known, so the links found are exactly the
/// links of the full search, at a cost of about 2 (n - n_L) n distances instead of n^2.
template <class Derived>
tomek_result tomek_links(const Eigen::MatrixBase<Derived>& x, const label_vector& y,
                         const resolved_strategy& strategy, int n_threads = 0) {
  const index n_classes = detail::check_labels(y, x.rows());
  detail::check_strategy_classes(strategy, n_classes);
  const auto rows = detail::rows_by_class(y, n_classes);
  index largest = 0;
  for (index c = 1; c < n_classes; ++c) {
    if (rows[static_cast<std::size_t>(c)].size() > rows[static_cast<std::size_t>(largest)].size()) {
      largest = c;
    }
  }
  kneighbors_options options;
  options.n_threads = n_threads;
  const auto n = static_cast<std::size_t>(x.rows());
  tomek_result result;
  result.in_link.assign(n, false);
  result.nearest.assign(n, -1);
  std::vector<index> queries;
  for (std::size_t i = 0; i < n; ++i) {
    if (y[i] != largest) queries.push_back(static_cast<index>(i));
  }
  if (queries.empty()) {  // one class: no links (still validate the data as the search would)
    checks::min_shape(x, 1, "reference");
    detail::check_k(1, x.rows(), true);
    checks::all_finite(x, "reference");
  } else {
    const auto query_neighbours = kneighbors_of_rows(x, queries, 1, options);
    std::vector<index> candidates;
    for (std::size_t q = 0; q < queries.size(); ++q) {
      const auto j = query_neighbours.indices(static_cast<index>(q), 0);
      result.nearest[static_cast<std::size_t>(queries[q])] = j;
      if (y[static_cast<std::size_t>(j)] == largest) candidates.push_back(static_cast<index>(j));
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    if (!candidates.empty()) {
      const auto candidate_neighbours = kneighbors_of_rows(x, candidates, 1, options);
      for (std::size_t q = 0; q < candidates.size(); ++q) {
        result.nearest[static_cast<std::size_t>(candidates[q])] =
            candidate_neighbours.indices(static_cast<index>(q), 0);
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (result.nearest[i] < 0) continue;
    const auto j = static_cast<std::size_t>(result.nearest[i]);
    result.in_link[i] = y[i] != y[j] && static_cast<std::size_t>(result.nearest[j]) == i;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const bool removed = result.in_link[i] && strategy.count(y[i]) > 0;
    if (!removed) result.kept.push_back(static_cast<std::int64_t>(i));
  }
  return result;
}

/// How edited_nearest_neighbours() decides that a row agrees with its neighbours.
enum class enn_kind { all, mode };

/// Edited nearest neighbours: a row of a targeted class is kept when its `n_neighbors`
/// nearest other rows all have its class (kind all) or their most common class (ties: the
/// smallest class number) is its class (kind mode).
///
/// Method (same result as searching the neighbours of every targeted row, cheaper). A row
/// x of class c whose k = n_neighbors nearest rows all have class c is kept by both kinds;
/// that is certain when k rows of class c (other than x) lie strictly closer to x than the
/// nearest row of another class. Per targeted class c: (a) the distance from each row of c
/// to its nearest row outside c; (b) the k + 1 nearest rows of each row of c within a fixed
/// subset S of c (every m-th row of the class, about max(n_c / 10, 50 k) rows, the whole
/// class when smaller); a row with k of those (itself excluded) strictly closer than (a)
/// is kept; (c) every other row gets the full search over all rows and the rule above. The
/// distances compared are the exact ones the search ranks by (sum of squared differences
/// accumulated in double), recomputed here from the rows, so the certification never
/// differs from the full search.
template <class Derived>
std::vector<std::int64_t> edited_nearest_neighbours(const Eigen::MatrixBase<Derived>& x,
                                                    const label_vector& y,
                                                    const resolved_strategy& strategy,
                                                    index n_neighbors = 3,
                                                    enn_kind kind = enn_kind::all,
                                                    int n_threads = 0) {
  using Scalar = typename Derived::Scalar;
  const index n_classes = detail::check_labels(y, x.rows());
  detail::check_strategy_classes(strategy, n_classes);
  if (n_neighbors < 1 || n_neighbors > x.rows() - 1) {
    throw invalid_argument("n_neighbors must be in [1, " + std::to_string(x.rows() - 1) +
                           "] (the number of other samples), got " +
                           std::to_string(n_neighbors));
  }
  checks::all_finite(x, "reference");
  const auto rows = detail::rows_by_class(y, n_classes);
  const index k = n_neighbors;
  kneighbors_options options;
  options.n_threads = n_threads;
  std::vector<bool> keep(y.size(), true);
  std::vector<index> undecided;
  for (const auto& entry : strategy) {
    const index c = entry.first;
    const auto& class_rows = rows[static_cast<std::size_t>(c)];
    const auto n_class = static_cast<index>(class_rows.size());
    if (n_class == 0) continue;
    std::vector<index> other_rows;
    other_rows.reserve(y.size() - class_rows.size());
    for (std::size_t i = 0; i < y.size(); ++i) {
      if (y[i] != c) other_rows.push_back(static_cast<index>(i));
    }
    if (other_rows.empty()) continue;  // one class: every neighbour has class c, all kept
    // the subset S: every m-th row of the class
    const index wanted = std::max<index>((n_class + 9) / 10, 50 * k);
    const index stride = n_class <= wanted ? 1 : n_class / wanted;
    std::vector<index> subset;
    for (index p = 0; p < n_class; p += stride) subset.push_back(class_rows[static_cast<std::size_t>(p)]);
    if (static_cast<index>(subset.size()) < k + 1) {  // too small to certify anything
      undecided.insert(undecided.end(), class_rows.begin(), class_rows.end());
      continue;
    }
    const matrix<Scalar> class_x = detail::gather_rows_as<Scalar>(x, class_rows);
    const auto nearest_other =
        kneighbors(class_x, detail::gather_rows_as<Scalar>(x, other_rows), 1, options);
    const auto within =
        kneighbors(class_x, detail::gather_rows_as<Scalar>(x, subset), k + 1, options);
    for (index i = 0; i < n_class; ++i) {
      const index row = class_rows[static_cast<std::size_t>(i)];
      const auto other = other_rows[static_cast<std::size_t>(nearest_other.indices(i, 0))];
      const double other_distance = detail::direct_squared_distance(x.row(row), x.row(other));
      index closer = 0;
      for (index j = 0; j <= k; ++j) {
        const auto same = subset[static_cast<std::size_t>(within.indices(i, j))];
        if (same == row) continue;
        if (detail::direct_squared_distance(x.row(row), x.row(same)) < other_distance) ++closer;
      }
      if (closer < k) undecided.push_back(row);
    }
  }
  if (!undecided.empty()) {
    std::sort(undecided.begin(), undecided.end());
    const auto neighbours = kneighbors_of_rows(x, undecided, k, options);
    std::vector<index> votes(static_cast<std::size_t>(n_classes));
    for (index q = 0; q < static_cast<index>(undecided.size()); ++q) {
      const auto row = static_cast<std::size_t>(undecided[static_cast<std::size_t>(q)]);
      if (kind == enn_kind::all) {
        for (index j = 0; j < k; ++j) {
          if (y[static_cast<std::size_t>(neighbours.indices(q, j))] != y[row]) keep[row] = false;
        }
      } else {
        std::fill(votes.begin(), votes.end(), 0);
        for (index j = 0; j < k; ++j) {
          ++votes[static_cast<std::size_t>(y[static_cast<std::size_t>(neighbours.indices(q, j))])];
        }
        const auto mode = std::max_element(votes.begin(), votes.end()) - votes.begin();
        keep[row] = mode == y[row];
      }
    }
  }
  std::vector<std::int64_t> kept;
  for (index c = 0; c < n_classes; ++c) {
    for (const index row : rows[static_cast<std::size_t>(c)]) {
      if (keep[static_cast<std::size_t>(row)]) kept.push_back(row);
    }
  }
  return kept;
}

/// Options of near_miss().
struct near_miss_options {
  int version = 1;               ///< 1, 2 or 3
  index n_neighbors = 3;         ///< minority neighbours averaged
  index n_neighbors_ver3 = 3;    ///< version 3: majority neighbours of each minority row
  int n_threads = 0;
};

/// Result of near_miss(): the rows kept, and for version 3 the targeted classes that had
/// fewer candidate rows than asked (all their candidates are kept, as imbalanced-learn).
struct near_miss_result {
  std::vector<std::int64_t> kept;
  std::vector<index> short_classes;
};

/// NearMiss under-sampling (Mani & Zhang 2003), as imbalanced-learn 0.14: the minority class
/// is the smallest (ties: the class whose first row comes first in y). For a targeted class
/// keeping `count` rows:
///   version 1: rows with the smallest sum of distances to their n_neighbors nearest
///              minority rows;
///   version 2: rows with the smallest sum of distances to their n_neighbors farthest
///              minority rows;
///   version 3: candidates = the n_neighbors_ver3 nearest rows of the class around each
///              minority row (union, increasing row order); among them the rows with the
///              LARGEST sum of distances to their n_neighbors nearest minority rows.
/// Equal sums keep the earlier row first (a stable sort). Distances are Euclidean, computed
/// in double precision also for float data (as scikit-learn's trees do).
template <class Derived>
near_miss_result near_miss(const Eigen::MatrixBase<Derived>& x, const label_vector& y,
                           const resolved_strategy& strategy,
                           const near_miss_options& options = {}) {
  using Scalar = double;
  const index n_classes = detail::check_labels(y, x.rows());
  detail::check_strategy_classes(strategy, n_classes);
  if (options.version < 1 || options.version > 3) {
    throw invalid_argument("version must be 1, 2 or 3, got " + std::to_string(options.version));
  }
  const auto rows = detail::rows_by_class(y, n_classes);
  // minority: smallest count, ties by first appearance in y
  index minority = -1;
  std::vector<bool> seen(static_cast<std::size_t>(n_classes), false);
  for (const auto label : y) {
    if (seen[static_cast<std::size_t>(label)]) continue;
    seen[static_cast<std::size_t>(label)] = true;
    if (minority < 0 || rows[static_cast<std::size_t>(label)].size() <
                            rows[static_cast<std::size_t>(minority)].size()) {
      minority = static_cast<index>(label);
    }
  }
  const auto& minority_rows = rows[static_cast<std::size_t>(minority)];
  const auto n_minority = static_cast<index>(minority_rows.size());
  if (options.n_neighbors < 1 || options.n_neighbors > n_minority) {
    throw invalid_argument("n_neighbors must be in [1, " + std::to_string(n_minority) +
                           "] (the size of the minority class), got " +
                           std::to_string(options.n_neighbors));
  }
  const matrix<Scalar> minority_x = detail::gather_rows(x, minority_rows);
  kneighbors_options search;
  search.n_threads = options.n_threads;

  // Sum of the last n_neighbors distances of each row of a neighbour result.
  const auto tail_sums = [&](const kneighbors_result<Scalar>& result) {
    std::vector<double> sums(static_cast<std::size_t>(result.distances.rows()), 0.0);
    const index width = result.distances.cols();
    for (index i = 0; i < result.distances.rows(); ++i) {
      double total = 0.0;
      for (index j = width - options.n_neighbors; j < width; ++j) {
        total += static_cast<double>(result.distances(i, j));
      }
      sums[static_cast<std::size_t>(i)] = total;
    }
    return sums;
  };
  const auto order_by = [](const std::vector<double>& sums, bool descending) {
    std::vector<index> order(sums.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<index>(i);
    std::stable_sort(order.begin(), order.end(), [&](index a, index b) {
      const double sa = sums[static_cast<std::size_t>(a)];
      const double sb = sums[static_cast<std::size_t>(b)];
      return descending ? sa > sb : sa < sb;
    });
    return order;
  };

  near_miss_result result;
  for (index c = 0; c < n_classes; ++c) {
    const auto& class_rows = rows[static_cast<std::size_t>(c)];
    const auto target = strategy.find(c);
    if (target == strategy.end()) {
      result.kept.insert(result.kept.end(), class_rows.begin(), class_rows.end());
      continue;
    }
    const auto count = static_cast<std::size_t>(target->second);
    const matrix<Scalar> class_x = detail::gather_rows(x, class_rows);
    std::vector<index> chosen;  // positions within the class
    if (options.version == 1 || options.version == 2) {
      const index k = options.version == 1 ? options.n_neighbors : n_minority;
      const auto sums = tail_sums(kneighbors(class_x, minority_x, k, search));
      const auto order = order_by(sums, false);
      chosen.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(
                                                       std::min(count, order.size())));
    } else {
      if (options.n_neighbors_ver3 < 1 ||
          options.n_neighbors_ver3 > static_cast<index>(class_rows.size())) {
        throw invalid_argument("n_neighbors_ver3 must be in [1, " +
                               std::to_string(class_rows.size()) + "] (the size of class " +
                               std::to_string(c) + "), got " +
                               std::to_string(options.n_neighbors_ver3));
      }
      const auto around = kneighbors(minority_x, class_x, options.n_neighbors_ver3, search);
      std::vector<index> candidates(around.indices.data(),
                                    around.indices.data() + around.indices.size());
      std::sort(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
      const matrix<Scalar> candidate_x = detail::gather_rows(class_x, candidates);
      const auto sums = tail_sums(kneighbors(candidate_x, minority_x, options.n_neighbors, search));
      const auto order = order_by(sums, true);
      if (order.size() < count) result.short_classes.push_back(c);
      for (std::size_t i = 0; i < std::min(count, order.size()); ++i) {
        chosen.push_back(candidates[static_cast<std::size_t>(order[i])]);
      }
    }
    for (const index position : chosen) {
      result.kept.push_back(class_rows[static_cast<std::size_t>(position)]);
    }
  }
  return result;
}

}  // namespace shiftguard::imbalance
