// Tests of shiftguard/drift/multivariate/lsdd.hpp: the statistic against a direct
// computation of h^T W h, thread independence, given centres, bad input. (The comparison
// with alibi-detect's LSDDDrift on the same centres is in tests/python and the benchmark.)

#include <cmath>
#include <random>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Dense>

#include "shiftguard/drift/multivariate/lsdd.hpp"

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
}  // namespace

TEST_CASE("LSDD statistic equals h^T W h computed directly") {
  const auto x = sample(60, 2, 1);
  const auto y = sample(30, 2, 2, 0.5);
  drift::lsdd_options options;
  options.n_permutations = 40;
  options.n_threads = 1;
  const std::vector<Eigen::Index> centres = {3, 10, 17};
  const drift::lsdd_drift_detector detector(x, options, centres);
  const auto result = detector.predict(y);
  // Direct: standardise, kernel to centres, h, W with the chosen lambda.
  const Eigen::RowVectorXd mean = x.colwise().mean();
  const matrix<double> centred = x.rowwise() - mean;
  const Eigen::RowVectorXd sd =
      (centred.colwise().squaredNorm() / 59.0).cwiseSqrt();
  auto standardise = [&](const matrix<double>& m) {
    matrix<double> z = m.rowwise() - mean;
    return matrix<double>(z.array().rowwise() / sd.array());
  };
  const matrix<double> zx = standardise(x);
  const matrix<double> zy = standardise(y);
  const double s = detector.sigma();
  Eigen::VectorXd h = Eigen::VectorXd::Zero(3);
  matrix<double> gram(3, 3);
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b)
      gram(a, b) = std::exp(-(zx.row(centres[a]) - zx.row(centres[b])).squaredNorm() / (4 * s * s));
    double sum_x = 0;
    int count = 0;
    for (int i = 0; i < 60; ++i) {
      if (i == 3 || i == 10 || i == 17) continue;
      sum_x += std::exp(-(zx.row(i) - zx.row(centres[a])).squaredNorm() / (2 * s * s));
      ++count;
    }
    double sum_y = 0;
    for (int i = 0; i < 30; ++i)
      sum_y += std::exp(-(zy.row(i) - zx.row(centres[a])).squaredNorm() / (2 * s * s));
    h(a) = sum_x / count - sum_y / 30;
  }
  const matrix<double> inverse = (gram + result.lambda * matrix<double>::Identity(3, 3)).inverse();
  const matrix<double> w = 2 * inverse - inverse * gram * inverse;
  CHECK(result.statistic == doctest::Approx(h.dot(w * h)).epsilon(1e-10));
  options.n_threads = 3;
  const drift::lsdd_drift_detector threaded(x, options, centres);
  CHECK(threaded.predict(y).permuted_statistics == result.permuted_statistics);
  CHECK(detector.center_rows() == centres);
  CHECK(detector.n_reference() == 60);
}

TEST_CASE("LSDD default centres and bad input") {
  const auto x = sample(200, 3, 4);
  const drift::lsdd_drift_detector detector(x);
  CHECK(detector.center_rows().size() == 10);  // max(200 / 20, 1)
  CHECK(detector.predict(sample(100, 3, 5, 0.6)).is_drift);
  auto constant = sample(50, 3, 6);
  constant.col(1).setConstant(4.0);
  CHECK_THROWS_WITH_AS(drift::lsdd_drift_detector{constant},
                       doctest::Contains("column 1 is constant"),
                       shiftguard::invalid_argument);
  drift::lsdd_options options;
  CHECK_THROWS_WITH_AS(drift::lsdd_drift_detector(x, options, {0, 0}),
                       doctest::Contains("appears twice"), shiftguard::invalid_argument);
  CHECK_THROWS_AS(detector.predict(sample(10, 4, 1)), shiftguard::shape_error);
}
