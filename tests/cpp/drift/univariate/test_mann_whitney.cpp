// Tests of shiftguard/drift/univariate/mann_whitney.hpp: SciPy's U and p-values (exact,
// asymptotic with and without continuity, every alternative) on golden cases, the exact
// distribution against brute-force enumeration, effect sizes, all-equal data, bad input.

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include <doctest/doctest.h>

#include "drift/univariate/numeric_test_support.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/drift/univariate/mann_whitney.hpp"

namespace drift = shiftguard::drift;
using shiftguard::test::close_to_scipy;

TEST_CASE_TEMPLATE("mann_whitney matches scipy.stats.mannwhitneyu", Scalar, float, double) {
  const drift::alternative alternatives[] = {drift::alternative::two_sided,
                                             drift::alternative::less, drift::alternative::greater};
  for (const auto& golden : shiftguard::test::numeric_golden::cases) {
    const auto samples = shiftguard::test::samples_of<Scalar>(golden);
    CAPTURE(golden.n_x);
    CAPTURE(golden.n_y);
    for (int a = 0; a < 3; ++a) {
      CAPTURE(a);
      drift::mann_whitney_options options;
      options.alternative_hypothesis = alternatives[a];
      options.method = drift::test_method::exact;
      const auto exact = drift::mann_whitney_sorted(samples.x_sorted.data(), golden.n_x,
                                                    samples.y_sorted.data(), golden.n_y, options);
      CHECK(exact.statistic == golden.mwu_statistic);
      CHECK(close_to_scipy(exact.p_value, golden.mwu_exact_p[a]));
      options.method = drift::test_method::asymptotic;
      const auto asymptotic = drift::mann_whitney(samples.x, samples.y, options);
      CHECK(close_to_scipy(asymptotic.p_value, golden.mwu_asymptotic_p[a]));
      options.use_continuity = false;
      const auto plain = drift::mann_whitney(samples.x, samples.y, options);
      CHECK(close_to_scipy(plain.p_value, golden.mwu_no_continuity_p[a]));
    }
    const auto automatic = drift::mann_whitney(samples.x, samples.y);
    const bool small = golden.n_x <= 8 || golden.n_y <= 8;
    CHECK(automatic.method == (small && !automatic.has_ties ? drift::test_method::exact
                                                            : drift::test_method::asymptotic));
  }
}

TEST_CASE("mann_whitney exact distribution equals brute-force enumeration") {
  for (const auto& [m, n] :
       std::vector<std::pair<int, int>>{{1, 1}, {2, 5}, {4, 4}, {3, 8}, {7, 6}}) {
    // U of every arrangement of positions 0..m+n-1 into samples of m and n values
    std::vector<double> u_values;
    std::vector<int> mask(static_cast<std::size_t>(m + n), 0);
    std::fill(mask.end() - m, mask.end(), 1);
    do {
      double u = 0.0;
      for (int p = 0; p < m + n; ++p) {
        if (!mask[static_cast<std::size_t>(p)]) continue;
        for (int q = 0; q < m + n; ++q) u += !mask[static_cast<std::size_t>(q)] && q < p;
      }
      u_values.push_back(u);
    } while (std::next_permutation(mask.begin(), mask.end()));
    for (std::int64_t k = 0; k <= m * n; ++k) {
      const auto reached = std::count_if(u_values.begin(), u_values.end(),
                                         [&](double u) { return u >= static_cast<double>(k); });
      const double brute = static_cast<double>(reached) / static_cast<double>(u_values.size());
      CAPTURE(m);
      CAPTURE(n);
      CAPTURE(k);
      CHECK(drift::detail::mann_whitney_exact_sf(k, m, n) == doctest::Approx(brute).epsilon(1e-13));
      CHECK(drift::detail::mann_whitney_exact_sf(k, n, m) == doctest::Approx(brute).epsilon(1e-13));
    }
  }
}

TEST_CASE("mann_whitney effect sizes count pairs") {
  const std::vector<double> x = {1.0, 2.0, 2.0, 5.0, 7.0};
  const std::vector<double> y = {0.0, 2.0, 3.0, 3.0};
  double greater = 0.0, equal = 0.0;
  for (const double a : x) {
    for (const double b : y) {
      greater += a > b;
      equal += a == b;
    }
  }
  const auto result = drift::mann_whitney_sorted(x.data(), 5, y.data(), 4);
  CHECK(result.statistic == greater + equal / 2.0);
  CHECK(result.common_language_effect_size == doctest::Approx((greater + equal / 2.0) / 20.0));
  CHECK(result.rank_biserial == doctest::Approx(2.0 * (greater + equal / 2.0) / 20.0 - 1.0));
  CHECK(result.has_ties);
}

TEST_CASE("mann_whitney all-equal data has p-value 1") {
  const std::vector<double> x(6, 2.0);
  const std::vector<double> y(9, 2.0);
  for (const bool continuity : {true, false}) {
    drift::mann_whitney_options options;
    options.use_continuity = continuity;
    const auto result = drift::mann_whitney_sorted(x.data(), 6, y.data(), 9, options);
    CHECK(result.statistic == 27.0);
    CHECK(result.p_value == 1.0);
    CHECK(result.rank_biserial == 0.0);
  }
}

TEST_CASE("mann_whitney bad input") {
  const std::vector<double> one = {1.0};
  CHECK_THROWS_WITH_AS(drift::mann_whitney_sorted(one.data(), 0, one.data(), 1),
                       doctest::Contains("at least 1 values, got n_ref=0"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(drift::test_method_from_string("permutation"),
                       doctest::Contains("method must be 'auto', 'exact' or 'asymptotic'"),
                       shiftguard::invalid_argument);
  std::vector<double> big(100000);
  std::iota(big.begin(), big.end(), 0.0);
  drift::mann_whitney_options exact;
  exact.method = drift::test_method::exact;
  CHECK_THROWS_WITH_AS(drift::mann_whitney_sorted(big.data(), 100000, big.data(), 50000, exact),
                       doctest::Contains("too expensive"), shiftguard::invalid_argument);
  Eigen::VectorXf with_nan(2);
  with_nan << 1.0f, std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH_AS(drift::mann_whitney(with_nan, with_nan),
                       doctest::Contains("mann_whitney: ref contains NaN at index 1"),
                       shiftguard::invalid_argument);
}
