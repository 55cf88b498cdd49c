// Tests of shiftguard/drift/detail/kolmogorov.hpp against SciPy's values (golden/), bad input,
// and basic properties of the two survival functions.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "golden/kolmogorov_golden.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/drift/detail/kolmogorov.hpp"

namespace {

using shiftguard::drift::detail::kolmogorov_two_sided_sf;
using shiftguard::drift::detail::smirnov_sf;

// The project's agreement with SciPy: 1e-8 relative above 1e-300, 1e-300 absolute below.
constexpr double relative_tolerance = 1e-8;
constexpr double tiny = 1e-300;

bool matches_scipy(double ours, double scipy_value) {
  if (scipy_value > tiny) return std::fabs(ours - scipy_value) <= relative_tolerance * scipy_value;
  return std::fabs(ours - scipy_value) <= tiny;
}

}  // namespace

TEST_CASE("kolmogorov_two_sided_sf matches scipy.stats.kstwo.sf") {
  for (const auto& row : shiftguard::test::kolmogorov_golden) {
    const double ours = kolmogorov_two_sided_sf(row.n, row.d);
    CAPTURE(row.n);
    CAPTURE(row.d);
    CAPTURE(ours);
    CAPTURE(row.two_sided_sf);
    CHECK(matches_scipy(ours, row.two_sided_sf));
  }
}

TEST_CASE("smirnov_sf matches scipy.special.smirnov") {
  for (const auto& row : shiftguard::test::kolmogorov_golden) {
    const double ours = smirnov_sf(row.n, row.d);
    CAPTURE(row.n);
    CAPTURE(row.d);
    CAPTURE(ours);
    CAPTURE(row.one_sided_sf);
    CHECK(matches_scipy(ours, row.one_sided_sf));
  }
}

TEST_CASE("bad arguments throw invalid_argument naming the argument") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(smirnov_sf(0, 0.1), doctest::Contains("n must be at least 1, got 0"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(smirnov_sf(-1, 0.1), doctest::Contains("n must be at least 1, got -1"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(smirnov_sf(10, nan), doctest::Contains("d must not be NaN"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(kolmogorov_two_sided_sf(0, 0.1),
                       doctest::Contains("n must be at least 1, got 0"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(kolmogorov_two_sided_sf(-1, 0.1),
                       doctest::Contains("n must be at least 1, got -1"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(kolmogorov_two_sided_sf(10, nan), doctest::Contains("d must not be NaN"),
                       shiftguard::invalid_argument);
  // The messages name the function too, and the type derives from shiftguard::error.
  CHECK_THROWS_WITH_AS(kolmogorov_two_sided_sf(0, 0.1),
                       doctest::Contains("kolmogorov_two_sided_sf"), shiftguard::error);
}

TEST_CASE("survival functions are probabilities, 1 at d = 0, 0 at d = 1, non-increasing in d") {
  const std::vector<std::int64_t> sizes = {1,     2,     3,      7,      30,      140,    141,
                                           1000,  20000, 100000, 100001, 1000001, 10000000};
  for (const std::int64_t n : sizes) {
    CAPTURE(n);
    CHECK(kolmogorov_two_sided_sf(n, 0.0) == 1.0);
    CHECK(smirnov_sf(n, 0.0) == 1.0);
    CHECK(kolmogorov_two_sided_sf(n, 1.0) == 0.0);
    CHECK(smirnov_sf(n, 1.0) == 0.0);
    // Outside [0, 1] the survival functions saturate.
    CHECK(kolmogorov_two_sided_sf(n, -0.5) == 1.0);
    CHECK(smirnov_sf(n, -0.5) == 1.0);
    CHECK(kolmogorov_two_sided_sf(n, 1.5) == 0.0);
    CHECK(smirnov_sf(n, 1.5) == 0.0);

    // A grid denser where the distribution has its mass (d ~ 1/sqrt(n)) and across [0, 1].
    std::vector<double> grid;
    const double scale = 1.0 / std::sqrt(static_cast<double>(n));
    for (int i = 0; i <= 400; ++i) grid.push_back(std::min(1.0, 4.0 * scale * i / 400.0));
    for (int i = 0; i <= 100; ++i) grid.push_back(i / 100.0);
    std::sort(grid.begin(), grid.end());

    double previous_two = 1.0;
    double previous_one = 1.0;
    for (const double d : grid) {
      CAPTURE(d);
      const double two = kolmogorov_two_sided_sf(n, d);
      const double one = smirnov_sf(n, d);
      CHECK(two >= 0.0);
      CHECK(two <= 1.0);
      CHECK(one >= 0.0);
      CHECK(one <= 1.0);
      // Non-increasing, up to rounding where SciPy's regions meet.
      CHECK(two <= previous_two * (1.0 + 1e-9) + 1e-300);
      CHECK(one <= previous_one * (1.0 + 1e-9) + 1e-300);
      previous_two = two;
      previous_one = one;
    }
  }
}

TEST_CASE("two-sided tail lies between the one-sided tail and twice it") {
  // P(D_n^+ >= d) <= P(D_n >= d) <= 2 P(D_n^+ >= d), with equality on the right for d >= 1/2
  // (SciPy uses the right-hand side itself once n d^2 is large, hence the small allowance).
  for (const std::int64_t n : {5, 50, 140, 500, 5000, 50000}) {
    for (int i = 1; i < 50; ++i) {
      const double d = 3.0 * i / 50.0 / std::sqrt(static_cast<double>(n));
      if (d >= 1.0) continue;
      CAPTURE(n);
      CAPTURE(d);
      const double one = smirnov_sf(n, d);
      const double two = kolmogorov_two_sided_sf(n, d);
      CHECK(two >= one * (1.0 - 1e-9));
      CHECK(two <= 2.0 * one * (1.0 + 1e-9) + 1e-300);
    }
  }
}
