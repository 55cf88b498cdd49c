#pragma once

// Two-sample Cramer-von Mises test, as scipy.stats.cramervonmises_2samp(ref, cur, method):
// the statistic T of Anderson (1962) from midranks of the pooled sample, and its p-value
// from the exact null distribution (Xiao, Gordon and Yakovlev 2006: frequencies of the
// statistic over all C(n_ref + n_cur, n_ref) arrangements, built one lattice step at a
// time) or from the asymptotic approximation (T standardized with its exact mean and
// variance, then compared with the limiting distribution of the one-sample statistic,
// Csorgo and Faraway 1996). method "auto" is exact when both samples have at most 20 values.
//
// The ranks come from one walk over the two sorted samples, so after sorting the test
// costs O(n_ref + n_cur) (plus the exact distribution when it is used).
//
// Effect size: rms_cdf_distance = sqrt(mean over the pooled sample of (F_ref - F_cur)^2),
// the root-mean-square distance between the two empirical CDFs, in [0, 1] (0 for identical
// samples); it is the quantity the statistic measures, on the scale of the KS distance.
//
// All-equal data is well defined here (every midrank equal); no special case is needed.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/univariate.hpp"
#include "shiftguard/drift/univariate/common.hpp"

namespace shiftguard::drift {

/// Options of the two-sample Cramer-von Mises test.
struct cramer_von_mises_options {
  test_method method = test_method::automatic;  ///< auto: exact when max(n_ref, n_cur) <= 20
  nan_policy nan_handling = nan_policy::raise;  ///< used by the unsorted overload only
};

/// Result of the two-sample Cramer-von Mises test.
struct cramer_von_mises_result {
  double statistic = 0.0;  ///< T (SciPy's statistic)
  double p_value = 1.0;
  test_method method = test_method::asymptotic;  ///< method actually used
  double rms_cdf_distance = 0.0;  ///< root-mean-square ECDF difference over the pooled sample
};

namespace detail {

inline constexpr double cvm_pi = 3.141592653589793238462643383279502884;

/// Largest number of (value, frequency) entries one row of the exact distribution may hold
/// (16 bytes each; two rows are kept).
inline constexpr std::size_t cvm_max_exact_entries = 5'000'000;

/// exp(-q) * K_{1/4}(q) for q > 0 (K the modified Bessel function of the second kind), by the
/// trapezoidal rule on K_nu(q) = integral_0^inf exp(-q cosh t) cosh(nu t) dt, whose
/// integrand is analytic and decays doubly exponentially (so the rule converges
/// geometrically in the step; h = 0.05 is far below double precision's needs).
inline double exp_scaled_bessel_k_quarter(double q) {
  constexpr double step = 0.05;
  double sum = 0.5 * std::exp(-2.0 * q);  // t = 0: cosh 0 = 1
  for (int i = 1; i < 100000; ++i) {
    const double t = step * i;
    const double term = std::exp(-q * (1.0 + std::cosh(t))) * std::cosh(0.25 * t);
    sum += term;
    if (term < 1e-18 * sum) break;
  }
  return step * sum;
}

/// CDF of the limiting distribution of the one-sample Cramer-von Mises statistic
/// (Csorgo and Faraway 1996, eq. 1.2), summing terms until one is below 1e-7 as SciPy's
/// _cdf_cvm_inf does (so both stop after the same terms).
inline double cvm_limiting_cdf(double x) {
  double total = 0.0;
  for (int k = 0; k < 100000; ++k) {
    const double u = std::exp(std::lgamma(k + 0.5) - std::lgamma(k + 1.0)) /
                     (std::pow(cvm_pi, 1.5) * std::sqrt(x));
    const double y = 4.0 * k + 1.0;
    const double q = y * y / (16.0 * x);
    const double term = u * std::sqrt(y) * exp_scaled_bessel_k_quarter(q);
    total += term;
    if (std::fabs(term) < 1e-7) break;
  }
  return total;
}

/// Asymptotic p-value of T (SciPy's _pval_cvm_2samp_asymptotic).
inline double cvm_asymptotic_p_value(double t, double n_x, double n_y) {
  const double k = n_x * n_y;
  const double n = n_x + n_y;
  const double mean = (1.0 + 1.0 / n) / 6.0;
  double variance = (n + 1.0) * (4.0 * k * n - 3.0 * (n_x * n_x + n_y * n_y) - 2.0 * k);
  variance = variance / (45.0 * n * n * 4.0 * k);
  const double normalized = 1.0 / 6.0 + (t - mean) / std::sqrt(45.0 * variance);
  if (!(normalized >= 0.003)) return 1.0;  // the limiting CDF is below 1.3e-18 there
  return std::max(1.0 - cvm_limiting_cdf(normalized), 0.0);
}

/// Python's float floor division a // b (CPython float_floor_div; NumPy's is the same).
inline double python_floor_divide(double a, double b) {
  double mod = std::fmod(a, b);
  double div = (a - mod) / b;
  if (mod != 0.0 && ((b < 0.0) != (mod < 0.0))) div -= 1.0;
  double floor_div = 0.0;
  if (div != 0.0) {
    floor_div = std::floor(div);
    if (div - floor_div > 0.5) floor_div += 1.0;
  } else {
    floor_div = std::copysign(0.0, a / b);
  }
  return floor_div;
}

/// Exact p-value of the two-sample statistic for U = `u` (Anderson's U, eq. 10) and sample
/// sizes m (first) and n (second): the share of the C(m + n, m) arrangements whose
/// lattice-path sum of (a v - b u)^2 reaches zeta (Xiao, Gordon and Yakovlev 2006, with
/// zeta from Anderson 1962 eq. 9, rounded down as SciPy does).
inline double cvm_exact_p_value(double u, std::int64_t m, std::int64_t n) {
  using table = std::vector<std::pair<std::int64_t, double>>;  // (value, frequency), sorted
  const std::int64_t lcm = std::lcm(m, n);
  const std::int64_t a = lcm / m;
  const std::int64_t b = lcm / n;
  const std::int64_t mn = m * n;
  if (static_cast<double>(lcm) * static_cast<double>(lcm) * static_cast<double>(m + n) > 9.0e18) {
    throw invalid_argument(
        "cramer_von_mises: method 'exact' cannot represent the statistic for "
        "samples of " +
        std::to_string(m) + " and " + std::to_string(n) + " values; use 'asymptotic' or 'auto'");
  }
  const double zeta_numerator =
      static_cast<double>(lcm * lcm * (m + n)) *
      (6.0 * u - static_cast<double>(mn) * static_cast<double>(4 * mn - 1));
  const double zeta = python_floor_divide(zeta_numerator, static_cast<double>(6 * mn * mn));
  // Each table holds at most min(#paths to it, largest value + 1) entries. Refuse up front
  // when that bound is hopeless; otherwise build row by row and stop as soon as the tables
  // in memory exceed the budget.
  const double largest_value =
      static_cast<double>(lcm) * static_cast<double>(lcm) * static_cast<double>(m + n);
  double row_bound = 0.0;
  for (std::int64_t v = 0; v <= m; ++v) {
    const double log_paths = std::lgamma(static_cast<double>(n + v) + 1.0) -
                             std::lgamma(static_cast<double>(v) + 1.0) -
                             std::lgamma(static_cast<double>(n) + 1.0);
    row_bound += std::min(std::exp(std::min(log_paths, 700.0)), largest_value + 1.0);
  }
  const auto too_expensive = [&] {
    return invalid_argument("cramer_von_mises: method 'exact' is too expensive for samples of " +
                            std::to_string(m) + " and " + std::to_string(n) +
                            " values; use 'asymptotic' or 'auto'");
  };
  if (row_bound > 1e4 * static_cast<double>(cvm_max_exact_entries)) throw too_expensive();
  std::vector<table> previous(static_cast<std::size_t>(m) + 1);
  std::vector<table> current(static_cast<std::size_t>(m) + 1);
  previous[0] = {{0, 1.0}};
  table merged;
  std::size_t entries = 0;
  for (std::int64_t row = 0; row <= n; ++row) {
    table running;  // g_{row, v - 1}
    entries = 0;
    for (std::int64_t v = 0; v <= m; ++v) {
      const table& above = previous[static_cast<std::size_t>(v)];  // g_{row - 1, v}
      merged.clear();
      merged.reserve(running.size() + above.size());
      std::size_t i = 0;
      std::size_t j = 0;
      while (i < running.size() || j < above.size()) {
        if (j >= above.size() || (i < running.size() && running[i].first < above[j].first)) {
          merged.push_back(running[i++]);
        } else if (i >= running.size() || above[j].first < running[i].first) {
          merged.push_back(above[j++]);
        } else {
          merged.emplace_back(running[i].first, running[i].second + above[j].second);
          ++i;
          ++j;
        }
      }
      const std::int64_t step = a * v - b * row;
      for (auto& entry : merged) entry.first += step * step;
      running.swap(merged);
      current[static_cast<std::size_t>(v)] = running;
      entries += running.size();
      if (entries > cvm_max_exact_entries) throw too_expensive();
    }
    previous.swap(current);
  }
  double reached = 0.0;
  double total = 0.0;
  for (const auto& [value, frequency] : previous[static_cast<std::size_t>(m)]) {
    total += frequency;
    if (static_cast<double>(value) >= zeta) reached += frequency;
  }
  return reached / total;
}

}  // namespace detail

/// Two-sample Cramer-von Mises test of two ascending, finite samples with at least 2
/// values each (the kernel a detector calls after sorting its reference once).
template <class Scalar>
cramer_von_mises_result cramer_von_mises_sorted(const Scalar* ref_sorted, index n_ref,
                                                const Scalar* cur_sorted, index n_cur,
                                                const cramer_von_mises_options& options = {}) {
  static_assert(std::is_floating_point_v<Scalar>, "cramer_von_mises needs float or double samples");
  detail::check_sorted_samples("cramer_von_mises", ref_sorted, n_ref, cur_sorted, n_cur, 2);
  // Sum over each sample of (midrank - position)^2. With c = 2 * midrank (an integer) and
  // the a positions s + 1 .. s + a of a group of ties in one sample, the terms (c - 2p)^2 are
  // an arithmetic sequence of squares with the closed form below; the sums are integers and
  // are kept exactly in long double (64-bit significand: any realistic sample size).
  const auto squares_of_group = [](index twice_midrank, index first_position, index count) {
    const auto a = static_cast<long double>(count);
    const auto d0 = static_cast<long double>(twice_midrank - 2 * first_position);
    // sum_{k=0}^{a-1} (d0 - 2k)^2 = a d0^2 - 2 d0 a (a - 1) + 2 (a - 1) a (2a - 1) / 3
    return a * d0 * d0 - 2.0L * d0 * a * (a - 1.0L) +
           2.0L * (a - 1.0L) * a * (2.0L * a - 1.0L) / 3.0L;
  };
  long double ref_sum = 0.0L;
  long double cur_sum = 0.0L;
  double squared_distance = 0.0;
  index below = 0;
  index ref_seen = 0;
  index cur_seen = 0;
  const auto n1 = static_cast<double>(n_ref);
  const auto n2 = static_cast<double>(n_cur);
  detail::for_each_distinct(
      ref_sorted, n_ref, cur_sorted, n_cur, [&](Scalar, index ref_equal, index cur_equal) {
        const index group = ref_equal + cur_equal;
        const index twice_midrank = 2 * below + group + 1;
        if (ref_equal > 0) ref_sum += squares_of_group(twice_midrank, ref_seen + 1, ref_equal);
        if (cur_equal > 0) cur_sum += squares_of_group(twice_midrank, cur_seen + 1, cur_equal);
        below += group;
        ref_seen += ref_equal;
        cur_seen += cur_equal;
        const double difference =
            static_cast<double>(ref_seen) / n1 - static_cast<double>(cur_seen) / n2;
        squared_distance += static_cast<double>(group) * difference * difference;
      });
  const double k = n1 * n2;
  const double n = n1 + n2;
  const double u =
      n1 * static_cast<double>(ref_sum / 4.0L) + n2 * static_cast<double>(cur_sum / 4.0L);
  cramer_von_mises_result result;
  result.statistic = u / (k * n) - (4.0 * k - 1.0) / (6.0 * n);
  result.rms_cdf_distance = std::sqrt(squared_distance / n);
  test_method method = options.method;
  if (method == test_method::automatic) {
    method = std::max(n_ref, n_cur) > 20 ? test_method::asymptotic : test_method::exact;
  }
  result.method = method;
  if (method == test_method::exact) {
    result.p_value = detail::cvm_exact_p_value(u, static_cast<std::int64_t>(n_ref),
                                               static_cast<std::int64_t>(n_cur));
  } else {
    result.p_value = detail::cvm_asymptotic_p_value(result.statistic, n1, n2);
  }
  return result;
}

/// Two-sample Cramer-von Mises test (any Eigen vector expressions of float or double, in
/// any order); non-finite values follow options.nan_handling. Matches
/// scipy.stats.cramervonmises_2samp(ref, cur, method=...).
template <class RefDerived, class CurDerived>
cramer_von_mises_result cramer_von_mises(const Eigen::DenseBase<RefDerived>& ref,
                                         const Eigen::DenseBase<CurDerived>& cur,
                                         const cramer_von_mises_options& options = {}) {
  static_assert(std::is_same_v<typename RefDerived::Scalar, typename CurDerived::Scalar>,
                "cramer_von_mises: ref and cur must have the same scalar type");
  const auto ref_values =
      detail::prepare_sample(ref, options.nan_handling, "cramer_von_mises", "ref", 2);
  const auto cur_values =
      detail::prepare_sample(cur, options.nan_handling, "cramer_von_mises", "cur", 2);
  return cramer_von_mises_sorted(ref_values.data(), static_cast<index>(ref_values.size()),
                                 cur_values.data(), static_cast<index>(cur_values.size()), options);
}

}  // namespace shiftguard::drift
