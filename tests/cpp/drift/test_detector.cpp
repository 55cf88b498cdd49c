// Tests of shiftguard/drift/detector.hpp: the multi-feature KS detector. Oracle: the
// single-feature ks_2samp (itself checked against SciPy) and seeded simulation.

#include <cmath>
#include <limits>
#include <random>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/drift/detector.hpp"

namespace drift = shiftguard::drift;

namespace {
template <class Scalar>
shiftguard::matrix<Scalar> normal_matrix(Eigen::Index rows, Eigen::Index cols, unsigned seed,
                                         double shift = 0.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  shiftguard::matrix<Scalar> x(rows, cols);
  for (Eigen::Index c = 0; c < cols; ++c)
    for (Eigen::Index r = 0; r < rows; ++r) x(r, c) = static_cast<Scalar>(normal(rng) + shift);
  return x;
}
}  // namespace

TEST_CASE_TEMPLATE("detector equals per-column ks_2samp", Scalar, float, double) {
  const auto ref = normal_matrix<Scalar>(700, 5, 1);
  auto cur = normal_matrix<Scalar>(600, 5, 2);
  cur.col(3).array() += Scalar(0.5);
  drift::ks_drift_detector<Scalar> detector(ref);
  const auto result = detector.predict(cur);
  REQUIRE(result.p_values.size() == 5);
  for (Eigen::Index c = 0; c < 5; ++c) {
    const auto single = drift::ks_2samp(ref.col(c), cur.col(c));
    CHECK(result.statistics[static_cast<std::size_t>(c)] == single.statistic);
    CHECK(result.p_values[static_cast<std::size_t>(c)] == single.p_value);
  }
  CHECK(result.is_drift);
  CHECK(result.feature_drift[3]);
  CHECK(result.threshold == doctest::Approx(0.01));
  CHECK(detector.n_features() == 5);
  CHECK(detector.n_reference() == 700);
}

TEST_CASE("detector: same bits whatever the number of threads, any memory layout") {
  const auto ref = normal_matrix<double>(3000, 37, 3);
  auto cur = normal_matrix<double>(2500, 37, 4, 0.05);
  drift::ks_drift_options one_thread;
  one_thread.n_threads = 1;
  drift::ks_drift_options many_threads;
  many_threads.n_threads = 8;
  const auto a = drift::ks_drift_detector<double>(ref, one_thread).predict(cur);
  const auto b = drift::ks_drift_detector<double>(ref, many_threads).predict(cur);
  CHECK(a.statistics == b.statistics);
  CHECK(a.p_values == b.p_values);
  CHECK(a.corrected_p_values == b.corrected_p_values);
  // A row-major copy (as a C-order NumPy array arrives) gives the same answer.
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = cur;
  shiftguard::strided_matrix_view<double> view(
      row_major.data(), row_major.rows(), row_major.cols(),
      Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(1, row_major.cols()));
  const auto c = drift::ks_drift_detector<double>(ref, many_threads).predict(view);
  CHECK(c.p_values == a.p_values);
}

TEST_CASE("detector: false positive rate under no drift is at most alpha (seeded simulation)") {
  // 200 batches of 10 features with Bonferroni at 0.05: family-wise false alarms ~ Binomial.
  int alarms = 0;
  const int trials = 200;
  const auto ref = normal_matrix<double>(400, 10, 11);
  drift::ks_drift_detector<double> detector(ref);
  for (int t = 0; t < trials; ++t) {
    const auto cur = normal_matrix<double>(300, 10, 1000 + static_cast<unsigned>(t));
    alarms += detector.predict(cur).is_drift ? 1 : 0;
  }
  // Expected <= 10 (5%); allow sampling error: P(Binomial(200, 0.05) > 20) < 1e-3.
  CHECK(alarms <= 20);
}

TEST_CASE("detector: power against a mean shift") {
  const auto ref = normal_matrix<double>(1000, 4, 21);
  const auto cur = normal_matrix<double>(1000, 4, 22, 0.3);
  drift::ks_drift_detector<double> detector(ref);
  const auto result = detector.predict(cur);
  CHECK(result.is_drift);
  for (bool drifted : result.feature_drift) CHECK(drifted);
}

TEST_CASE("detector: bad input") {
  const auto ref = normal_matrix<double>(50, 3, 5);
  drift::ks_drift_detector<double> detector(ref);
  CHECK_THROWS_WITH_AS(detector.predict(normal_matrix<double>(50, 4, 6)),
                       doctest::Contains("x has 4 columns but the detector was fitted on 3"),
                       shiftguard::shape_error);
  CHECK_THROWS_WITH_AS(detector.predict(normal_matrix<double>(1, 3, 6)),
                       doctest::Contains("x must have at least 2 rows"), shiftguard::shape_error);
  CHECK_THROWS_AS(drift::ks_drift_detector<double>(normal_matrix<double>(0, 3, 6)),
                  shiftguard::shape_error);
  CHECK_THROWS_WITH_AS(drift::ks_drift_detector<double>(normal_matrix<double>(5, 0, 6)),
                       doctest::Contains("at least one column"), shiftguard::shape_error);
  auto with_nan = normal_matrix<double>(40, 3, 7);
  with_nan(17, 2) = std::numeric_limits<double>::quiet_NaN();
  with_nan(30, 1) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS(detector.predict(with_nan), doctest::Contains("x contains an infinite value at row 30, column 1"),
                       shiftguard::invalid_argument);
  drift::ks_drift_options omit;
  omit.nan_handling = shiftguard::nan_policy::omit;
  drift::ks_drift_detector<double> tolerant(ref, omit);
  const auto result = tolerant.predict(with_nan);
  CHECK(result.n_current[0] == 40);
  CHECK(result.n_current[1] == 39);
  CHECK(result.n_current[2] == 39);
  auto all_nan = normal_matrix<double>(10, 3, 8);
  all_nan.col(0).setConstant(std::numeric_limits<double>::quiet_NaN());
  CHECK_THROWS_WITH(tolerant.predict(all_nan), doctest::Contains("column 0 has fewer than 2 finite values"));
  drift::ks_drift_options bad;
  bad.p_val = 0.0;
  CHECK_THROWS_WITH(drift::ks_drift_detector<double>(ref, bad), doctest::Contains("p_val must be in (0, 1)"));
  bad.p_val = 0.05;
  bad.n_threads = -2;
  CHECK_THROWS_WITH(drift::ks_drift_detector<double>(ref, bad), doctest::Contains("n_threads must be >= 0"));
  CHECK_THROWS_AS(detector.sorted_reference(3), shiftguard::invalid_argument);
}
