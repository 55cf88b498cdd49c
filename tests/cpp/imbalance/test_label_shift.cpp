// Tests of shiftguard/imbalance/label_shift.hpp: the confusion matrix against hand counts,
// BBSE and EM recovering known priors on seeded simulations (tolerances stated per test),
// the BBSE system solved exactly, EM's fixed point, bootstrap determinism across thread
// counts, probability correction against a direct computation, and bad input. (The
// comparison with a NumPy EM and the coverage simulation are in tests/python.)

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Dense>

#include "shiftguard/imbalance/label_shift.hpp"

namespace imbalance = shiftguard::imbalance;
using shiftguard::matrix;
using shiftguard::vector;
using Eigen::Index;

namespace {

// A simulated classifier: labels drawn with `priors`, the prediction drawn from row y of
// `confusion_given_y` (P(pred | y)), probabilities 0.7 on the prediction and the rest spread.
struct simulated {
  Eigen::VectorXi labels;
  matrix<double> proba;
};

simulated simulate(const std::vector<double>& priors, const matrix<double>& pred_given_y,
                   Index n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::discrete_distribution<int> label_draw(priors.begin(), priors.end());
  const auto k = static_cast<Index>(priors.size());
  simulated out{Eigen::VectorXi(n), matrix<double>(n, k)};
  for (Index i = 0; i < n; ++i) {
    const int y = label_draw(rng);
    std::vector<double> weights(static_cast<std::size_t>(k));
    for (Index j = 0; j < k; ++j) weights[static_cast<std::size_t>(j)] = pred_given_y(y, j);
    std::discrete_distribution<int> pred_draw(weights.begin(), weights.end());
    const int prediction = pred_draw(rng);
    out.labels(i) = y;
    out.proba.row(i).setConstant(0.3 / static_cast<double>(k - 1));
    out.proba(i, prediction) = 0.7;
  }
  return out;
}

matrix<double> three_class_confusion() {
  matrix<double> m(3, 3);
  m << 0.8, 0.15, 0.05,  //
      0.1, 0.75, 0.15,   //
      0.05, 0.2, 0.75;
  return m;
}

}  // namespace

TEST_CASE("joint confusion matrix: hard counts and soft sums by hand") {
  Eigen::VectorXi labels(4);
  labels << 0, 0, 1, 1;
  matrix<double> proba(4, 2);
  proba << 0.9, 0.1,  //
      0.4, 0.6,       //
      0.3, 0.7,       //
      0.2, 0.8;
  const matrix<double> hard = imbalance::joint_confusion_matrix(labels, proba, false);
  // C[pred, y] / n: (pred 0, y 0) once; (pred 1, y 0) once; (pred 1, y 1) twice.
  CHECK(hard(0, 0) == doctest::Approx(0.25));
  CHECK(hard(1, 0) == doctest::Approx(0.25));
  CHECK(hard(0, 1) == doctest::Approx(0.0));
  CHECK(hard(1, 1) == doctest::Approx(0.5));
  const matrix<double> soft = imbalance::joint_confusion_matrix(labels, proba, true);
  CHECK(soft(0, 0) == doctest::Approx((0.9 + 0.4) / 4));
  CHECK(soft(1, 0) == doctest::Approx((0.1 + 0.6) / 4));
  CHECK(soft(0, 1) == doctest::Approx((0.3 + 0.2) / 4));
  CHECK(soft(1, 1) == doctest::Approx((0.7 + 0.8) / 4));
}

TEST_CASE("BBSE hard and soft recover target priors within 0.03 at n = 20000 (3 seeds)") {
  const matrix<double> confusion = three_class_confusion();
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const auto val = simulate({1.0 / 3, 1.0 / 3, 1.0 / 3}, confusion, 20000, seed);
    const auto target = simulate({0.7, 0.2, 0.1}, confusion, 20000, seed + 100);
    for (auto method : {imbalance::label_shift_method::bbse_hard,
                        imbalance::label_shift_method::bbse_soft}) {
      imbalance::label_shift_options options;
      options.method = method;
      const auto result =
          imbalance::estimate_label_shift(val.labels, val.proba, target.proba, options);
      CHECK(std::abs(result.target_priors(0) - 0.7) < 0.03);
      CHECK(std::abs(result.target_priors(1) - 0.2) < 0.03);
      CHECK(std::abs(result.target_priors(2) - 0.1) < 0.03);
      CHECK(result.target_priors.sum() == doctest::Approx(1.0));
      CHECK_FALSE(result.ill_conditioned);
      // No clipping happened: the raw weights solve C w = mu exactly.
      CHECK((result.confusion * result.raw_weights - result.target_prediction_mean)
                .cwiseAbs()
                .maxCoeff() < 1e-12);
      for (Index j = 0; j < 3; ++j) {
        CHECK(result.weights(j) ==
              doctest::Approx(result.target_priors(j) / result.source_priors(j)));
      }
    }
  }
}

TEST_CASE_TEMPLATE("EM recovers the priors of calibrated posteriors and is a fixed point", Scalar,
                   float, double) {
  // Two 1-D Gaussian classes N(-1, 1), N(1, 1); exact posteriors under source priors 0.5/0.5.
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  const Index n = 20000;
  matrix<Scalar> proba(n, 2);
  for (Index i = 0; i < n; ++i) {
    const bool positive = (i % 10) < 2;  // target priors (0.8, 0.2)
    const double x = normal(rng) + (positive ? 1.0 : -1.0);
    const double p1 = 1.0 / (1.0 + std::exp(-2.0 * x));
    proba(i, 0) = static_cast<Scalar>(1.0 - p1);
    proba(i, 1) = static_cast<Scalar>(p1);
  }
  vector<double> source(2);
  source << 0.5, 0.5;
  imbalance::label_shift_options options;
  options.tol = 1e-10;
  const auto result = imbalance::em_prior_adjustment(source, proba, options);
  CHECK(result.converged);
  CHECK(result.n_iter > 1);
  CHECK(std::abs(result.target_priors(1) - 0.2) < 0.02);
  // Fixed point: the mean of the posteriors adjusted to q is q itself.
  const matrix<double> adjusted =
      imbalance::adjust_probabilities(proba, source, result.target_priors);
  CHECK((adjusted.colwise().mean().transpose() - result.target_priors).cwiseAbs().maxCoeff() <
        1e-8);
}

TEST_CASE("EM reports non-convergence as a status, not an exception") {
  matrix<double> proba(4, 2);
  proba << 0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.6, 0.4;
  vector<double> source(2);
  source << 0.5, 0.5;
  imbalance::label_shift_options options;
  options.max_iter = 1;
  const auto result = imbalance::em_prior_adjustment(source, proba, options);
  CHECK_FALSE(result.converged);
  CHECK(result.n_iter == 1);
  REQUIRE(result.warnings.size() == 1);
  CHECK(result.warnings[0].find("did not converge") != std::string::npos);
}

TEST_CASE("bootstrap interval: same for 1 and 2 threads, brackets the estimate") {
  const matrix<double> confusion = three_class_confusion();
  const auto val = simulate({1.0 / 3, 1.0 / 3, 1.0 / 3}, confusion, 3000, 11);
  const auto target = simulate({0.7, 0.2, 0.1}, confusion, 3000, 12);
  for (auto method : {imbalance::label_shift_method::bbse_hard,
                      imbalance::label_shift_method::em}) {
    imbalance::label_shift_options options;
    options.method = method;
    options.n_bootstrap = 60;
    options.seed = 5;
    options.n_threads = 1;
    const auto one = imbalance::estimate_label_shift(val.labels, val.proba, target.proba, options);
    options.n_threads = 2;
    const auto two = imbalance::estimate_label_shift(val.labels, val.proba, target.proba, options);
    REQUIRE(one.ci_lower.size() == 3);
    CHECK(one.ci_lower == two.ci_lower);
    CHECK(one.ci_upper == two.ci_upper);
    for (Index j = 0; j < 3; ++j) {
      CHECK(one.ci_lower(j) <= one.target_priors(j));
      CHECK(one.target_priors(j) <= one.ci_upper(j));
      CHECK(one.ci_upper(j) - one.ci_lower(j) < 0.2);
    }
    options.seed = 6;
    const auto other = imbalance::estimate_label_shift(val.labels, val.proba, target.proba, options);
    CHECK(other.ci_lower != one.ci_lower);
  }
}

TEST_CASE("singular and ill-conditioned confusion matrices") {
  Eigen::VectorXi labels(4);
  labels << 0, 0, 1, 1;
  matrix<double> never_class_1(4, 2);
  never_class_1 << 0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.6, 0.4;
  CHECK_THROWS_WITH_AS(imbalance::estimate_label_shift(labels, never_class_1, never_class_1),
                       doctest::Contains("class 1 is never predicted"),
                       shiftguard::invalid_argument);
  Eigen::VectorXi only_zero(4);
  only_zero << 0, 0, 0, 0;
  matrix<double> proba(4, 2);
  proba << 0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.4, 0.6;
  CHECK_THROWS_WITH_AS(imbalance::estimate_label_shift(only_zero, proba, proba),
                       doctest::Contains("no sample of class 1"), shiftguard::invalid_argument);
  // Two classes predicted (almost) the same way: cond(C) is large.
  matrix<double> nearly(3, 3);
  nearly << 0.9, 0.05, 0.05,  //
      0.05, 0.475, 0.475,     //
      0.05, 0.474, 0.476;
  const auto val = simulate({1.0 / 3, 1.0 / 3, 1.0 / 3}, nearly, 6000, 3);
  const auto target = simulate({0.5, 0.3, 0.2}, nearly, 6000, 4);
  imbalance::label_shift_options options;
  options.max_condition = 20;
  const auto result = imbalance::estimate_label_shift(val.labels, val.proba, target.proba, options);
  CHECK(result.ill_conditioned);
  CHECK(result.condition_number > 20);
  bool warned = false;
  for (const auto& w : result.warnings) warned = warned || w.find("ill-conditioned") != std::string::npos;
  CHECK(warned);
}

TEST_CASE("adjust_probabilities against a direct computation; label_shift_weights") {
  matrix<double> proba(2, 3);
  proba << 0.2, 0.3, 0.5, 0.6, 0.3, 0.1;
  vector<double> source(3);
  source << 0.5, 0.25, 0.25;
  vector<double> target(3);
  target << 0.25, 0.25, 0.5;
  const matrix<double> adjusted = imbalance::adjust_probabilities(proba, source, target);
  // Row 0: 0.2*0.5, 0.3*1, 0.5*2 = 0.1, 0.3, 1.0 -> / 1.4
  CHECK(adjusted(0, 0) == doctest::Approx(0.1 / 1.4));
  CHECK(adjusted(0, 2) == doctest::Approx(1.0 / 1.4));
  CHECK(adjusted(1, 0) == doctest::Approx(0.3 / 0.8));
  vector<double> zero_target(3);
  zero_target << 0.0, 1.0, 0.0;
  matrix<double> only_first(1, 3);
  only_first << 1.0, 0.0, 0.0;
  CHECK_THROWS_WITH_AS(imbalance::adjust_probabilities(only_first, source, zero_target),
                       doctest::Contains("row 0"), shiftguard::invalid_argument);
  Eigen::VectorXi labels(3);
  labels << 2, 0, 2;
  const vector<double> per_sample = imbalance::label_shift_weights(labels, target);
  CHECK(per_sample(0) == 0.5);
  CHECK(per_sample(1) == 0.25);
  Eigen::VectorXi out_of_range(1);
  out_of_range << 3;
  CHECK_THROWS_WITH_AS(imbalance::label_shift_weights(out_of_range, target),
                       doctest::Contains("class indices in [0, 3)"), shiftguard::invalid_argument);
  vector<double> negative(3);
  negative << 1.0, -0.5, 1.0;
  CHECK_THROWS_WITH_AS(imbalance::label_shift_weights(labels, negative),
                       doctest::Contains("-0.5"), shiftguard::invalid_argument);
}

TEST_CASE("bad probabilities and shapes") {
  Eigen::VectorXi labels(2);
  labels << 0, 1;
  matrix<double> proba(2, 2);
  proba << 0.5, 0.5, std::nan(""), 0.5;
  CHECK_THROWS_WITH_AS(imbalance::estimate_label_shift(labels, proba, proba),
                       doctest::Contains("proba_val contains NaN at row 1"),
                       shiftguard::invalid_argument);
  proba << 0.5, 0.5, 0.9, 0.9;
  CHECK_THROWS_WITH_AS(imbalance::estimate_label_shift(labels, proba, proba),
                       doctest::Contains("row 1 sums to 1.8"), shiftguard::invalid_argument);
  proba << 0.5, 0.5, 0.1, 0.9;
  matrix<double> three(2, 3);
  three << 0.2, 0.3, 0.5, 0.2, 0.3, 0.5;
  CHECK_THROWS_WITH_AS(imbalance::estimate_label_shift(labels, proba, three),
                       doctest::Contains("proba_target has 3 columns"), shiftguard::shape_error);
  Eigen::VectorXi three_labels(3);
  three_labels << 0, 1, 1;
  CHECK_THROWS_AS(imbalance::estimate_label_shift(three_labels, proba, proba),
                  shiftguard::shape_error);
  imbalance::label_shift_options options;
  options.confidence_level = 1.5;
  CHECK_THROWS_WITH_AS(imbalance::estimate_label_shift(labels, proba, proba, options),
                       doctest::Contains("confidence_level"), shiftguard::invalid_argument);
}
