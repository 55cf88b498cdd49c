#pragma once

// The SMOTE family of over-samplers: SMOTE, Borderline-SMOTE (kinds 1 and 2), ADASYN and
// SMOTE-NC (mixed continuous and categorical features), with the definitions and defaults of
// imbalanced-learn 0.14.
//
// Every synthetic sample lies on the segment between a sample of the class being
// over-sampled (its "seed") and one of the seed's k nearest neighbours:
//     x_new = x_seed + gap * (x_neighbor - x_seed),  gap in [0, 1).
// Neighbours are exact (imbalance::kneighbors from neighbors.hpp: Euclidean, ties broken by
// the lower row index). Classes are processed in increasing label order; the synthetic samples of
// one class follow those of the previous one.
//
// Determinism. Synthetic sample j of the c-th class to over-sample draws its random numbers
// from its own stream, seeded from (seed, c, j) through splitmix64, and writes its own output
// row; generation runs in parallel with oneTBB, so the result is the same bits for any number
// of threads.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/rng.hpp"
#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/imbalance/neighbors.hpp"

namespace shiftguard::imbalance {

/// Row-major matrix: the layout NumPy returns without a transpose.
template <class Scalar>
using row_matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Integer class labels as an Eigen column (the functions take any Eigen int64 vector).
using label_array = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>;

/// Number of synthetic samples to create per class label (classes absent from the map, or
/// mapped to 0, are not over-sampled). A std::map, so classes are visited in label order.
using class_targets = std::map<std::int64_t, index>;

/// Options shared by the over-samplers.
struct over_sampling_options {
  index k_neighbors = 5;      ///< neighbours (of the same class) a synthetic sample may move to
  std::uint64_t seed = 0;     ///< random seed; same seed, same samples
  int n_threads = 0;          ///< 0 = all cores; the result does not depend on it
  /// When a class has k_neighbors or fewer samples: false throws invalid_argument naming the
  /// class and its count; true uses k = (class count - 1) for that class (at least 1).
  bool adapt_k_neighbors = false;
};

/// Synthetic samples and where each came from.
template <class Scalar>
struct synthetic_samples {
  row_matrix<Scalar> x;                 ///< n_new x n_features, in class order
  std::vector<std::int64_t> y;          ///< class label of each synthetic row
  std::vector<index> seed_index;        ///< row of the input the sample starts from
  std::vector<index> neighbor_index;    ///< row of the input it moves towards
  std::vector<double> gap;              ///< x = x[seed] + gap * (x[neighbor] - x[seed])
  /// k actually used per over-sampled class (smaller than asked when adapted).
  std::map<std::int64_t, index> k_used;
};

/// Borderline-SMOTE variant (Han et al. 2005).
enum class borderline_kind {
  borderline_1,  ///< neighbours from the same class, gap in [0, 1)
  borderline_2,  ///< neighbours from all classes; gap in [0, 0.5) towards other classes
};

/// Options of Borderline-SMOTE.
struct borderline_options : over_sampling_options {
  index m_neighbors = 10;  ///< neighbours (all classes) that decide whether a sample is in danger
  borderline_kind kind = borderline_kind::borderline_1;
};

/// Borderline-SMOTE's synthetic samples and the danger set of each class.
template <class Scalar>
struct borderline_result {
  synthetic_samples<Scalar> samples;
  /// Rows in danger, per over-sampled class (ascending). A class without one gets no samples.
  std::map<std::int64_t, std::vector<index>> danger_indices;
};

/// ADASYN's synthetic samples and per-seed counts.
template <class Scalar>
struct adasyn_result {
  synthetic_samples<Scalar> samples;
  /// Per over-sampled class: number of synthetic samples seeded by each of its rows (in the
  /// order of the rows in the input).
  std::map<std::int64_t, std::vector<index>> samples_per_seed;
};

/// SMOTE-NC's synthetic samples: continuous part interpolated, categorical codes voted.
template <class Scalar>
struct smotenc_result {
  synthetic_samples<Scalar> samples;       ///< samples.x holds the continuous features
  row_matrix<std::int64_t> categorical;    ///< n_new x n_categorical category codes
  /// Median over the continuous features of their standard deviation in the class
  /// (population formula), per over-sampled class: a categorical mismatch adds its square
  /// to the squared distance.
  std::map<std::int64_t, double> median_std;
};

namespace detail::over_sampling {

/// Random stream of one synthetic sample: splitmix64 seeded from (seed, stream, sample).
class sample_stream {
 public:
  sample_stream(std::uint64_t seed, std::uint64_t stream, std::uint64_t sample) {
    state_ = seed ^ (golden_gamma * (stream + 1));
    state_ = next() ^ (0xD1B54A32D192ED03ULL * (sample + 1));
    next();
  }

  std::uint64_t next() { return splitmix64(state_); }

  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform integer in [0, n), n >= 1, by rejection (no modulo bias).
  std::uint64_t below(std::uint64_t n) {
    return below_by_rejection([this] { return next(); }, n);
  }

 private:
  std::uint64_t state_ = 0;
};

/// Rows of `y` per class label, in row order.
template <class DerivedY>
std::map<std::int64_t, std::vector<index>> rows_by_class(const Eigen::MatrixBase<DerivedY>& y) {
  std::map<std::int64_t, std::vector<index>> rows;
  for (index i = 0; i < y.size(); ++i) rows[static_cast<std::int64_t>(y(i))].push_back(i);
  return rows;
}

/// Keeps the k smallest (distance, row) pairs, sorted; ties go to the lower row.
struct top_k {
  explicit top_k(index k)
      : distance(static_cast<std::size_t>(k), std::numeric_limits<double>::infinity()),
        row(static_cast<std::size_t>(k), std::numeric_limits<index>::max()) {}

  void offer(double d, index r) {
    const std::size_t k = distance.size();
    if (d > distance[k - 1] || (d == distance[k - 1] && r >= row[k - 1])) return;
    std::size_t position = k - 1;
    while (position > 0 && (d < distance[position - 1] ||
                            (d == distance[position - 1] && r < row[position - 1]))) {
      distance[position] = distance[position - 1];
      row[position] = row[position - 1];
      --position;
    }
    distance[position] = d;
    row[position] = r;
  }

  std::vector<double> distance;
  std::vector<index> row;
};

/// Exact k nearest neighbours of rows `queries` of x among rows `references` of x, a query
/// never being its own neighbour (its duplicates can be). Returns rows of x, nearest first
/// (n_queries x k), ordered by (distance, row): imbalance::kneighbors (neighbors.hpp) on the
/// gathered rows; for queries inside a larger reference set it asks k + 1 and drops the
/// query itself. The result does not depend on the thread count.
template <class Derived>
row_matrix<index> nearest_rows(const Eigen::MatrixBase<Derived>& x,
                               const std::vector<index>& queries,
                               const std::vector<index>& references, index k, int n_threads) {
  using Scalar = typename Derived::Scalar;
  const auto n_queries = static_cast<index>(queries.size());
  const auto n_references = static_cast<index>(references.size());
  row_matrix<index> result(n_queries, k);
  if (n_queries == 0 || k == 0) return result;
  const auto gather = [&](const std::vector<index>& rows) {
    matrix<Scalar> out(static_cast<index>(rows.size()), x.cols());
    for (std::size_t r = 0; r < rows.size(); ++r) out.row(static_cast<index>(r)) = x.row(rows[r]);
    return out;
  };
  kneighbors_options options;
  options.n_threads = n_threads;
  const matrix<Scalar> query_data = gather(queries);
  if (queries == references) {
    options.exclude_self = true;
    const auto found = kneighbors(query_data, query_data, k, options);
    for (index q = 0; q < n_queries; ++q) {
      for (index j = 0; j < k; ++j) {
        result(q, j) = references[static_cast<std::size_t>(found.indices(q, j))];
      }
    }
    return result;
  }
  const bool all_rows = n_references == x.rows();  // references are 0..n-1 in order
  const index asked = std::min(k + 1, n_references);
  const auto found = all_rows ? kneighbors(query_data, x, asked, options)
                              : kneighbors(query_data, gather(references), asked, options);
  for (index q = 0; q < n_queries; ++q) {
    index written = 0;
    for (index j = 0; j < asked && written < k; ++j) {
      const index row = references[static_cast<std::size_t>(found.indices(q, j))];
      if (row == queries[static_cast<std::size_t>(q)]) continue;
      result(q, written++) = row;
    }
  }
  return result;
}

/// Checks x, y and the targets; returns the rows of each class.
template <class Derived, class DerivedY>
std::map<std::int64_t, std::vector<index>> check_inputs(const Eigen::MatrixBase<Derived>& x,
                                                        const Eigen::MatrixBase<DerivedY>& y,
                                                        const class_targets& targets,
                                                        const over_sampling_options& options,
                                                        const char* function) {
  checks::min_shape(x, 1, "x");
  if (y.size() != x.rows()) {
    throw shape_error(std::string(function) + ": y has " + std::to_string(y.size()) +
                      " labels but x has " + std::to_string(x.rows()) + " rows");
  }
  for (index col = 0; col < x.cols(); ++col) {
    for (index row = 0; row < x.rows(); ++row) {
      if (!std::isfinite(static_cast<double>(x.coeff(row, col)))) {
        std::ostringstream message;
        message << "x contains " << (std::isnan(static_cast<double>(x.coeff(row, col))) ? "NaN" : "an infinite value")
                << " at row " << row << ", column " << col;
        throw invalid_argument(message.str());
      }
    }
  }
  checks::count_at_least(options.k_neighbors, 1, "k_neighbors");
  resolve_thread_count(options.n_threads);
  auto rows = rows_by_class(y);
  if (rows.size() < 2) {
    throw invalid_argument(std::string(function) + ": y must hold at least 2 classes, got " +
                           std::to_string(rows.size()));
  }
  for (const auto& [label, count] : targets) {
    if (count < 0) {
      throw invalid_argument("number of samples to generate for class " + std::to_string(label) +
                             " must be >= 0, got " + std::to_string(count));
    }
    if (count > 0 && rows.find(label) == rows.end()) {
      throw invalid_argument("class " + std::to_string(label) +
                             " in the sampling targets does not occur in y");
    }
  }
  return rows;
}

/// k for a class of `n_class` samples whose neighbours come from `n_pool` candidates (the
/// class itself, or every sample), or an error naming the class and its count.
inline index resolve_k(std::int64_t label, index n_class, index n_pool, index k_asked,
                       bool adapt, const char* parameter) {
  if (n_pool - 1 >= k_asked) return k_asked;
  if (adapt && n_pool >= 2) return n_pool - 1;
  std::ostringstream message;
  message << "class " << label << " has " << n_class << " sample" << (n_class == 1 ? "" : "s")
          << ", fewer than " << parameter << " + 1 = " << (k_asked + 1);
  if (n_pool != n_class) message << " (neighbour pool of " << n_pool << " samples)";
  message << "; lower " << parameter
          << (adapt ? " (a class needs at least 2 samples)" : " or ask for an automatically smaller k");
  throw invalid_argument(message.str());
}

/// x_seed + gap * (x_neighbor - x_seed), computed in double, written to row `out` of `target`.
template <class Derived, class Scalar>
void interpolate(const Eigen::MatrixBase<Derived>& x, index seed_row, index neighbor_row,
                 double gap, row_matrix<Scalar>& target, index out) {
  for (index col = 0; col < x.cols(); ++col) {
    const double start = static_cast<double>(x(seed_row, col));
    const double end = static_cast<double>(x(neighbor_row, col));
    target(out, col) = static_cast<Scalar>(start + gap * (end - start));
  }
}

/// Appends `count` uninitialised samples of class `label` to `out`; returns the first row.
template <class Scalar>
index grow(synthetic_samples<Scalar>& out, index count, std::int64_t label, index n_features) {
  const index first = out.x.rows();
  out.x.conservativeResize(first + count, n_features);
  out.y.resize(static_cast<std::size_t>(first + count), label);
  out.seed_index.resize(static_cast<std::size_t>(first + count));
  out.neighbor_index.resize(static_cast<std::size_t>(first + count));
  out.gap.resize(static_cast<std::size_t>(first + count));
  return first;
}

/// SMOTE's rule for `count` samples: each picks one (seed, neighbour) pair uniformly among the
/// n_seeds x k pairs and a gap uniform in [0, 1); for borderline-2 a neighbour of another
/// class gets gap * u, u uniform in [0, 0.5).
template <class Derived, class DerivedY, class Scalar>
void generate_pairs(const Eigen::MatrixBase<Derived>& x, const Eigen::MatrixBase<DerivedY>& y,
                    const std::vector<index>& seeds, const row_matrix<index>& neighbors,
                    index count, std::int64_t label, bool shorten_other_classes,
                    std::uint64_t seed, std::uint64_t stream, int n_threads,
                    synthetic_samples<Scalar>& out) {
  const index first = grow(out, count, label, x.cols());
  const index k = neighbors.cols();
  const auto n_pairs = static_cast<std::uint64_t>(static_cast<index>(seeds.size()) * k);
  parallel_for_ranges(count, n_threads, 512, [&](index begin, index end) {
    for (index j = begin; j < end; ++j) {
      sample_stream random(seed, stream, static_cast<std::uint64_t>(j));
      const auto pair = static_cast<index>(random.below(n_pairs));
      const index seed_row = seeds[static_cast<std::size_t>(pair / k)];
      const index neighbor_row = neighbors(pair / k, pair % k);
      double gap = random.uniform();
      if (shorten_other_classes && static_cast<std::int64_t>(y(neighbor_row)) != label) {
        gap *= 0.5 * random.uniform();
      }
      const auto slot = static_cast<std::size_t>(first + j);
      out.seed_index[slot] = seed_row;
      out.neighbor_index[slot] = neighbor_row;
      out.gap[slot] = gap;
      interpolate(x, seed_row, neighbor_row, gap, out.x, first + j);
    }
  });
}

}  // namespace detail::over_sampling

/// SMOTE (Chawla et al. 2002). For each class in `targets`, creates targets[class] samples,
/// each on the segment between a random sample of the class and one of its k_neighbors
/// nearest neighbours in the class (both chosen uniformly: a uniform pair), at a uniform gap.
/// Throws invalid_argument for NaN or infinite x, fewer than 2 classes, an unknown class in
/// the targets, or a class with k_neighbors or fewer samples (unless adapt_k_neighbors).
template <class Derived, class DerivedY>
synthetic_samples<typename Derived::Scalar> smote(const Eigen::MatrixBase<Derived>& x,
                                                  const Eigen::MatrixBase<DerivedY>& y,
                                                  const class_targets& targets,
                                                  const over_sampling_options& options = {}) {
  namespace d = detail::over_sampling;
  using Scalar = typename Derived::Scalar;
  const auto rows = d::check_inputs(x, y, targets, options, "smote");
  synthetic_samples<Scalar> out;
  out.x.resize(0, x.cols());
  std::uint64_t stream = 0;
  for (const auto& [label, count] : targets) {
    if (count == 0) continue;
    const auto& class_rows = rows.at(label);
    const auto n_class = static_cast<index>(class_rows.size());
    const index k = d::resolve_k(label, n_class, n_class, options.k_neighbors,
                                 options.adapt_k_neighbors, "k_neighbors");
    out.k_used[label] = k;
    const auto neighbors = d::nearest_rows(x, class_rows, class_rows, k, options.n_threads);
    d::generate_pairs(x, y, class_rows, neighbors, count, label, false, options.seed, stream++,
                      options.n_threads, out);
  }
  return out;
}

/// Borderline-SMOTE (Han et al. 2005, as imbalanced-learn 0.14 defines it). A sample of the
/// class is in danger when, among its m_neighbors nearest neighbours in the whole data (itself
/// excluded), the number n_other from other classes satisfies m/2 <= n_other < m. Only danger
/// samples seed synthetic samples; a class without any gets none. borderline-1 takes the
/// neighbours from the class (k_neighbors), borderline-2 from the whole data, and moves
/// towards a sample of another class by gap * u, u uniform in [0, 0.5) (so less than half way).
template <class Derived, class DerivedY>
borderline_result<typename Derived::Scalar> borderline_smote(
    const Eigen::MatrixBase<Derived>& x, const Eigen::MatrixBase<DerivedY>& y,
    const class_targets& targets, const borderline_options& options = {}) {
  namespace d = detail::over_sampling;
  using Scalar = typename Derived::Scalar;
  const auto rows = d::check_inputs(x, y, targets, options, "borderline_smote");
  checks::count_at_least(options.m_neighbors, 1, "m_neighbors");
  borderline_result<Scalar> result;
  auto& out = result.samples;
  out.x.resize(0, x.cols());
  std::vector<index> all_rows(static_cast<std::size_t>(x.rows()));
  for (index i = 0; i < x.rows(); ++i) all_rows[static_cast<std::size_t>(i)] = i;
  const bool second_kind = options.kind == borderline_kind::borderline_2;
  std::uint64_t stream = 0;
  for (const auto& [label, count] : targets) {
    if (count == 0) continue;
    const std::uint64_t class_stream = stream++;
    const auto& class_rows = rows.at(label);
    const auto n_class = static_cast<index>(class_rows.size());
    if (x.rows() - 1 < options.m_neighbors) {
      throw invalid_argument("borderline_smote: m_neighbors = " +
                             std::to_string(options.m_neighbors) + " needs at least " +
                             std::to_string(options.m_neighbors + 1) + " samples, got " +
                             std::to_string(x.rows()));
    }
    const auto m_nearest =
        d::nearest_rows(x, class_rows, all_rows, options.m_neighbors, options.n_threads);
    std::vector<index> danger;
    for (index i = 0; i < n_class; ++i) {
      index n_other = 0;
      for (index j = 0; j < options.m_neighbors; ++j) {
        if (static_cast<std::int64_t>(y(m_nearest(i, j))) != label) ++n_other;
      }
      if (2 * n_other >= options.m_neighbors && n_other < options.m_neighbors) {
        danger.push_back(class_rows[static_cast<std::size_t>(i)]);
      }
    }
    if (danger.empty()) continue;
    result.danger_indices[label] = danger;
    const auto& pool = second_kind ? all_rows : class_rows;
    const index k = d::resolve_k(label, n_class, static_cast<index>(pool.size()),
                                 options.k_neighbors, options.adapt_k_neighbors, "k_neighbors");
    out.k_used[label] = k;
    const auto neighbors = d::nearest_rows(x, danger, pool, k, options.n_threads);
    d::generate_pairs(x, y, danger, neighbors, count, label, second_kind, options.seed,
                      class_stream, options.n_threads, out);
  }
  return result;
}

/// ADASYN (He et al. 2008, as imbalanced-learn 0.14 defines it). For each sample i of the
/// class, r_i = (neighbours of another class among its k_neighbors nearest in the whole data)
/// / k; sample i seeds rint(targets[class] * r_i / sum r) synthetic samples (so the total may
/// differ slightly from the target), each towards a uniformly chosen one of its k nearest
/// neighbours in the class at a uniform gap. Throws invalid_argument when no neighbour of any
/// sample of the class belongs to another class, or when the rounding leaves no sample.
template <class Derived, class DerivedY>
adasyn_result<typename Derived::Scalar> adasyn(const Eigen::MatrixBase<Derived>& x,
                                               const Eigen::MatrixBase<DerivedY>& y,
                                               const class_targets& targets,
                                               const over_sampling_options& options = {}) {
  namespace d = detail::over_sampling;
  using Scalar = typename Derived::Scalar;
  const auto rows = d::check_inputs(x, y, targets, options, "adasyn");
  adasyn_result<Scalar> result;
  auto& out = result.samples;
  out.x.resize(0, x.cols());
  std::vector<index> all_rows(static_cast<std::size_t>(x.rows()));
  for (index i = 0; i < x.rows(); ++i) all_rows[static_cast<std::size_t>(i)] = i;
  std::uint64_t stream = 0;
  for (const auto& [label, count] : targets) {
    if (count == 0) continue;
    const std::uint64_t class_stream = stream++;
    const auto& class_rows = rows.at(label);
    const auto n_class = static_cast<index>(class_rows.size());
    const index k = d::resolve_k(label, n_class, n_class, options.k_neighbors,
                                 options.adapt_k_neighbors, "n_neighbors");
    out.k_used[label] = k;
    const auto nearest_all = d::nearest_rows(x, class_rows, all_rows, k, options.n_threads);
    std::vector<double> ratio(static_cast<std::size_t>(n_class));
    double total = 0.0;
    for (index i = 0; i < n_class; ++i) {
      index n_other = 0;
      for (index j = 0; j < k; ++j) {
        if (static_cast<std::int64_t>(y(nearest_all(i, j))) != label) ++n_other;
      }
      ratio[static_cast<std::size_t>(i)] = static_cast<double>(n_other) / static_cast<double>(k);
      total += ratio[static_cast<std::size_t>(i)];
    }
    if (total == 0.0) {
      throw invalid_argument("adasyn: no neighbour of any sample of class " +
                             std::to_string(label) +
                             " belongs to another class, so ADASYN's ratios are undefined "
                             "(use SMOTE instead)");
    }
    std::vector<index> per_seed(static_cast<std::size_t>(n_class));
    std::vector<index> first_of_seed(static_cast<std::size_t>(n_class));
    index n_new = 0;
    for (index i = 0; i < n_class; ++i) {
      const double share = ratio[static_cast<std::size_t>(i)] / total;
      per_seed[static_cast<std::size_t>(i)] =
          static_cast<index>(std::nearbyint(share * static_cast<double>(count)));
      first_of_seed[static_cast<std::size_t>(i)] = n_new;
      n_new += per_seed[static_cast<std::size_t>(i)];
    }
    if (n_new == 0) {
      throw invalid_argument("adasyn: rounding the per-sample counts of class " +
                             std::to_string(label) + " leaves no sample to generate (asked for " +
                             std::to_string(count) + ")");
    }
    result.samples_per_seed[label] = per_seed;
    const auto neighbors = d::nearest_rows(x, class_rows, class_rows, k, options.n_threads);
    std::vector<index> seed_of_sample(static_cast<std::size_t>(n_new));
    for (index i = 0; i < n_class; ++i) {
      for (index j = 0; j < per_seed[static_cast<std::size_t>(i)]; ++j) {
        seed_of_sample[static_cast<std::size_t>(first_of_seed[static_cast<std::size_t>(i)] + j)] = i;
      }
    }
    const index first = d::grow(out, n_new, label, x.cols());
    parallel_for_ranges(n_new, options.n_threads, 512, [&](index begin, index end) {
      for (index j = begin; j < end; ++j) {
        d::sample_stream random(options.seed, class_stream, static_cast<std::uint64_t>(j));
        const index position = seed_of_sample[static_cast<std::size_t>(j)];
        const index seed_row = class_rows[static_cast<std::size_t>(position)];
        const index neighbor_row =
            neighbors(position, static_cast<index>(random.below(static_cast<std::uint64_t>(k))));
        const double gap = random.uniform();
        const auto slot = static_cast<std::size_t>(first + j);
        out.seed_index[slot] = seed_row;
        out.neighbor_index[slot] = neighbor_row;
        out.gap[slot] = gap;
        d::interpolate(x, seed_row, neighbor_row, gap, out.x, first + j);
      }
    });
  }
  return result;
}

/// SMOTE-NC (Chawla et al. 2002, as imbalanced-learn 0.14 defines it) for mixed data:
/// `continuous` (n x p, p >= 1) and `categorical` (n x q, q >= 1, integer codes >= 0). For
/// each class to over-sample, med = median over the continuous features of their standard
/// deviation within the class; the squared distance between two samples is the squared
/// Euclidean distance of their continuous parts plus med^2 per categorical feature where they
/// differ. A synthetic sample interpolates the continuous part as SMOTE does and takes, for
/// each categorical feature, the most frequent code among the k nearest neighbours of its
/// seed (ties broken at random).
template <class DerivedC, class DerivedQ, class DerivedY>
smotenc_result<typename DerivedC::Scalar> smote_nc(const Eigen::MatrixBase<DerivedC>& continuous,
                                                   const Eigen::MatrixBase<DerivedQ>& categorical,
                                                   const Eigen::MatrixBase<DerivedY>& y,
                                                   const class_targets& targets,
                                                   const over_sampling_options& options = {}) {
  namespace d = detail::over_sampling;
  using Scalar = typename DerivedC::Scalar;
  const auto rows = d::check_inputs(continuous, y, targets, options, "smote_nc");
  if (categorical.cols() < 1) {
    throw shape_error("categorical must have at least one column (SMOTE-NC needs categorical "
                      "features; use smote otherwise)");
  }
  if (categorical.rows() != continuous.rows()) {
    throw shape_error("categorical has " + std::to_string(categorical.rows()) +
                      " rows but continuous has " + std::to_string(continuous.rows()));
  }
  const index n_categorical = categorical.cols();
  std::vector<index> n_codes(static_cast<std::size_t>(n_categorical), 0);
  for (index col = 0; col < n_categorical; ++col) {
    for (index row = 0; row < categorical.rows(); ++row) {
      const auto code = static_cast<std::int64_t>(categorical(row, col));
      if (code < 0) {
        throw invalid_argument("categorical codes must be >= 0, got " + std::to_string(code) +
                               " at row " + std::to_string(row) + ", column " +
                               std::to_string(col));
      }
      n_codes[static_cast<std::size_t>(col)] =
          std::max(n_codes[static_cast<std::size_t>(col)], static_cast<index>(code) + 1);
    }
  }
  smotenc_result<Scalar> result;
  auto& out = result.samples;
  out.x.resize(0, continuous.cols());
  result.categorical.resize(0, n_categorical);
  std::uint64_t stream = 0;
  for (const auto& [label, count] : targets) {
    if (count == 0) continue;
    const std::uint64_t class_stream = stream++;
    const auto& class_rows = rows.at(label);
    const auto n_class = static_cast<index>(class_rows.size());
    const index k = d::resolve_k(label, n_class, n_class, options.k_neighbors,
                                 options.adapt_k_neighbors, "k_neighbors");
    out.k_used[label] = k;
    // Median of the per-feature (population) standard deviations within the class.
    std::vector<double> stds(static_cast<std::size_t>(continuous.cols()));
    for (index col = 0; col < continuous.cols(); ++col) {
      double mean = 0.0;
      for (const index row : class_rows) mean += static_cast<double>(continuous(row, col));
      mean /= static_cast<double>(n_class);
      double squares = 0.0;
      for (const index row : class_rows) {
        const double delta = static_cast<double>(continuous(row, col)) - mean;
        squares += delta * delta;
      }
      stds[static_cast<std::size_t>(col)] = std::sqrt(squares / static_cast<double>(n_class));
    }
    std::sort(stds.begin(), stds.end());
    const std::size_t half = stds.size() / 2;
    const double median_std =
        stds.size() % 2 == 1 ? stds[half] : 0.5 * (stds[half - 1] + stds[half]);
    result.median_std[label] = median_std;
    const double penalty = median_std * median_std;
    // Neighbours within the class under the mixed distance (the class is usually small:
    // direct evaluation, parallel over queries, ties to the lower row).
    row_matrix<index> neighbors(n_class, k);
    parallel_for_ranges(n_class, options.n_threads, 16, [&](index begin, index end) {
      for (index q = begin; q < end; ++q) {
        const index query_row = class_rows[static_cast<std::size_t>(q)];
        d::top_k best(k);
        for (index r = 0; r < n_class; ++r) {
          if (r == q) continue;
          const index reference_row = class_rows[static_cast<std::size_t>(r)];
          double distance = 0.0;
          for (index col = 0; col < continuous.cols(); ++col) {
            const double delta = static_cast<double>(continuous(query_row, col)) -
                                 static_cast<double>(continuous(reference_row, col));
            distance += delta * delta;
          }
          for (index col = 0; col < n_categorical; ++col) {
            if (categorical(query_row, col) != categorical(reference_row, col)) {
              distance += penalty;
            }
          }
          best.offer(distance, reference_row);
        }
        for (index j = 0; j < k; ++j) neighbors(q, j) = best.row[static_cast<std::size_t>(j)];
      }
    });
    const index first = out.x.rows();
    d::generate_pairs(continuous, y, class_rows, neighbors, count, label, false, options.seed,
                      class_stream, options.n_threads, out);
    result.categorical.conservativeResize(first + count, n_categorical);
    // Categories: the most frequent code among the seed's k neighbours, per feature; ties
    // broken by a draw from the sample's own stream (a second stream number, so the
    // interpolation draws above are unchanged).
    std::map<index, index> position;
    for (index i = 0; i < n_class; ++i) position[class_rows[static_cast<std::size_t>(i)]] = i;
    parallel_for_ranges(count, options.n_threads, 256, [&](index begin, index end) {
      std::vector<index> votes;
      std::vector<std::int64_t> tied;
      for (index j = begin; j < end; ++j) {
        d::sample_stream random(options.seed ^ 0x5DEECE66DULL, class_stream,
                                static_cast<std::uint64_t>(j));
        const index seed_position = position.at(out.seed_index[static_cast<std::size_t>(first + j)]);
        for (index col = 0; col < n_categorical; ++col) {
          votes.assign(static_cast<std::size_t>(n_codes[static_cast<std::size_t>(col)]), 0);
          for (index n = 0; n < k; ++n) {
            ++votes[static_cast<std::size_t>(categorical(neighbors(seed_position, n), col))];
          }
          const index most = *std::max_element(votes.begin(), votes.end());
          tied.clear();
          for (std::size_t code = 0; code < votes.size(); ++code) {
            if (votes[code] == most) tied.push_back(static_cast<std::int64_t>(code));
          }
          result.categorical(first + j, col) =
              tied.size() == 1 ? tied[0]
                               : tied[static_cast<std::size_t>(random.below(tied.size()))];
        }
      }
    });
  }
  return result;
}

}  // namespace shiftguard::imbalance
