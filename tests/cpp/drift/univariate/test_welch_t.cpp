// Tests of shiftguard/drift/univariate/welch_t.hpp: SciPy's t, df and p-values on golden
// cases, order independence, effect sizes, constant samples, bad input.

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <doctest/doctest.h>

#include "drift/univariate/numeric_test_support.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/drift/univariate/welch_t.hpp"

namespace drift = shiftguard::drift;
using shiftguard::test::close_to_scipy;

TEST_CASE_TEMPLATE("welch_t matches scipy.stats.ttest_ind(equal_var=False)", Scalar, float,
                   double) {
  const drift::alternative alternatives[] = {drift::alternative::two_sided,
                                             drift::alternative::less, drift::alternative::greater};
  for (const auto& golden : shiftguard::test::numeric_golden::cases) {
    const auto samples = shiftguard::test::samples_of<Scalar>(golden);
    CAPTURE(golden.n_x);
    CAPTURE(golden.n_y);
    for (int a = 0; a < 3; ++a) {
      drift::welch_t_options options;
      options.alternative_hypothesis = alternatives[a];
      const auto sorted = drift::welch_t_sorted(samples.x_sorted.data(), golden.n_x,
                                                samples.y_sorted.data(), golden.n_y, options);
      const auto unsorted = drift::welch_t(samples.x, samples.y, options);
      CHECK(close_to_scipy(sorted.statistic, golden.welch_statistic));
      CHECK(close_to_scipy(sorted.df, golden.welch_df));
      CHECK(close_to_scipy(sorted.p_value, golden.welch_p[a]));
      // compensated sums: the order of the values does not matter
      CHECK(sorted.statistic == doctest::Approx(unsorted.statistic).epsilon(1e-14));
      CHECK(sorted.p_value == doctest::Approx(unsorted.p_value).epsilon(1e-12));
    }
  }
}

TEST_CASE("welch_t effect sizes") {
  const std::vector<double> x = {1.0, 2.0, 4.0, 7.0};
  const std::vector<double> y = {0.0, 0.5, 1.0};
  const auto result = drift::welch_t_sorted(x.data(), 4, y.data(), 3);
  const double mean_x = 3.5, mean_y = 0.5;
  const double var_x = (6.25 + 2.25 + 0.25 + 12.25) / 3.0, var_y = 0.25;
  CHECK(result.mean_difference == doctest::Approx(mean_x - mean_y));
  CHECK(result.cohens_d == doctest::Approx(3.0 / std::sqrt((var_x + var_y) / 2.0)));
  CHECK(result.standard_error == doctest::Approx(std::sqrt(var_x / 4.0 + var_y / 3.0)));
  CHECK(result.statistic == doctest::Approx(3.0 / std::sqrt(var_x / 4.0 + var_y / 3.0)));
}

TEST_CASE("welch_t constant samples") {
  const std::vector<double> twos(5, 2.0);
  const std::vector<double> ones(7, 1.0);
  const auto same = drift::welch_t_sorted(twos.data(), 5, twos.data(), 5);
  CHECK(same.statistic == 0.0);
  CHECK(same.p_value == 1.0);
  CHECK(same.df == 8.0);
  const auto apart = drift::welch_t_sorted(twos.data(), 5, ones.data(), 7);
  CHECK(std::isinf(apart.statistic));
  CHECK(apart.statistic > 0.0);
  CHECK(apart.p_value == 0.0);
  drift::welch_t_options less;
  less.alternative_hypothesis = drift::alternative::less;
  CHECK(drift::welch_t_sorted(twos.data(), 5, ones.data(), 7, less).p_value == 1.0);
}

TEST_CASE("welch_t bad input") {
  const std::vector<double> one = {1.0};
  const std::vector<double> two = {1.0, 2.0};
  CHECK_THROWS_WITH_AS(drift::welch_t_sorted(two.data(), 2, one.data(), 1),
                       doctest::Contains("at least 2 values, got n_ref=2, n_cur=1"),
                       shiftguard::invalid_argument);
  Eigen::VectorXd with_nan(3);
  with_nan << 1.0, 2.0, std::numeric_limits<double>::quiet_NaN();
  Eigen::VectorXd fine(2);
  fine << 1.0, 2.0;
  CHECK_THROWS_WITH_AS(drift::welch_t(fine, with_nan),
                       doctest::Contains("cur contains NaN at index 2"),
                       shiftguard::invalid_argument);
  drift::welch_t_options omit;
  omit.nan_handling = shiftguard::nan_policy::omit;
  CHECK(drift::welch_t(with_nan, fine, omit).statistic == 0.0);
}
