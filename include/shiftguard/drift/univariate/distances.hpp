#pragma once

// Distance scores between a reference and a current sample of one numeric feature.
//
// * energy_distance and wasserstein_distance: the distances between the two empirical
//   distributions, as scipy.stats.energy_distance and scipy.stats.wasserstein_distance
//   compute them (unweighted), in one merge walk over the two sorted samples.
// * Binned scores, the numbers practitioners threshold by hand: the population stability
//   index (PSI), the Jensen-Shannon distance, the Kullback-Leibler divergence
//   KL(current || reference) and the Hellinger distance, all computed on the histograms of
//   the two samples over bins placed at the reference's quantiles.
//
// Binning (reference_bins):
//   The interior edges are the reference quantiles at k / n_bins, k = 1 .. n_bins - 1, with
//   NumPy's default ("linear") interpolation, i.e. numpy.quantile(ref, k / n_bins), computed
//   in double also for float data (numpy.quantile of the values promoted to float64). Equal
//   edges (ties in the reference, e.g. a feature that is mostly 0) are merged, so the number
//   of bins can be smaller than n_bins; a constant reference gives two bins. The bins are
//   right-closed: bin b holds the values x with edges[b-1] < x <= edges[b], the first bin
//   is unbounded below and the last one unbounded above, so every finite value of the
//   current sample falls in exactly one bin.
// Empty bins:
//   The Jensen-Shannon and Hellinger distances are finite with empty bins and use the raw
//   proportions (they equal scipy.spatial.distance.jensenshannon and the textbook Hellinger
//   formula on the same histograms). PSI and KL divide by and take logarithms of the
//   proportions; there every proportion is floored at `epsilon` (default 1e-4, the value
//   evidently and most PSI write-ups use): p' = max(p, epsilon), without renormalising. With
//   quantile bins the reference bins are empty only for tiny references, so the floor
//   matters mostly for bins the current sample no longer visits.
//
// Everything is accumulated in double whatever the scalar type of the data.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/core/sort.hpp"
#include "shiftguard/core/sum.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/univariate.hpp"

namespace shiftguard::drift {

/// Options of the binned scores (PSI, Jensen-Shannon, KL, Hellinger).
struct binned_options {
  int n_bins = 10;         ///< requested number of quantile bins (>= 2); ties may merge some
  double epsilon = 1e-4;   ///< floor of the proportions in PSI and KL, in (0, 1)
  double base = 2.0;       ///< logarithm base of the Jensen-Shannon distance (2: range [0, 1])
};

/// What is kept of the reference sample for the binned scores: the bin edges and the
/// reference count per bin. A small value type; its fields are public so that a detector can
/// save and restore it without the raw reference.
struct reference_bins {
  /// Interior edges, strictly increasing; bin b is (edges[b-1], edges[b]] (the first bin
  /// unbounded below, the last unbounded above). Size n_bins() - 1.
  std::vector<double> edges;
  /// Number of reference values per bin, size edges.size() + 1.
  std::vector<std::int64_t> counts;
  /// Number of reference values (the sum of counts).
  std::int64_t n_reference = 0;

  /// Number of bins actually used (after merging equal edges).
  [[nodiscard]] std::size_t n_bins() const { return counts.size(); }

  /// Reference proportion per bin (count / n_reference).
  [[nodiscard]] std::vector<double> proportions() const {
    std::vector<double> out(counts.size());
    for (std::size_t b = 0; b < counts.size(); ++b) {
      out[b] = static_cast<double>(counts[b]) / static_cast<double>(n_reference);
    }
    return out;
  }
};

/// Throws invalid_argument unless `bins` is consistent: finite, strictly increasing edges,
/// one more count than edges, non-negative counts summing to n_reference >= 1. Bins made by
/// make_reference_bins always are; this guards bins built or loaded by hand.
inline void check_reference_bins(const reference_bins& bins) {
  if (bins.counts.size() != bins.edges.size() + 1) {
    throw invalid_argument("reference_bins: " + std::to_string(bins.edges.size()) +
                           " edges need " + std::to_string(bins.edges.size() + 1) +
                           " counts, got " + std::to_string(bins.counts.size()));
  }
  for (std::size_t b = 0; b < bins.edges.size(); ++b) {
    if (!std::isfinite(bins.edges[b]) || (b > 0 && !(bins.edges[b] > bins.edges[b - 1]))) {
      throw invalid_argument("reference_bins: edges must be finite and strictly increasing "
                             "(edge " + std::to_string(b) + ")");
    }
  }
  std::int64_t total = 0;
  for (const auto count : bins.counts) {
    if (count < 0) throw invalid_argument("reference_bins: counts must be non-negative");
    total += count;
  }
  if (bins.n_reference < 1 || total != bins.n_reference) {
    throw invalid_argument("reference_bins: counts sum to " + std::to_string(total) +
                           " but n_reference is " + std::to_string(bins.n_reference));
  }
}

/// The four binned scores of a current sample against reference_bins, with the current
/// histogram they were computed from.
struct binned_scores {
  double psi = 0.0;             ///< population stability index (epsilon-floored)
  double jensen_shannon = 0.0;  ///< Jensen-Shannon distance (square root of the divergence)
  double kl_divergence = 0.0;   ///< KL(current || reference) in nats (epsilon-floored)
  double hellinger = 0.0;       ///< Hellinger distance, in [0, 1]
  std::vector<std::int64_t> current_counts;  ///< current values per bin
  std::int64_t n_current = 0;                ///< number of current values
};

namespace detail {

using shiftguard::detail::compensated_sum;

inline void check_sample_sizes(const char* function, std::int64_t n_ref, std::int64_t n_cur) {
  if (n_ref < 1 || n_cur < 1) {
    throw invalid_argument(std::string(function) + ": samples must not be empty (n_ref=" +
                           std::to_string(n_ref) + ", n_cur=" + std::to_string(n_cur) + ")");
  }
}

inline void check_binned_options(const binned_options& options) {
  if (options.n_bins < 2 || options.n_bins > 1000000) {
    throw invalid_argument("n_bins must be in [2, 1000000], got " +
                           std::to_string(options.n_bins));
  }
  if (!(options.epsilon > 0.0 && options.epsilon < 1.0)) {
    throw invalid_argument("epsilon must be in (0, 1), got " + std::to_string(options.epsilon));
  }
  if (!(options.base > 0.0) || !std::isfinite(options.base) || options.base == 1.0) {
    throw invalid_argument("base must be a finite number > 0 other than 1, got " +
                           std::to_string(options.base));
  }
}

/// Linear interpolation as NumPy's quantile does it (numpy.lib.function_base._lerp): from the
/// upper end when the fraction is at least one half, which keeps the result monotone.
inline double numpy_lerp(double low, double high, double fraction) {
  const double difference = high - low;
  if (fraction >= 0.5) return high - difference * (1.0 - fraction);
  return low + difference * fraction;
}

/// p-th quantile (0 <= p <= 1) of a sorted sample, numpy.quantile(method="linear").
template <class Scalar>
double sorted_quantile(const Scalar* sorted, std::int64_t n, double p) {
  const double virtual_index = static_cast<double>(n - 1) * p;
  const double floor_index = std::floor(virtual_index);
  auto low = static_cast<std::int64_t>(floor_index);
  low = std::clamp<std::int64_t>(low, 0, n - 1);
  const std::int64_t high = std::min<std::int64_t>(low + 1, n - 1);
  const double fraction = virtual_index - floor_index;
  return numpy_lerp(static_cast<double>(sorted[low]), static_cast<double>(sorted[high]),
                    fraction);
}

/// Number of edges strictly below `value`, i.e. the bin of `value`.
inline std::size_t bin_of(const std::vector<double>& edges, double value) {
  if (edges.size() <= 32) {
    std::size_t bin = 0;
    for (const double edge : edges) bin += static_cast<std::size_t>(edge < value);
    return bin;
  }
  return static_cast<std::size_t>(std::lower_bound(edges.begin(), edges.end(), value) -
                                  edges.begin());
}

/// Per-bin counts of a sorted sample: the number of values <= edges[b] is an upper bound.
template <class Scalar>
std::vector<std::int64_t> sorted_bin_counts(const std::vector<double>& edges, const Scalar* sorted,
                                            std::int64_t n) {
  std::vector<std::int64_t> counts(edges.size() + 1, 0);
  std::int64_t below = 0;
  const Scalar* begin = sorted;
  const Scalar* end = sorted + n;
  for (std::size_t b = 0; b < edges.size(); ++b) {
    const double edge = edges[b];
    const Scalar* position = std::upper_bound(
        begin, end, edge, [](double e, Scalar v) { return e < static_cast<double>(v); });
    const auto cumulative = static_cast<std::int64_t>(position - sorted);
    counts[b] = cumulative - below;
    below = cumulative;
    begin = position;
  }
  counts[edges.size()] = n - below;
  return counts;
}

inline double floored(double proportion, double epsilon) { return std::max(proportion, epsilon); }

/// x log(x / y) with 0 log(0 / y) = 0 (scipy.special.rel_entr for x, y >= 0).
inline double relative_entropy_term(double x, double y) {
  if (x == 0.0) return 0.0;
  if (y == 0.0) return std::numeric_limits<double>::infinity();
  return x * std::log(x / y);
}

template <class Derived>
void require_vector(const Eigen::DenseBase<Derived>& values, const char* function,
                    const char* name) {
  if (values.rows() != 1 && values.cols() != 1) {
    throw shape_error(std::string(function) + ": " + name + " must be a vector, got a " +
                      std::to_string(values.rows()) + "x" + std::to_string(values.cols()) +
                      " matrix");
  }
}

/// Finite values of a vector expression, sorted (the common front of the Eigen overloads).
template <class Derived>
std::vector<typename Derived::Scalar> sorted_finite(const Eigen::DenseBase<Derived>& values,
                                                    nan_policy policy, const char* function,
                                                    const char* name) {
  using Scalar = typename Derived::Scalar;
  static_assert(std::is_floating_point_v<Scalar>, "distance scores need float or double data");
  require_vector(values, function, name);
  std::vector<Scalar> out;
  collect_finite(values, policy, name, out);
  if (out.empty()) {
    throw invalid_argument(std::string(function) + ": " + name +
                           " has no finite values (size " + std::to_string(values.size()) + ")");
  }
  shiftguard::detail::sort_floats(out);
  return out;
}

/// The integral of |F - G|^power (power 1 or 2) between the empirical CDFs of two sorted
/// samples: the merge walk behind scipy.stats's _cdf_distance.
template <class Scalar>
double cdf_distance_sorted(const Scalar* ref, std::int64_t n_ref, const Scalar* cur,
                           std::int64_t n_cur, int power) {
  const double dn_ref = static_cast<double>(n_ref);
  const double dn_cur = static_cast<double>(n_cur);
  std::int64_t i = 0;
  std::int64_t j = 0;
  compensated_sum total;
  // Current distinct value; the CDFs are constant on [value, next value).
  Scalar value = (ref[0] <= cur[0]) ? ref[0] : cur[0];
  while (true) {
    while (i < n_ref && ref[i] <= value) ++i;
    while (j < n_cur && cur[j] <= value) ++j;
    if (i == n_ref && j == n_cur) break;
    Scalar next;
    if (i == n_ref) {
      next = cur[j];
    } else if (j == n_cur) {
      next = ref[i];
    } else {
      next = std::min(ref[i], cur[j]);
    }
    const double gap = static_cast<double>(next) - static_cast<double>(value);
    const double difference = static_cast<double>(i) / dn_ref - static_cast<double>(j) / dn_cur;
    total.add((power == 1 ? std::abs(difference) : difference * difference) * gap);
    value = next;
  }
  return total.value();
}

}  // namespace detail

/// Wasserstein-1 distance between two sorted, NaN-free samples (scipy.stats.wasserstein_distance).
template <class Scalar>
double wasserstein_distance_sorted(const Scalar* ref_sorted, std::int64_t n_ref,
                                   const Scalar* cur_sorted, std::int64_t n_cur) {
  detail::check_sample_sizes("wasserstein_distance", n_ref, n_cur);
  return detail::cdf_distance_sorted(ref_sorted, n_ref, cur_sorted, n_cur, 1);
}

/// Energy distance between two sorted, NaN-free samples (scipy.stats.energy_distance):
/// sqrt(2) times the L2 distance between the empirical CDFs.
template <class Scalar>
double energy_distance_sorted(const Scalar* ref_sorted, std::int64_t n_ref,
                              const Scalar* cur_sorted, std::int64_t n_cur) {
  detail::check_sample_sizes("energy_distance", n_ref, n_cur);
  return std::sqrt(2.0) *
         std::sqrt(detail::cdf_distance_sorted(ref_sorted, n_ref, cur_sorted, n_cur, 2));
}

/// Wasserstein-1 distance of two vectors (any Eigen expression of float or double).
/// Non-finite values raise (nan_policy::raise) or are dropped (nan_policy::omit); a sample
/// with no finite value left throws invalid_argument.
template <class RefDerived, class CurDerived>
double wasserstein_distance(const Eigen::DenseBase<RefDerived>& ref,
                            const Eigen::DenseBase<CurDerived>& cur,
                            nan_policy policy = nan_policy::raise) {
  static_assert(std::is_same_v<typename RefDerived::Scalar, typename CurDerived::Scalar>,
                "ref and cur must have the same scalar type");
  const auto r = detail::sorted_finite(ref, policy, "wasserstein_distance", "ref");
  const auto c = detail::sorted_finite(cur, policy, "wasserstein_distance", "cur");
  return wasserstein_distance_sorted(r.data(), static_cast<std::int64_t>(r.size()), c.data(),
                                     static_cast<std::int64_t>(c.size()));
}

/// Energy distance of two vectors; see wasserstein_distance for the input rules.
template <class RefDerived, class CurDerived>
double energy_distance(const Eigen::DenseBase<RefDerived>& ref,
                       const Eigen::DenseBase<CurDerived>& cur,
                       nan_policy policy = nan_policy::raise) {
  static_assert(std::is_same_v<typename RefDerived::Scalar, typename CurDerived::Scalar>,
                "ref and cur must have the same scalar type");
  const auto r = detail::sorted_finite(ref, policy, "energy_distance", "ref");
  const auto c = detail::sorted_finite(cur, policy, "energy_distance", "cur");
  return energy_distance_sorted(r.data(), static_cast<std::int64_t>(r.size()), c.data(),
                                static_cast<std::int64_t>(c.size()));
}

// ---------------------------------------------------------------------------------------
// Scores of two discrete distributions given as proportions over the same bins (or
// categories). Shared by the numeric binned scores and the categorical ones.

/// Population stability index sum (c - r) ln(c / r), proportions floored at epsilon.
inline double psi_from_proportions(const std::vector<double>& reference,
                                   const std::vector<double>& current, double epsilon) {
  detail::compensated_sum total;
  for (std::size_t b = 0; b < reference.size(); ++b) {
    const double r = detail::floored(reference[b], epsilon);
    const double c = detail::floored(current[b], epsilon);
    total.add((c - r) * std::log(c / r));
  }
  return total.value();
}

/// Kullback-Leibler divergence KL(current || reference) = sum c ln(c / r) in nats, with the
/// proportions floored at epsilon.
inline double kl_divergence_from_proportions(const std::vector<double>& reference,
                                             const std::vector<double>& current, double epsilon) {
  detail::compensated_sum total;
  for (std::size_t b = 0; b < reference.size(); ++b) {
    const double r = detail::floored(reference[b], epsilon);
    const double c = detail::floored(current[b], epsilon);
    total.add(c * std::log(c / r));
  }
  return total.value();
}

/// Jensen-Shannon distance, as scipy.spatial.distance.jensenshannon(reference, current, base):
/// both vectors are normalised to sum 1, m = (p + q) / 2, and the result is
/// sqrt((KL(p || m) + KL(q || m)) / (2 ln base)).
inline double jensen_shannon_from_proportions(const std::vector<double>& reference,
                                              const std::vector<double>& current, double base) {
  double sum_p = 0.0;
  double sum_q = 0.0;
  for (std::size_t b = 0; b < reference.size(); ++b) {
    sum_p += reference[b];
    sum_q += current[b];
  }
  detail::compensated_sum left;
  detail::compensated_sum right;
  for (std::size_t b = 0; b < reference.size(); ++b) {
    const double p = reference[b] / sum_p;
    const double q = current[b] / sum_q;
    const double m = (p + q) / 2.0;
    left.add(detail::relative_entropy_term(p, m));
    right.add(detail::relative_entropy_term(q, m));
  }
  const double divergence = (left.value() + right.value()) / std::log(base);
  return std::sqrt(std::max(divergence, 0.0) / 2.0);
}

/// Hellinger distance sqrt(sum (sqrt p - sqrt q)^2 / 2), in [0, 1].
inline double hellinger_from_proportions(const std::vector<double>& reference,
                                         const std::vector<double>& current) {
  detail::compensated_sum total;
  for (std::size_t b = 0; b < reference.size(); ++b) {
    const double difference = std::sqrt(reference[b]) - std::sqrt(current[b]);
    total.add(difference * difference);
  }
  return std::min(1.0, std::sqrt(total.value() / 2.0));
}

// ---------------------------------------------------------------------------------------
// Binned scores of numeric samples.

/// Bins at the quantiles of a sorted, NaN-free reference sample (see the top of this file),
/// with the reference count per bin. O(n_bins log n_ref).
template <class Scalar>
reference_bins make_reference_bins_sorted(const Scalar* ref_sorted, std::int64_t n_ref,
                                          const binned_options& options = {}) {
  detail::check_binned_options(options);
  if (n_ref < 1) throw invalid_argument("reference_bins: ref must not be empty (n_ref=0)");
  reference_bins bins;
  bins.edges.reserve(static_cast<std::size_t>(options.n_bins - 1));
  for (int k = 1; k < options.n_bins; ++k) {
    const double p = static_cast<double>(k) / static_cast<double>(options.n_bins);
    const double edge = detail::sorted_quantile(ref_sorted, n_ref, p);
    if (bins.edges.empty() || edge > bins.edges.back()) bins.edges.push_back(edge);
  }
  bins.counts = detail::sorted_bin_counts(bins.edges, ref_sorted, n_ref);
  bins.n_reference = n_ref;
  return bins;
}

/// reference_bins of a reference vector; non-finite values follow `policy`.
template <class Derived>
reference_bins make_reference_bins(const Eigen::DenseBase<Derived>& ref,
                                   const binned_options& options = {},
                                   nan_policy policy = nan_policy::raise) {
  detail::check_binned_options(options);
  const auto r = detail::sorted_finite(ref, policy, "reference_bins", "ref");
  return make_reference_bins_sorted(r.data(), static_cast<std::int64_t>(r.size()), options);
}

/// Histogram of a current sample (NaN-free) over the reference bins: O(n_bins log n) when
/// `is_sorted`, O(n log n_bins) otherwise.
template <class Scalar>
std::vector<std::int64_t> bin_counts(const reference_bins& bins, const Scalar* cur,
                                     std::int64_t n_cur, bool is_sorted) {
  if (is_sorted) return detail::sorted_bin_counts(bins.edges, cur, n_cur);
  std::vector<std::int64_t> counts(bins.edges.size() + 1, 0);
  for (std::int64_t k = 0; k < n_cur; ++k) {
    ++counts[detail::bin_of(bins.edges, static_cast<double>(cur[k]))];
  }
  return counts;
}

/// The four binned scores of current counts against the reference bins.
inline binned_scores score_bin_counts(const reference_bins& bins,
                                      std::vector<std::int64_t> current_counts,
                                      const binned_options& options = {}) {
  detail::check_binned_options(options);
  if (current_counts.size() != bins.counts.size()) {
    throw shape_error("current_counts has " + std::to_string(current_counts.size()) +
                      " bins but the reference has " + std::to_string(bins.counts.size()));
  }
  check_reference_bins(bins);
  std::int64_t n_cur = 0;
  for (const auto count : current_counts) {
    if (count < 0) throw invalid_argument("current_counts must be non-negative");
    n_cur += count;
  }
  if (n_cur < 1) throw invalid_argument("binned scores: the current sample is empty (n_cur=0)");
  const std::vector<double> reference = bins.proportions();
  std::vector<double> current(current_counts.size());
  for (std::size_t b = 0; b < current.size(); ++b) {
    current[b] = static_cast<double>(current_counts[b]) / static_cast<double>(n_cur);
  }
  binned_scores scores;
  scores.psi = psi_from_proportions(reference, current, options.epsilon);
  scores.kl_divergence = kl_divergence_from_proportions(reference, current, options.epsilon);
  scores.jensen_shannon = jensen_shannon_from_proportions(reference, current, options.base);
  scores.hellinger = hellinger_from_proportions(reference, current);
  scores.current_counts = std::move(current_counts);
  scores.n_current = n_cur;
  return scores;
}

/// Scores a current sample (NaN-free; sorted or not, as `is_sorted` says) against bins
/// precomputed from the reference. This is the entry a fitted detector calls per batch.
template <class Scalar>
binned_scores score_against(const reference_bins& bins, const Scalar* cur, std::int64_t n_cur,
                            bool is_sorted, const binned_options& options = {}) {
  detail::check_sample_sizes("binned scores", bins.n_reference, n_cur);
  return score_bin_counts(bins, bin_counts(bins, cur, n_cur, is_sorted), options);
}

/// Bins the sorted reference and scores the sorted current sample in one call.
template <class Scalar>
binned_scores binned_scores_sorted(const Scalar* ref_sorted, std::int64_t n_ref,
                                   const Scalar* cur_sorted, std::int64_t n_cur,
                                   const binned_options& options = {}) {
  detail::check_sample_sizes("binned scores", n_ref, n_cur);
  const reference_bins bins = make_reference_bins_sorted(ref_sorted, n_ref, options);
  return score_against(bins, cur_sorted, n_cur, true, options);
}

/// Population stability index of two sorted, NaN-free samples.
template <class Scalar>
double psi_sorted(const Scalar* ref_sorted, std::int64_t n_ref, const Scalar* cur_sorted,
                  std::int64_t n_cur, const binned_options& options = {}) {
  return binned_scores_sorted(ref_sorted, n_ref, cur_sorted, n_cur, options).psi;
}

/// Jensen-Shannon distance of the binned samples (sorted, NaN-free).
template <class Scalar>
double jensen_shannon_sorted(const Scalar* ref_sorted, std::int64_t n_ref,
                             const Scalar* cur_sorted, std::int64_t n_cur,
                             const binned_options& options = {}) {
  return binned_scores_sorted(ref_sorted, n_ref, cur_sorted, n_cur, options).jensen_shannon;
}

/// KL(current || reference) of the binned samples (sorted, NaN-free), in nats.
template <class Scalar>
double kl_divergence_sorted(const Scalar* ref_sorted, std::int64_t n_ref,
                            const Scalar* cur_sorted, std::int64_t n_cur,
                            const binned_options& options = {}) {
  return binned_scores_sorted(ref_sorted, n_ref, cur_sorted, n_cur, options).kl_divergence;
}

/// Hellinger distance of the binned samples (sorted, NaN-free).
template <class Scalar>
double hellinger_sorted(const Scalar* ref_sorted, std::int64_t n_ref, const Scalar* cur_sorted,
                        std::int64_t n_cur, const binned_options& options = {}) {
  return binned_scores_sorted(ref_sorted, n_ref, cur_sorted, n_cur, options).hellinger;
}

/// All four binned scores of two vectors (any Eigen expressions of float or double);
/// non-finite values follow `policy`.
template <class RefDerived, class CurDerived>
binned_scores binned_scores_of(const Eigen::DenseBase<RefDerived>& ref,
                               const Eigen::DenseBase<CurDerived>& cur,
                               const binned_options& options = {},
                               nan_policy policy = nan_policy::raise) {
  static_assert(std::is_same_v<typename RefDerived::Scalar, typename CurDerived::Scalar>,
                "ref and cur must have the same scalar type");
  detail::check_binned_options(options);
  const auto r = detail::sorted_finite(ref, policy, "binned scores", "ref");
  const auto c = detail::sorted_finite(cur, policy, "binned scores", "cur");
  return binned_scores_sorted(r.data(), static_cast<std::int64_t>(r.size()), c.data(),
                              static_cast<std::int64_t>(c.size()), options);
}

/// Population stability index of two vectors.
template <class RefDerived, class CurDerived>
double psi(const Eigen::DenseBase<RefDerived>& ref, const Eigen::DenseBase<CurDerived>& cur,
           const binned_options& options = {}, nan_policy policy = nan_policy::raise) {
  return binned_scores_of(ref, cur, options, policy).psi;
}

/// Jensen-Shannon distance of two binned vectors.
template <class RefDerived, class CurDerived>
double jensen_shannon(const Eigen::DenseBase<RefDerived>& ref,
                      const Eigen::DenseBase<CurDerived>& cur, const binned_options& options = {},
                      nan_policy policy = nan_policy::raise) {
  return binned_scores_of(ref, cur, options, policy).jensen_shannon;
}

/// KL(current || reference) of two binned vectors, in nats.
template <class RefDerived, class CurDerived>
double kl_divergence(const Eigen::DenseBase<RefDerived>& ref,
                     const Eigen::DenseBase<CurDerived>& cur, const binned_options& options = {},
                     nan_policy policy = nan_policy::raise) {
  return binned_scores_of(ref, cur, options, policy).kl_divergence;
}

/// Hellinger distance of two binned vectors.
template <class RefDerived, class CurDerived>
double hellinger(const Eigen::DenseBase<RefDerived>& ref, const Eigen::DenseBase<CurDerived>& cur,
                 const binned_options& options = {}, nan_policy policy = nan_policy::raise) {
  return binned_scores_of(ref, cur, options, policy).hellinger;
}

// ---------------------------------------------------------------------------------------
// Saving: the fields of reference_bins inside another object's container (write_fields /
// read_reference_bins), or on their own (save / load_reference_bins, tag
// "drift.reference_bins", layout version 1).

/// Appends the fields of `bins` to a writer (edges, counts, n_reference).
inline void write_fields(serialization::binary_writer& writer, const reference_bins& bins) {
  writer.write_array(bins.edges);
  writer.write_array(bins.counts);
  writer.write_i64(bins.n_reference);
}

/// Reads the fields written by write_fields and checks them (format_error if inconsistent).
inline reference_bins read_reference_bins(serialization::binary_reader& reader) {
  reference_bins bins;
  bins.edges = reader.read_array<double>();
  bins.counts = reader.read_array<std::int64_t>();
  bins.n_reference = reader.read_i64();
  try {
    check_reference_bins(bins);
  } catch (const invalid_argument& e) {
    reader.fail(e.what());
  }
  return bins;
}

/// The bins as a self-contained shiftguard container.
inline std::string save(const reference_bins& bins) {
  serialization::binary_writer writer;
  write_fields(writer, bins);
  return writer.finish("drift.reference_bins", 1);
}

/// Loads bins saved by save(reference_bins); throws format_error on malformed data.
inline reference_bins load_reference_bins(std::string_view bytes) {
  serialization::binary_reader reader(bytes, "drift.reference_bins", 1);
  reference_bins bins = read_reference_bins(reader);
  reader.expect_end();
  return bins;
}

}  // namespace shiftguard::drift
