#pragma once

// k-sample Anderson-Darling test, as scipy.stats.anderson_ksamp(samples, variant=...)
// (Scholz and Stephens 1987): the statistic A2akN (variant "midrank", eq. 7, the default,
// for continuous and discrete data), A2kN (variant "right", eq. 6) or the continuous
// version (eq. 3), standardized as (A - (k - 1)) / sigma_N; the critical values for the
// significance levels 25%, 10%, 5%, 2.5%, 1%, 0.5% and 0.1% (Table 2 interpolated in k);
// and SciPy's p-value: exp of a quadratic least-squares fit of log(level) on the critical
// values, evaluated at the statistic, and capped at 0.25 / floored at 0.001 outside the
// tabulated range (SciPy warns there; here the result says so in p_value_bound).
//
// One walk over the sorted samples gives every count the statistic needs, so after sorting
// the test costs O(k N) for N pooled values; the two-sample entry point
// anderson_darling_sorted is the kernel a detector calls with its sorted reference.
//
// Effect size: rms_cdf_distance, the largest over pairs of samples of the root-mean-square
// difference of their empirical CDFs over the pooled sample (for two samples the same
// number as cramer_von_mises_result::rms_cdf_distance), in [0, 1].
//
// All-equal data (a single distinct value in the pooled sample): SciPy raises; here the
// unstandardized statistic is 0 (no difference), so the statistic is -(k - 1) / sigma_N and
// the p-value is capped at 0.25.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <Eigen/QR>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/univariate.hpp"
#include "shiftguard/drift/univariate/common.hpp"

namespace shiftguard::drift {

/// Version of the Anderson-Darling statistic (SciPy's variant= strings).
enum class anderson_darling_variant {
  midrank,     ///< "midrank": midrank empirical CDFs, for continuous and discrete data
  right,       ///< "right": right-continuous empirical CDFs, for discrete data
  continuous,  ///< "continuous": the statistic for data without ties
};

inline const char* to_string(anderson_darling_variant value) {
  switch (value) {
    case anderson_darling_variant::midrank:
      return "midrank";
    case anderson_darling_variant::right:
      return "right";
    case anderson_darling_variant::continuous:
      return "continuous";
  }
  return "?";
}

/// Parses "midrank", "right" or "continuous" ("discrete", the name SciPy's notes use, is
/// accepted for "right").
inline anderson_darling_variant anderson_darling_variant_from_string(const std::string& name) {
  if (name == "midrank") return anderson_darling_variant::midrank;
  if (name == "right" || name == "discrete") return anderson_darling_variant::right;
  if (name == "continuous") return anderson_darling_variant::continuous;
  throw invalid_argument("variant must be 'midrank', 'right' or 'continuous', got '" + name + "'");
}

/// Where the p-value lies relative to the tabulated significance levels.
enum class p_value_bound {
  interpolated,  ///< inside the table: interpolated
  capped,        ///< statistic below the 25% critical value: reported 0.25, true value larger
  floored,       ///< statistic above the 0.1% critical value: reported 0.001, true value smaller
};

inline const char* to_string(p_value_bound value) {
  switch (value) {
    case p_value_bound::interpolated:
      return "interpolated";
    case p_value_bound::capped:
      return "capped";
    case p_value_bound::floored:
      return "floored";
  }
  return "?";
}

/// Options of the Anderson-Darling test.
struct anderson_darling_options {
  anderson_darling_variant variant = anderson_darling_variant::midrank;
  nan_policy nan_handling = nan_policy::raise;  ///< used by the unsorted overloads only
};

/// Significance levels of anderson_darling_result::critical_values.
inline constexpr std::array<double, 7> anderson_darling_levels = {0.25, 0.1,   0.05, 0.025,
                                                                  0.01, 0.005, 0.001};

/// Result of the k-sample Anderson-Darling test.
struct anderson_darling_result {
  double statistic = 0.0;                   ///< standardized statistic (SciPy's statistic)
  double p_value = 0.25;                    ///< interpolated, capped at 0.25 and floored at 0.001
  std::array<double, 7> critical_values{};  ///< for anderson_darling_levels
  p_value_bound bound = p_value_bound::interpolated;
  anderson_darling_variant variant = anderson_darling_variant::midrank;
  double rms_cdf_distance = 0.0;  ///< largest pairwise RMS ECDF difference over the pooled data
};

namespace detail {

/// Standardizes the unstandardized statistic and computes the critical values and the
/// p-value (SciPy's anderson_ksamp after A2kN_fun).
inline void anderson_darling_finish(double a2kn, const std::vector<index>& sizes,
                                    anderson_darling_result& result) {
  const auto k = static_cast<double>(sizes.size());
  index total = 0;
  double h_inverse_sum = 0.0;  // H = sum 1 / n_i
  for (const index size : sizes) {
    total += size;
    h_inverse_sum += 1.0 / static_cast<double>(size);
  }
  const auto n = static_cast<double>(total);
  // hs_cs = cumsum(1 / (N-1), 1 / (N-2), ..., 1 / 2); h = hs_cs[-1] + 1;
  // g = sum(hs_cs[t] / (t + 2)).
  double cumulative = 0.0;
  double g = 0.0;
  for (index t = 0; t + 2 <= total - 1; ++t) {
    cumulative += 1.0 / static_cast<double>(total - 1 - t);
    g += cumulative / static_cast<double>(t + 2);
  }
  const double h = cumulative + 1.0;
  const double big_h = h_inverse_sum;
  const double a = (4.0 * g - 6.0) * (k - 1.0) + (10.0 - 6.0 * g) * big_h;
  const double b = (2.0 * g - 4.0) * k * k + 8.0 * h * k + (2.0 * g - 14.0 * h - 4.0) * big_h -
                   8.0 * h + 4.0 * g - 6.0;
  const double c = (6.0 * h + 2.0 * g - 2.0) * k * k + (4.0 * h - 4.0 * g + 6.0) * k +
                   (2.0 * h - 6.0) * big_h + 4.0 * h;
  const double d = (2.0 * h + 6.0) * k * k - 4.0 * h * k;
  const double sigma_squared =
      (a * n * n * n + b * n * n + c * n + d) / ((n - 1.0) * (n - 2.0) * (n - 3.0));
  const double m = k - 1.0;
  result.statistic = (a2kn - m) / std::sqrt(sigma_squared);

  // Scholz and Stephens (1987), Table 2: critical value = b0 + b1 / sqrt(m) + b2 / m.
  constexpr std::array<double, 7> b0 = {0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085};
  constexpr std::array<double, 7> b1 = {-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615};
  constexpr std::array<double, 7> b2 = {-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154};
  for (std::size_t level = 0; level < 7; ++level) {
    result.critical_values[level] = b0[level] + b1[level] / std::sqrt(m) + b2[level] / m;
  }
  const auto [lowest, highest] =
      std::minmax_element(result.critical_values.begin(), result.critical_values.end());
  if (result.statistic < *lowest) {
    result.p_value = 0.25;
    result.bound = p_value_bound::capped;
  } else if (result.statistic > *highest) {
    result.p_value = 0.001;
    result.bound = p_value_bound::floored;
  } else {
    // Least-squares quadratic through (critical value, log level), as numpy.polyfit.
    Eigen::Matrix<double, 7, 3> vandermonde;
    Eigen::Matrix<double, 7, 1> target;
    for (int level = 0; level < 7; ++level) {
      const double x = result.critical_values[static_cast<std::size_t>(level)];
      vandermonde(level, 0) = x * x;
      vandermonde(level, 1) = x;
      vandermonde(level, 2) = 1.0;
      target(level) = std::log(anderson_darling_levels[static_cast<std::size_t>(level)]);
    }
    const Eigen::Vector3d coefficients = vandermonde.colPivHouseholderQr().solve(target);
    const double x = result.statistic;
    result.p_value = std::exp((coefficients(0) * x + coefficients(1)) * x + coefficients(2));
    result.bound = p_value_bound::interpolated;
  }
}

}  // namespace detail

/// k-sample Anderson-Darling test of ascending, finite samples: `samples[i]` points to
/// `sizes[i]` values. Needs at least 2 samples, each non-empty, and at least 4 values in all.
template <class Scalar>
anderson_darling_result anderson_darling_ksamp_sorted(
    const std::vector<const Scalar*>& samples, const std::vector<index>& sizes,
    const anderson_darling_options& options = {}) {
  static_assert(std::is_floating_point_v<Scalar>, "anderson_darling needs float or double samples");
  const std::size_t n_samples = samples.size();
  if (n_samples < 2) {
    throw invalid_argument("anderson_darling: needs at least 2 samples, got " +
                           std::to_string(n_samples));
  }
  if (sizes.size() != n_samples) {
    throw shape_error("anderson_darling: got " + std::to_string(n_samples) + " samples but " +
                      std::to_string(sizes.size()) + " sizes");
  }
  index total = 0;
  for (std::size_t i = 0; i < n_samples; ++i) {
    if (sizes[i] < 1) {
      throw invalid_argument("anderson_darling: sample " + std::to_string(i) + " has no values");
    }
    if (samples[i] == nullptr) {
      throw invalid_argument("anderson_darling: sample data must not be null");
    }
    total += sizes[i];
  }
  if (total < 4) {
    throw invalid_argument("anderson_darling: needs at least 4 values in all, got " +
                           std::to_string(total));
  }
  const auto n = static_cast<double>(total);
  std::vector<index> position(n_samples, 0);  // values of sample i below the current value
  std::vector<index> equal(n_samples, 0);
  std::vector<double> inner_sums(n_samples, 0.0);
  std::vector<double> squared_distance(n_samples * n_samples, 0.0);
  index below = 0;
  index n_distinct = 0;
  const auto variant = options.variant;
  while (below < total) {
    // Next distinct value and how often each sample holds it.
    bool found = false;
    Scalar value{};
    for (std::size_t i = 0; i < n_samples; ++i) {
      if (position[i] < sizes[i] && (!found || samples[i][position[i]] < value)) {
        value = samples[i][position[i]];
        found = true;
      }
    }
    index group = 0;
    for (std::size_t i = 0; i < n_samples; ++i) {
      index count = 0;
      while (position[i] + count < sizes[i] && samples[i][position[i] + count] == value) ++count;
      equal[i] = count;
      group += count;
    }
    ++n_distinct;
    const auto l = static_cast<double>(group);
    const bool last = below + group == total;
    for (std::size_t i = 0; i < n_samples; ++i) {
      const auto size = static_cast<double>(sizes[i]);
      const auto before = static_cast<double>(position[i]);
      const auto here = static_cast<double>(equal[i]);
      if (variant == anderson_darling_variant::midrank) {
        const double b_j = static_cast<double>(below) + l / 2.0;
        const double m_ij = before + here - here / 2.0;
        const double deviation = n * m_ij - b_j * size;
        const double denominator = b_j * (n - b_j) - n * l / 4.0;
        if (denominator != 0.0) inner_sums[i] += l / n * deviation * deviation / denominator;
      } else if (variant == anderson_darling_variant::right) {
        if (!last) {
          const double b_j = static_cast<double>(below + group);
          const double m_ij = before + here;
          const double deviation = n * m_ij - b_j * size;
          inner_sums[i] += l / n * deviation * deviation / (b_j * (n - b_j));
        }
      } else {
        const double m_ij = before + here;
        for (index j = below + 1; j <= below + group && j <= total - 1; ++j) {
          const auto jd = static_cast<double>(j);
          const double deviation = n * m_ij - jd * size;
          inner_sums[i] += deviation * deviation / (jd * (n - jd));
        }
      }
    }
    for (std::size_t i = 0; i < n_samples; ++i) position[i] += equal[i];
    below += group;
    for (std::size_t i = 0; i < n_samples; ++i) {
      for (std::size_t j = i + 1; j < n_samples; ++j) {
        const double difference = static_cast<double>(position[i]) / static_cast<double>(sizes[i]) -
                                  static_cast<double>(position[j]) / static_cast<double>(sizes[j]);
        squared_distance[i * n_samples + j] += l * difference * difference;
      }
    }
  }
  double a2kn = 0.0;
  for (std::size_t i = 0; i < n_samples; ++i) {
    a2kn += inner_sums[i] / static_cast<double>(sizes[i]);
  }
  if (variant == anderson_darling_variant::midrank) a2kn *= (n - 1.0) / n;
  if (variant == anderson_darling_variant::continuous) a2kn /= n;
  if (n_distinct == 1) a2kn = 0.0;  // all values equal (see the header comment)

  anderson_darling_result result;
  result.variant = variant;
  for (const double value : squared_distance) {
    result.rms_cdf_distance = std::max(result.rms_cdf_distance, std::sqrt(value / n));
  }
  detail::anderson_darling_finish(a2kn, sizes, result);
  return result;
}

/// Two-sample Anderson-Darling test of two ascending, finite samples with at least 2 values
/// each (the kernel a detector calls after sorting its reference once).
template <class Scalar>
anderson_darling_result anderson_darling_sorted(const Scalar* ref_sorted, index n_ref,
                                                const Scalar* cur_sorted, index n_cur,
                                                const anderson_darling_options& options = {}) {
  static_assert(std::is_floating_point_v<Scalar>, "anderson_darling needs float or double samples");
  detail::check_sorted_samples("anderson_darling", ref_sorted, n_ref, cur_sorted, n_cur, 2);
  // The k-sample walk specialised to two samples (same formulas, same order of operations,
  // so the same numbers as anderson_darling_ksamp_sorted; several times faster).
  const auto n = static_cast<double>(n_ref + n_cur);
  const index total = n_ref + n_cur;
  const double sizes[2] = {static_cast<double>(n_ref), static_cast<double>(n_cur)};
  double inner_sums[2] = {0.0, 0.0};
  double squared_distance = 0.0;
  index below = 0;
  index before[2] = {0, 0};
  index n_distinct = 0;
  const auto variant = options.variant;
  detail::for_each_distinct(
      ref_sorted, n_ref, cur_sorted, n_cur, [&](Scalar, index ref_equal, index cur_equal) {
        const index equal[2] = {ref_equal, cur_equal};
        const index group = ref_equal + cur_equal;
        const auto l = static_cast<double>(group);
        ++n_distinct;
        for (int i = 0; i < 2; ++i) {
          const auto previous = static_cast<double>(before[i]);
          const auto here = static_cast<double>(equal[i]);
          if (variant == anderson_darling_variant::midrank) {
            const double b_j = static_cast<double>(below) + l / 2.0;
            const double m_ij = previous + here - here / 2.0;
            const double deviation = n * m_ij - b_j * sizes[i];
            const double denominator = b_j * (n - b_j) - n * l / 4.0;
            if (denominator != 0.0) inner_sums[i] += l / n * deviation * deviation / denominator;
          } else if (variant == anderson_darling_variant::right) {
            if (below + group != total) {
              const double b_j = static_cast<double>(below + group);
              const double m_ij = previous + here;
              const double deviation = n * m_ij - b_j * sizes[i];
              inner_sums[i] += l / n * deviation * deviation / (b_j * (n - b_j));
            }
          } else {
            const double m_ij = previous + here;
            for (index j = below + 1; j <= below + group && j <= total - 1; ++j) {
              const auto jd = static_cast<double>(j);
              const double deviation = n * m_ij - jd * sizes[i];
              inner_sums[i] += deviation * deviation / (jd * (n - jd));
            }
          }
        }
        before[0] += ref_equal;
        before[1] += cur_equal;
        below += group;
        const double difference =
            static_cast<double>(before[0]) / sizes[0] - static_cast<double>(before[1]) / sizes[1];
        squared_distance += l * difference * difference;
      });
  double a2kn = inner_sums[0] / sizes[0] + inner_sums[1] / sizes[1];
  if (variant == anderson_darling_variant::midrank) a2kn *= (n - 1.0) / n;
  if (variant == anderson_darling_variant::continuous) a2kn /= n;
  if (n_distinct == 1) a2kn = 0.0;  // all values equal (see the header comment)
  anderson_darling_result result;
  result.variant = variant;
  result.rms_cdf_distance = std::sqrt(squared_distance / n);
  detail::anderson_darling_finish(a2kn, {n_ref, n_cur}, result);
  return result;
}

/// Two-sample Anderson-Darling test (any Eigen vector expressions of float or double, in any
/// order); non-finite values follow options.nan_handling. Matches
/// scipy.stats.anderson_ksamp([ref, cur], variant=...).
template <class RefDerived, class CurDerived>
anderson_darling_result anderson_darling(const Eigen::DenseBase<RefDerived>& ref,
                                         const Eigen::DenseBase<CurDerived>& cur,
                                         const anderson_darling_options& options = {}) {
  static_assert(std::is_same_v<typename RefDerived::Scalar, typename CurDerived::Scalar>,
                "anderson_darling: ref and cur must have the same scalar type");
  const auto ref_values =
      detail::prepare_sample(ref, options.nan_handling, "anderson_darling", "ref", 2);
  const auto cur_values =
      detail::prepare_sample(cur, options.nan_handling, "anderson_darling", "cur", 2);
  return anderson_darling_sorted(ref_values.data(), static_cast<index>(ref_values.size()),
                                 cur_values.data(), static_cast<index>(cur_values.size()), options);
}

/// k-sample Anderson-Darling test of unsorted samples (a std::vector of Eigen vectors or
/// vector views of float or double); non-finite values follow options.nan_handling. Matches
/// scipy.stats.anderson_ksamp(samples, variant=...).
template <class VectorType>
anderson_darling_result anderson_darling_ksamp(const std::vector<VectorType>& samples,
                                               const anderson_darling_options& options = {}) {
  using Scalar = typename VectorType::Scalar;
  std::vector<std::vector<Scalar>> sorted;
  sorted.reserve(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const std::string name = "samples[" + std::to_string(i) + "]";
    sorted.push_back(detail::prepare_sample(samples[i], options.nan_handling, "anderson_darling",
                                            name.c_str(), 1));
  }
  std::vector<const Scalar*> pointers;
  std::vector<index> sizes;
  for (const auto& sample : sorted) {
    pointers.push_back(sample.data());
    sizes.push_back(static_cast<index>(sample.size()));
  }
  return anderson_darling_ksamp_sorted(pointers, sizes, options);
}

}  // namespace shiftguard::drift
