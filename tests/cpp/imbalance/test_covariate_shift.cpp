// Tests of shiftguard/imbalance/covariate_shift.hpp: logistic regression at its optimum (the
// gradient of the penalised objective vanishes) and independent of the thread count, density
// ratios against the closed-form ratio of two Gaussians (correlation thresholds stated), the
// uLSIF solution against a direct solve, post-processing rules by hand, ESS, bad input.
// (Coefficients against scikit-learn and uLSIF against NumPy are in tests/python.)

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Dense>

#include "shiftguard/imbalance/covariate_shift.hpp"

namespace imbalance = shiftguard::imbalance;
using shiftguard::matrix;
using shiftguard::vector;
using Eigen::Index;

namespace {
template <class Scalar = double>
matrix<Scalar> gaussian(Index rows, Index cols, std::uint64_t seed, double shift = 0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  matrix<Scalar> x(rows, cols);
  for (Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<Scalar>(normal(rng) + shift);
  return x;
}

double correlation(const vector<double>& a, const vector<double>& b) {
  const vector<double> ca = a.array() - a.mean();
  const vector<double> cb = b.array() - b.mean();
  return ca.dot(cb) / std::sqrt(ca.squaredNorm() * cb.squaredNorm());
}

// Spearman rank correlation (no ties in continuous data).
double rank_correlation(const vector<double>& a, const vector<double>& b) {
  const auto ranks = [](const vector<double>& v) {
    std::vector<Index> order(static_cast<std::size_t>(v.size()));
    for (Index i = 0; i < v.size(); ++i) order[static_cast<std::size_t>(i)] = i;
    std::sort(order.begin(), order.end(), [&](Index i, Index j) { return v(i) < v(j); });
    vector<double> out(v.size());
    for (Index r = 0; r < v.size(); ++r) out(order[static_cast<std::size_t>(r)]) = static_cast<double>(r);
    return out;
  };
  return correlation(ranks(a), ranks(b));
}

// True ratio N(shift, I) / N(0, I) at each row: exp(shift * sum(x) - d shift^2 / 2).
vector<double> true_ratio(const matrix<double>& x, double shift) {
  vector<double> out(x.rows());
  for (Index i = 0; i < x.rows(); ++i) {
    out(i) = std::exp(shift * x.row(i).sum() - 0.5 * static_cast<double>(x.cols()) * shift * shift);
  }
  return out;
}
}  // namespace

TEST_CASE_TEMPLATE("logistic regression: gradient of the penalised objective vanishes", Scalar,
                   float, double) {
  const matrix<Scalar> x = gaussian<Scalar>(3000, 3, 1);
  vector<double> y(3000);
  std::mt19937_64 rng(2);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (Index i = 0; i < 3000; ++i) {
    const double z = 0.5 + 1.5 * static_cast<double>(x(i, 0)) - static_cast<double>(x(i, 2));
    y(i) = uniform(rng) < 1.0 / (1.0 + std::exp(-z)) ? 1.0 : 0.0;
  }
  imbalance::logistic_regression_options options;
  options.C = 0.5;
  const auto model = imbalance::fit_logistic_regression(x, y, options);
  CHECK(model.converged);
  const matrix<double> xd = x.template cast<double>();
  const vector<double> z = (xd * model.coef).array() + model.intercept;
  const vector<double> residual =
      (1.0 / (1.0 + (-z.array()).exp())).matrix() - y;
  const vector<double> gradient = options.C * xd.transpose() * residual + model.coef;
  CHECK(gradient.cwiseAbs().maxCoeff() < 1e-6);
  CHECK(std::abs(options.C * residual.sum()) < 1e-6);
  CHECK(model.coef(0) == doctest::Approx(1.5).epsilon(0.15));
  options.n_threads = 1;
  const auto one = imbalance::fit_logistic_regression(x, y, options);
  options.n_threads = 2;
  const auto two = imbalance::fit_logistic_regression(x, y, options);
  CHECK(one.coef == two.coef);
  CHECK(one.intercept == two.intercept);
}

TEST_CASE("classifier density ratio correlates with the true Gaussian ratio (> 0.95)") {
  const matrix<double> x_ref = gaussian(3000, 2, 3);
  const matrix<double> x_cur = gaussian(2000, 2, 4, 0.5);
  imbalance::classifier_ratio_options options;
  options.seed = 1;
  const auto result = imbalance::classifier_density_ratio(x_ref, x_cur, options);
  CHECK(result.converged);
  CHECK(result.prior_ratio == doctest::Approx(1.5));
  const vector<double> truth = true_ratio(x_ref, 0.5);
  CHECK(correlation(result.weights, truth) > 0.95);
  CHECK(correlation(result.ratio(x_ref), truth) > 0.95);
  // Folds are balanced and each reference row's weight comes from its own fold's model.
  std::vector<int> counts(5, 0);
  for (auto f : result.fold) ++counts[static_cast<std::size_t>(f)];
  for (int c : counts) CHECK(c == 600);
  options.n_folds = 1;
  const auto in_sample = imbalance::classifier_density_ratio(x_ref, x_cur, options);
  CHECK((in_sample.weights - in_sample.ratio(x_ref)).cwiseAbs().maxCoeff() < 1e-12);
}

TEST_CASE("uLSIF: ratio rank-correlates with the truth (Spearman > 0.9, Pearson > 0.6); alpha solves the ridge system") {
  const matrix<double> x_ref = gaussian(1500, 2, 5);
  const matrix<double> x_cur = gaussian(1500, 2, 6, 0.5);
  imbalance::ulsif_options options;
  options.seed = 3;
  const auto model = imbalance::ulsif(x_ref, x_cur, options);
  CHECK(model.centers.rows() == 100);
  CHECK(model.loo_scores.rows() == 5);
  CHECK(model.loo_scores.cols() == 5);
  CHECK(model.loo_scores.minCoeff() == doctest::Approx(
      model.loo_scores(std::find(model.sigmas.begin(), model.sigmas.end(), model.sigma) -
                           model.sigmas.begin(),
                       std::find(model.lambdas.begin(), model.lambdas.end(), model.lambda) -
                           model.lambdas.begin())));
  // uLSIF smooths the heavy upper tail of exp(0.5 (x1 + x2)): ranks are right, extremes
  // shrink (a NumPy uLSIF gives the same 0.7-0.87 Pearson on such data).
  CHECK(rank_correlation(model.weights, true_ratio(x_ref, 0.5)) > 0.9);
  CHECK(correlation(model.weights, true_ratio(x_ref, 0.5)) > 0.6);
  CHECK(model.alpha.minCoeff() >= 0.0);
  // Direct solve with the chosen sigma and lambda.
  const matrix<double> phi_ref = model.kernel(x_ref, model.sigma);
  const matrix<double> phi_cur = model.kernel(x_cur, model.sigma);
  matrix<double> H = phi_ref.transpose() * phi_ref / 1500.0;
  H.diagonal().array() += model.lambda;
  const vector<double> alpha =
      H.colPivHouseholderQr().solve(vector<double>(phi_cur.colwise().mean().transpose()))
          .cwiseMax(0.0);
  CHECK((alpha - model.alpha).cwiseAbs().maxCoeff() < 1e-8 * (1.0 + alpha.cwiseAbs().maxCoeff()));
  CHECK((model.ratio(x_ref) - model.weights).cwiseAbs().maxCoeff() < 1e-12);
  // Thread count does not change anything.
  options.n_threads = 1;
  const auto one = imbalance::ulsif(x_ref, x_cur, options);
  options.n_threads = 2;
  const auto two = imbalance::ulsif(x_ref, x_cur, options);
  CHECK(one.loo_scores == two.loo_scores);
  CHECK(one.alpha == two.alpha);
}

TEST_CASE("post-processing: clip, quantile clip, normalise to mean 1; ESS") {
  vector<double> raw(5);
  raw << 0.5, 1.0, 1.5, 2.0, 10.0;
  imbalance::weight_rules rules;
  rules.max_weight = 4.0;
  const auto clipped = imbalance::postprocess_weights(raw, rules);
  // clipped: 0.5, 1, 1.5, 2, 4 (sum 9) -> scale 5/9
  CHECK(clipped.clip_value == 4.0);
  CHECK(clipped.n_clipped == 1);
  CHECK(clipped.scale == doctest::Approx(5.0 / 9.0));
  CHECK(clipped.weights(4) == doctest::Approx(20.0 / 9.0));
  CHECK(clipped.weights.mean() == doctest::Approx(1.0));
  const double ess = 81.0 / (0.25 + 1 + 2.25 + 4 + 16);
  CHECK(clipped.ess == doctest::Approx(ess));
  CHECK(clipped.ess_fraction == doctest::Approx(ess / 5));
  rules.max_weight = std::numeric_limits<double>::infinity();
  rules.clip_quantile = 0.75;  // NumPy: quantile([0.5,1,1.5,2,10], 0.75) = 2
  const auto quantile = imbalance::postprocess_weights(raw, rules);
  CHECK(quantile.clip_value == doctest::Approx(2.0));
  CHECK(quantile.n_clipped == 1);
  rules.normalize = false;
  const auto plain = imbalance::postprocess_weights(raw, rules);
  CHECK(plain.weights(4) == doctest::Approx(2.0));
  CHECK(plain.scale == 1.0);
  vector<double> more(2);
  more << 3.0, 1.0;
  CHECK(plain.apply(more)(0) == doctest::Approx(2.0));
  CHECK(imbalance::effective_sample_size(vector<double>::Ones(7)) == doctest::Approx(7.0));
}

TEST_CASE("covariate shift bad input") {
  matrix<double> x_ref = gaussian(20, 2, 1);
  const matrix<double> x_cur = gaussian(20, 3, 2);
  CHECK_THROWS_WITH_AS(imbalance::classifier_density_ratio(x_ref, x_cur),
                       doctest::Contains("x_cur has 3 features"), shiftguard::shape_error);
  CHECK_THROWS_WITH_AS(imbalance::ulsif(x_ref, x_cur),
                       doctest::Contains("x_cur has 3 features"), shiftguard::shape_error);
  const matrix<double> x_cur2 = gaussian(20, 2, 2);
  x_ref(4, 1) = std::nan("");
  CHECK_THROWS_WITH_AS(imbalance::ulsif(x_ref, x_cur2),
                       doctest::Contains("x_ref contains NaN at row 4, column 1"),
                       shiftguard::invalid_argument);
  const matrix<double> empty(0, 2);
  CHECK_THROWS_WITH_AS(imbalance::classifier_density_ratio(empty, x_cur2),
                       doctest::Contains("x_ref must have at least 2 rows"),
                       shiftguard::shape_error);
  vector<double> negative(3);
  negative << 1.0, -2.0, 1.0;
  CHECK_THROWS_WITH_AS(imbalance::postprocess_weights(negative),
                       doctest::Contains("-2 at position 1"), shiftguard::invalid_argument);
  vector<double> zeros = vector<double>::Zero(3);
  CHECK_THROWS_WITH_AS(imbalance::postprocess_weights(zeros), doctest::Contains("every weight is 0"),
                       shiftguard::invalid_argument);
  vector<double> labels(20);
  labels.setZero();
  CHECK_THROWS_WITH_AS(imbalance::fit_logistic_regression(x_cur2, labels),
                       doctest::Contains("both classes"), shiftguard::invalid_argument);
  labels(3) = 2.0;
  CHECK_THROWS_WITH_AS(imbalance::fit_logistic_regression(x_cur2, labels),
                       doctest::Contains("0 or 1, got 2 at position 3"),
                       shiftguard::invalid_argument);
  imbalance::classifier_ratio_options options;
  options.n_folds = 50;
  const matrix<double> clean_ref = gaussian(20, 2, 1);
  CHECK_THROWS_WITH_AS(imbalance::classifier_density_ratio(clean_ref, x_cur2, options),
                       doctest::Contains("n_folds must be in [1, min(n_ref, n_cur)] = [1, 20]"),
                       shiftguard::invalid_argument);
  imbalance::ulsif_options bad_sigma;
  bad_sigma.sigmas = {-1.0};
  CHECK_THROWS_WITH_AS(imbalance::ulsif(clean_ref, x_cur2, bad_sigma), doctest::Contains("sigmas"),
                       shiftguard::invalid_argument);
}
