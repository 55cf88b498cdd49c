// Tests of shiftguard/drift/univariate/anderson_darling.hpp: SciPy's statistic, critical
// values and p-value for the three variants on golden cases, k > 2 samples against a direct
// O(N^2) evaluation of Scholz and Stephens' formula, the all-equal case, bad input.

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "drift/univariate/numeric_test_support.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/drift/univariate/anderson_darling.hpp"
#include "shiftguard/drift/univariate/cramer_von_mises.hpp"

namespace drift = shiftguard::drift;
using shiftguard::test::close_to_scipy;

TEST_CASE_TEMPLATE("anderson_darling matches scipy.stats.anderson_ksamp", Scalar, float, double) {
  const drift::anderson_darling_variant variants[] = {drift::anderson_darling_variant::midrank,
                                                      drift::anderson_darling_variant::right,
                                                      drift::anderson_darling_variant::continuous};
  for (const auto& golden : shiftguard::test::numeric_golden::cases) {
    const auto samples = shiftguard::test::samples_of<Scalar>(golden);
    CAPTURE(golden.n_x);
    CAPTURE(golden.n_y);
    for (int v = 0; v < 3; ++v) {
      CAPTURE(v);
      drift::anderson_darling_options options;
      options.variant = variants[v];
      const auto result = drift::anderson_darling_sorted(
          samples.x_sorted.data(), golden.n_x, samples.y_sorted.data(), golden.n_y, options);
      CHECK(close_to_scipy(result.statistic, golden.ad_statistic[v]));
      CHECK(close_to_scipy(result.p_value, golden.ad_p[v]));
      for (int level = 0; level < 7; ++level) {
        CHECK(close_to_scipy(result.critical_values[static_cast<std::size_t>(level)],
                             golden.ad_critical[level], 1e-12));
      }
      const auto expected_bound = golden.ad_p[v] == 0.25    ? drift::p_value_bound::capped
                                  : golden.ad_p[v] == 0.001 ? drift::p_value_bound::floored
                                                            : drift::p_value_bound::interpolated;
      CHECK(result.bound == expected_bound);
      const auto unsorted = drift::anderson_darling(samples.x, samples.y, options);
      CHECK(unsorted.statistic == result.statistic);
      // the effect size is the Cramer-von Mises one for two samples
      const auto cvm = drift::cramer_von_mises_sorted(samples.x_sorted.data(), golden.n_x,
                                                      samples.y_sorted.data(), golden.n_y);
      CHECK(result.rms_cdf_distance == doctest::Approx(cvm.rms_cdf_distance).epsilon(1e-12));
    }
  }
}

namespace {

// Scholz and Stephens (1987) eq. 7 (midrank), straight from the definition with counting
// loops: for each distinct pooled value z_j, l_j = #{pooled == z_j}, B_j = #{pooled < z_j} +
// l_j / 2, M_ij = #{sample i < z_j} + #{sample i == z_j} / 2.
double midrank_a2akn(const std::vector<std::vector<double>>& samples) {
  std::vector<double> pooled;
  for (const auto& s : samples) pooled.insert(pooled.end(), s.begin(), s.end());
  std::vector<double> distinct(pooled);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  const auto n = static_cast<double>(pooled.size());
  double total = 0.0;
  for (const auto& s : samples) {
    double inner = 0.0;
    for (const double z : distinct) {
      double l = 0.0, below = 0.0, m_below = 0.0, m_equal = 0.0;
      for (const double p : pooled) {
        l += p == z;
        below += p < z;
      }
      for (const double v : s) {
        m_below += v < z;
        m_equal += v == z;
      }
      const double b = below + l / 2.0;
      const double m = m_below + m_equal / 2.0;
      inner += l / n * (n * m - b * static_cast<double>(s.size())) *
               (n * m - b * static_cast<double>(s.size())) / (b * (n - b) - n * l / 4.0);
    }
    total += inner / static_cast<double>(s.size());
  }
  return total * (n - 1.0) / n;
}

}  // namespace

TEST_CASE("anderson_darling k samples: the statistic against a direct evaluation") {
  const std::vector<std::vector<double>> samples = {{1.0, 2.5, 2.5, 3.0, 7.0, 8.0},
                                                    {0.5, 2.5, 4.0, 4.0, 9.0},
                                                    {3.0, 3.5, 6.0, 6.5, 10.0, 11.0, 12.0},
                                                    {2.0, 5.0}};
  std::vector<Eigen::VectorXd> vectors;
  for (const auto& s : samples) {
    vectors.emplace_back(Eigen::Map<const Eigen::VectorXd>(s.data(), static_cast<long>(s.size())));
  }
  const auto result = drift::anderson_darling_ksamp(vectors);
  // statistic = (A2akN - (k - 1)) / sigma: check A2akN through the same standardization
  const auto zero = drift::anderson_darling_ksamp(std::vector<Eigen::VectorXd>{
      Eigen::VectorXd::Constant(6, 1.0), Eigen::VectorXd::Constant(5, 1.0),
      Eigen::VectorXd::Constant(7, 1.0), Eigen::VectorXd::Constant(2, 1.0)});
  // zero.statistic = -(k - 1) / sigma with the same sizes: sigma = 3 / -zero.statistic
  const double sigma = 3.0 / -zero.statistic;
  CHECK(result.statistic * sigma + 3.0 == doctest::Approx(midrank_a2akn(samples)).epsilon(1e-12));
  CHECK(zero.bound == drift::p_value_bound::capped);
  CHECK(zero.p_value == 0.25);
  CHECK(zero.rms_cdf_distance == 0.0);
}

TEST_CASE("anderson_darling bad input") {
  const std::vector<double> one = {1.0};
  const std::vector<double> two = {1.0, 2.0};
  CHECK_THROWS_WITH_AS(drift::anderson_darling_ksamp_sorted<double>({one.data()}, {1}),
                       doctest::Contains("at least 2 samples, got 1"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(
      drift::anderson_darling_ksamp_sorted<double>({one.data(), two.data()}, {1, 2}),
      doctest::Contains("at least 4 values in all, got 3"), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(
      drift::anderson_darling_ksamp_sorted<double>({one.data(), two.data()}, {0, 2}),
      doctest::Contains("sample 0 has no values"), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(drift::anderson_darling_ksamp_sorted<double>({one.data(), two.data()}, {1}),
                       doctest::Contains("2 samples but 1 sizes"), shiftguard::shape_error);
  CHECK_THROWS_WITH_AS(drift::anderson_darling_sorted(one.data(), 1, two.data(), 2),
                       doctest::Contains("at least 2 values"), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(drift::anderson_darling_variant_from_string("left"),
                       doctest::Contains("variant must be"), shiftguard::invalid_argument);
  Eigen::VectorXd with_inf(3);
  with_inf << 1.0, 2.0, std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS(
      drift::anderson_darling_ksamp(std::vector<Eigen::VectorXd>{with_inf, with_inf}),
      doctest::Contains("samples[0] contains an infinite value at index 2"),
      shiftguard::invalid_argument);
}
