#pragma once

// Welch's unequal-variances t-test of two independent samples, as
// scipy.stats.ttest_ind(ref, cur, equal_var=False, alternative): t = (mean_ref - mean_cur) /
// sqrt(var_ref / n_ref + var_cur / n_cur) with sample variances (ddof = 1), the
// Welch-Satterthwaite degrees of freedom, and the p-value from Student's t distribution.
//
// Sums are taken in double with compensation (float input is widened), so the result does
// not depend on the order of the values: the sorted entry point and the unsorted overload
// agree. Cost O(n_ref + n_cur).
//
// Effect sizes: the mean difference mean_ref - mean_cur, and Cohen's d with the average of
// the two variances, d = (mean_ref - mean_cur) / sqrt((var_ref + var_cur) / 2), which suits
// unequal variances (positive when ref tends to be larger).
//
// Zero variance in both samples: SciPy returns NaN; here, equal means give t = 0 and
// p-value 1, different means give t = +-inf and the p-value of a certain difference (0 on
// the side of the difference, 1 on the other); df is then n_ref + n_cur - 2.

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/special.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/univariate.hpp"
#include "shiftguard/drift/univariate/common.hpp"

namespace shiftguard::drift {

/// Options of Welch's t-test.
struct welch_t_options {
  alternative alternative_hypothesis = alternative::two_sided;
  nan_policy nan_handling = nan_policy::raise;  ///< used by the unsorted overload only
};

/// Result of Welch's t-test.
struct welch_t_result {
  double statistic = 0.0;  ///< t
  double p_value = 1.0;
  double df = 0.0;               ///< Welch-Satterthwaite degrees of freedom
  double mean_difference = 0.0;  ///< mean_ref - mean_cur
  double cohens_d = 0.0;         ///< mean difference / sqrt((var_ref + var_cur) / 2)
  double standard_error = 0.0;   ///< sqrt(var_ref / n_ref + var_cur / n_cur)
};

namespace detail {

struct mean_and_variance {
  double mean;
  double variance;  // ddof = 1
};

template <class Scalar>
mean_and_variance sample_moments(const Scalar* values, index n) {
  const double mean = compensated_total(values, n) / static_cast<double>(n);
  double sum = 0.0;
  double compensation = 0.0;
  for (index k = 0; k < n; ++k) {
    const double deviation = static_cast<double>(values[k]) - mean;
    const double square = deviation * deviation;
    const double next = sum + square;
    compensation += (sum >= square) ? (sum - next) + square : (square - next) + sum;
    sum = next;
  }
  return {mean, (sum + compensation) / static_cast<double>(n - 1)};
}

/// p-value of a t statistic with `df` degrees of freedom for the alternative.
inline double t_p_value(double t, double df, alternative alt) {
  switch (alt) {
    case alternative::greater:
      return special::t_sf(t, df);
    case alternative::less:
      return special::t_sf(-t, df);
    case alternative::two_sided:
      return std::min(1.0, special::t_sf_two_sided(t, df));
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace detail

/// Welch's t-test of two finite samples with at least 2 values each. The values need not
/// be sorted (the name matches the other tests' kernels, which a detector calls with its
/// sorted reference).
template <class Scalar>
welch_t_result welch_t_sorted(const Scalar* ref_sorted, index n_ref, const Scalar* cur_sorted,
                              index n_cur, const welch_t_options& options = {}) {
  static_assert(std::is_floating_point_v<Scalar>, "welch_t needs float or double samples");
  detail::check_sorted_samples("welch_t", ref_sorted, n_ref, cur_sorted, n_cur, 2);
  const auto ref = detail::sample_moments(ref_sorted, n_ref);
  const auto cur = detail::sample_moments(cur_sorted, n_cur);
  const auto n1 = static_cast<double>(n_ref);
  const auto n2 = static_cast<double>(n_cur);
  const double v1 = ref.variance / n1;
  const double v2 = cur.variance / n2;
  welch_t_result result;
  result.mean_difference = ref.mean - cur.mean;
  result.standard_error = std::sqrt(v1 + v2);
  const double average_variance = 0.5 * (ref.variance + cur.variance);
  if (v1 + v2 == 0.0) {
    // Both samples constant (see the header comment).
    result.df = n1 + n2 - 2.0;
    if (result.mean_difference == 0.0) {
      result.statistic = 0.0;
      result.cohens_d = 0.0;
      result.p_value = 1.0;
      return result;
    }
    const double infinity = std::numeric_limits<double>::infinity();
    result.statistic = result.mean_difference > 0.0 ? infinity : -infinity;
    result.cohens_d = result.statistic;
    result.p_value = detail::t_p_value(result.statistic, result.df, options.alternative_hypothesis);
    return result;
  }
  result.df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1.0) + v2 * v2 / (n2 - 1.0));
  result.statistic = result.mean_difference / result.standard_error;
  result.cohens_d = result.mean_difference / std::sqrt(average_variance);
  result.p_value = detail::t_p_value(result.statistic, result.df, options.alternative_hypothesis);
  return result;
}

/// Welch's t-test of two samples (any Eigen vector expressions of float or double; not
/// sorted, the test needs no order); non-finite values follow options.nan_handling. Matches
/// scipy.stats.ttest_ind(ref, cur, equal_var=False, alternative=...).
template <class RefDerived, class CurDerived>
welch_t_result welch_t(const Eigen::DenseBase<RefDerived>& ref,
                       const Eigen::DenseBase<CurDerived>& cur,
                       const welch_t_options& options = {}) {
  static_assert(std::is_same_v<typename RefDerived::Scalar, typename CurDerived::Scalar>,
                "welch_t: ref and cur must have the same scalar type");
  const auto ref_values =
      detail::prepare_sample(ref, options.nan_handling, "welch_t", "ref", 2, false);
  const auto cur_values =
      detail::prepare_sample(cur, options.nan_handling, "welch_t", "cur", 2, false);
  return welch_t_sorted(ref_values.data(), static_cast<index>(ref_values.size()), cur_values.data(),
                        static_cast<index>(cur_values.size()), options);
}

}  // namespace shiftguard::drift
