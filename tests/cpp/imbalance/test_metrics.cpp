// Tests of shiftguard/imbalance/metrics.hpp against direct computations in the test: pair
// counting for ROC AUC (Mann-Whitney with ties counted 1/2), one pass per threshold for
// average precision, loops for the confusion matrix and the binary formulas of F1 and MCC.

#include <algorithm>
#include <cmath>
#include <functional>
#include <cstdint>
#include <random>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/imbalance/metrics.hpp"

namespace imbalance = shiftguard::imbalance;
using codes_type = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>;

namespace {
struct sample {
  codes_type y_true, y_pred;
  Eigen::VectorXd weight;
};

sample random_sample(Eigen::Index n, std::int64_t n_classes, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> any_class(0, n_classes - 1);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  sample s{codes_type(n), codes_type(n), Eigen::VectorXd(n)};
  for (Eigen::Index i = 0; i < n; ++i) {
    s.y_true[i] = unit(rng) < 0.7 ? 0 : any_class(rng);
    s.y_pred[i] = unit(rng) < 0.6 ? s.y_true[i] : any_class(rng);
    s.weight[i] = unit(rng) * 3;
  }
  return s;
}

template <class Scalar>
Eigen::Matrix<Scalar, Eigen::Dynamic, 1> random_scores(const codes_type& y, std::uint64_t seed,
                                                       double rounding) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> scores(y.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    double value = normal(rng) + 0.8 * static_cast<double>(y[i] == 1);
    if (rounding > 0) value = std::round(value / rounding) * rounding;  // ties
    scores[i] = static_cast<Scalar>(value);
  }
  return scores;
}

template <class Scores>
double pair_count_auc(const codes_type& y, const Scores& s, const Eigen::VectorXd& w) {
  long double favourable = 0, positive = 0, negative = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    if (y[i] == 1) positive += w[i]; else negative += w[i];
    if (y[i] != 1) continue;
    for (Eigen::Index j = 0; j < y.size(); ++j) {
      if (y[j] == 1) continue;
      if (s[i] > s[j]) favourable += w[i] * w[j];
      else if (s[i] == s[j]) favourable += 0.5L * w[i] * w[j];
    }
  }
  return static_cast<double>(favourable / (positive * negative));
}

template <class Scores>
double threshold_loop_ap(const codes_type& y, const Scores& s, const Eigen::VectorXd& w) {
  std::vector<double> thresholds(s.data(), s.data() + s.size());
  std::sort(thresholds.begin(), thresholds.end(), std::greater<>());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
  double total_positive = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i) total_positive += (y[i] == 1) * w[i];
  double ap = 0, previous_recall = 0;
  for (double t : thresholds) {
    double tp = 0, fp = 0;
    for (Eigen::Index i = 0; i < y.size(); ++i) {
      if (static_cast<double>(s[i]) >= t) (y[i] == 1 ? tp : fp) += w[i];
    }
    const double recall = tp / total_positive;
    ap += (recall - previous_recall) * (tp + fp > 0 ? tp / (tp + fp) : 0.0);
    previous_recall = recall;
  }
  return ap;
}
}  // namespace

TEST_CASE("confusion matrix counts and sums weights like a loop") {
  const auto s = random_sample(500, 4, 1);
  Eigen::MatrixXd counts = Eigen::MatrixXd::Zero(4, 4), sums = Eigen::MatrixXd::Zero(4, 4);
  for (Eigen::Index i = 0; i < 500; ++i) {
    counts(s.y_true[i], s.y_pred[i]) += 1;
    sums(s.y_true[i], s.y_pred[i]) += s.weight[i];
  }
  CHECK(imbalance::confusion_matrix(s.y_true, s.y_pred, 4) == counts);
  const auto weighted = imbalance::confusion_matrix(s.y_true, s.y_pred, 4, s.weight);
  CHECK((weighted - sums).cwiseAbs().maxCoeff() < 1e-9);
  // Float weights: accumulated in double.
  const Eigen::VectorXf weight_float = s.weight.cast<float>();
  const auto from_float = imbalance::confusion_matrix(s.y_true, s.y_pred, 4, weight_float);
  CHECK((from_float - sums).cwiseAbs().maxCoeff() < 1e-3);
}

TEST_CASE("binary F1, recall, precision, MCC and balanced accuracy match the formulas") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const auto s = random_sample(300, 2, seed);
    double tp = 0, fp = 0, fn = 0, tn = 0;
    for (Eigen::Index i = 0; i < 300; ++i) {
      const double w = s.weight[i];
      if (s.y_true[i] == 1 && s.y_pred[i] == 1) tp += w;
      if (s.y_true[i] == 0 && s.y_pred[i] == 1) fp += w;
      if (s.y_true[i] == 1 && s.y_pred[i] == 0) fn += w;
      if (s.y_true[i] == 0 && s.y_pred[i] == 0) tn += w;
    }
    const auto confusion = imbalance::confusion_matrix(s.y_true, s.y_pred, 2, s.weight);
    const auto prf = imbalance::precision_recall_fscore(confusion, {1});
    CHECK(prf.precision[0] == doctest::Approx(tp / (tp + fp)).epsilon(1e-12));
    CHECK(prf.recall[0] == doctest::Approx(tp / (tp + fn)).epsilon(1e-12));
    CHECK(prf.f_score[0] == doctest::Approx(2 * tp / (2 * tp + fp + fn)).epsilon(1e-12));
    const double mcc =
        (tp * tn - fp * fn) / std::sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
    CHECK(imbalance::matthews_corrcoef(confusion) == doctest::Approx(mcc).epsilon(1e-12));
    const double balanced = 0.5 * (tp / (tp + fn) + tn / (tn + fp));
    CHECK(imbalance::balanced_accuracy(confusion).score ==
          doctest::Approx(balanced).epsilon(1e-12));
    CHECK(imbalance::balanced_accuracy(confusion, true).score ==
          doctest::Approx(2 * balanced - 1).epsilon(1e-12));
    CHECK(imbalance::geometric_mean_score(confusion) ==
          doctest::Approx(std::sqrt(tp / (tp + fn) * tn / (tn + fp))).epsilon(1e-12));
  }
}

TEST_CASE("averages, zero division and classes never predicted") {
  codes_type y_true(6), y_pred(6);
  y_true << 0, 0, 1, 1, 2, 2;
  y_pred << 0, 0, 0, 1, 0, 1;  // class 2 never predicted
  const auto confusion = imbalance::confusion_matrix(y_true, y_pred, 3);
  auto prf = imbalance::precision_recall_fscore(confusion, {}, 1.0,
                                                imbalance::average_method::macro, 0.0);
  CHECK(prf.precision_undefined == std::vector<bool>{false, false, true});
  CHECK(prf.recall_undefined == std::vector<bool>{false, false, false});
  // precision 2/4, 1/2, 0 (undefined); recall 1, 1/2, 0; F1 2/3, 1/2, 0
  CHECK(prf.average_precision == doctest::Approx((0.5 + 0.5 + 0.0) / 3));
  CHECK(prf.average_f_score == doctest::Approx((2.0 / 3 + 0.5 + 0.0) / 3));
  prf = imbalance::precision_recall_fscore(confusion, {}, 1.0, imbalance::average_method::macro,
                                           std::nan(""));
  CHECK(std::isnan(prf.precision[2]));
  CHECK(prf.average_precision == doctest::Approx(0.5));  // NaN classes left out
  prf = imbalance::precision_recall_fscore(confusion, {}, 1.0, imbalance::average_method::micro);
  CHECK(prf.average_f_score == doctest::Approx(3.0 / 6));
  prf = imbalance::precision_recall_fscore(confusion, {}, 1.0,
                                           imbalance::average_method::weighted);
  CHECK(prf.average_recall == doctest::Approx(3.0 / 6));
  CHECK(imbalance::geometric_mean_score(confusion) == 0.0);
  CHECK(imbalance::geometric_mean_score(confusion, 0.001) ==
        doctest::Approx(std::cbrt(1.0 * 0.5 * 0.001)));
  // Multiclass MCC by the covariance formula, worked by hand: n=6, correct=3,
  // t=(2,2,2), p=(4,2,0): cov_tp = 18 - 12 = 6, cov_pp = 36 - 20 = 16, cov_tt = 36 - 12 = 24.
  CHECK(imbalance::matthews_corrcoef(confusion) == doctest::Approx(6 / std::sqrt(16.0 * 24)));
  // Only predicted: balanced accuracy skips a class without true samples.
  codes_type y_true_2(4), y_pred_2(4);
  y_true_2 << 0, 0, 1, 1;
  y_pred_2 << 0, 2, 1, 1;
  const auto result = imbalance::balanced_accuracy(imbalance::confusion_matrix(y_true_2, y_pred_2, 3));
  CHECK(result.n_classes_only_predicted == 1);
  CHECK(result.score == doctest::Approx(0.75));
}

TEST_CASE_TEMPLATE("ROC AUC and average precision equal pair counting and threshold loops",
                   Scalar, float, double) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    // 1,500 samples take the radix-sort path, 300 the comparison sort; rounding makes ties.
    const Eigen::Index n = seed % 2 ? 1500 : 300;
    const auto s = random_sample(n, 2, seed);
    const auto scores = random_scores<Scalar>(s.y_true, seed, seed % 3 == 0 ? 0.0 : 0.25);
    const Eigen::VectorXd ones = Eigen::VectorXd::Ones(n);
    CHECK(imbalance::roc_auc_binary(s.y_true, 1, scores) ==
          doctest::Approx(pair_count_auc(s.y_true, scores, ones)).epsilon(1e-12));
    CHECK(imbalance::roc_auc_binary(s.y_true, 1, scores, s.weight) ==
          doctest::Approx(pair_count_auc(s.y_true, scores, s.weight)).epsilon(1e-11));
    CHECK(imbalance::average_precision_binary(s.y_true, 1, scores) ==
          doctest::Approx(threshold_loop_ap(s.y_true, scores, ones)).epsilon(1e-12));
    CHECK(imbalance::average_precision_binary(s.y_true, 1, scores, s.weight) ==
          doctest::Approx(threshold_loop_ap(s.y_true, scores, s.weight)).epsilon(1e-11));
  }
}

TEST_CASE("one-vs-rest averages are the per-class binary scores, whatever the thread count") {
  const auto s = random_sample(2000, 3, 5);
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::MatrixXd scores(2000, 3);
  for (Eigen::Index i = 0; i < 2000; ++i) {
    for (int c = 0; c < 3; ++c) scores(i, c) = normal(rng) + (s.y_true[i] == c);
  }
  const auto one = imbalance::roc_auc_ovr(s.y_true, scores, imbalance::average_method::macro, 1);
  const auto four = imbalance::roc_auc_ovr(s.y_true, scores, imbalance::average_method::macro, 4);
  CHECK(one.per_class == four.per_class);
  double sum = 0;
  for (int c = 0; c < 3; ++c) {
    const Eigen::VectorXd column = scores.col(c);
    CHECK(one.per_class[c] == imbalance::roc_auc_binary(s.y_true, c, column));
    sum += one.per_class[c];
  }
  CHECK(one.average == doctest::Approx(sum / 3).epsilon(1e-15));
  const auto weighted =
      imbalance::average_precision_ovr(s.y_true, scores, s.weight, imbalance::average_method::weighted);
  double numerator = 0, total = 0;
  for (int c = 0; c < 3; ++c) {
    const Eigen::VectorXd column = scores.col(c);
    double support = 0;
    for (Eigen::Index i = 0; i < 2000; ++i) support += (s.y_true[i] == c) * s.weight[i];
    numerator += support * imbalance::average_precision_binary(s.y_true, c, column, s.weight);
    total += support;
  }
  CHECK(weighted.average == doctest::Approx(numerator / total).epsilon(1e-12));
}

TEST_CASE("metrics: undefined cases and bad input") {
  codes_type y(4), y_short(3);
  y << 0, 0, 0, 0;
  y_short << 0, 1, 0;
  Eigen::VectorXd scores(4);
  scores << 0.1, 0.2, 0.3, 0.4;
  CHECK(std::isnan(imbalance::roc_auc_binary(y, 1, scores)));
  CHECK(imbalance::average_precision_binary(y, 1, scores) == 0.0);
  scores[2] = std::nan("");
  CHECK_THROWS_WITH_AS(imbalance::roc_auc_binary(y, 1, scores),
                       doctest::Contains("y_score contains NaN at row 2"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(imbalance::confusion_matrix(y, y_short, 2),
                       doctest::Contains("y_pred has 3 entries but y_true has 4"),
                       shiftguard::shape_error);
  y[1] = 7;
  CHECK_THROWS_WITH_AS(imbalance::confusion_matrix(y, y, 2),
                       doctest::Contains("y_true must hold class codes in [0, 2), got 7"),
                       shiftguard::invalid_argument);
  y[1] = 1;
  Eigen::VectorXd weights(4);
  weights << 1, 1, -1, 1;
  CHECK_THROWS_WITH_AS(imbalance::confusion_matrix(y, y, 2, weights),
                       doctest::Contains("sample_weight must hold finite non-negative"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(imbalance::geometric_mean_score(imbalance::confusion_matrix(y, y, 2), -1.0),
                       doctest::Contains("correction must be"), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(
      imbalance::precision_recall_fscore(imbalance::confusion_matrix(y, y, 2), {5}),
      doctest::Contains("selected class code 5"), shiftguard::invalid_argument);
  Eigen::MatrixXd wide(3, 2);
  wide.setZero();
  CHECK_THROWS_WITH_AS(imbalance::roc_auc_ovr(y, wide),
                       doctest::Contains("y_score has 3 rows but y_true has 4"),
                       shiftguard::shape_error);
}
