// Tests of shiftguard/drift/multivariate/hotelling.hpp against the textbook formulas
// computed here with an explicit matrix inverse, and F p-values from SciPy
// (scipy.stats.f.sf, printed in the comments).

#include <cmath>
#include <random>

#include <doctest/doctest.h>
#include <Eigen/Dense>

#include "shiftguard/drift/multivariate/hotelling.hpp"

namespace drift = shiftguard::drift;
using shiftguard::matrix;

namespace {
matrix<double> sample(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed, double shift = 0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  matrix<double> x(rows, cols);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = normal(rng) + shift;
  return x;
}
matrix<double> covariance(const matrix<double>& x) {
  const matrix<double> centred = x.rowwise() - x.colwise().mean();
  return centred.transpose() * centred / static_cast<double>(x.rows() - 1);
}
}  // namespace

TEST_CASE("Hotelling T^2 equals the textbook formula") {
  const auto x = sample(40, 3, 1);
  auto y = sample(30, 3, 2);
  y.col(1).array() += 0.5;
  const matrix<double> pooled = (39.0 * covariance(x) + 29.0 * covariance(y)) / 68.0;
  const Eigen::VectorXd delta = (y.colwise().mean() - x.colwise().mean()).transpose();
  const double d2 = delta.dot(pooled.inverse() * delta);
  const double t2 = 40.0 * 30.0 / 70.0 * d2;
  const auto result = drift::hotelling_test(x, y);
  CHECK(result.t2 == doctest::Approx(t2).epsilon(1e-11));
  CHECK(result.df1 == 3.0);
  CHECK(result.df2 == 66.0);
  CHECK(result.f_statistic == doctest::Approx(66.0 / (3.0 * 68.0) * t2).epsilon(1e-11));
  CHECK(result.p_value ==
        doctest::Approx(shiftguard::special::f_sf(result.f_statistic, 3, 66)).epsilon(1e-14));
  double total = 0;
  for (double c : result.contribution) total += c;
  CHECK(total == doctest::Approx(d2).epsilon(1e-11));
  CHECK(result.standardized_difference[1] ==
        doctest::Approx(delta(1) / std::sqrt(pooled(1, 1))).epsilon(1e-12));
  const drift::hotelling_drift_detector detector(x);
  const auto loaded = drift::hotelling_drift_detector::load(detector.save());
  CHECK(loaded.predict(y).t2 == doctest::Approx(t2).epsilon(1e-11));
}

TEST_CASE("Hotelling: F p-value of a fixed case matches scipy.stats.f.sf") {
  // scipy.stats.f.sf(2.5, 3, 66) with SciPy 1.17.1.
  CHECK(shiftguard::special::f_sf(2.5, 3, 66) ==
        doctest::Approx(0.06706982531906631).epsilon(1e-12));
}

TEST_CASE("Hotelling bad input") {
  auto x = sample(20, 3, 1);
  x.col(2).setConstant(1.0);
  auto y = sample(20, 3, 2);
  y.col(2).setConstant(1.0);
  CHECK_THROWS_WITH_AS(drift::hotelling_test(x, y), doctest::Contains("singular"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(drift::hotelling_test(sample(2, 5, 1), sample(3, 5, 2)),
                       doctest::Contains("n_features + 2"), shiftguard::shape_error);
  CHECK_THROWS_AS(drift::hotelling_test(sample(10, 2, 1), sample(10, 3, 2)),
                  shiftguard::shape_error);
}
