#pragma once

// Classification metrics that stay informative on imbalanced data, defined as scikit-learn
// (and imbalanced-learn for the geometric mean) define them:
//   confusion matrix (rows = true class, columns = predicted class, optionally weighted),
//   balanced accuracy (mean recall over the classes present in y_true, optionally adjusted for
//   chance), precision / recall / F-beta per class and averaged (macro, weighted, micro),
//   Matthews correlation (multiclass form of Gorodkin 2004, as scikit-learn computes it),
//   geometric mean of the recalls, ROC AUC and average precision (binary, and one-vs-rest
//   macro or weighted over the classes).
//
// Labels are integer codes 0..n_classes-1 (the Python layer maps any labels to codes).
// Sample weights must be finite and non-negative.
//
// Undefined ratios (zero_division): precision with no predicted sample, recall with no true
// sample and F with neither take the value `zero_division` (scikit-learn's default is 0 with
// a warning; the result structs flag which classes were affected so callers can warn).
// ROC AUC with only one class in y_true is NaN (scikit-learn returns NaN with a warning);
// average precision with no positive sample is 0 (scikit-learn's value).
//
// Ranking metrics sort the scores once per class (radix sort on the IEEE-754 bit pattern,
// O(n)), then walk the distinct thresholds: tied scores form one threshold, as in
// scikit-learn. The area is accumulated on the unnormalised counts and divided once.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/sort.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/imbalance/weights.hpp"

namespace shiftguard::imbalance {

/// How per-class scores are combined.
enum class average_method {
  none,      ///< per-class scores only
  macro,     ///< unweighted mean over the classes
  weighted,  ///< mean weighted by the (weighted) support of each class
  micro,     ///< from the summed true positives, predictions and supports
};

/// Per-class precision, recall, F-beta and support, and the averaged values.
struct precision_recall_fscore_result {
  std::vector<double> precision, recall, f_score, support;
  /// Classes whose precision (no predicted sample), recall (no true sample) or F (neither)
  /// took the zero_division value.
  std::vector<bool> precision_undefined, recall_undefined, f_score_undefined;
  double average_precision = 0, average_recall = 0, average_f_score = 0;
  /// True when an average itself fell back to zero_division (weighted with zero total support,
  /// micro with a zero denominator).
  bool average_undefined = false;
};

/// Balanced accuracy and the number of classes that appear only in y_pred (excluded).
struct balanced_accuracy_result {
  double score = 0;
  index n_classes_only_predicted = 0;
};

/// Score of a one-vs-rest ranking metric: per-class values and their average.
struct ranking_result {
  std::vector<double> per_class;
  double average = 0;
};

namespace detail {

template <class Derived>
void check_same_length(const Eigen::DenseBase<Derived>& values, index n, const char* name) {
  if (values.size() != n) {
    throw shape_error(std::string(name) + " has " + std::to_string(values.size()) +
                      " entries but y_true has " + std::to_string(n));
  }
}

template <class Derived>
void check_finite_scores(const Eigen::DenseBase<Derived>& scores, const char* name) {
  for (index col = 0; col < scores.cols(); ++col) {
    for (index row = 0; row < scores.rows(); ++row) {
      const double value = static_cast<double>(scores.coeff(row, col));
      if (!std::isfinite(value)) {
        throw invalid_argument(std::string(name) + " contains " +
                               (std::isnan(value) ? "NaN" : "an infinite value") + " at row " +
                               std::to_string(row) + ", column " + std::to_string(col));
      }
    }
  }
}

/// Indices 0..n-1 ordered by decreasing score. Ties keep no particular order (they form a
/// single threshold downstream). LSD radix sort of (key, index) pairs for large n.
template <class Derived>
std::vector<std::uint32_t> order_by_decreasing_score(const Eigen::DenseBase<Derived>& scores) {
  using Scalar = typename Derived::Scalar;
  using key_type = typename shiftguard::detail::float_bits<Scalar>::type;
  const auto n = static_cast<std::size_t>(scores.size());
  if (n >= std::numeric_limits<std::uint32_t>::max()) {
    throw shape_error("y_score must have fewer than 2^32 entries, got " + std::to_string(n));
  }
  struct entry {
    key_type key;
    std::uint32_t position;
  };
  std::vector<entry> entries(n);
  for (std::size_t i = 0; i < n; ++i) {
    Scalar value = scores.coeff(static_cast<index>(i));
    if (value == Scalar(0)) value = Scalar(0);  // -0.0 and +0.0 tie
    // Complemented key: ascending key order is decreasing score order.
    entries[i] = {static_cast<key_type>(~shiftguard::detail::order_preserving_key<Scalar>(value)),
                  static_cast<std::uint32_t>(i)};
  }
  std::vector<std::uint32_t> order(n);
  if (n < 1024) {
    std::sort(entries.begin(), entries.end(),
              [](const entry& a, const entry& b) { return a.key < b.key; });
    for (std::size_t i = 0; i < n; ++i) order[i] = entries[i].position;
    return order;
  }
  // 11-bit digits: 6 passes for double keys, 3 for float keys.
  constexpr int digit_bits = 11;
  constexpr int n_passes = static_cast<int>((sizeof(key_type) * 8 + digit_bits - 1) / digit_bits);
  constexpr std::size_t n_buckets = std::size_t{1} << digit_bits;
  std::vector<std::array<std::size_t, n_buckets>> histograms(n_passes);
  for (auto& histogram : histograms) histogram.fill(0);
  for (const auto& item : entries) {
    for (int pass = 0; pass < n_passes; ++pass) {
      ++histograms[pass][(item.key >> (pass * digit_bits)) & (n_buckets - 1)];
    }
  }
  std::vector<entry> scratch(n);
  entry* source = entries.data();
  entry* target = scratch.data();
  for (int pass = 0; pass < n_passes; ++pass) {
    auto& histogram = histograms[pass];
    const auto first_digit = (source[0].key >> (pass * digit_bits)) & (n_buckets - 1);
    if (histogram[first_digit] == n) continue;  // every key shares this digit
    std::size_t offset = 0;
    for (auto& count : histogram) {
      const std::size_t c = count;
      count = offset;
      offset += c;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const entry item = source[i];
      target[histogram[(item.key >> (pass * digit_bits)) & (n_buckets - 1)]++] = item;
    }
    std::swap(source, target);
  }
  for (std::size_t i = 0; i < n; ++i) order[i] = source[i].position;
  return order;
}

/// Cumulative (weighted) false and true positives at each distinct threshold, from the
/// highest score down; the last point holds the totals.
struct threshold_curve {
  std::vector<double> false_positives, true_positives;
};

template <class CodeDerived, class ScoreDerived, class WeightOf>
threshold_curve binary_curve(const Eigen::DenseBase<CodeDerived>& codes, std::int64_t positive,
                             const Eigen::DenseBase<ScoreDerived>& scores, WeightOf&& weight_of) {
  const auto order = order_by_decreasing_score(scores);
  threshold_curve curve;
  double false_positives = 0, true_positives = 0;
  const std::size_t n = order.size();
  for (std::size_t k = 0; k < n; ++k) {
    const auto i = static_cast<index>(order[k]);
    const double weight = weight_of(i);
    if (static_cast<std::int64_t>(codes.coeff(i)) == positive) {
      true_positives += weight;
    } else {
      false_positives += weight;
    }
    const bool last_of_group =
        k + 1 == n || scores.coeff(static_cast<index>(order[k + 1])) != scores.coeff(i);
    if (last_of_group) {
      curve.false_positives.push_back(false_positives);
      curve.true_positives.push_back(true_positives);
    }
  }
  return curve;
}

inline double roc_area(const threshold_curve& curve) {
  if (curve.true_positives.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double total_positive = curve.true_positives.back();
  const double total_negative = curve.false_positives.back();
  if (!(total_positive > 0) || !(total_negative > 0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  double area = 0, previous_fp = 0, previous_tp = 0;
  for (std::size_t k = 0; k < curve.true_positives.size(); ++k) {
    area += (curve.false_positives[k] - previous_fp) * (curve.true_positives[k] + previous_tp);
    previous_fp = curve.false_positives[k];
    previous_tp = curve.true_positives[k];
  }
  return area / (2.0 * total_positive * total_negative);
}

inline double average_precision_area(const threshold_curve& curve) {
  if (curve.true_positives.empty()) return 0.0;
  const double total_positive = curve.true_positives.back();
  if (!(total_positive > 0)) return 0.0;
  double area = 0, previous_tp = 0;
  for (std::size_t k = 0; k < curve.true_positives.size(); ++k) {
    const double tp = curve.true_positives[k];
    const double predicted = tp + curve.false_positives[k];
    const double precision = predicted > 0 ? tp / predicted : 0.0;
    area += (tp - previous_tp) * precision;
    previous_tp = tp;
  }
  return area / total_positive;
}

template <class ScoreDerived, class CodeDerived, class WeightOf, class Area>
ranking_result one_vs_rest(const Eigen::DenseBase<CodeDerived>& codes,
                           const Eigen::DenseBase<ScoreDerived>& scores, average_method average,
                           WeightOf&& weight_of, Area&& area, int n_threads) {
  const index n_classes = scores.cols();
  ranking_result out;
  out.per_class.assign(static_cast<std::size_t>(n_classes), 0.0);
  std::vector<double> support(static_cast<std::size_t>(n_classes), 0.0);
  for (index i = 0; i < codes.size(); ++i) {
    support[static_cast<std::size_t>(codes.coeff(i))] += weight_of(i);
  }
  // Each class writes its own slot: the result does not depend on the thread count.
  parallel_for_ranges(n_classes, n_threads, 1, [&](index begin, index end) {
    for (index c = 0; c < end - begin; ++c) {
      const index column = begin + c;
      const auto curve = binary_curve(codes, column, scores.col(column), weight_of);
      out.per_class[column] = area(curve);
    }
  });
  if (average == average_method::macro) {
    double sum = 0;
    for (double value : out.per_class) sum += value;
    out.average = sum / static_cast<double>(n_classes);
  } else if (average == average_method::weighted) {
    double sum = 0, total = 0;
    for (index c = 0; c < n_classes; ++c) {
      // A class without support has weight 0 (its NaN score does not propagate).
      if (support[c] > 0) sum += support[c] * out.per_class[c];
      total += support[c];
    }
    out.average = total > 0 ? sum / total : 0.0;
  } else if (average == average_method::micro) {
    throw invalid_argument("average='micro' is not supported for one-vs-rest scores");
  } else {
    out.average = std::numeric_limits<double>::quiet_NaN();
  }
  return out;
}

template <class CodeDerived, class ScoreDerived>
void check_ranking_input(const Eigen::DenseBase<CodeDerived>& codes,
                         const Eigen::DenseBase<ScoreDerived>& scores, index n_classes) {
  if (scores.rows() != codes.size()) {
    throw shape_error("y_score has " + std::to_string(scores.rows()) + " rows but y_true has " +
                      std::to_string(codes.size()) + " entries");
  }
  check_codes(codes, n_classes, "y_true");
  check_finite_scores(scores, "y_score");
}

}  // namespace detail

// ------------------------------------------------------------------------- confusion matrix

/// Confusion matrix C (n_classes x n_classes): C(i, j) counts samples of true class i
/// predicted as class j.
template <class TrueDerived, class PredDerived>
matrix<double> confusion_matrix(const Eigen::DenseBase<TrueDerived>& y_true,
                                const Eigen::DenseBase<PredDerived>& y_pred, index n_classes) {
  detail::check_same_length(y_pred, y_true.size(), "y_pred");
  check_codes(y_true, n_classes, "y_true");
  check_codes(y_pred, n_classes, "y_pred");
  std::vector<std::int64_t> counts(static_cast<std::size_t>(n_classes * n_classes), 0);
  for (index i = 0; i < y_true.size(); ++i) {
    ++counts[static_cast<std::size_t>(y_pred.coeff(i) * n_classes + y_true.coeff(i))];
  }
  matrix<double> out(n_classes, n_classes);
  for (index k = 0; k < n_classes * n_classes; ++k) out.data()[k] = static_cast<double>(counts[k]);
  return out;
}

/// Confusion matrix with sample weights: C(i, j) sums the weights.
template <class TrueDerived, class PredDerived, class WeightDerived>
matrix<double> confusion_matrix(const Eigen::DenseBase<TrueDerived>& y_true,
                                const Eigen::DenseBase<PredDerived>& y_pred, index n_classes,
                                const Eigen::DenseBase<WeightDerived>& sample_weight) {
  detail::check_same_length(y_pred, y_true.size(), "y_pred");
  detail::check_same_length(sample_weight, y_true.size(), "sample_weight");
  check_codes(y_true, n_classes, "y_true");
  check_codes(y_pred, n_classes, "y_pred");
  detail::check_weights(sample_weight, "sample_weight");
  matrix<double> out = matrix<double>::Zero(n_classes, n_classes);
  for (index i = 0; i < y_true.size(); ++i) {
    out(y_true.coeff(i), y_pred.coeff(i)) += static_cast<double>(sample_weight.coeff(i));
  }
  return out;
}

// ------------------------------------------------------------ metrics of a confusion matrix

/// Balanced accuracy: mean over the classes with true samples of diag / row sum; classes
/// only predicted are skipped (scikit-learn warns). adjusted: (score - 1/K) / (1 - 1/K)
/// with K the number of classes kept.
inline balanced_accuracy_result balanced_accuracy(const matrix<double>& confusion,
                                                  bool adjusted = false) {
  balanced_accuracy_result out;
  double sum = 0;
  index kept = 0;
  for (index c = 0; c < confusion.rows(); ++c) {
    const double row = confusion.row(c).sum();
    if (row > 0) {
      sum += confusion(c, c) / row;
      ++kept;
    } else {
      ++out.n_classes_only_predicted;
    }
  }
  if (kept == 0) throw invalid_argument("y_true has no sample with positive weight");
  out.score = sum / static_cast<double>(kept);
  if (adjusted) {
    const double chance = 1.0 / static_cast<double>(kept);
    out.score = (out.score - chance) / (1.0 - chance);
  }
  return out;
}

/// Matthews correlation coefficient of a (multiclass) confusion matrix; 0 when undefined.
inline double matthews_corrcoef(const matrix<double>& confusion) {
  const Eigen::VectorXd true_sum = confusion.rowwise().sum();
  const Eigen::VectorXd pred_sum = confusion.colwise().sum().transpose();
  const double n_correct = confusion.diagonal().sum();
  const double n_samples = pred_sum.sum();
  const double cov_true_pred = n_correct * n_samples - true_sum.dot(pred_sum);
  const double cov_pred_pred = n_samples * n_samples - pred_sum.dot(pred_sum);
  const double cov_true_true = n_samples * n_samples - true_sum.dot(true_sum);
  if (cov_pred_pred * cov_true_true == 0) return 0.0;
  return cov_true_pred / std::sqrt(cov_true_true * cov_pred_pred);
}

/// Per-class precision, recall and F-beta of the classes `selected` (codes into the
/// confusion matrix; empty = all), averaged by `average`.
inline precision_recall_fscore_result precision_recall_fscore(
    const matrix<double>& confusion, const std::vector<index>& selected = {}, double beta = 1.0,
    average_method average = average_method::none,
    double zero_division = 0.0) {
  if (!std::isfinite(beta) || beta < 0) {
    throw invalid_argument("beta must be a finite number >= 0, got " +
                           detail::number_text(beta));
  }
  std::vector<index> classes = selected;
  if (classes.empty()) {
    classes.resize(static_cast<std::size_t>(confusion.rows()));
    std::iota(classes.begin(), classes.end(), index{0});
  }
  for (index c : classes) {
    if (c < 0 || c >= confusion.rows()) {
      throw invalid_argument("selected class code " + std::to_string(c) + " is outside [0, " +
                             std::to_string(confusion.rows()) + ")");
    }
  }
  const double beta2 = beta * beta;
  const std::size_t k = classes.size();
  precision_recall_fscore_result out;
  out.precision.resize(k);
  out.recall.resize(k);
  out.f_score.resize(k);
  out.support.resize(k);
  out.precision_undefined.assign(k, false);
  out.recall_undefined.assign(k, false);
  out.f_score_undefined.assign(k, false);
  double tp_total = 0, pred_total = 0, true_total = 0;
  for (std::size_t j = 0; j < k; ++j) {
    const index c = classes[j];
    const double tp = confusion(c, c);
    const double predicted = confusion.col(c).sum();
    const double actual = confusion.row(c).sum();
    tp_total += tp;
    pred_total += predicted;
    true_total += actual;
    out.support[j] = actual;
    if (predicted > 0) {
      out.precision[j] = tp / predicted;
    } else {
      out.precision[j] = zero_division;
      out.precision_undefined[j] = true;
    }
    if (actual > 0) {
      out.recall[j] = tp / actual;
    } else {
      out.recall[j] = zero_division;
      out.recall_undefined[j] = true;
    }
    const double denominator = beta2 * actual + predicted;
    if (denominator > 0) {
      out.f_score[j] = (1 + beta2) * tp / denominator;
    } else {
      out.f_score[j] = zero_division;
      out.f_score_undefined[j] = true;
    }
  }
  const auto nan_mean = [](const std::vector<double>& values,
                           const std::vector<double>* weights) {
    double sum = 0, total = 0;
    for (std::size_t j = 0; j < values.size(); ++j) {
      if (std::isnan(values[j])) continue;
      const double weight = weights ? (*weights)[j] : 1.0;
      sum += weight * values[j];
      total += weight;
    }
    return total > 0 ? sum / total : std::numeric_limits<double>::quiet_NaN();
  };
  switch (average) {
    case average_method::none:
      out.average_precision = out.average_recall = out.average_f_score =
          std::numeric_limits<double>::quiet_NaN();
      break;
    case average_method::macro:
      out.average_precision = nan_mean(out.precision, nullptr);
      out.average_recall = nan_mean(out.recall, nullptr);
      out.average_f_score = nan_mean(out.f_score, nullptr);
      break;
    case average_method::weighted:
      if (!(true_total > 0)) {
        out.average_precision = out.average_recall = out.average_f_score = zero_division;
        out.average_undefined = true;
      } else {
        out.average_precision = nan_mean(out.precision, &out.support);
        out.average_recall = nan_mean(out.recall, &out.support);
        out.average_f_score = nan_mean(out.f_score, &out.support);
      }
      break;
    case average_method::micro: {
      bool undefined = false;
      out.average_precision = pred_total > 0 ? tp_total / pred_total : (undefined = true, zero_division);
      out.average_recall = true_total > 0 ? tp_total / true_total : (undefined = true, zero_division);
      const double denominator = beta2 * true_total + pred_total;
      out.average_f_score =
          denominator > 0 ? (1 + beta2) * tp_total / denominator : (undefined = true, zero_division);
      out.average_undefined = undefined;
      break;
    }
  }
  return out;
}

/// Geometric mean of the per-class recalls (imbalanced-learn's geometric_mean_score with
/// average='multiclass'): recalls equal to 0 (including classes without true samples) are
/// replaced by `correction`; the result is exp(mean(log(recall))) over the classes
/// `selected` (codes into the confusion matrix; empty = all).
inline double geometric_mean_score(const matrix<double>& confusion, double correction = 0.0,
                                   const std::vector<index>& selected = {}) {
  if (!std::isfinite(correction) || correction < 0) {
    throw invalid_argument("correction must be a finite number >= 0, got " +
                           detail::number_text(correction));
  }
  std::vector<index> classes = selected;
  if (classes.empty()) {
    classes.resize(static_cast<std::size_t>(confusion.rows()));
    std::iota(classes.begin(), classes.end(), index{0});
  }
  double log_sum = 0;
  for (index c : classes) {
    if (c < 0 || c >= confusion.rows()) {
      throw invalid_argument("selected class code " + std::to_string(c) + " is outside [0, " +
                             std::to_string(confusion.rows()) + ")");
    }
    const double actual = confusion.row(c).sum();
    double recall = actual > 0 ? confusion(c, c) / actual : 0.0;
    if (recall == 0) recall = correction;
    if (recall == 0) return 0.0;
    log_sum += std::log(recall);
  }
  return std::exp(log_sum / static_cast<double>(classes.size()));
}

// ------------------------------------------------------------------------ ranking metrics

/// Area under the ROC curve of binary labels: samples whose code equals `positive` are
/// positives, every other sample is negative. NaN when either class is absent.
template <class CodeDerived, class ScoreDerived>
double roc_auc_binary(const Eigen::DenseBase<CodeDerived>& y_true, std::int64_t positive,
                      const Eigen::DenseBase<ScoreDerived>& y_score) {
  detail::check_same_length(y_score, y_true.size(), "y_score");
  detail::check_finite_scores(y_score, "y_score");
  return detail::roc_area(detail::binary_curve(y_true, positive, y_score,
                                               [](index) { return 1.0; }));
}

/// Weighted form: each sample counts sample_weight[i].
template <class CodeDerived, class ScoreDerived, class WeightDerived>
double roc_auc_binary(const Eigen::DenseBase<CodeDerived>& y_true, std::int64_t positive,
                      const Eigen::DenseBase<ScoreDerived>& y_score,
                      const Eigen::DenseBase<WeightDerived>& sample_weight) {
  detail::check_same_length(y_score, y_true.size(), "y_score");
  detail::check_same_length(sample_weight, y_true.size(), "sample_weight");
  detail::check_finite_scores(y_score, "y_score");
  detail::check_weights(sample_weight, "sample_weight");
  return detail::roc_area(detail::binary_curve(
      y_true, positive, y_score,
      [&](index i) { return static_cast<double>(sample_weight.coeff(i)); }));
}

/// Average precision (step-wise area under the precision-recall curve,
/// sum_k (R_k - R_{k-1}) P_k over decreasing thresholds). 0 when there is no positive.
template <class CodeDerived, class ScoreDerived>
double average_precision_binary(const Eigen::DenseBase<CodeDerived>& y_true, std::int64_t positive,
                                const Eigen::DenseBase<ScoreDerived>& y_score) {
  detail::check_same_length(y_score, y_true.size(), "y_score");
  detail::check_finite_scores(y_score, "y_score");
  return detail::average_precision_area(
      detail::binary_curve(y_true, positive, y_score, [](index) { return 1.0; }));
}

/// Weighted form of average_precision_binary.
template <class CodeDerived, class ScoreDerived, class WeightDerived>
double average_precision_binary(const Eigen::DenseBase<CodeDerived>& y_true, std::int64_t positive,
                                const Eigen::DenseBase<ScoreDerived>& y_score,
                                const Eigen::DenseBase<WeightDerived>& sample_weight) {
  detail::check_same_length(y_score, y_true.size(), "y_score");
  detail::check_same_length(sample_weight, y_true.size(), "sample_weight");
  detail::check_finite_scores(y_score, "y_score");
  detail::check_weights(sample_weight, "sample_weight");
  return detail::average_precision_area(detail::binary_curve(
      y_true, positive, y_score,
      [&](index i) { return static_cast<double>(sample_weight.coeff(i)); }));
}

/// One-vs-rest ROC AUC: column c of y_score (samples x classes) scores class c against the
/// rest; averaged by `average` (macro or weighted by support). Classes run in parallel on
/// n_threads (0 = all cores); the result does not depend on the thread count.
template <class CodeDerived, class ScoreDerived>
ranking_result roc_auc_ovr(const Eigen::DenseBase<CodeDerived>& y_true,
                           const Eigen::DenseBase<ScoreDerived>& y_score,
                           average_method average = average_method::macro, int n_threads = 0) {
  detail::check_ranking_input(y_true, y_score, y_score.cols());
  return detail::one_vs_rest(y_true, y_score, average, [](index) { return 1.0; },
                             [](const detail::threshold_curve& c) { return detail::roc_area(c); },
                             n_threads);
}

/// Weighted one-vs-rest ROC AUC.
template <class CodeDerived, class ScoreDerived, class WeightDerived>
ranking_result roc_auc_ovr(const Eigen::DenseBase<CodeDerived>& y_true,
                           const Eigen::DenseBase<ScoreDerived>& y_score,
                           const Eigen::DenseBase<WeightDerived>& sample_weight,
                           average_method average = average_method::macro, int n_threads = 0) {
  detail::check_ranking_input(y_true, y_score, y_score.cols());
  detail::check_same_length(sample_weight, y_true.size(), "sample_weight");
  detail::check_weights(sample_weight, "sample_weight");
  return detail::one_vs_rest(
      y_true, y_score, average,
      [&](index i) { return static_cast<double>(sample_weight.coeff(i)); },
      [](const detail::threshold_curve& c) { return detail::roc_area(c); }, n_threads);
}

/// One-vs-rest average precision (macro or weighted by support).
template <class CodeDerived, class ScoreDerived>
ranking_result average_precision_ovr(const Eigen::DenseBase<CodeDerived>& y_true,
                                     const Eigen::DenseBase<ScoreDerived>& y_score,
                                     average_method average = average_method::macro,
                                     int n_threads = 0) {
  detail::check_ranking_input(y_true, y_score, y_score.cols());
  return detail::one_vs_rest(
      y_true, y_score, average, [](index) { return 1.0; },
      [](const detail::threshold_curve& c) { return detail::average_precision_area(c); },
      n_threads);
}

/// Weighted one-vs-rest average precision.
template <class CodeDerived, class ScoreDerived, class WeightDerived>
ranking_result average_precision_ovr(const Eigen::DenseBase<CodeDerived>& y_true,
                                     const Eigen::DenseBase<ScoreDerived>& y_score,
                                     const Eigen::DenseBase<WeightDerived>& sample_weight,
                                     average_method average = average_method::macro,
                                     int n_threads = 0) {
  detail::check_ranking_input(y_true, y_score, y_score.cols());
  detail::check_same_length(sample_weight, y_true.size(), "sample_weight");
  detail::check_weights(sample_weight, "sample_weight");
  return detail::one_vs_rest(
      y_true, y_score, average,
      [&](index i) { return static_cast<double>(sample_weight.coeff(i)); },
      [](const detail::threshold_curve& c) { return detail::average_precision_area(c); },
      n_threads);
}

}  // namespace shiftguard::imbalance
