// Tests of shiftguard/drift/multivariate/energy.hpp against a direct pair loop.

#include <cmath>
#include <random>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/drift/multivariate/energy.hpp"

namespace drift = shiftguard::drift;
using shiftguard::matrix;

namespace {
matrix<double> sample(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed,
                      double scale = 1.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, scale);
  matrix<double> x(rows, cols);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = normal(rng);
  return x;
}
double mean_distance(const matrix<double>& a, const matrix<double>& b) {
  long double total = 0;
  for (Eigen::Index i = 0; i < a.rows(); ++i)
    for (Eigen::Index j = 0; j < b.rows(); ++j) total += (a.row(i) - b.row(j)).norm();
  return static_cast<double>(total / (a.rows() * static_cast<long double>(b.rows())));
}
}  // namespace

TEST_CASE("energy distance equals a direct pair loop") {
  const auto x = sample(50, 3, 1);
  const auto y = sample(35, 3, 2, 1.5);
  const double expected = 2 * mean_distance(x, y) - mean_distance(x, x) - mean_distance(y, y);
  CHECK(drift::energy_distance_squared(x, y) == doctest::Approx(expected).epsilon(1e-11));
  drift::energy_options options;
  options.n_permutations = 30;
  options.n_threads = 1;
  const auto one = drift::energy_test(x, y, options);
  options.n_threads = 4;
  const auto four = drift::energy_test(x, y, options);
  CHECK(one.statistic == doctest::Approx(expected).epsilon(1e-11));
  CHECK(one.scaled_statistic == doctest::Approx(50.0 * 35.0 / 85.0 * expected).epsilon(1e-11));
  CHECK(one.permuted_statistics == four.permuted_statistics);
  CHECK(one.is_drift);
  const drift::energy_drift_detector detector(x, options);
  CHECK(detector.predict(y).permuted_statistics == one.permuted_statistics);
}

TEST_CASE("energy test bad input") {
  CHECK_THROWS_AS(drift::energy_test(sample(5, 2, 1), sample(5, 3, 2)), shiftguard::shape_error);
  CHECK_THROWS_AS(drift::energy_test(sample(1, 2, 1), sample(5, 2, 2)), shiftguard::shape_error);
}
