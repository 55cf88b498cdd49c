// Tests of shiftguard/drift/classifier.hpp. Oracles: scipy.stats.binomtest(k, n, p,
// alternative="greater"), sklearn.metrics.roc_auc_score and scipy.stats.ks_2samp (values
// printed by those functions), and counting by hand.

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <Eigen/Core>
#include <doctest/doctest.h>

#include "shiftguard/drift/classifier.hpp"

namespace drift = shiftguard::drift;

TEST_CASE("binomial_test_greater matches scipy.stats.binomtest") {
  CHECK(drift::binomial_test_greater(60, 100, 0.5) ==
        doctest::Approx(0.028443966820490444).epsilon(1e-10));
  CHECK(drift::binomial_test_greater(70, 100, 0.7) ==
        doctest::Approx(0.5491236007687901).epsilon(1e-10));
  CHECK(drift::binomial_test_greater(0, 10, 0.5) == 1.0);
  CHECK(drift::binomial_test_greater(1000, 1500, 0.6) ==
        doctest::Approx(5.78854178053766e-08).epsilon(1e-8));
  CHECK_THROWS_AS(drift::binomial_test_greater(11, 10, 0.5), shiftguard::invalid_argument);
}

TEST_CASE_TEMPLATE("classifier two-sample test on a small example", Scalar, float, double) {
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> scores(8);
  scores << Scalar(0.1), Scalar(0.4), Scalar(0.35), Scalar(0.8), Scalar(0.7), Scalar(0.2),
      Scalar(0.9), Scalar(0.55);
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> labels(8);
  labels << 0, 0, 1, 1, 0, 0, 1, 1;
  const auto binomial = drift::classifier_two_sample_test(scores, labels);
  CHECK(binomial.n_correct == 6);  // rule score > 0.5: wrong on 0.35 (label 1) and 0.7 (label 0)
  CHECK(binomial.accuracy == doctest::Approx(0.75));
  CHECK(binomial.chance_rate == doctest::Approx(0.5));
  CHECK(binomial.p_value == doctest::Approx(37.0 / 256.0).epsilon(1e-12));
  CHECK(binomial.auc == doctest::Approx(0.8125));  // sklearn.metrics.roc_auc_score
  const auto ks = drift::classifier_two_sample_test(scores, labels, drift::classifier_test::ks);
  CHECK(ks.statistic == doctest::Approx(0.5));  // scipy.stats.ks_2samp(..., 'greater')
  CHECK(ks.p_value == doctest::Approx(0.4).epsilon(1e-10));
  CHECK(ks.test == drift::classifier_test::ks);
}

TEST_CASE("classifier test: chance rate with unequal groups is the majority-class rate") {
  // 30 reference, 10 current; the scores say nothing: always 0.2 (predict reference).
  Eigen::VectorXd scores = Eigen::VectorXd::Constant(40, 0.2);
  Eigen::VectorXi labels = Eigen::VectorXi::Zero(40);
  labels.tail(10).setOnes();
  const auto result = drift::classifier_two_sample_test(scores, labels);
  CHECK(result.chance_rate == doctest::Approx(0.75));
  CHECK(result.accuracy == doctest::Approx(0.75));
  // Predicting the majority is no evidence: P[Binomial(40, 0.75) >= 30].
  CHECK(result.p_value > 0.5);
  CHECK(result.auc == doctest::Approx(0.5));
}

TEST_CASE("classifier test: separable groups give a small p-value, random scores do not") {
  std::mt19937_64 generator(7);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const int n = 200;
  Eigen::VectorXd separable(n);
  Eigen::VectorXd random(n);
  Eigen::VectorXi labels(n);
  for (int i = 0; i < n; ++i) {
    labels(i) = i % 2;
    separable(i) = labels(i) == 1 ? 0.6 + 0.4 * uniform(generator) : 0.4 * uniform(generator);
    random(i) = uniform(generator);
  }
  for (auto test : {drift::classifier_test::binomial, drift::classifier_test::ks}) {
    CAPTURE(drift::to_string(test));
    CHECK(drift::classifier_two_sample_test(separable, labels, test).p_value < 1e-20);
    CHECK(drift::classifier_two_sample_test(random, labels, test).p_value > 0.01);
  }
  CHECK(drift::classifier_two_sample_test(separable, labels).auc == 1.0);
}

TEST_CASE("classifier test: false-positive rate of both tests under random scores") {
  // 500 seeded repetitions, scores independent of the labels: the rejection rate at 0.05
  // must lie inside the 99% binomial interval around 0.05: 13 to 38 rejections of 500
  // (scipy.stats.binom.ppf(0.005, 500, 0.05), binom.isf(0.005, 500, 0.05)). The exact level of
  // the binomial test with n = 400 is 0.0494; the one-sided exact KS test with 200 + 200
  // samples attains about 0.045 (SciPy simulation). Smaller groups make both tests visibly
  // conservative because their statistics are discrete.
  std::mt19937_64 generator(2024);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const int reps = 500;
  const int n = 400;
  int rejections_binomial = 0;
  int rejections_ks = 0;
  Eigen::VectorXd scores(n);
  Eigen::VectorXi labels(n);
  for (int i = 0; i < n; ++i) labels(i) = i < n / 2 ? 0 : 1;
  for (int rep = 0; rep < reps; ++rep) {
    for (int i = 0; i < n; ++i) scores(i) = uniform(generator);
    rejections_binomial +=
        drift::classifier_two_sample_test(scores, labels).p_value < 0.05 ? 1 : 0;
    rejections_ks +=
        drift::classifier_two_sample_test(scores, labels, drift::classifier_test::ks).p_value <
                0.05
            ? 1
            : 0;
  }
  CHECK(rejections_binomial >= 13);
  CHECK(rejections_binomial <= 38);
  CHECK(rejections_ks >= 13);
  CHECK(rejections_ks <= 38);
}

TEST_CASE("classifier test: bad input") {
  Eigen::VectorXd scores(4);
  scores << 0.1, 0.2, 0.3, 0.4;
  Eigen::VectorXi labels(3);
  labels << 0, 1, 0;
  CHECK_THROWS_AS(drift::classifier_two_sample_test(scores, labels), shiftguard::shape_error);
  Eigen::VectorXi bad_labels(4);
  bad_labels << 0, 1, 2, 1;
  CHECK_THROWS_WITH(drift::classifier_two_sample_test(scores, bad_labels),
                    doctest::Contains("labels must be 0 (reference) or 1 (current), got 2"));
  Eigen::VectorXi one_current(4);
  one_current << 0, 0, 0, 1;
  CHECK_THROWS_WITH(drift::classifier_two_sample_test(scores, one_current),
                    doctest::Contains("each group needs at least 2 samples"));
  Eigen::VectorXi good(4);
  good << 0, 1, 0, 1;
  scores(2) = std::nan("");
  CHECK_THROWS_WITH(drift::classifier_two_sample_test(scores, good),
                    doctest::Contains("scores contains a non-finite value at index 2"));
  scores(2) = 0.3;
  CHECK_THROWS_WITH(drift::classifier_test_from_string("auc"),
                    doctest::Contains("test must be 'binomial' or 'ks'"));
}
