#pragma once

// Null distribution of the two-sample Kolmogorov-Smirnov statistic for samples of sizes
// n1 and n2 (continuous data, no ties), computed exactly from lattice-path counts.
//
// A pair of samples is a monotone lattice path from (0, 0) to (m, n), one step right per
// observation of the larger sample and one step up per observation of the smaller. The
// statistic reaches h / lcm(m, n) exactly when the path touches a point with
// |n*i - m*j| / gcd >= h (two-sided) or (n*i - m*j) / gcd >= h (one-sided). Every path is
// equally likely under the null hypothesis, so p-values are proportions of paths.
//
// References: Hodges (1958), "The significance probability of the Smirnov two-sample test";
// Viehmann (2021), arXiv:2102.08037, for carrying the proportion of paths that already
// left the band instead of path counts, which keeps small p-values accurate.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace shiftguard::drift::detail {

/// floor(a / b) for b > 0 and any sign of a.
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}

/// ceil(a / b) for b > 0 and any sign of a.
inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return -floor_div(-a, b); }

/// P(D_{n,n} >= h/n) for two samples of equal size n, two-sided.
/// Sum of alternating ratios of binomials, evaluated as nested products
/// 2 A_0 (1 - A_1 (1 - A_2 (...))) with A_k = C(2n, n-(k+1)h) / C(2n, n-kh), which avoids
/// the cancellation of the plain alternating sum.
inline double ks_equal_sizes_two_sided_sf(std::int64_t n, std::int64_t h) {
  double nested = 0.0;
  for (std::int64_t k = n / h; k >= 0; --k) {
    double ratio = 1.0;
    for (std::int64_t j = 0; j < h; ++j) {
      ratio = static_cast<double>(n - k * h - j) * ratio / static_cast<double>(n + k * h + j + 1);
    }
    nested = ratio * (1.0 - nested);
  }
  return 2.0 * nested;
}

/// P(D+_{n,n} >= h/n) for two samples of equal size n, one-sided: C(2n, n-h) / C(2n, n).
inline double ks_equal_sizes_one_sided_sf(std::int64_t n, std::int64_t h) {
  double p = 1.0;
  for (std::int64_t j = 0; j < h; ++j) {
    p *= static_cast<double>(n - j) / static_cast<double>(n + j + 1);
  }
  return p;
}

/// Proportion of lattice paths from (0,0) to (m,n) that touch a point outside the band
/// (two-sided) or beyond the lower line (one-sided), with the band given in units of
/// 1/lcm(m,n): a point (i, j) is outside when |ng*i - mg*j| >= h (two-sided) or
/// ng*i - mg*j >= h (one-sided), where mg = m/g and ng = n/g.
///
/// Let q(i, j) be the proportion of paths to (i, j) that already left the band. Then
/// q = 1 outside the band, q(0, 0) = 0, and inside the band
/// q(i, j) = (i q(i-1, j) + j q(i, j-1)) / (i + j), a convex combination, so the
/// recursion never cancels. The sweep runs over the m columns, keeping one column.
inline double ks_lattice_outside_proportion(std::int64_t m, std::int64_t n, std::int64_t g,
                                            std::int64_t h, bool two_sided) {
  if (m < n) std::swap(m, n);
  const std::int64_t mg = m / g;
  const std::int64_t ng = n / g;
  // column[j] holds q(i - 1, j) before column i is processed and q(i, j) after.
  std::vector<double> column(static_cast<std::size_t>(n + 1), 1.0);
  // Column 0: the path climbs the y axis; it stays inside while mg*j < h (two-sided band,
  // |0 - mg*j| < h); the one-sided boundary ng*0 - mg*j >= h is never reached there.
  std::int64_t low = 0;  // first inside j of the current column
  std::int64_t high = two_sided ? std::min(ceil_div(h, mg), n + 1) : n + 1;  // one past last
  for (std::int64_t j = low; j < high; ++j) column[static_cast<std::size_t>(j)] = 0.0;
  for (std::int64_t i = 1; i <= m; ++i) {
    const std::int64_t previous_low = low;
    low = std::clamp<std::int64_t>(floor_div(ng * i - h, mg) + 1, 0, n);
    high = two_sided ? std::min(ceil_div(ng * i + h, mg), n + 1) : n + 1;
    if (high <= low) return 1.0;  // every path must leave the band here
    // Points that dropped below the band in this column are outside.
    for (std::int64_t j = previous_low; j < low; ++j) column[static_cast<std::size_t>(j)] = 1.0;
    double below = (low == 0) ? 0.0 : 1.0;  // q(i, low - 1)
    const double di = static_cast<double>(i);
    for (std::int64_t j = low; j < high; ++j) {
      const double dj = static_cast<double>(j);
      const double value = (di * column[static_cast<std::size_t>(j)] + dj * below) / (di + dj);
      column[static_cast<std::size_t>(j)] = value;
      below = value;
    }
  }
  return column[static_cast<std::size_t>(n)];
}

/// log C(n + k, k) via lgamma, used only to decide whether the binomial overflows a double.
inline double log_binomial(std::int64_t total, std::int64_t k) {
  return std::lgamma(static_cast<double>(total) + 1.0) - std::lgamma(static_cast<double>(k) + 1.0) -
         std::lgamma(static_cast<double>(total - k) + 1.0);
}

}  // namespace shiftguard::drift::detail
