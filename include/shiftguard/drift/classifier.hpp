#pragma once

// Classifier two-sample test: a classifier is trained to tell reference samples (label 0)
// from current samples (label 1); if it does better than chance on held-out samples, the two
// distributions differ. This header turns the held-out scores into a p-value; training the
// classifier (any model that outputs probabilities) is the caller's business, e.g. out-of-fold
// predictions of a stratified k-fold in the Python ClassifierDrift.
//
// Two tests:
// - binomial: the held-out accuracy of the rule "score > decision_threshold means current"
//   against the chance rate, by a one-sided exact binomial test (scipy.stats.binomtest(k, n,
//   p, alternative="greater")). The chance rate is the majority-class rate max(n0, n1) / n:
//   the accuracy a classifier reaches without looking at the data by always predicting the
//   larger group. With equal groups it is 1/2. Under no drift, held-out predictions are at
//   most this accurate in expectation, so the test holds its level (it is conservative when
//   the groups differ in size and the classifier does not learn the majority rule).
// - ks: the two-sample Kolmogorov-Smirnov test between the scores of the two groups, one-sided
//   by default ("greater": the current group's scores are larger, as they are when the
//   classifier separates the groups), so it does not depend on a decision threshold.
// Both report the area under the ROC curve (the Mann-Whitney probability that a current sample
// scores higher than a reference one, ties counted one half) as an effect size.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/special.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/correction.hpp"
#include "shiftguard/drift/univariate.hpp"

namespace shiftguard::drift {

/// Which test turns classifier scores into a p-value.
enum class classifier_test {
  binomial,  ///< held-out accuracy against the majority-class rate (one-sided exact binomial)
  ks,        ///< Kolmogorov-Smirnov test between the scores of the two groups
};

inline const char* to_string(classifier_test value) {
  return value == classifier_test::binomial ? "binomial" : "ks";
}

inline classifier_test classifier_test_from_string(const std::string& name) {
  if (name == "binomial") return classifier_test::binomial;
  if (name == "ks") return classifier_test::ks;
  throw invalid_argument("test must be 'binomial' or 'ks', got '" + name + "'");
}

/// Outcome of classifier_two_sample_test.
struct classifier_test_result {
  double p_value = 1.0;
  double statistic = 0.0;    ///< accuracy (binomial) or KS statistic (ks)
  double accuracy = 0.0;     ///< fraction of samples on the right side of the decision threshold
  double chance_rate = 0.5;  ///< max(n_reference, n_current) / n
  double auc = 0.5;          ///< P(current score > reference score) + P(tie) / 2
  std::int64_t n_correct = 0;
  std::int64_t n_reference = 0;  ///< samples labelled 0
  std::int64_t n_current = 0;    ///< samples labelled 1
  classifier_test test = classifier_test::binomial;
};

/// One-sided exact binomial test P[X >= k] for X ~ Binomial(n, p): the p-value of
/// scipy.stats.binomtest(k, n, p, alternative="greater").
inline double binomial_test_greater(std::int64_t k, std::int64_t n, double p) {
  if (n < 1) throw invalid_argument("binomial_test_greater: n must be >= 1, got " + std::to_string(n));
  if (k < 0 || k > n) {
    throw invalid_argument("binomial_test_greater: k must be in [0, n], got " + std::to_string(k));
  }
  return std::min(1.0, special::binomial_sf(k, n, p));
}

/// Area under the ROC curve of `scores` for `labels` (1 = positive): the Mann-Whitney
/// statistic U / (n0 n1) with mid-ranks for ties.
inline double roc_auc(const std::vector<double>& scores, const std::vector<std::uint8_t>& labels) {
  const std::size_t n = scores.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double rank_sum = 0.0;
  std::int64_t n_positive = 0;
  std::size_t start = 0;
  while (start < n) {
    std::size_t stop = start + 1;
    while (stop < n && scores[order[stop]] == scores[order[start]]) ++stop;
    const double mid_rank = 0.5 * static_cast<double>(start + 1 + stop);  // ranks start+1..stop
    for (std::size_t i = start; i < stop; ++i) {
      if (labels[order[i]] != 0) {
        rank_sum += mid_rank;
        ++n_positive;
      }
    }
    start = stop;
  }
  const double positives = static_cast<double>(n_positive);
  const double negatives = static_cast<double>(static_cast<std::int64_t>(n) - n_positive);
  if (positives == 0 || negatives == 0) return 0.5;
  return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

/// p-value that a classifier separates reference (label 0) from current (label 1) samples,
/// from its held-out `scores` (higher = more likely current; probabilities for the binomial
/// test, whose decision rule is score > decision_threshold).
///
/// Throws shape_error when scores and labels differ in length, invalid_argument for non-finite
/// scores, labels other than 0 and 1, or fewer than 2 samples in either group.
template <class ScoresDerived, class LabelsDerived>
classifier_test_result classifier_two_sample_test(
    const Eigen::DenseBase<ScoresDerived>& scores, const Eigen::DenseBase<LabelsDerived>& labels,
    classifier_test test = classifier_test::binomial, double decision_threshold = 0.5,
    alternative ks_alternative = alternative::greater) {
  using Scalar = typename ScoresDerived::Scalar;
  static_assert(std::is_floating_point_v<Scalar>, "scores must be float or double");
  if (scores.cols() != 1 && scores.rows() != 1) {
    throw shape_error("scores must be a vector, got a " + std::to_string(scores.rows()) + "x" +
                      std::to_string(scores.cols()) + " matrix");
  }
  if (labels.size() != scores.size()) {
    throw shape_error("scores has " + std::to_string(scores.size()) + " values but labels has " +
                      std::to_string(labels.size()));
  }
  if (!std::isfinite(decision_threshold)) {
    throw invalid_argument("decision_threshold must be finite, got " +
                           std::to_string(decision_threshold));
  }
  const index n = scores.size();
  std::vector<double> values(static_cast<std::size_t>(n));
  std::vector<std::uint8_t> groups(static_cast<std::size_t>(n));
  std::vector<Scalar> reference_scores;
  std::vector<Scalar> current_scores;
  classifier_test_result result;
  result.test = test;
  for (index i = 0; i < n; ++i) {
    const Scalar score = scores.derived().coeff(i);
    const auto label = labels.derived().coeff(i);
    if (!std::isfinite(static_cast<double>(score))) {
      throw invalid_argument("scores contains a non-finite value at index " + std::to_string(i));
    }
    if (!(label == 0 || label == 1)) {
      std::string shown;
      if constexpr (std::is_integral_v<std::decay_t<decltype(label)>>) {
        shown = std::to_string(static_cast<long long>(label));
      } else {
        shown = detail::format_number(static_cast<double>(label));
      }
      throw invalid_argument("labels must be 0 (reference) or 1 (current), got " + shown +
                             " at index " + std::to_string(i));
    }
    const bool current = label == 1;
    values[static_cast<std::size_t>(i)] = static_cast<double>(score);
    groups[static_cast<std::size_t>(i)] = current ? 1 : 0;
    (current ? current_scores : reference_scores).push_back(score);
    const bool predicted_current = static_cast<double>(score) > decision_threshold;
    if (predicted_current == current) ++result.n_correct;
  }
  result.n_reference = static_cast<std::int64_t>(reference_scores.size());
  result.n_current = static_cast<std::int64_t>(current_scores.size());
  if (result.n_reference < 2 || result.n_current < 2) {
    throw invalid_argument("each group needs at least 2 samples, got " +
                           std::to_string(result.n_reference) + " reference (label 0) and " +
                           std::to_string(result.n_current) + " current (label 1)");
  }
  const double total = static_cast<double>(n);
  result.accuracy = static_cast<double>(result.n_correct) / total;
  result.chance_rate =
      static_cast<double>(std::max(result.n_reference, result.n_current)) / total;
  result.auc = roc_auc(values, groups);
  if (test == classifier_test::binomial) {
    result.statistic = result.accuracy;
    result.p_value = binomial_test_greater(result.n_correct, n, result.chance_rate);
  } else {
    const ks_result ks = ks_2samp(
        Eigen::Map<const vector<Scalar>>(reference_scores.data(), result.n_reference),
        Eigen::Map<const vector<Scalar>>(current_scores.data(), result.n_current), ks_alternative);
    result.statistic = ks.statistic;
    result.p_value = ks.p_value;
  }
  return result;
}

}  // namespace shiftguard::drift
