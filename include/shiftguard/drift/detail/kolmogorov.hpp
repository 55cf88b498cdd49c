#pragma once

// Exact and asymptotic distributions of the one-sample Kolmogorov-Smirnov statistics.
//
//   smirnov_sf(n, d)               P(D_n^+ >= d), the one-sided statistic
//   kolmogorov_two_sided_sf(n, d)  P(D_n >= d),   the two-sided statistic
//
// The two-sample KS test in asymptotic mode evaluates kolmogorov_two_sided_sf(round(m n /
// (m + n)), d), as scipy.stats.ks_2samp(method="auto") does with scipy.stats.kstwo.sf. SciPy is the
// reference these functions are tested against (to 1e-8 relative wherever SciPy's value exceeds
// 1e-300), so each region of (n, d) is handled by the same method SciPy uses there, with the same
// cut-offs, even where that method is itself an approximation (the Pelz-Good expansion and the
// n > 1,000,000 one-sided approximation): matching SciPy needs the same approximation, not merely
// an accurate one.  Where SciPy's method is exact, the computation here may differ in how the
// exact value is obtained (see the one-sided sum below), but not in the value.
//
// References
//   Birnbaum Z W, Tingey F H (1951). One-sided confidence contours for probability distribution
//     functions. Ann. Math. Statist. 22(4), 592-596.
//   Durbin J (1968). The probability that the sample distribution function lies between two
//     parallel straight lines. Ann. Math. Statist. 39, 398-411.
//   Pomeranz J (1974). Exact cumulative distribution of the Kolmogorov-Smirnov statistic for
//     small samples (Algorithm 487). Comm. ACM 17(12), 703-704.
//   Pelz W, Good I J (1976). Approximating the lower tail-areas of the Kolmogorov-Smirnov
//     one-sample statistic. J. Roy. Statist. Soc. B 38(2), 152-156.
//   Loader C (2000). Fast and accurate computation of binomial probabilities.
//   Marsaglia G, Tsang W W, Wang J (2003). Evaluating Kolmogorov's distribution. J. Stat. Softw.
//     8(18), 1-4.
//   Simard R, L'Ecuyer P (2011). Computing the two-sided Kolmogorov-Smirnov distribution.
//     J. Stat. Softw. 39(11), 1-18.
//   van Mulbregt P (2018). Computing the cumulative distribution function and quantiles of the
//     one-sided Kolmogorov-Smirnov statistic. arXiv:1802.06966.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"

namespace shiftguard::drift::detail {

namespace kolmogorov_internal {

constexpr double pi = 3.14159265358979323846;
constexpr double pi_squared = 9.86960440108935861883;
constexpr double sqrt_two_pi = 2.50662827463100050242;
constexpr double log_two_pi = 1.83787706640934548356;
constexpr double ln_two = 0.693147180559945309417;
// log2(e) split into a double and the remainder, for an accurate exp(-n) with n up to 1e5.
constexpr double log2_e_high = 1.4426950408889634;
constexpr double log2_e_low = 2.035527374093103205e-17;

// Below this value of -2 n d^2 the one-sided tail is reported as 0 (SciPy's cephes MINLOG,
// log(2^-1075)).
constexpr double smirnov_underflow_log = -745.1332191019412076235;
// Above this n, P(D_n^+ >= d) is SciPy's closed-form approximation rather than the exact sum.
constexpr std::int64_t smirnov_max_exact_n = 1000000;

inline double clip_probability(double p) { return std::min(1.0, std::max(0.0, p)); }

// ---------------------------------------------------------------------------------------------
// n * d split into its integer part and its fraction without rounding error: the product of two
// doubles is held exactly as high + low (fused multiply-add), so the fraction near an integer is
// exact.  A fraction that rounds to 1 counts as the next integer, as SciPy does.
struct scaled_statistic {
  std::int64_t whole;  // floor(n d)
  double fraction;     // n d - floor(n d), in [0, 1)
};

inline scaled_statistic split_scaled_statistic(std::int64_t n, double d) {
  const double nd = static_cast<double>(n);
  const double high = nd * d;
  const double low = std::fma(nd, d, -high);
  double whole = std::floor(high);
  double fraction = (high - whole) + low;
  if (fraction < 0.0) {
    whole -= 1.0;
    fraction += 1.0;
  }
  if (fraction >= 1.0) {
    whole += 1.0;
    fraction = 0.0;
  }
  // n d < n <= 2^63 - 1, but the rounded product can reach 2^63; keep the conversion defined.
  whole = std::min(whole, 0x1p62);
  return {static_cast<std::int64_t>(whole), fraction};
}

// ---------------------------------------------------------------------------------------------
// Stirling's error term  log(z!) - (z + 1/2) log z + z - log(2 pi)/2,  z > 0 (Loader 2000).
inline double stirling_error(double z) {
  // Exact values at the integers below 15 (computed to 21 digits with mpmath).
  static constexpr std::array<double, 15> at_integer = {
      0.0,  // unused: z = 0 is handled by the callers
      0.0810614667953272582197,  0.0413406959554092940938,  0.0276779256849983391488,
      0.0207906721037650931115,  0.0166446911898211921632,  0.0138761288230707479987,
      0.0118967099458917700951,  0.0104112652619720964975,  0.00925546218271273291773,
      0.00833056343336287125647, 0.00757367548795184079497, 0.00694284010720952986566,
      0.00640899418800420706844, 0.00595137011275884773562};
  if (z < 15.0) {
    if (z == std::floor(z) && z >= 1.0) return at_integer[static_cast<std::size_t>(z)];
    // tgamma (unlike lgamma) writes no global sign variable, so this stays thread-safe.
    return std::log(std::tgamma(z + 1.0)) - (z + 0.5) * std::log(z) + z - 0.5 * log_two_pi;
  }
  // Asymptotic series with Bernoulli-number coefficients; truncation error < 1e-17 at z = 15.
  const double r = 1.0 / z;
  const double r2 = r * r;
  return r *
         (1.0 / 12 -
          r2 * (1.0 / 360 -
                r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 * (1.0 / 1188 - r2 * 691.0 / 360360)))));
}

// Deviance term  a log(a / m) + m - a  >= 0 of the saddle-point binomial (Loader 2000), with the
// difference a - m supplied separately so that it carries no cancellation error.
inline double binomial_deviance(double a, double m, double difference) {
  if (std::fabs(difference) < 0.1 * (a + m)) {
    // With r = (a - m) / (a + m):  a log((1 + r)/(1 - r)) - (a - m) = (a - m) r + 2a sum r^(2j+1)
    // / (2j + 1), j >= 1; the terms fall by a factor of at least 100.
    const double r = difference / (a + m);
    const double r2 = r * r;
    double sum = difference * r;
    double power = 2.0 * a * r;
    for (int j = 1; j < 64; ++j) {
      power *= r2;
      const double next = sum + power / (2 * j + 1);
      if (next == sum) break;
      sum = next;
    }
    return sum;
  }
  return a * std::log1p(difference / m) - difference;
}

// ---------------------------------------------------------------------------------------------
// One-sided statistic: the Birnbaum-Tingey sum.
//
//   P(D_n^+ >= d) = d * sum_{v=0}^{V} T(v),   T(v) = C(n, v) p_v^(v-1) (1 - p_v)^(n-v),
//   p_v = d + v/n,  V = n - floor(n d) - 1  (the last index with p_v < 1).
//
// All terms are positive, and p_v T(v) is the binomial probability of v successes in n trials
// with success probability p_v.  T(v) is therefore evaluated through its logarithm in Loader's
// saddle-point form (Stirling error terms plus binomial deviances), which keeps about 13
// significant digits for any n, where SciPy uses powers in double-double arithmetic; both are
// exact to far below the 1e-8 the tests ask for.
struct one_sided_terms {
  std::int64_t n;
  double d;
  scaled_statistic nd;   // n d, split exactly
  double nd_value;       // n d as a double
  double stirling_n;     // stirling_error(n)
  std::int64_t last_v;   // V

  one_sided_terms(std::int64_t n_in, double d_in, scaled_statistic nd_in)
      : n(n_in),
        d(d_in),
        nd(nd_in),
        nd_value(static_cast<double>(nd_in.whole) + nd_in.fraction),
        stirling_n(stirling_error(static_cast<double>(n_in))),
        last_v(n_in - nd_in.whole - 1) {}

  // log T(v) for real v in [0, V]; at non-integer v this is the analytic continuation through
  // the gamma function, which the smooth middle of the sum integrates.
  double log_term(double v) const {
    const double n_real = static_cast<double>(n);
    if (v == 0.0) return n_real * std::log1p(-d) - std::log(d);
    const double n_minus_v = n_real - v;
    const double whole = static_cast<double>(nd.whole);
    const double mean_success = (v + whole) + nd.fraction;          // n p_v
    const double mean_failure = (n_minus_v - whole) - nd.fraction;  // n (1 - p_v)
    const double log_binomial_probability =
        stirling_n - stirling_error(v) - stirling_error(n_minus_v) -
        binomial_deviance(v, mean_success, -nd_value) -
        binomial_deviance(n_minus_v, mean_failure, nd_value);
    // sqrt(n / (2 pi v (n - v))) from the saddle point, and 1 / p_v = n / (n p_v).
    const double prefactor =
        (n_real / mean_success) * std::sqrt(n_real / (2.0 * pi * v * n_minus_v));
    return log_binomial_probability + std::log(prefactor);
  }
};

// 21-point Gauss-Kronrod rule with its embedded 10-point Gauss rule (nodes on [-1, 1], the
// symmetric half; standard QUADPACK constants, checked to be exact to degree 31 and 19).
struct gauss_kronrod_21 {
  static constexpr std::array<double, 11> node = {
      0.995657163025808080735527280689003, 0.973906528517171720077964012084452,
      0.930157491355708226001207180059508, 0.865063366688984510732096688423493,
      0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
      0.562757134668604683339000099272694, 0.433395394129247190799265943165784,
      0.294392862701460198131126603103866, 0.148874338981631210884826001129720,
      0.0};
  static constexpr std::array<double, 11> kronrod_weight = {
      0.011694638867371874278064396062192, 0.032558162307964727478818972459390,
      0.054755896574351996031381300244580, 0.075039674810919952767043140916190,
      0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
      0.123491976262065851077958109831074, 0.134709217311473325928054001771707,
      0.142775938577060080797094273138717, 0.147739104901338491374841515972068,
      0.149445554002916905664936468389821};
  // Gauss weights of the odd-indexed nodes 1, 3, 5, 7, 9.
  static constexpr std::array<double, 5> gauss_weight = {
      0.066671344308688137593568809893332, 0.149451349150580593145776339657697,
      0.219086362515982043995534934228163, 0.269266719309996355091226921569469,
      0.295524224714752870173892994651338};
};

struct quadrature_panel {
  double lower;
  double upper;
  double value;
  double error;
};

template <typename Function>
quadrature_panel integrate_panel(const Function& f, double lower, double upper) {
  using rule = gauss_kronrod_21;
  const double center = 0.5 * (lower + upper);
  const double half = 0.5 * (upper - lower);
  const double f_center = f(center);
  double kronrod = rule::kronrod_weight[10] * f_center;
  double gauss = 0.0;
  for (std::size_t i = 0; i < 10; ++i) {
    const double pair = f(center - half * rule::node[i]) + f(center + half * rule::node[i]);
    kronrod += rule::kronrod_weight[i] * pair;
    if (i % 2 == 1) gauss += rule::gauss_weight[i / 2] * pair;
  }
  return {lower, upper, kronrod * half, std::fabs(kronrod - gauss) * half};
}

// Adaptive Gauss-Kronrod on a fixed stack of panels (no allocation): starting from the panels
// between consecutive breakpoints, bisect the panel with the largest error estimate until the
// total estimate is below relative_tolerance * (|integral| + scale).
template <std::size_t MaxPanels = 256, typename Function, std::size_t BreakCount>
double integrate_adaptive(const Function& f, const std::array<double, BreakCount>& breaks,
                          double relative_tolerance, double scale) {
  static_assert(BreakCount >= 2 && BreakCount <= MaxPanels, "bad number of breakpoints");
  std::array<quadrature_panel, MaxPanels> panels{};
  std::size_t count = 0;
  for (std::size_t i = 0; i + 1 < BreakCount; ++i) {
    if (breaks[i + 1] > breaks[i]) panels[count++] = integrate_panel(f, breaks[i], breaks[i + 1]);
  }
  while (true) {
    double total = 0.0;
    double error = 0.0;
    std::size_t worst = 0;
    for (std::size_t i = 0; i < count; ++i) {
      total += panels[i].value;
      error += panels[i].error;
      if (panels[i].error > panels[worst].error) worst = i;
    }
    if (error <= relative_tolerance * (std::fabs(total) + scale) || count == MaxPanels) {
      return total;
    }
    const quadrature_panel split = panels[worst];
    const double middle = 0.5 * (split.lower + split.upper);
    panels[worst] = integrate_panel(f, split.lower, middle);
    panels[count++] = integrate_panel(f, middle, split.upper);
  }
}

// Sum of exp(log T(v) - reference) over all v: every term, for short sums.
inline double one_sided_sum_direct(const one_sided_terms& terms, double reference) {
  double sum = 0.0;
  for (std::int64_t v = 0; v <= terms.last_v; ++v) {
    sum += std::exp(terms.log_term(static_cast<double>(v)) - reference);
  }
  return sum;
}

// The same sum for long sums, in a few hundred term evaluations instead of n (SciPy sums the n
// terms one by one, about 1 s for n = 1e6).
//
// Away from its two ends, T(v) is an analytic function of v that varies on a scale of at least
// sqrt(n) / 4 (it is a binomial probability whose success probability moves with v); its only
// singularities are the branch points p_v = 0 and p_v = 1, which lie just outside the two ends.
// For such a function the sum over the integers equals the integral (Poisson summation: the
// difference is the Fourier transform at 2 pi, exponentially small).  So the sum is split with a
// smooth partition of unity w_low + w_middle + w_high = 1 built from complementary error
// functions of width 3: the terms near each end, weighted by w_low or w_high, are summed one by
// one, and the smooth middle T(v) w_middle(v) is integrated with adaptive Gauss-Kronrod.  The
// window's own aliasing error is about exp(-pi^2 3^2) ~ 1e-38 of the sum.  Verified against the
// term-by-term sum over n up to 1e6.
inline double one_sided_sum_windowed(const one_sided_terms& terms, double reference) {
  constexpr double window_width = 3.0;
  constexpr double window_offset = 40.0;   // centre of each window, from its end of the sum
  constexpr double window_reach = 30.0;    // erfc(10) ~ 2e-45: beyond this a window is 0 or 1
  const double last = static_cast<double>(terms.last_v);
  const double low_center = window_offset;
  const double high_center = last - window_offset;
  const auto term = [&](double v) { return std::exp(terms.log_term(v) - reference); };
  // w_low(v) = erfc((v - low_center) / width) / 2, w_high(v) = erfc((high_center - v) / width) / 2.
  double ends = 0.0;
  const auto reach = static_cast<std::int64_t>(window_offset + window_reach);
  for (std::int64_t v = 0; v <= reach; ++v) {
    const double vr = static_cast<double>(v);
    ends += term(vr) * 0.5 * std::erfc((vr - low_center) / window_width);
  }
  for (std::int64_t v = terms.last_v - reach; v <= terms.last_v; ++v) {
    const double vr = static_cast<double>(v);
    ends += term(vr) * 0.5 * std::erfc((high_center - vr) / window_width);
  }
  // w_middle = (1 - w_low)(1 - w_high); the windows are far apart, so w_low w_high is below 1e-90.
  const auto middle = [&](double v) {
    double weight = 1.0;
    const double below = (low_center - v) / window_width;
    if (below > -7.0) weight *= 0.5 * std::erfc(below);
    const double above = (v - high_center) / window_width;
    if (above > -7.0) weight *= 0.5 * std::erfc(above);
    return term(v) * weight;
  };
  // Initial panels: each window transition in six panels of width 10, the middle in ten.
  std::array<double, 23> breaks{};
  for (std::size_t i = 0; i < 7; ++i) {
    breaks[i] = low_center - window_reach + 10.0 * static_cast<double>(i);
    breaks[22 - i] = high_center + window_reach - 10.0 * static_cast<double>(i);
  }
  for (std::size_t i = 1; i < 10; ++i) {
    breaks[6 + i] = breaks[6] + (breaks[16] - breaks[6]) * static_cast<double>(i) / 10.0;
  }
  // The terms carry rounding noise of about 1e-14 relative, so asking the error estimate for much
  // less than 1e-13 only spends panels on noise.
  constexpr double relative_tolerance = 1e-13;
  const double integral = integrate_adaptive(middle, breaks, relative_tolerance, ends);
  return ends + integral;
}

// P(D_n^+ >= d) for 1 <= n <= smirnov_max_exact_n and 1/n < d < 1 - 1/n: the Birnbaum-Tingey sum.
inline double one_sided_sf_sum(std::int64_t n, double d, scaled_statistic nd) {
  const one_sided_terms terms(n, d, nd);
  // Scale the terms by a value near their largest, so that neither tail under- or overflows.
  const double last = static_cast<double>(terms.last_v);
  double reference = terms.log_term(0.0);
  for (const double fraction : {0.25, 0.5, 0.75}) {
    reference = std::max(reference, terms.log_term(std::floor(fraction * last)));
  }
  constexpr std::int64_t windowed_min_terms = 200;
  const double sum = terms.last_v >= windowed_min_terms
                         ? one_sided_sum_windowed(terms, reference)
                         : one_sided_sum_direct(terms, reference);
  return std::exp(reference + std::log(d * sum));
}

// P(D_n^+ >= d) for n >= 1 and 0 <= d <= 1, region by region as SciPy's smirnov (van Mulbregt
// 2018).
inline double one_sided_sf(std::int64_t n, double d) {
  if (n == 1) return 1.0 - d;
  if (d == 0.0) return 1.0;
  if (d == 1.0) return 0.0;
  const double n_real = static_cast<double>(n);
  const scaled_statistic nd = split_scaled_statistic(n, d);
  // d <= 1/n: P(D_n^+ < d) = d (1 + d)^(n-1) exactly.
  if (nd.whole == 0 || (nd.whole == 1 && nd.fraction == 0.0)) {
    return 1.0 - d * std::exp((n_real - 1.0) * std::log1p(d));
  }
  // The tail is below exp(-2 n d^2) and underflows.
  if (-2.0 * n_real * d * d < smirnov_underflow_log) return 0.0;
  // d >= 1 - 1/n: only the first term survives; 1 - d is exact here (d >= 1/2).
  if (nd.whole >= n - 1) return std::pow(1.0 - d, n_real);
  // Large n: SciPy's approximation exp(-(6 n d + 1)^2 / (18 n)).  Against the exact sum at
  // n = 1e6 it is off by about 1e-7 relative for n d^2 <= 1, 1e-5 at n d^2 = 5, 0.4% at
  // n d^2 = 100 (p ~ 1e-87); it is kept because matching SciPy is the requirement.
  if (n > smirnov_max_exact_n) {
    const double log_p = -std::pow(6.0 * n_real * d + 1.0, 2) / 18.0 / n_real;
    if (log_p < -ln_two) return std::exp(log_p);
    return 1.0 + std::expm1(log_p);
  }
  return clip_probability(one_sided_sf_sum(n, d, nd));
}

// ---------------------------------------------------------------------------------------------
// Two-sided statistic, exact: Durbin's matrix (Durbin 1968) as evaluated by Marsaglia, Tsang &
// Wang (2003).  With n d = k - h (k integer, 0 <= h < 1) and the (2k-1) x (2k-1) matrix H,
// P(D_n < d) = n!/n^n (H^n)_{k,k}.  Only row k of H^n is formed: H is squared repeatedly and the
// row vector is multiplied by the squares that the binary digits of n select.  Both are rescaled
// by powers of two after every product, with the exponents tracked separately.
inline double durbin_matrix_cdf(std::int64_t n, double d) {
  if (d >= 1.0) return 1.0;
  const double n_real = static_cast<double>(n);
  const double nd = n_real * d;
  if (nd <= 0.5) return 0.0;
  const auto k = static_cast<Eigen::Index>(std::ceil(nd));
  const double h = static_cast<double>(k) - nd;
  const Eigen::Index m = 2 * k - 1;

  Eigen::VectorXd inverse_factorial(m + 1);  // 1 / j!
  inverse_factorial(0) = 1.0;
  for (Eigen::Index j = 1; j <= m; ++j) {
    inverse_factorial(j) = inverse_factorial(j - 1) / static_cast<double>(j);
  }
  Eigen::MatrixXd square = Eigen::MatrixXd::Zero(m, m);
  for (Eigen::Index i = 0; i < m; ++i) {
    for (Eigen::Index j = 0; j <= std::min(i + 1, m - 1); ++j) {
      square(i, j) = inverse_factorial(i - j + 1);
    }
  }
  for (Eigen::Index i = 0; i < m; ++i) {
    square(i, 0) -= std::pow(h, static_cast<double>(i + 1)) * inverse_factorial(i + 1);
    square(m - 1, i) -= std::pow(h, static_cast<double>(m - i)) * inverse_factorial(m - i);
  }
  if (2.0 * h - 1.0 > 0.0) {
    square(m - 1, 0) += std::pow(2.0 * h - 1.0, static_cast<double>(m)) * inverse_factorial(m);
  }

  const auto normalize = [](auto& values, long& exponent) {
    const double largest = values.cwiseAbs().maxCoeff();
    if (largest > 0.0 && std::isfinite(largest)) {
      int shift = 0;
      std::frexp(largest, &shift);
      values *= std::ldexp(1.0, -shift);
      exponent += shift;
    }
  };

  Eigen::RowVectorXd row = Eigen::RowVectorXd::Zero(m);
  row(k - 1) = 1.0;
  long row_exponent = 0;
  long square_exponent = 0;
  Eigen::MatrixXd product(m, m);
  Eigen::RowVectorXd next_row(m);
  for (std::int64_t remaining = n; remaining > 0; remaining >>= 1) {
    if (remaining & 1) {
      next_row.noalias() = row * square;
      row.swap(next_row);
      row_exponent += square_exponent;
      normalize(row, row_exponent);
    }
    if (remaining > 1) {
      product.noalias() = square * square;
      square.swap(product);
      square_exponent *= 2;
      normalize(square, square_exponent);
    }
  }
  double p = row(k - 1);

  // Multiply by n!/n^n.
  if (n <= 140) {
    for (std::int64_t i = 1; i <= n; ++i) {
      p *= static_cast<double>(i) / n_real;
      int shift = 0;
      p = std::frexp(p, &shift);
      row_exponent += shift;
    }
    return clip_probability(std::ldexp(p, static_cast<int>(std::max<long>(row_exponent, -2000))));
  }
  // Stirling: log2(n!/n^n) = -n log2(e) + log2(sqrt(2 pi n)) + sum_j B_2j / (2j (2j-1) n^(2j-1)) /
  // ln 2, with -n log2(e) carried to double-double precision.
  const double high = -n_real * log2_e_high;
  const double high_error = std::fma(-n_real, log2_e_high, -high) - n_real * log2_e_low;
  const double r = 1.0 / n_real;
  const double r2 = r * r;
  const double series = r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 / 1680)));
  const double whole = std::floor(high);
  const double fraction =
      (high - whole) + high_error + (0.5 * std::log(2.0 * pi * n_real) + series) / ln_two;
  const double exponent = static_cast<double>(row_exponent) + whole;
  if (exponent < -2000.0) return 0.0;
  return clip_probability(std::ldexp(p * std::exp2(fraction), static_cast<int>(exponent)));
}

// ---------------------------------------------------------------------------------------------
// Two-sided statistic, exact: Pomeranz's recursion (Pomeranz 1974, in the form of Simard &
// L'Ecuyer 2011), used for n <= 140.  The band |F_n - F| < d is cut at the points A_r (the
// integers, and the integers shifted by g = min(f, 1 - f), f the fraction of n d); each row of the
// recursion convolves the previous row with Poisson-like weights (delta/n)^j / j!, where delta is
// the gap to the next cut point (g, 2g or 1 - 2g).  Row r keeps only columns [first_r, last_r].
// P(D_n < d) = n! V_{2n+1}(n).
inline double pomeranz_cdf(std::int64_t n, double d) {
  constexpr std::size_t capacity = 64;  // n <= 140 and n d^2 <= 4 give n d < 24
  const double n_real = static_cast<double>(n);
  const double t = n_real * d;
  const auto whole = static_cast<std::int64_t>(std::floor(t));
  const double f = t - static_cast<double>(whole);
  const double g = std::min(f, 1.0 - f);
  const std::int64_t f_positive = f > 0.0 ? 1 : 0;
  const std::int64_t f_above_half = f > 0.5 ? 1 : 0;
  const auto width = static_cast<std::size_t>(2 * (whole + 1));
  if (width > capacity) return std::numeric_limits<double>::quiet_NaN();

  // (delta/n)^j / j! for the three gaps.
  std::array<double, capacity> weight_g{};
  std::array<double, capacity> weight_2g{};
  std::array<double, capacity> weight_1m2g{};
  weight_g[0] = weight_2g[0] = weight_1m2g[0] = 1.0;
  for (std::size_t j = 1; j < width; ++j) {
    const double jr = static_cast<double>(j);
    weight_g[j] = weight_g[j - 1] * (g / n_real) / jr;
    weight_2g[j] = weight_2g[j - 1] * (2.0 * g / n_real) / jr;
    weight_1m2g[j] = weight_1m2g[j - 1] * ((1.0 - 2.0 * g) / n_real) / jr;
  }

  // Columns allowed in row r (r = 0 .. 2n+1).  Odd rows sit at A = m - 1 + g, even rows at
  // A = m - g (m = (r+1)/2 or r/2), the first and last rows at 0 and n; a column j is inside the
  // band when floor(A - t) < j < ceil(A + t), with SciPy's treatment of the boundary cases.
  const auto columns = [&](std::int64_t r, std::int64_t& first, std::int64_t& last) {
    std::int64_t lo = 0;
    std::int64_t hi = 0;
    if (r == 0) {
      lo = -whole - f_positive + 1;
      hi = whole + f_positive - 1;
    } else if (r % 2 == 1) {
      const std::int64_t m = (r + 1) / 2;
      if (m == n + 1) {
        lo = n - whole - f_positive + 1;
        hi = n + whole + f_positive - 1;
      } else {
        lo = m - whole - f_above_half;
        hi = m + whole + f_positive - 2;
      }
    } else {
      const std::int64_t m = r / 2;
      lo = m - whole;
      hi = m + whole + f_above_half - 1;
    }
    first = std::max<std::int64_t>(lo, 0);
    last = std::min<std::int64_t>(hi, n);
  };

  std::array<double, capacity> previous{};
  std::array<double, capacity> current{};
  // Row 0 is a single 1 at column 0.
  previous[0] = 1.0;
  std::int64_t previous_first = 0;
  std::int64_t previous_last = 0;
  long exponent = 0;
  for (std::int64_t r = 1; r <= 2 * n + 1; ++r) {
    std::int64_t first = 0;
    std::int64_t last = 0;
    columns(r, first, last);
    const std::array<double, capacity>& weight =
        (r == 1 || r == 2 * n + 1) ? weight_g : (r % 2 == 1 ? weight_2g : weight_1m2g);
    current.fill(0.0);
    double largest = 0.0;
    for (std::int64_t j = first; j <= last; ++j) {
      double sum = 0.0;
      for (std::int64_t c = previous_first; c <= std::min(j, previous_last); ++c) {
        sum += previous[static_cast<std::size_t>(c - previous_first)] *
               weight[static_cast<std::size_t>(j - c)];
      }
      current[static_cast<std::size_t>(j - first)] = sum;
      largest = std::max(largest, sum);
    }
    if (largest > 0.0 && largest < 0x1p-128) {
      for (auto& value : current) value *= 0x1p128;
      exponent -= 128;
    }
    previous = current;
    previous_first = first;
    previous_last = last;
  }
  double answer = previous[static_cast<std::size_t>(n - previous_first)];
  for (std::int64_t i = 1; i <= n; ++i) {
    if (std::fabs(answer) > 0x1p128) {
      answer *= 0x1p-128;
      exponent += 128;
    }
    answer *= static_cast<double>(i);
  }
  return clip_probability(std::ldexp(answer, static_cast<int>(exponent)));
}

// ---------------------------------------------------------------------------------------------
// Two-sided statistic, approximate: Pelz & Good (1976).  The Li-Chien/Korolyuk expansion
// P(D_n <= d) ~ K0(z) + K1(z)/sqrt(n) + K2(z)/n + K3(z)/n^(3/2), z = d sqrt(n), rewritten with the
// Jacobi theta transformation into sums over q^((2k-1)^2) with q = exp(-pi^2 / (8 z^2)), which
// converge fast for small z.  The number of terms, k = 1 .. ceil(16 z / pi), is SciPy's.
inline double pelz_good_cdf(std::int64_t n, double d) {
  if (d <= 0.0) return 0.0;
  if (d >= 1.0) return 1.0;
  const double n_real = static_cast<double>(n);
  const double z = std::sqrt(n_real) * d;
  const double z2 = z * z;
  const double z3 = z2 * z;
  const double z4 = z2 * z2;
  const double z6 = z4 * z2;
  const double log_q = -pi_squared / 8.0 / z2;
  if (log_q < -708.0) return 0.0;
  const double q = std::exp(log_q);
  const double pi4 = pi_squared * pi_squared;
  const double pi6 = pi4 * pi_squared;

  // Coefficients of m^0, m^2, m^4, m^6 (m = 2k - 1) in the terms of K1, K2 and K3.
  const double k1_0 = -z2;
  const double k1_2 = pi_squared / 4.0;
  const double k2_0 = 6.0 * z6 + 2.0 * z4;
  const double k2_2 = (2.0 * z4 - 5.0 * z2) * pi_squared / 4.0;
  const double k2_4 = pi4 * (1.0 - 2.0 * z2) / 16.0;
  const double k3_0 = -30.0 * z6 - 90.0 * z4 * z4;
  const double k3_2 = pi_squared * (135.0 * z4 - 96.0 * z6) / 4.0;
  const double k3_4 = pi4 * (-60.0 * z2 + 212.0 * z4) / 16.0;
  const double k3_6 = pi6 * (5.0 - 30.0 * z2) / 64.0;

  const auto terms = static_cast<std::int64_t>(std::ceil(16.0 * z / pi));
  // Horner in q^(8k): sum_k c(2k-1) q^((2k-1)^2) = q (c(1) + q^8 (c(3) + q^16 (c(5) + ...))).
  std::array<double, 4> k_sum = {0.0, 0.0, 0.0, 0.0};
  for (std::int64_t k = terms; k >= 1; --k) {
    const double m = static_cast<double>(2 * k - 1);
    const double m2 = m * m;
    const double m4 = m2 * m2;
    const double m6 = m4 * m2;
    const double q_power = std::pow(q, static_cast<double>(8 * k));
    k_sum[0] = k_sum[0] * q_power + 1.0;
    k_sum[1] = k_sum[1] * q_power + (k1_0 + k1_2 * m2);
    k_sum[2] = k_sum[2] * q_power + (k2_0 + k2_2 * m2 + k2_4 * m4);
    k_sum[3] = k_sum[3] * q_power + (k3_0 + k3_2 * m2 + k3_4 * m4 + k3_6 * m6);
  }
  const std::array<double, 4> denominator = {z, 6.0 * z4, 72.0 * z4 * z3, 6480.0 * z4 * z6};
  for (std::size_t i = 0; i < 4; ++i) k_sum[i] = k_sum[i] * q * sqrt_two_pi / denominator[i];

  // The terms of K2 and K3 that run over all integers k: (pi k)^2 r^(k^2) and
  // (3 z^2 - pi^2 k^2) k^2 r^(k^2), r = exp(-pi^2 / (2 z^2)).
  const double r = std::exp(-pi_squared / 2.0 / z2);
  double k2_extra = 0.0;
  double k3_extra = 0.0;
  for (std::int64_t k = terms; k >= 1; --k) {
    const double kr = static_cast<double>(k);
    const double k2 = kr * kr;
    const double r_power = std::pow(r, k2);
    k2_extra += k2 * r_power;
    k3_extra += (3.0 * z2 - pi_squared * k2) * k2 * r_power;
  }
  k_sum[2] += k2_extra * pi_squared * sqrt_two_pi / (-36.0 * z3);
  k_sum[3] += k3_extra * pi_squared * sqrt_two_pi / (216.0 * z6);

  const double root_n = std::sqrt(n_real);
  return k_sum[0] + k_sum[1] / root_n + k_sum[2] / n_real + k_sum[3] / (n_real * root_n);
}

// log(n! / n^n) by Stirling's series, for n > 140 (Ruben-Gambino region only).
inline double log_factorial_over_power(double n) {
  const double r = 1.0 / n;
  const double r2 = r * r;
  return -n + 0.5 * std::log(2.0 * pi * n) +
         r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 / 1680)));
}

// P(D_n >= d) for n >= 1, region by region as Simard & L'Ecuyer (2011) and SciPy's kstwo.
inline double two_sided_sf(std::int64_t n, double d) {
  if (d >= 1.0) return 0.0;
  if (d <= 0.0) return 1.0;
  const double n_real = static_cast<double>(n);
  const double t = n_real * d;
  // Ruben-Gambino: for 1/(2n) < d <= 1/n, P(D_n < d) = n!/n^n (2 n d - 1)^n.
  if (t <= 1.0) {
    if (t <= 0.5) return 1.0;
    double cdf = 1.0;
    if (n <= 140) {
      const double step = 1.0 / n_real;
      const double base = 2.0 * t - 1.0;
      for (std::int64_t i = 1; i <= n; ++i) cdf *= (static_cast<double>(i) * step) * base;
    } else {
      cdf = std::exp(log_factorial_over_power(n_real) + n_real * std::log(2.0 * t - 1.0));
    }
    return clip_probability(1.0 - cdf);
  }
  // Ruben-Gambino: for d >= 1 - 1/n, P(D_n >= d) = 2 (1 - d)^n.
  if (t >= n_real - 1.0) return clip_probability(2.0 * std::pow(1.0 - d, n_real));
  // For d >= 1/2 the events D_n^+ >= d and D_n^- >= d are disjoint.
  if (d >= 0.5) return clip_probability(2.0 * one_sided_sf(n, d));

  const double n_d_squared = t * d;
  if (n <= 140) {
    if (n_d_squared <= 0.754693) return clip_probability(1.0 - durbin_matrix_cdf(n, d));
    if (n_d_squared <= 4.0) return clip_probability(1.0 - pomeranz_cdf(n, d));
    // The overlap of the two one-sided events is negligible here (Miller's approximation).
    return clip_probability(2.0 * one_sided_sf(n, d));
  }
  if (n_d_squared >= 370.0) return 0.0;
  if (n_d_squared >= 2.2) return clip_probability(2.0 * one_sided_sf(n, d));
  double cdf = 0.0;
  if (n <= 100000 && n_real * std::pow(d, 1.5) <= 1.4) {
    cdf = durbin_matrix_cdf(n, d);
  } else {
    cdf = pelz_good_cdf(n, d);
  }
  return clip_probability(1.0 - cdf);
}

inline void check_arguments(std::int64_t n, double d, const char* function) {
  if (n < 1) {
    throw shiftguard::invalid_argument(std::string(function) +
                                       ": sample size n must be at least 1, got " +
                                       std::to_string(n));
  }
  if (std::isnan(d)) {
    throw shiftguard::invalid_argument(std::string(function) + ": statistic d must not be NaN");
  }
}

}  // namespace kolmogorov_internal

/// Survival function P(D_n^+ >= d) of the one-sided one-sample Kolmogorov-Smirnov statistic
/// D_n^+ = sup_x (F_n(x) - F(x)), for a sample of size n from a continuous F.
///
/// Matches scipy.special.smirnov(n, d) for d in [0, 1].  Outside [0, 1] the survival function is
/// returned (1 below 0, 0 above 1) where SciPy returns NaN.
/// @throws shiftguard::invalid_argument if n < 1 or d is NaN.
inline double smirnov_sf(std::int64_t n, double d) {
  kolmogorov_internal::check_arguments(n, d, "smirnov_sf");
  if (d <= 0.0) return 1.0;
  if (d >= 1.0) return 0.0;
  return kolmogorov_internal::one_sided_sf(n, d);
}

/// Survival function P(D_n >= d) of the two-sided one-sample Kolmogorov-Smirnov statistic
/// D_n = sup_x |F_n(x) - F(x)|, for a sample of size n from a continuous F.
///
/// Matches scipy.stats.kstwo.sf(d, n), including its approximations (Pelz-Good for n > 140 and
/// small n d^2, and the one-sided approximation of P(D_n^+ >= d) for n > 1,000,000).
/// @throws shiftguard::invalid_argument if n < 1 or d is NaN.
inline double kolmogorov_two_sided_sf(std::int64_t n, double d) {
  kolmogorov_internal::check_arguments(n, d, "kolmogorov_two_sided_sf");
  return kolmogorov_internal::two_sided_sf(n, d);
}

}  // namespace shiftguard::drift::detail
