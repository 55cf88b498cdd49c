#pragma once

// Special functions behind the p-values of the two-sample tests: the standard normal
// distribution, the regularized incomplete gamma and beta functions, and the survival
// functions of the chi-squared, Student t, F and binomial distributions built on them.
//
// Accuracy: 1e-12 relative (usually much better) against SciPy over wide ranges (degrees of
// freedom up to 1e5, tails down to 1e-300), except the incomplete beta function with one
// shape parameter of 1e4 or more near its mode (so the t tail for dof >= 2e4), which keeps
// about 1e-11 (tests/cpp/core/test_special.cpp measures and bounds both).
// The one place such functions usually lose digits is the prefactor x^a e^-x / Gamma(a)
// (and x^a (1-x)^b / B(a, b)) when a and b are large: computed as exp(a log x - x -
// lgamma(a)) it cancels terms of size a and keeps only ~1e-16 * a relative accuracy. Here
// the prefactors are written around their peak, with log1p(u) - u evaluated without
// cancellation and the Stirling series for the remainder of Gamma, so no large terms cancel.
//
// Conventions: a NaN argument gives NaN; a parameter outside its domain (non-positive shape
// or degrees of freedom, probability outside [0, 1]) throws shiftguard::invalid_argument
// naming it. Everything is computed in double.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "shiftguard/core/errors.hpp"

namespace shiftguard::special {

namespace detail {

inline constexpr double pi = 3.141592653589793238462643383279502884;
inline constexpr double sqrt_half = 0.707106781186547524400844362104849039;
inline constexpr double epsilon = std::numeric_limits<double>::epsilon();
inline constexpr double tiny = std::numeric_limits<double>::min() / epsilon;
inline constexpr int max_iterations = 10'000'000;

inline double not_a_number() { return std::numeric_limits<double>::quiet_NaN(); }

inline void require_positive(double value, const char* name) {
  if (!(value > 0.0)) {
    throw invalid_argument(std::string("special: ") + name + " must be positive, got " +
                           std::to_string(value));
  }
}

/// log(1 + u) - u for |u| <= 0.5, without cancellation: with z = u / (2 + u),
/// log(1 + u) = 2 atanh(z) = 2 (z + z^3/3 + z^5/5 + ...) and 2 z - u = -u^2 / (2 + u).
inline double log1pmx_small(double u) {
  const double z = u / (2.0 + u);
  const double z2 = z * z;
  double power = z * z2;
  double sum = 0.0;
  for (int k = 3; k < 200; k += 2) {
    const double term = power / k;
    sum += term;
    if (std::fabs(term) <= std::fabs(sum) * 1e-17) break;
    power *= z2;
  }
  return -u * u / (2.0 + u) + 2.0 * sum;
}

/// log(r) - (r - 1), given r > 0 and u = r - 1 (each computed as accurately as the caller
/// can; u is used near r = 1, where log(r) would lose digits, and log(r) far from it, where
/// 1 + u would).
inline double log_minus_linear(double r, double u) {
  if (std::fabs(u) <= 0.5) return log1pmx_small(u);
  return std::log(r) - u;
}

/// log of Gamma*(a) = Gamma(a) / (sqrt(2 pi / a) (a / e)^a), the part of Gamma that
/// Stirling's formula leaves out; tends to 0 as a grows.
inline double log_gamma_star(double a) {
  if (a >= 10.0) {
    const double inverse = 1.0 / a;
    const double inverse2 = inverse * inverse;
    // Stirling series: sum B_{2k} / (2k (2k - 1) a^(2k-1)).
    return inverse *
           (1.0 / 12.0 +
            inverse2 * (-1.0 / 360.0 +
                        inverse2 * (1.0 / 1260.0 +
                                    inverse2 * (-1.0 / 1680.0 +
                                                inverse2 * (1.0 / 1188.0 +
                                                            inverse2 * (-691.0 / 360360.0 +
                                                                        inverse2 / 156.0))))));
  }
  return std::lgamma(a) - (a - 0.5) * std::log(a) + a - 0.5 * std::log(2.0 * pi);
}

/// x^a e^-x / Gamma(a) for a > 0, x > 0, without cancellation for large a.
inline double gamma_prefactor(double a, double x) {
  const double exponent = a * log_minus_linear(x / a, (x - a) / a);
  return std::exp(exponent - log_gamma_star(a)) * std::sqrt(a / (2.0 * pi));
}

/// P(a, x) by its power series (good for x < a + 1).
inline double gamma_p_series(double a, double x) {
  double denominator = a;
  double term = 1.0 / a;
  double sum = term;
  for (int i = 0; i < max_iterations; ++i) {
    denominator += 1.0;
    term *= x / denominator;
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum * gamma_prefactor(a, x);
}

/// Q(a, x) by its continued fraction (modified Lentz; good for x >= a + 1).
inline double gamma_q_continued_fraction(double a, double x) {
  double b = x + 1.0 - a;
  double c = 1.0 / tiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < max_iterations; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < 1e-16) break;
  }
  return h * gamma_prefactor(a, x);
}

/// x^a y^b / B(a, b) with y = 1 - x, for a, b > 0 and 0 < x < 1; written around the peak
/// x0 = a / (a + b) so that no large terms cancel.
inline double beta_prefactor(double a, double b, double x, double y) {
  const double c = a + b;
  // d = x - x0 = y0 - y, from whichever side is computed more accurately.
  const double d = x <= y ? x - a / c : b / c - y;
  const double exponent =
      a * log_minus_linear(x * c / a, d * c / a) + b * log_minus_linear(y * c / b, -d * c / b);
  const double log_stirling = log_gamma_star(c) - log_gamma_star(a) - log_gamma_star(b);
  return std::exp(exponent + log_stirling) * std::sqrt(a * b / (2.0 * pi * c));
}

/// Continued fraction of I_x(a, b) (without the prefactor / a); converges fast for
/// x < (a + 1) / (a + b + 2).
inline double beta_continued_fraction(double a, double b, double x) {
  const double a_plus_b = a + b;
  const double a_plus_one = a + 1.0;
  const double a_minus_one = a - 1.0;
  double c = 1.0;
  double d = 1.0 - a_plus_b * x / a_plus_one;
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m < max_iterations; ++m) {
    const double two_m = 2.0 * m;
    double coefficient = m * (b - m) * x / ((a_minus_one + two_m) * (a + two_m));
    d = 1.0 + coefficient * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + coefficient / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    coefficient = -(a + m) * (a_plus_b + m) * x / ((a + two_m) * (a_plus_one + two_m));
    d = 1.0 + coefficient * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + coefficient / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < 1e-16) break;
  }
  return h;
}

/// I_x(a, b) and its complement 1 - I_x(a, b) = I_y(b, a), each computed directly where it
/// is the smaller one (so both keep full relative accuracy in their tails).
struct beta_pair {
  double lower;
  double upper;
};

inline beta_pair incomplete_beta_pair(double a, double b, double x, double y) {
  if (x <= 0.0) return {0.0, 1.0};
  if (y <= 0.0) return {1.0, 0.0};
  if (x < (a + 1.0) / (a + b + 2.0)) {
    const double lower = beta_prefactor(a, b, x, y) * beta_continued_fraction(a, b, x) / a;
    return {lower, 1.0 - lower};
  }
  const double upper = beta_prefactor(b, a, y, x) * beta_continued_fraction(b, a, y) / b;
  return {1.0 - upper, upper};
}

/// x / (x + r) and r / (x + r) as a pair summing to one, for x, r >= 0 (used to map a
/// t or F statistic onto the beta argument without overflow or cancellation).
struct unit_split {
  double first;
  double second;
};

inline unit_split split_ratio(double numerator, double other) {
  if (std::isinf(numerator)) return {1.0, 0.0};
  if (numerator >= other) {
    const double ratio = other / numerator;
    return {1.0 / (1.0 + ratio), ratio / (1.0 + ratio)};
  }
  const double ratio = numerator / other;
  return {ratio / (1.0 + ratio), 1.0 / (1.0 + ratio)};
}

}  // namespace detail

/// Standard normal cumulative distribution function Phi(x).
inline double normal_cdf(double x) { return 0.5 * std::erfc(-x * detail::sqrt_half); }

/// Standard normal survival function 1 - Phi(x), accurate in the upper tail.
inline double normal_sf(double x) { return 0.5 * std::erfc(x * detail::sqrt_half); }

/// Regularized lower incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a), a > 0, x >= 0.
inline double gamma_p(double a, double x) {
  if (std::isnan(a) || std::isnan(x)) return detail::not_a_number();
  detail::require_positive(a, "a");
  if (x < 0.0) throw invalid_argument("special: x must be non-negative, got " + std::to_string(x));
  if (x == 0.0) return 0.0;
  if (std::isinf(x)) return 1.0;
  if (x < a + 1.0) return detail::gamma_p_series(a, x);
  return 1.0 - detail::gamma_q_continued_fraction(a, x);
}

/// Regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x), a > 0, x >= 0.
inline double gamma_q(double a, double x) {
  if (std::isnan(a) || std::isnan(x)) return detail::not_a_number();
  detail::require_positive(a, "a");
  if (x < 0.0) throw invalid_argument("special: x must be non-negative, got " + std::to_string(x));
  if (x == 0.0) return 1.0;
  if (std::isinf(x)) return 0.0;
  if (x < a + 1.0) return 1.0 - detail::gamma_p_series(a, x);
  return detail::gamma_q_continued_fraction(a, x);
}

/// Regularized incomplete beta function I_x(a, b), a > 0, b > 0, 0 <= x <= 1.
inline double incomplete_beta(double a, double b, double x) {
  if (std::isnan(a) || std::isnan(b) || std::isnan(x)) return detail::not_a_number();
  detail::require_positive(a, "a");
  detail::require_positive(b, "b");
  if (!(x >= 0.0 && x <= 1.0)) {
    throw invalid_argument("special: x must lie in [0, 1], got " + std::to_string(x));
  }
  return detail::incomplete_beta_pair(a, b, x, 1.0 - x).lower;
}

/// Upper tail of the chi-squared distribution with `dof` degrees of freedom: P[X >= x].
inline double chi2_sf(double x, double dof) {
  if (std::isnan(x) || std::isnan(dof)) return detail::not_a_number();
  detail::require_positive(dof, "dof");
  if (x <= 0.0) return 1.0;
  return gamma_q(0.5 * dof, 0.5 * x);
}

/// Upper tail of Student's t distribution with `dof` degrees of freedom: P[T >= t].
/// dof = +inf gives the standard normal.
inline double t_sf(double t, double dof) {
  if (std::isnan(t) || std::isnan(dof)) return detail::not_a_number();
  detail::require_positive(dof, "dof");
  if (std::isinf(dof)) return normal_sf(t);
  if (t == 0.0) return 0.5;
  // P[|T| >= |t|] = I_{dof / (dof + t^2)}(dof / 2, 1 / 2).
  const double t_abs = std::fabs(t);
  detail::unit_split split{};
  if (t_abs > std::sqrt(dof)) {
    const double scaled = t_abs / std::sqrt(dof);
    const double ratio = 1.0 / (scaled * scaled);  // dof / t^2 (0 when t^2 overflows)
    split = {ratio / (1.0 + ratio), 1.0 / (1.0 + ratio)};
  } else {
    const double scaled = t_abs / std::sqrt(dof);
    const double ratio = scaled * scaled;  // t^2 / dof
    split = {1.0 / (1.0 + ratio), ratio / (1.0 + ratio)};
  }
  const auto pair = detail::incomplete_beta_pair(0.5 * dof, 0.5, split.first, split.second);
  const double tail = 0.5 * pair.lower;  // P[T >= |t|]
  return t > 0.0 ? tail : 0.5 + 0.5 * pair.upper;
}

/// Two-sided tail of Student's t distribution: P[|T| >= |t|].
inline double t_sf_two_sided(double t, double dof) {
  if (std::isnan(t) || std::isnan(dof)) return detail::not_a_number();
  detail::require_positive(dof, "dof");
  if (std::isinf(dof)) return std::erfc(std::fabs(t) * detail::sqrt_half);
  const double t_abs = std::fabs(t);
  if (t_abs == 0.0) return 1.0;
  const double scaled = t_abs / std::sqrt(dof);
  detail::unit_split split{};
  if (scaled > 1.0) {
    const double ratio = 1.0 / (scaled * scaled);
    split = {ratio / (1.0 + ratio), 1.0 / (1.0 + ratio)};
  } else {
    const double ratio = scaled * scaled;
    split = {1.0 / (1.0 + ratio), ratio / (1.0 + ratio)};
  }
  return detail::incomplete_beta_pair(0.5 * dof, 0.5, split.first, split.second).lower;
}

/// Upper tail of the F distribution with (d1, d2) degrees of freedom: P[F >= x].
inline double f_sf(double x, double d1, double d2) {
  if (std::isnan(x) || std::isnan(d1) || std::isnan(d2)) return detail::not_a_number();
  detail::require_positive(d1, "d1");
  detail::require_positive(d2, "d2");
  if (x <= 0.0) return 1.0;
  // P[F >= x] = I_{d2 / (d2 + d1 x)}(d2 / 2, d1 / 2).
  const auto split = detail::split_ratio(d2, d1 * x);
  if (std::isinf(x)) return 0.0;
  return detail::incomplete_beta_pair(0.5 * d2, 0.5 * d1, split.first, split.second).lower;
}

/// Upper tail of the binomial distribution: P[X >= k] for X ~ Binomial(n, p).
/// (SciPy's scipy.stats.binom.sf(k, n, p) is P[X > k], i.e. binomial_sf(k + 1, n, p).)
inline double binomial_sf(std::int64_t k, std::int64_t n, double p) {
  if (std::isnan(p)) return detail::not_a_number();
  if (n < 0) throw invalid_argument("special: n must be non-negative, got " + std::to_string(n));
  if (!(p >= 0.0 && p <= 1.0)) {
    throw invalid_argument("special: p must lie in [0, 1], got " + std::to_string(p));
  }
  if (k <= 0) return 1.0;
  if (k > n) return 0.0;
  // P[X >= k] = I_p(k, n - k + 1).
  return detail::incomplete_beta_pair(static_cast<double>(k), static_cast<double>(n - k + 1), p,
                                      1.0 - p)
      .lower;
}

}  // namespace shiftguard::special
