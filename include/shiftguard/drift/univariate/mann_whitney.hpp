#pragma once

// Mann-Whitney U test of two independent samples, as scipy.stats.mannwhitneyu(ref, cur,
// use_continuity, alternative, method): the statistic U of the first sample (ref), the
// exact null distribution (no tie correction) or the normal approximation with tie
// correction and optional continuity correction, and SciPy's "auto" rule (exact when one
// sample has at most 8 values and there are no ties).
//
// Ranks come from one walk over the two sorted samples (midranks for ties), so after
// sorting the test costs O(n_ref + n_cur).
//
// Effect sizes: the common-language effect size U / (n_ref n_cur) = P[X > Y] + P[X = Y] / 2
// for X drawn from ref and Y from cur (0.5 when neither tends to be larger), and the
// rank-biserial correlation 2 * CLES - 1 in [-1, 1] (positive when ref tends to be larger).
//
// All-equal data (every value of both samples the same): U = n_ref n_cur / 2 and the
// asymptotic p-value is defined as 1 (SciPy returns 1 with the continuity correction and
// NaN without it).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/special.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/univariate.hpp"
#include "shiftguard/drift/univariate/common.hpp"

namespace shiftguard::drift {

/// Options of the Mann-Whitney U test (SciPy's defaults).
struct mann_whitney_options {
  alternative alternative_hypothesis = alternative::two_sided;
  bool use_continuity = true;  ///< continuity correction of the normal approximation
  test_method method = test_method::automatic;
  nan_policy nan_handling = nan_policy::raise;  ///< used by the unsorted overload only
};

/// Result of the Mann-Whitney U test.
struct mann_whitney_result {
  double statistic = 0.0;  ///< U of the reference sample (SciPy's U1)
  double p_value = 1.0;
  test_method method = test_method::asymptotic;  ///< method actually used
  double common_language_effect_size = 0.5;      ///< U / (n_ref n_cur)
  double rank_biserial = 0.0;                    ///< 2 * CLES - 1
  double z = 0.0;         ///< standardized statistic of the normal approximation (0 for exact)
  bool has_ties = false;  ///< some value occurs more than once in the pooled sample
};

namespace detail {

/// Largest n_small * u_max the exact distribution may cost (about a second).
inline constexpr double mann_whitney_max_exact_work = 2e9;

/// P[U >= k] for the Mann-Whitney U of samples of sizes n1 and n2 under H0 (no ties), as
/// scipy's _MWU.sf: through the smaller tail, with the distribution of U the coefficients
/// of the Gaussian binomial [n1 + n2 choose n1]_q divided by C(n1 + n2, n1), built up to
/// the needed degree one factor (1 - q^(n+i)) / (1 - q^i) at a time, normalized as it goes.
inline double mann_whitney_exact_sf(std::int64_t k, std::int64_t n1, std::int64_t n2) {
  const std::int64_t m = std::min(n1, n2);
  const std::int64_t n = std::max(n1, n2);
  const std::int64_t k_complement = n1 * n2 - k;
  const std::int64_t u_max = std::max<std::int64_t>(0, std::min(k, k_complement));
  if (static_cast<double>(m) * static_cast<double>(u_max) > mann_whitney_max_exact_work) {
    throw invalid_argument("mann_whitney: method 'exact' is too expensive for samples of " +
                           std::to_string(n1) + " and " + std::to_string(n2) +
                           " values; use 'asymptotic' or 'auto'");
  }
  std::vector<double> pmf(static_cast<std::size_t>(u_max) + 1, 0.0);
  pmf[0] = 1.0;
  for (std::int64_t i = 1; i <= m; ++i) {
    for (std::int64_t u = u_max; u >= n + i; --u) pmf[u] -= pmf[u - n - i];
    for (std::int64_t u = i; u <= u_max; ++u) pmf[u] += pmf[u - i];
    const double scale = static_cast<double>(i) / static_cast<double>(n + i);
    for (auto& value : pmf) value *= scale;
  }
  double cdf = 0.0;
  for (std::int64_t u = 0; u <= u_max; ++u) cdf += pmf[u];
  if (k < k_complement) return 1.0 - cdf + pmf[u_max];
  return cdf;
}

}  // namespace detail

/// Mann-Whitney U test of two ascending, finite samples (the kernel a detector calls after
/// sorting its reference once). Each sample needs at least one value.
template <class Scalar>
mann_whitney_result mann_whitney_sorted(const Scalar* ref_sorted, index n_ref,
                                        const Scalar* cur_sorted, index n_cur,
                                        const mann_whitney_options& options = {}) {
  static_assert(std::is_floating_point_v<Scalar>, "mann_whitney needs float or double samples");
  detail::check_sorted_samples("mann_whitney", ref_sorted, n_ref, cur_sorted, n_cur, 1);
  // Rank sum of ref and the tie term sum(t^3 - t), in one walk.
  double rank_sum = 0.0;
  double tie_term = 0.0;
  index below = 0;
  index n_distinct = 0;
  detail::for_each_distinct(
      ref_sorted, n_ref, cur_sorted, n_cur, [&](Scalar, index ref_equal, index cur_equal) {
        const index group = ref_equal + cur_equal;
        const double midrank = static_cast<double>(below) + 0.5 * static_cast<double>(group + 1);
        rank_sum += static_cast<double>(ref_equal) * midrank;
        if (group > 1) {
          const auto t = static_cast<double>(group);
          tie_term += t * t * t - t;
        }
        below += group;
        ++n_distinct;
      });
  const auto n1 = static_cast<double>(n_ref);
  const auto n2 = static_cast<double>(n_cur);
  const double u1 = rank_sum - n1 * (n1 + 1.0) / 2.0;
  const double u2 = n1 * n2 - u1;

  mann_whitney_result result;
  result.statistic = u1;
  result.common_language_effect_size = u1 / (n1 * n2);
  result.rank_biserial = 2.0 * result.common_language_effect_size - 1.0;
  result.has_ties = n_distinct < n_ref + n_cur;

  double u = 0.0;
  double factor = 1.0;
  switch (options.alternative_hypothesis) {
    case alternative::greater:
      u = u1;
      break;
    case alternative::less:
      u = u2;
      break;
    case alternative::two_sided:
      u = std::max(u1, u2);
      factor = 2.0;
      break;
  }
  test_method method = options.method;
  if (method == test_method::automatic) {
    method =
        (n_ref > 8 && n_cur > 8) || result.has_ties ? test_method::asymptotic : test_method::exact;
  }
  result.method = method;
  double p_value = 1.0;
  if (method == test_method::exact) {
    // SciPy truncates a half-integer U (possible with ties) towards zero.
    p_value = detail::mann_whitney_exact_sf(static_cast<std::int64_t>(u),
                                            static_cast<std::int64_t>(n_ref),
                                            static_cast<std::int64_t>(n_cur));
  } else if (n_distinct == 1) {
    p_value = 1.0;  // all values equal: no evidence of a difference (see the header comment)
  } else {
    const double n = n1 + n2;
    const double sigma = std::sqrt(n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0))));
    double numerator = u - n1 * n2 / 2.0;
    if (options.use_continuity) numerator -= 0.5;
    result.z = numerator / sigma;
    p_value = special::normal_cdf(-result.z);
  }
  result.p_value = std::clamp(p_value * factor, 0.0, 1.0);
  return result;
}

/// Mann-Whitney U test of two samples (any Eigen vector expressions of float or double, in
/// any order); non-finite values follow options.nan_handling. Matches
/// scipy.stats.mannwhitneyu(ref, cur, use_continuity, alternative, method=...).
template <class RefDerived, class CurDerived>
mann_whitney_result mann_whitney(const Eigen::DenseBase<RefDerived>& ref,
                                 const Eigen::DenseBase<CurDerived>& cur,
                                 const mann_whitney_options& options = {}) {
  static_assert(std::is_same_v<typename RefDerived::Scalar, typename CurDerived::Scalar>,
                "mann_whitney: ref and cur must have the same scalar type");
  const auto ref_values =
      detail::prepare_sample(ref, options.nan_handling, "mann_whitney", "ref", 1);
  const auto cur_values =
      detail::prepare_sample(cur, options.nan_handling, "mann_whitney", "cur", 1);
  return mann_whitney_sorted(ref_values.data(), static_cast<index>(ref_values.size()),
                             cur_values.data(), static_cast<index>(cur_values.size()), options);
}

}  // namespace shiftguard::drift
