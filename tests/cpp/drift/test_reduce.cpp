// Tests of shiftguard/drift/reduce.hpp. Oracles: the eigen-decomposition of the sample
// covariance matrix computed here (independent of the SVD the PCA uses), plain statistics of
// the random projection (entries N(0, 1/k), squared distances preserved in expectation),
// and the KS detector applied by hand to transformed data.

#include <cmath>
#include <random>
#include <string>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <doctest/doctest.h>

#include "shiftguard/drift/reduce.hpp"

namespace drift = shiftguard::drift;
using shiftguard::matrix;

namespace {

/// n x d correlated Gaussian data: independent normals times a fixed mixing matrix, shifted.
template <class Scalar>
matrix<Scalar> correlated_data(int n, int d, unsigned seed) {
  std::mt19937_64 generator(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  matrix<double> z(n, d);
  for (int j = 0; j < d; ++j)
    for (int i = 0; i < n; ++i) z(i, j) = normal(generator);
  matrix<double> mixing(d, d);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) mixing(i, j) = (i == j ? 3.0 - 0.4 * i : 0.0) + 0.1 * (i + j % 3);
  matrix<double> x = z * mixing;
  x.rowwise() += Eigen::RowVectorXd::LinSpaced(d, 1.0, 5.0);
  return x.cast<Scalar>();
}

}  // namespace

TEST_CASE_TEMPLATE("PCA matches the eigen-decomposition of the covariance matrix", Scalar, float,
                   double) {
  const int n = 500;
  const int d = 6;
  const matrix<Scalar> x = correlated_data<Scalar>(n, d, 1);
  drift::pca<Scalar> model(3);
  model.fit(x);
  REQUIRE(model.n_components() == 3);
  REQUIRE(model.n_features() == d);

  const matrix<double> xd = x.template cast<double>();
  const matrix<double> centred = xd.rowwise() - xd.colwise().mean();
  const matrix<double> covariance = centred.transpose() * centred / double(n - 1);
  Eigen::SelfAdjointEigenSolver<matrix<double>> eigen(covariance);
  const double tolerance = std::is_same_v<Scalar, float> ? 1e-4 : 1e-9;
  const double total = eigen.eigenvalues().sum();
  for (int c = 0; c < 3; ++c) {
    const double value = eigen.eigenvalues()(d - 1 - c);  // ascending order
    CHECK(double(model.explained_variance()(c)) == doctest::Approx(value).epsilon(tolerance));
    CHECK(double(model.explained_variance_ratio()(c)) ==
          doctest::Approx(value / total).epsilon(tolerance));
    const Eigen::VectorXd vector = eigen.eigenvectors().col(d - 1 - c);
    const Eigen::VectorXd component = model.components().row(c).template cast<double>();
    // equal up to sign
    CHECK(std::abs(std::abs(vector.dot(component)) - 1.0) < 10 * tolerance);
    // sign convention: the largest entry in absolute value is positive
    Eigen::Index largest = 0;
    component.cwiseAbs().maxCoeff(&largest);
    CHECK(component(largest) > 0);
  }
  // components are orthonormal; the projected reference is centred with the explained variances
  const matrix<double> gram = model.components().template cast<double>() *
                              model.components().transpose().template cast<double>();
  CHECK((gram - matrix<double>::Identity(3, 3)).cwiseAbs().maxCoeff() < 10 * tolerance);
  const matrix<double> projected = model.transform(x).template cast<double>();
  REQUIRE(projected.rows() == n);
  REQUIRE(projected.cols() == 3);
  const Eigen::RowVectorXd means = projected.colwise().mean();
  CHECK(means.cwiseAbs().maxCoeff() < 1e3 * tolerance);
  for (int c = 0; c < 3; ++c) {
    const double variance = (projected.col(c).array() - means(c)).square().sum() / (n - 1);
    CHECK(variance == doctest::Approx(double(model.explained_variance()(c))).epsilon(100 * tolerance));
  }
  // functor form equals transform; the thread count does not change a bit (fixed row blocks)
  CHECK(model(x) == model.transform(x));
  drift::pca<Scalar> single_thread(3, 1);
  single_thread.fit(x);
  CHECK(single_thread.transform(x) == model.transform(x));
}

TEST_CASE("PCA: all components by default, save/load, bad input") {
  const matrix<double> x = correlated_data<double>(50, 4, 2);
  drift::pca<double> model;
  model.fit(x);
  CHECK(model.n_components() == 4);
  CHECK(model.explained_variance_ratio().sum() == doctest::Approx(1.0));

  const std::string bytes = model.save();
  const auto restored = drift::pca<double>::load(bytes);
  CHECK(restored.components() == model.components());
  CHECK(restored.mean() == model.mean());
  CHECK(restored.transform(x) == model.transform(x));
  std::string corrupted = bytes;
  corrupted[corrupted.size() / 2] ^= 0x10;
  CHECK_THROWS_AS(drift::pca<double>::load(corrupted), shiftguard::format_error);
  CHECK_THROWS_WITH(drift::pca<float>::load(bytes), doctest::Contains("another scalar type"));
  CHECK_THROWS_AS(drift::pca<double>::load(bytes.substr(0, bytes.size() - 3)),
                  shiftguard::format_error);

  CHECK_THROWS_WITH(drift::pca<double>(5).fit(x),
                    doctest::Contains("n_components=5 must be <= min(n_samples, n_features)=4"));
  CHECK_THROWS_AS(drift::pca<double>(-1), shiftguard::invalid_argument);
  CHECK_THROWS_WITH(drift::pca<double>().transform(x), doctest::Contains("not fitted"));
  CHECK_THROWS_WITH(model.transform(matrix<double>::Zero(3, 5)),
                    doctest::Contains("x has 5 columns but the PCA was fitted on 4"));
  matrix<double> with_nan = x;
  with_nan(3, 1) = std::nan("");
  CHECK_THROWS_WITH(drift::pca<double>(2).fit(with_nan),
                    doctest::Contains("x contains NaN at row 3, column 1"));
  CHECK_THROWS_AS(drift::pca<double>(1).fit(matrix<double>::Zero(1, 3)), shiftguard::shape_error);
}

TEST_CASE_TEMPLATE("Gaussian random projection: entries, distances, determinism", Scalar, float,
                   double) {
  const int d = 200;
  const int k = 100;
  drift::gaussian_random_projection<Scalar> projection(k, 42);
  projection.fit(d);
  const matrix<double> r = projection.components().template cast<double>();
  REQUIRE(r.rows() == k);
  REQUIRE(r.cols() == d);
  // Entries N(0, 1/k): 20,000 of them, so the sample mean is within 4 standard errors of 0
  // (se = sqrt(1/k / 20000)) and the sample variance within 4 standard errors of 1/k
  // (se = sqrt(2/20000) / k).
  const double count = double(k) * d;
  const double mean = r.mean();
  const double variance = (r.array() - mean).square().sum() / (count - 1);
  CHECK(std::abs(mean) < 4 * std::sqrt(1.0 / k / count));
  CHECK(std::abs(variance - 1.0 / k) < 4 * std::sqrt(2.0 / count) / k);
  // Fourth moment of a normal: E z^4 = 3 sigma^4 (checks the shape, not just the variance).
  const double kurtosis = (r.array() - mean).pow(4).mean() / (variance * variance);
  CHECK(std::abs(kurtosis - 3.0) < 0.2);

  // Squared distances are preserved in expectation: ||R(a - b)||^2 / ||a - b||^2 has mean 1
  // and standard deviation sqrt(2/k) = 0.141 over random pairs.
  const matrix<Scalar> x = correlated_data<Scalar>(60, d / 20, 3).replicate(1, 20);
  const matrix<double> projected = projection.transform(x).template cast<double>();
  const matrix<double> original = x.template cast<double>();
  double sum = 0.0;
  int pairs = 0;
  for (int a = 0; a < 60; ++a) {
    for (int b = a + 1; b < 60; b += 7) {
      const double before = (original.row(a) - original.row(b)).squaredNorm();
      const double after = (projected.row(a) - projected.row(b)).squaredNorm();
      sum += after / before;
      ++pairs;
    }
  }
  CHECK(std::abs(sum / pairs - 1.0) < 0.25);

  // Same seed, same matrix whatever the thread count; another seed, another matrix.
  drift::gaussian_random_projection<Scalar> single(k, 42, 1);
  single.fit(d);
  CHECK(single.components() == projection.components());
  CHECK(single.transform(x) == projection.transform(x));
  drift::gaussian_random_projection<Scalar> other(k, 43);
  other.fit(d);
  CHECK(other.components() != projection.components());
}

TEST_CASE("Gaussian random projection: save/load, JL dimension and bad input") {
  drift::gaussian_random_projection<double> projection(5, 9);
  projection.fit(matrix<double>::Zero(3, 8));
  CHECK(projection.n_features() == 8);
  const auto restored =
      drift::gaussian_random_projection<double>::load(projection.save());
  CHECK(restored.components() == projection.components());
  CHECK(restored.seed() == 9);
  CHECK_THROWS_AS(drift::gaussian_random_projection<float>::load(projection.save()),
                  shiftguard::format_error);
  // sklearn.random_projection.johnson_lindenstrauss_min_dim(1000, eps=0.1) == 5920
  CHECK(drift::johnson_lindenstrauss_min_dim(1000, 0.1) == 5920);
  CHECK(drift::johnson_lindenstrauss_min_dim(100, 0.5) == 221);
  CHECK_THROWS_WITH(drift::gaussian_random_projection<double>(0),
                    doctest::Contains("n_components must be >= 1, got 0"));
  CHECK_THROWS_WITH(drift::gaussian_random_projection<double>(2).transform(matrix<double>::Zero(2, 2)),
                    doctest::Contains("not fitted"));
  CHECK_THROWS_AS(projection.transform(matrix<double>::Zero(2, 3)), shiftguard::shape_error);
  CHECK_THROWS_WITH(drift::johnson_lindenstrauss_min_dim(100, 1.5), doctest::Contains("eps"));
}

TEST_CASE("preprocessed detector: PCA in front of the KS detector equals KS on projected data") {
  const matrix<double> x_ref = correlated_data<double>(400, 5, 4);
  matrix<double> x = correlated_data<double>(300, 5, 5);
  x.col(0).array() += 1.0;  // a mean shift in one feature
  drift::pca<double> reduction(2);
  reduction.fit(x_ref);
  auto detector =
      drift::make_preprocessed_detector<drift::ks_drift_detector<double>>(reduction, x_ref);
  const auto wrapped = detector.predict(x);
  const drift::ks_drift_detector<double> by_hand(reduction.transform(x_ref));
  const auto expected = by_hand.predict(reduction.transform(x));
  CHECK(wrapped.p_values == expected.p_values);
  CHECK(wrapped.is_drift == expected.is_drift);
  CHECK(wrapped.is_drift);
  CHECK(detector.detector().n_features() == 2);
}

TEST_CASE("BBSD: model probabilities + KS + Bonferroni in one line") {
  // A fixed logistic model on 3 features; label shift = more samples of the positive class.
  auto model = [](const auto& x) {
    matrix<double> probabilities(x.rows(), 2);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const double logit = 2.0 * x(i, 0) - 1.0 * x(i, 1) + 0.5 * x(i, 2);
      probabilities(i, 1) = 1.0 / (1.0 + std::exp(-logit));
      probabilities(i, 0) = 1.0 - probabilities(i, 1);
    }
    return probabilities;
  };
  std::mt19937_64 generator(11);
  std::normal_distribution<double> normal(0.0, 1.0);
  auto sample = [&](int n, double positive_fraction) {
    matrix<double> x(n, 3);
    for (int i = 0; i < n; ++i) {
      const double centre = (i < positive_fraction * n) ? 1.0 : -1.0;
      for (int j = 0; j < 3; ++j) x(i, j) = centre * (j == 0 ? 1.0 : 0.2) + normal(generator);
    }
    return x;
  };
  const matrix<double> x_ref = sample(1000, 0.5);
  const auto detector = drift::make_bbsd_detector<double>(model, x_ref);
  CHECK(detector.detector().options().correction_method == drift::correction::bonferroni);
  CHECK(detector.predict(sample(500, 0.8)).is_drift);
  CHECK_FALSE(detector.predict(sample(500, 0.5)).is_drift);
}

TEST_CASE("PCA on tall data (blocked QR path) matches the covariance oracle, for any thread count") {
  const int n = 20000;  // > 2 * 8192 rows: the blocked QR path
  const int d = 5;
  const matrix<double> x = correlated_data<double>(n, d, 21);
  drift::pca<double> model(d, 2);
  model.fit(x);
  const matrix<double> centred = x.rowwise() - x.colwise().mean();
  Eigen::SelfAdjointEigenSolver<matrix<double>> eigen(centred.transpose() * centred / (n - 1));
  for (int c = 0; c < d; ++c) {
    CHECK(model.explained_variance()(c) ==
          doctest::Approx(eigen.eigenvalues()(d - 1 - c)).epsilon(1e-9));
    const Eigen::VectorXd vector = eigen.eigenvectors().col(d - 1 - c);
    CHECK(std::abs(std::abs(vector.dot(model.components().row(c).transpose())) - 1.0) < 1e-9);
  }
  drift::pca<double> single(d, 1);
  single.fit(x);
  CHECK(single.components() == model.components());
  CHECK(single.explained_variance() == model.explained_variance());
}
