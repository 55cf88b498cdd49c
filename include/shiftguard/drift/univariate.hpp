#pragma once

// Univariate two-sample tests. The Kolmogorov-Smirnov test follows
// scipy.stats.ks_2samp(method="auto"): exact null distribution when both samples have at
// most 10,000 values, the asymptotic one otherwise, with the same statistic and p-values
// (checked against SciPy by the test suite).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/sort.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/detail/kolmogorov.hpp"
#include "shiftguard/drift/detail/ks_two_sample.hpp"

namespace shiftguard::drift {

/// Alternative hypothesis of a two-sample test, with F the CDF of the reference sample and
/// G that of the current one (SciPy's convention for ks_2samp(ref, cur)).
enum class alternative {
  two_sided,  ///< F != G
  less,       ///< F < G somewhere: the current sample tends to be smaller
  greater,    ///< F > G somewhere: the current sample tends to be larger
};

/// How the p-value of the Kolmogorov-Smirnov test is computed.
enum class ks_method {
  automatic,   ///< exact when max(n1, n2) <= 10000, asymptotic otherwise (SciPy's "auto")
  exact,       ///< exact null distribution; falls back to asymptotic when infeasible
  asymptotic,  ///< Kolmogorov distribution / Hodges' one-sided approximation
};

/// Result of a Kolmogorov-Smirnov two-sample test.
struct ks_result {
  double statistic = 0.0;           ///< sup of |F - G| (two-sided), F - G (greater), G - F (less)
  double p_value = 1.0;             ///< probability of a statistic at least this large under H0
  double statistic_location = 0.0;  ///< value of the data at which the statistic is attained
  int statistic_sign = 1;           ///< +1 if F - G attains the statistic, -1 if G - F does
  ks_method method = ks_method::exact;  ///< method actually used for the p-value
};

inline const char* to_string(alternative value) {
  switch (value) {
    case alternative::two_sided: return "two-sided";
    case alternative::less: return "less";
    case alternative::greater: return "greater";
  }
  return "?";
}

inline const char* to_string(ks_method value) {
  switch (value) {
    case ks_method::automatic: return "auto";
    case ks_method::exact: return "exact";
    case ks_method::asymptotic: return "asymp";
  }
  return "?";
}

/// Parses "two-sided", "less" or "greater" (SciPy's spellings; "two_sided" also accepted).
inline alternative alternative_from_string(const std::string& name) {
  if (name == "two-sided" || name == "two_sided") return alternative::two_sided;
  if (name == "less") return alternative::less;
  if (name == "greater") return alternative::greater;
  throw invalid_argument("alternative must be 'two-sided', 'less' or 'greater', got '" + name + "'");
}

/// Parses "auto", "exact" or "asymp" (SciPy's spellings).
inline ks_method ks_method_from_string(const std::string& name) {
  if (name == "auto") return ks_method::automatic;
  if (name == "exact") return ks_method::exact;
  if (name == "asymp") return ks_method::asymptotic;
  throw invalid_argument("method must be 'auto', 'exact' or 'asymp', got '" + name + "'");
}

/// Parses "raise" or "omit".
inline nan_policy nan_policy_from_string(const std::string& name) {
  if (name == "raise") return nan_policy::raise;
  if (name == "omit") return nan_policy::omit;
  throw invalid_argument("nan_policy must be 'raise' or 'omit', got '" + name + "'");
}

namespace detail {

/// Largest sample size for which ks_method::automatic uses the exact distribution.
inline constexpr std::int64_t ks_max_exact_auto_n = 10000;

/// Exact p-value for a statistic of h / lcm(n1, n2). Returns false when the computation is
/// infeasible in double precision (SciPy then falls back to the asymptotic method too).
inline bool ks_exact_p_value(std::int64_t n1, std::int64_t n2, std::int64_t g, std::int64_t h,
                             alternative alt, double& p_value) {
  if (h == 0) {
    p_value = 1.0;
    return true;
  }
  if (alt == alternative::two_sided) {
    p_value = (n1 == n2) ? ks_equal_sizes_two_sided_sf(n1, h)
                         : ks_lattice_outside_proportion(n1, n2, g, h, true);
  } else if (n1 == n2) {
    p_value = ks_equal_sizes_one_sided_sf(n1, h);
  } else {
    // SciPy counts paths and divides by C(n1 + n2, n1); it gives up when that binomial
    // overflows a double. We compute the proportion directly (no overflow), but keep the
    // same domain so that both libraries choose the same method.
    if (log_binomial(n1 + n2, n1) >= std::log(std::numeric_limits<double>::max())) return false;
    p_value = ks_lattice_outside_proportion(n1, n2, g, h, false);
  }
  return p_value >= 0.0 && p_value <= 1.0;
}

/// Asymptotic p-value (SciPy's "asymp" method).
inline double ks_asymptotic_p_value(std::int64_t n1, std::int64_t n2, double d, alternative alt) {
  const double m = static_cast<double>(std::max(n1, n2));
  const double n = static_cast<double>(std::min(n1, n2));
  const double effective_n = m * n / (m + n);
  if (alt == alternative::two_sided) {
    // The one-sample two-sided distribution at the rounded effective sample size
    // (round half to even, as numpy.round).
    const auto rounded = static_cast<std::int64_t>(std::nearbyint(effective_n));
    return kolmogorov_two_sided_sf(std::max<std::int64_t>(rounded, 1), d);
  }
  // Hodges (1958), eq. 5.3, with m the larger sample.
  const double z = std::sqrt(effective_n) * d;
  const double exponent = -2.0 * z * z - 2.0 * z * (m + 2.0 * n) / std::sqrt(m * n * (m + n)) / 3.0;
  return std::exp(exponent);
}

}  // namespace detail

/// p-value of a two-sample KS statistic `d` for sample sizes n1 and n2, chosen and computed
/// as scipy.stats.ks_2samp does. In exact mode the statistic is snapped to the lattice
/// value h / lcm(n1, n2) it represents; the snapped value is written back to `d`.
inline double ks_2samp_p_value(std::int64_t n1, std::int64_t n2, double& d, alternative alt,
                               ks_method method, ks_method* method_used = nullptr) {
  if (n1 < 1 || n2 < 1) {
    throw invalid_argument("ks_2samp_p_value: sample sizes must be positive, got n1=" +
                           std::to_string(n1) + ", n2=" + std::to_string(n2));
  }
  if (!(d >= 0.0 && d <= 1.0)) {
    throw invalid_argument("ks_2samp_p_value: statistic d must be in [0, 1], got " +
                           std::to_string(d));
  }
  const std::int64_t g = std::gcd(n1, n2);
  const std::int64_t n1g = n1 / g;
  const std::int64_t n2g = n2 / g;
  ks_method mode = method;
  if (mode == ks_method::automatic) {
    mode = std::max(n1, n2) <= detail::ks_max_exact_auto_n ? ks_method::exact
                                                             : ks_method::asymptotic;
  } else if (mode == ks_method::exact &&
             static_cast<double>(n1g) >=
                 static_cast<double>(std::numeric_limits<std::int32_t>::max()) /
                     static_cast<double>(n2g)) {
    mode = ks_method::asymptotic;  // lcm(n1, n2) too large for the lattice
  }
  double p_value = std::numeric_limits<double>::quiet_NaN();
  if (mode == ks_method::exact) {
    const std::int64_t lcm = n1g * n2;
    const auto h = static_cast<std::int64_t>(std::nearbyint(d * static_cast<double>(lcm)));
    d = static_cast<double>(h) / static_cast<double>(lcm);
    if (!detail::ks_exact_p_value(n1, n2, g, h, alt, p_value)) mode = ks_method::asymptotic;
  }
  if (mode == ks_method::asymptotic) p_value = detail::ks_asymptotic_p_value(n1, n2, d, alt);
  if (method_used != nullptr) *method_used = mode;
  return std::clamp(p_value, 0.0, 1.0);
}

/// Kolmogorov-Smirnov test of two samples that are already sorted ascending and free of
/// NaN. This is the kernel used by ks_drift_detector, which sorts the reference once.
template <class Scalar>
ks_result ks_2samp_sorted(const Scalar* ref, std::int64_t n_ref, const Scalar* cur,
                          std::int64_t n_cur, alternative alt = alternative::two_sided,
                          ks_method method = ks_method::automatic) {
  if (n_ref < 1 || n_cur < 1) {
    throw invalid_argument("ks_2samp: samples must not be empty (n_ref=" + std::to_string(n_ref) +
                           ", n_cur=" + std::to_string(n_cur) + ")");
  }
  // Walk the merged order once. At each distinct value v, F(v) - G(v) with F, G the
  // right-continuous empirical CDFs, computed as SciPy does (count / n in double).
  const double dn_ref = static_cast<double>(n_ref);
  const double dn_cur = static_cast<double>(n_cur);
  std::int64_t i = 0;
  std::int64_t j = 0;
  // Largest F - G over values present in the reference, and over values only in the
  // current sample; SciPy's argmax scans the reference values first.
  double max_ref = -2.0, max_cur_only = -2.0, min_ref = 2.0, min_cur_only = 2.0;
  double argmax_ref = 0.0, argmax_cur_only = 0.0, argmin_ref = 0.0, argmin_cur_only = 0.0;
  while (i < n_ref || j < n_cur) {
    Scalar value;
    if (j >= n_cur || (i < n_ref && ref[i] <= cur[j])) {
      value = ref[i];
    } else {
      value = cur[j];
    }
    const bool in_ref = i < n_ref && ref[i] == value;
    while (i < n_ref && ref[i] == value) ++i;
    while (j < n_cur && cur[j] == value) ++j;
    const double diff = static_cast<double>(i) / dn_ref - static_cast<double>(j) / dn_cur;
    const auto location = static_cast<double>(value);
    if (in_ref) {
      if (diff > max_ref) { max_ref = diff; argmax_ref = location; }
      if (diff < min_ref) { min_ref = diff; argmin_ref = location; }
    } else {
      if (diff > max_cur_only) { max_cur_only = diff; argmax_cur_only = location; }
      if (diff < min_cur_only) { min_cur_only = diff; argmin_cur_only = location; }
    }
  }
  const double max_diff = std::max(max_ref, max_cur_only);
  const double min_diff = std::min(min_ref, min_cur_only);
  const double max_location = max_ref >= max_cur_only ? argmax_ref : argmax_cur_only;
  const double min_location = min_ref <= min_cur_only ? argmin_ref : argmin_cur_only;
  const double d_minus = std::clamp(-min_diff, 0.0, 1.0);
  const double d_plus = max_diff;

  ks_result result;
  if (alt == alternative::less || (alt == alternative::two_sided && d_minus > d_plus)) {
    result.statistic = d_minus;
    result.statistic_location = min_location;
    result.statistic_sign = -1;
  } else {
    result.statistic = d_plus;
    result.statistic_location = max_location;
    result.statistic_sign = 1;
  }
  result.p_value = ks_2samp_p_value(n_ref, n_cur, result.statistic, alt, method, &result.method);
  return result;
}

namespace detail {

/// Copies the finite values of a vector expression into `out`, mapping -0.0 to +0.0.
/// Throws (policy raise) naming `name` and the index of the first non-finite value.
template <class Derived, class Scalar>
void collect_finite(const Eigen::DenseBase<Derived>& values, nan_policy policy, const char* name,
                    std::vector<Scalar>& out) {
  out.clear();
  out.reserve(static_cast<std::size_t>(values.size()));
  for (index k = 0; k < values.size(); ++k) {
    const Scalar value = static_cast<Scalar>(values.derived().coeff(k));
    if (std::isfinite(value)) {
      out.push_back(value + Scalar(0));
    } else if (policy == nan_policy::raise) {
      throw invalid_argument(std::string(name) + " contains " +
                             (std::isnan(value) ? "NaN" : "an infinite value") + " at index " +
                             std::to_string(k) + " (use nan_policy omit to drop non-finite values)");
    }
  }
}

}  // namespace detail

/// Two-sample Kolmogorov-Smirnov test of `ref` against `cur` (any Eigen vector expressions
/// of float or double). Matches scipy.stats.ks_2samp(ref, cur, alternative, method).
///
/// Throws shiftguard::invalid_argument for samples with fewer than 2 values (after
/// dropping non-finite values under nan_policy::omit) or non-finite values under
/// nan_policy::raise.
template <class RefDerived, class CurDerived>
ks_result ks_2samp(const Eigen::DenseBase<RefDerived>& ref, const Eigen::DenseBase<CurDerived>& cur,
                   alternative alt = alternative::two_sided,
                   ks_method method = ks_method::automatic,
                   nan_policy policy = nan_policy::raise) {
  using Scalar = typename RefDerived::Scalar;
  static_assert(std::is_floating_point_v<Scalar>, "ks_2samp needs float or double samples");
  static_assert(std::is_same_v<Scalar, typename CurDerived::Scalar>,
                "ks_2samp: ref and cur must have the same scalar type");
  if (ref.rows() != 1 && ref.cols() != 1) {
    throw shape_error("ks_2samp: ref must be a vector, got a " + std::to_string(ref.rows()) + "x" +
                      std::to_string(ref.cols()) + " matrix");
  }
  if (cur.rows() != 1 && cur.cols() != 1) {
    throw shape_error("ks_2samp: cur must be a vector, got a " + std::to_string(cur.rows()) + "x" +
                      std::to_string(cur.cols()) + " matrix");
  }
  std::vector<Scalar> ref_values;
  std::vector<Scalar> cur_values;
  detail::collect_finite(ref, policy, "ref", ref_values);
  detail::collect_finite(cur, policy, "cur", cur_values);
  if (ref_values.size() < 2) {
    throw invalid_argument("ks_2samp: ref needs at least 2 finite values, got " +
                           std::to_string(ref_values.size()));
  }
  if (cur_values.size() < 2) {
    throw invalid_argument("ks_2samp: cur needs at least 2 finite values, got " +
                           std::to_string(cur_values.size()));
  }
  shiftguard::detail::sort_floats(ref_values);
  shiftguard::detail::sort_floats(cur_values);
  return ks_2samp_sorted(ref_values.data(), static_cast<std::int64_t>(ref_values.size()),
                         cur_values.data(), static_cast<std::int64_t>(cur_values.size()), alt,
                         method);
}

}  // namespace shiftguard::drift

// The other two-sample tests (rank and moment tests with SciPy's p-values); they include
// this header for the shared enums and helpers above.
#include "shiftguard/drift/univariate/anderson_darling.hpp"
#include "shiftguard/drift/univariate/cramer_von_mises.hpp"
#include "shiftguard/drift/univariate/mann_whitney.hpp"
#include "shiftguard/drift/univariate/welch_t.hpp"
