// Tests of shiftguard/drift/univariate/cramer_von_mises.hpp: SciPy's statistic and p-values
// (exact and asymptotic) on golden cases, the exact distribution against brute-force
// enumeration, the effect size, bad input.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <vector>

#include <doctest/doctest.h>

#include "drift/univariate/numeric_test_support.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/drift/univariate/cramer_von_mises.hpp"

namespace drift = shiftguard::drift;
using shiftguard::test::close_to_scipy;

TEST_CASE_TEMPLATE("cramer_von_mises matches scipy.stats.cramervonmises_2samp", Scalar, float,
                   double) {
  for (const auto& golden : shiftguard::test::numeric_golden::cases) {
    const auto samples = shiftguard::test::samples_of<Scalar>(golden);
    CAPTURE(golden.n_x);
    CAPTURE(golden.n_y);
    drift::cramer_von_mises_options options;
    options.method = drift::test_method::asymptotic;
    const auto asymptotic = drift::cramer_von_mises_sorted(
        samples.x_sorted.data(), golden.n_x, samples.y_sorted.data(), golden.n_y, options);
    CHECK(close_to_scipy(asymptotic.statistic, golden.cvm_statistic));
    CHECK(close_to_scipy(asymptotic.p_value, golden.cvm_asymptotic_p, 1e-8, 1e-14));
    CHECK(asymptotic.method == drift::test_method::asymptotic);
    // the unsorted overload gives the same result
    const auto unsorted = drift::cramer_von_mises(samples.x, samples.y, options);
    CHECK(unsorted.statistic == asymptotic.statistic);
    CHECK(unsorted.p_value == asymptotic.p_value);
    if (golden.cvm_exact_p >= 0.0) {
      options.method = drift::test_method::exact;
      const auto exact = drift::cramer_von_mises(samples.x, samples.y, options);
      CHECK(close_to_scipy(exact.p_value, golden.cvm_exact_p));
      CHECK(exact.method == drift::test_method::exact);
    }
    const auto automatic = drift::cramer_von_mises(samples.x, samples.y);
    CHECK(automatic.method == (std::max(golden.n_x, golden.n_y) <= 20
                                   ? drift::test_method::exact
                                   : drift::test_method::asymptotic));
  }
}

TEST_CASE("cramer_von_mises exact p-value equals brute-force enumeration of arrangements") {
  // Every way to choose which m of the pooled positions 1..m+n belong to the first sample;
  // the share whose statistic reaches the observed one.
  for (const auto& [m, n] : std::vector<std::pair<int, int>>{{2, 3}, {4, 4}, {3, 7}, {6, 5}}) {
    std::vector<double> statistics;
    std::vector<int> mask(static_cast<std::size_t>(m + n), 0);
    std::fill(mask.begin(), mask.begin() + m, 1);
    std::sort(mask.begin(), mask.end());
    do {
      std::vector<double> x, y;
      for (int p = 0; p < m + n; ++p) (mask[static_cast<std::size_t>(p)] ? x : y).push_back(p);
      statistics.push_back(
          drift::cramer_von_mises_sorted(x.data(), m, y.data(), n, {drift::test_method::asymptotic})
              .statistic);
    } while (std::next_permutation(mask.begin(), mask.end()));
    // a few observed configurations
    for (std::size_t pick : {std::size_t{0}, statistics.size() / 3, statistics.size() - 1}) {
      const double observed = statistics[pick];
      const auto reached = std::count_if(statistics.begin(), statistics.end(),
                                         [&](double s) { return s >= observed - 1e-12; });
      const double brute = static_cast<double>(reached) / static_cast<double>(statistics.size());
      // rebuild the samples of that configuration
      std::vector<int> config(static_cast<std::size_t>(m + n), 0);
      std::fill(config.begin(), config.begin() + m, 1);
      std::sort(config.begin(), config.end());
      for (std::size_t k = 0; k < pick; ++k) std::next_permutation(config.begin(), config.end());
      std::vector<double> x, y;
      for (int p = 0; p < m + n; ++p) (config[static_cast<std::size_t>(p)] ? x : y).push_back(p);
      const auto exact =
          drift::cramer_von_mises_sorted(x.data(), m, y.data(), n, {drift::test_method::exact});
      CAPTURE(m);
      CAPTURE(n);
      CHECK(exact.p_value == doctest::Approx(brute).epsilon(1e-12));
    }
  }
}

TEST_CASE("cramer_von_mises effect size is the RMS ECDF distance over the pooled sample") {
  const std::vector<double> x = {0.1, 0.4, 0.4, 1.0, 2.0};
  const std::vector<double> y = {0.3, 0.4, 1.5, 2.5, 3.0, 3.5};
  const auto result = drift::cramer_von_mises_sorted(x.data(), 5, y.data(), 6);
  std::vector<double> pooled(x);
  pooled.insert(pooled.end(), y.begin(), y.end());
  double sum = 0.0;
  for (const double value : pooled) {
    const auto f = static_cast<double>(std::upper_bound(x.begin(), x.end(), value) - x.begin()) / 5;
    const auto g = static_cast<double>(std::upper_bound(y.begin(), y.end(), value) - y.begin()) / 6;
    sum += (f - g) * (f - g);
  }
  CHECK(result.rms_cdf_distance == doctest::Approx(std::sqrt(sum / 11.0)).epsilon(1e-14));
  const auto same = drift::cramer_von_mises_sorted(x.data(), 5, x.data(), 5);
  CHECK(same.rms_cdf_distance == 0.0);
}

TEST_CASE("cramer_von_mises bad input") {
  const std::vector<double> one = {1.0};
  const std::vector<double> three = {1.0, 2.0, 3.0};
  CHECK_THROWS_WITH_AS(drift::cramer_von_mises_sorted(one.data(), 1, three.data(), 3),
                       doctest::Contains("at least 2 values, got n_ref=1"),
                       shiftguard::invalid_argument);
  Eigen::VectorXd with_nan(3);
  with_nan << 1.0, std::numeric_limits<double>::quiet_NaN(), 2.0;
  Eigen::VectorXd fine(3);
  fine << 1.0, 2.0, 3.0;
  CHECK_THROWS_WITH_AS(drift::cramer_von_mises(with_nan, fine),
                       doctest::Contains("ref contains NaN at index 1"),
                       shiftguard::invalid_argument);
  drift::cramer_von_mises_options omit;
  omit.nan_handling = shiftguard::nan_policy::omit;
  CHECK(drift::cramer_von_mises(with_nan, fine, omit).statistic ==
        drift::cramer_von_mises(Eigen::VectorXd(Eigen::Vector2d(1.0, 2.0)), fine).statistic);
  Eigen::MatrixXd matrix = Eigen::MatrixXd::Ones(3, 2);
  CHECK_THROWS_WITH_AS(drift::cramer_von_mises(matrix, fine), doctest::Contains("must be a vector"),
                       shiftguard::shape_error);
  std::vector<double> big(400);
  std::iota(big.begin(), big.end(), 0.0);
  std::vector<double> other(401);
  std::iota(other.begin(), other.end(), 0.5);
  CHECK_THROWS_WITH_AS(drift::cramer_von_mises_sorted(big.data(), 400, other.data(), 401,
                                                      {drift::test_method::exact}),
                       doctest::Contains("'exact'"), shiftguard::invalid_argument);
}
