// Tests of shiftguard/drift/detail/ks_two_sample.hpp against brute-force enumeration of
// every lattice path (an oracle independent of the recursion).

#include <cmath>
#include <cstdint>
#include <functional>
#include <numeric>

#include <doctest/doctest.h>

#include "shiftguard/drift/detail/ks_two_sample.hpp"

namespace detail = shiftguard::drift::detail;

namespace {
// Fraction of the C(m+n, n) arrangements whose two-sample statistic (in units of 1/lcm)
// reaches h, by enumerating every path.
double brute_force(int m, int n, std::int64_t h, bool two_sided) {
  const std::int64_t g = std::gcd(m, n);
  const std::int64_t mg = m / g, ng = n / g;
  std::int64_t hits = 0, total = 0;
  std::function<void(int, int, bool)> walk = [&](int i, int j, bool out) {
    const std::int64_t diff = ng * i - mg * j;
    out = out || (two_sided ? std::llabs(diff) >= h : diff >= h);
    if (i == m && j == n) {
      ++total;
      hits += out ? 1 : 0;
      return;
    }
    if (i < m) walk(i + 1, j, out);
    if (j < n) walk(i, j + 1, out);
  };
  walk(0, 0, false);
  return static_cast<double>(hits) / static_cast<double>(total);
}
}  // namespace

TEST_CASE("lattice recursion equals brute-force path enumeration") {
  for (int m = 1; m <= 8; ++m) {
    for (int n = 1; n <= m; ++n) {
      const std::int64_t g = std::gcd(m, n);
      const std::int64_t lcm = static_cast<std::int64_t>(m) / g * n;
      for (std::int64_t h = 1; h <= lcm; ++h) {
        CAPTURE(m);
        CAPTURE(n);
        CAPTURE(h);
        CHECK(detail::ks_lattice_outside_proportion(m, n, g, h, true) ==
              doctest::Approx(brute_force(m, n, h, true)).epsilon(1e-13));
        CHECK(detail::ks_lattice_outside_proportion(m, n, g, h, false) ==
              doctest::Approx(brute_force(m, n, h, false)).epsilon(1e-13));
        CHECK(detail::ks_lattice_outside_proportion(n, m, g, h, true) ==
              detail::ks_lattice_outside_proportion(m, n, g, h, true));
      }
    }
  }
}

TEST_CASE("equal-size closed forms equal brute force") {
  for (int n = 1; n <= 9; ++n) {
    for (int h = 1; h <= n; ++h) {
      CAPTURE(n);
      CAPTURE(h);
      CHECK(detail::ks_equal_sizes_two_sided_sf(n, h) ==
            doctest::Approx(brute_force(n, n, h, true)).epsilon(1e-13));
      CHECK(detail::ks_equal_sizes_one_sided_sf(n, h) ==
            doctest::Approx(brute_force(n, n, h, false)).epsilon(1e-13));
    }
  }
}

TEST_CASE("integer floor and ceil division") {
  CHECK(detail::floor_div(7, 2) == 3);
  CHECK(detail::floor_div(-7, 2) == -4);
  CHECK(detail::floor_div(-6, 2) == -3);
  CHECK(detail::ceil_div(7, 2) == 4);
  CHECK(detail::ceil_div(-7, 2) == -3);
}
