#pragma once

// Label shift (prior shift): the class proportions change between the data a classifier was
// validated on (source) and the data it is deployed on (target), while p(x | y) stays the
// same. This header estimates the target priors q(y) and the importance weights
// w(y) = q(y) / p(y) from a classifier's outputs, and corrects probabilities to new priors.
//
// - BBSE, black-box shift estimation (Lipton, Wang and Smola, ICML 2018): with the joint
//   confusion matrix C[i, j] = P(prediction = i, y = j) on held-out source data and the mean
//   prediction mu on the target data, C w = mu. "Hard" counts argmax predictions, "soft" sums
//   predicted probabilities. The solution is clipped at 0 and the target priors
//   q = w * p renormalised to sum 1 (the reported weights are q / p after that step).
// - EM prior adjustment (Saerens, Latinne and Decaestecker, Neural Computation 2002): the
//   maximum-likelihood target priors, by fixed-point iteration on the adjusted posteriors.
// - Confidence intervals by the percentile bootstrap: held-out and target samples are
//   resampled with replacement (EM with given source priors: the target samples only),
//   replicate b drawing from its own
//   random stream (seed, b), replicates in parallel on oneTBB; the result does not depend on
//   the number of threads.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <Eigen/LU>
#include <Eigen/SVD>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/imbalance/detail/shift_common.hpp"

namespace shiftguard::imbalance {

/// How the target priors are estimated.
enum class label_shift_method {
  bbse_hard,  ///< BBSE with argmax predictions (confusion counts)
  bbse_soft,  ///< BBSE with predicted probabilities (soft confusion matrix)
  em,         ///< Saerens et al. EM maximum-likelihood prior adjustment
};

/// Options of estimate_label_shift().
struct label_shift_options {
  label_shift_method method = label_shift_method::bbse_hard;
  /// BBSE: a condition number of C above this sets `ill_conditioned` and adds a warning.
  double max_condition = 1e3;
  /// Bootstrap replicates for the confidence interval; 0 computes no interval.
  index n_bootstrap = 0;
  /// Two-sided level of the percentile interval, in (0, 1).
  double confidence_level = 0.95;
  std::uint64_t seed = 0;
  /// Threads for the bootstrap (0 = all cores).
  int n_threads = 0;
  /// EM: stop when no prior moves by more than `tol` in one iteration.
  double tol = 1e-8;
  /// EM: iteration limit; reaching it leaves `converged` false (no exception).
  index max_iter = 1000;
};

/// Estimated target priors, weights and diagnostics.
struct label_shift_result {
  label_shift_method method = label_shift_method::bbse_hard;
  vector<double> source_priors;   ///< p(y): class frequencies of the held-out labels (or given)
  vector<double> target_priors;   ///< q(y), non-negative, summing to 1
  vector<double> weights;         ///< q(y) / p(y) for each class
  vector<double> raw_weights;     ///< BBSE: solution of C w = mu before clipping; EM: weights
  matrix<double> confusion;       ///< BBSE: joint confusion matrix C (k x k); EM: empty
  vector<double> target_prediction_mean;  ///< mu (BBSE); mean target probabilities (EM)
  double condition_number = std::numeric_limits<double>::quiet_NaN();  ///< 2-norm cond(C)
  bool ill_conditioned = false;  ///< condition_number > max_condition
  bool converged = true;         ///< EM converged within max_iter (BBSE: always true)
  index n_iter = 0;              ///< EM iterations (BBSE: 0)
  vector<double> ci_lower;       ///< percentile bootstrap bounds of q(y); empty if n_bootstrap = 0
  vector<double> ci_upper;
  double confidence_level = 0.95;
  index n_bootstrap = 0;          ///< replicates requested
  index n_bootstrap_failed = 0;   ///< replicates left out (singular C, or a class absent)
  std::vector<std::string> warnings;
};

namespace detail {

inline std::string class_list(const std::vector<index>& classes) {
  std::ostringstream out;
  for (std::size_t k = 0; k < classes.size(); ++k) out << (k ? ", " : "") << classes[k];
  return out.str();
}

/// Checks that proba holds probabilities: finite, in [0, 1], rows summing to 1 (within 1e-3).
template <class Derived>
void check_probabilities(const Eigen::MatrixBase<Derived>& proba, index n_classes,
                         const char* name) {
  shift_check_shape(proba, 1, name);
  if (n_classes > 0 && proba.cols() != n_classes) {
    std::ostringstream message;
    message << name << " has " << proba.cols() << " columns but there are " << n_classes
            << " classes";
    throw shape_error(message.str());
  }
  shift_check_finite(proba, name);
  for (index row = 0; row < proba.rows(); ++row) {
    double total = 0.0;
    for (index col = 0; col < proba.cols(); ++col) {
      const double value = static_cast<double>(proba.coeff(row, col));
      if (value < 0.0 || value > 1.0) {
        std::ostringstream message;
        message << name << " must hold probabilities in [0, 1], got " << value << " at row "
                << row << ", column " << col;
        throw invalid_argument(message.str());
      }
      total += value;
    }
    if (std::abs(total - 1.0) > 1e-3) {
      std::ostringstream message;
      message << name << " rows must sum to 1, row " << row << " sums to " << total;
      throw invalid_argument(message.str());
    }
  }
}

/// Checks labels are integers in [0, n_classes); returns them as a std::vector<index>.
template <class Derived>
std::vector<index> check_labels(const Eigen::DenseBase<Derived>& labels, index n_classes,
                                const char* name) {
  std::vector<index> out(static_cast<std::size_t>(labels.size()));
  for (index k = 0; k < labels.size(); ++k) {
    const double value = static_cast<double>(labels.coeff(k));
    if (!(value >= 0.0 && value < static_cast<double>(n_classes)) ||
        value != std::floor(value)) {
      std::ostringstream message;
      message << name << " must hold class indices in [0, " << n_classes << "), got " << value
              << " at position " << k;
      throw invalid_argument(message.str());
    }
    out[static_cast<std::size_t>(k)] = static_cast<index>(value);
  }
  return out;
}

template <class Derived>
index argmax_row(const Eigen::MatrixBase<Derived>& proba, index row) {
  index best = 0;
  for (index col = 1; col < proba.cols(); ++col) {
    if (proba.coeff(row, col) > proba.coeff(row, best)) best = col;
  }
  return best;
}

/// Adds sample `row` (label `label`) to the joint confusion sums.
template <class Derived>
void add_to_confusion(matrix<double>& confusion, const Eigen::MatrixBase<Derived>& proba,
                      index row, index label, bool soft, index prediction) {
  if (soft) {
    for (index i = 0; i < proba.cols(); ++i) {
      confusion(i, label) += static_cast<double>(proba.coeff(row, i));
    }
  } else {
    confusion(prediction, label) += 1.0;
  }
}

template <class Derived>
void add_to_mean(vector<double>& mean, const Eigen::MatrixBase<Derived>& proba, index row,
                 bool soft, index prediction) {
  if (soft) {
    for (index i = 0; i < proba.cols(); ++i) mean(i) += static_cast<double>(proba.coeff(row, i));
  } else {
    mean(prediction) += 1.0;
  }
}

/// Solution of the BBSE system: raw weights, clipped priors and weights, condition number.
/// `error` is empty on success, else the reason the system is singular.
struct bbse_solution {
  vector<double> raw_weights;
  vector<double> target_priors;
  vector<double> weights;
  vector<double> source_priors;
  double condition_number = 0.0;
  std::vector<index> clipped;
  std::string error;
};

inline bbse_solution solve_bbse(const matrix<double>& confusion, const vector<double>& mean,
                                bool soft) {
  bbse_solution out;
  const index k = confusion.rows();
  out.source_priors = confusion.colwise().sum().transpose();
  std::vector<index> empty_columns;
  std::vector<index> empty_rows;
  for (index j = 0; j < k; ++j) {
    if (!(out.source_priors(j) > 0.0)) empty_columns.push_back(j);
    if (!(confusion.row(j).sum() > 0.0)) empty_rows.push_back(j);
  }
  if (!empty_columns.empty()) {
    out.error = "the confusion matrix is singular: y_val has no sample of class " +
                class_list(empty_columns) + " (empty column), so p(y) = 0 there";
    return out;
  }
  if (!empty_rows.empty()) {
    out.error = std::string("the confusion matrix is singular: class ") +
                class_list(empty_rows) +
                (soft ? " receives zero probability" : " is never predicted") +
                " on the held-out data (empty row)";
    return out;
  }
  const Eigen::JacobiSVD<matrix<double>> svd(confusion);
  const auto& singular = svd.singularValues();
  const double largest = singular(0);
  const double smallest = singular(k - 1);
  out.condition_number = smallest > 0.0 ? largest / smallest
                                         : std::numeric_limits<double>::infinity();
  if (!(smallest > largest * static_cast<double>(k) * std::numeric_limits<double>::epsilon())) {
    std::ostringstream message;
    message << "the confusion matrix is singular (condition number " << out.condition_number
            << "): some classes are predicted identically, BBSE cannot separate them";
    out.error = message.str();
    return out;
  }
  out.raw_weights = confusion.fullPivLu().solve(mean);
  vector<double> priors(k);
  for (index j = 0; j < k; ++j) {
    double w = out.raw_weights(j);
    if (w < 0.0) {
      out.clipped.push_back(j);
      w = 0.0;
    }
    priors(j) = w * out.source_priors(j);
  }
  const double total = priors.sum();
  if (!(total > 0.0)) {
    out.error = "every BBSE weight is negative or zero: no target prior can be estimated";
    return out;
  }
  out.target_priors = priors / total;
  out.weights = out.target_priors.cwiseQuotient(out.source_priors);
  return out;
}

/// EM fixed point from `start` on the target rows selected by `rows` (all when empty).
template <class Derived>
vector<double> run_em(const vector<double>& source_priors, const Eigen::MatrixBase<Derived>& proba,
                      const std::vector<index>& rows, const vector<double>& start, double tol,
                      index max_iter, bool& converged, index& n_iter, vector<double>& mean) {
  const index k = source_priors.size();
  const index n = rows.empty() ? proba.rows() : static_cast<index>(rows.size());
  vector<double> priors = start;
  vector<double> ratio(k);
  vector<double> adjusted(k);
  converged = false;
  n_iter = 0;
  mean = vector<double>::Zero(k);
  for (index s = 0; s < n; ++s) {
    const index row = rows.empty() ? s : rows[static_cast<std::size_t>(s)];
    for (index j = 0; j < k; ++j) mean(j) += static_cast<double>(proba.coeff(row, j));
  }
  mean /= static_cast<double>(n);
  while (n_iter < max_iter) {
    ratio = priors.cwiseQuotient(source_priors);
    vector<double> next = vector<double>::Zero(k);
    for (index s = 0; s < n; ++s) {
      const index row = rows.empty() ? s : rows[static_cast<std::size_t>(s)];
      double denominator = 0.0;
      for (index j = 0; j < k; ++j) {
        adjusted(j) = static_cast<double>(proba.coeff(row, j)) * ratio(j);
        denominator += adjusted(j);
      }
      if (denominator > 0.0) next += adjusted / denominator;
    }
    next /= next.sum();
    ++n_iter;
    const double change = (next - priors).cwiseAbs().maxCoeff();
    priors = next;
    if (change <= tol) {
      converged = true;
      break;
    }
  }
  return priors;
}

/// Percentile (linear interpolation, NumPy's default) of sorted values.
inline double sorted_quantile(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(lower);
  return sorted[lower] + fraction * (sorted[upper] - sorted[lower]);
}

inline void check_label_shift_options(const label_shift_options& options) {
  if (!(options.max_condition > 1.0)) {
    throw invalid_argument("max_condition must be > 1, got " +
                           std::to_string(options.max_condition));
  }
  if (options.n_bootstrap < 0) {
    throw invalid_argument("n_bootstrap must be >= 0, got " +
                           std::to_string(options.n_bootstrap));
  }
  if (!(options.confidence_level > 0.0 && options.confidence_level < 1.0)) {
    throw invalid_argument("confidence_level must be in (0, 1), got " +
                           std::to_string(options.confidence_level));
  }
  if (!(options.tol > 0.0) || !std::isfinite(options.tol)) {
    throw invalid_argument("tol must be a finite number > 0, got " + std::to_string(options.tol));
  }
  if (options.max_iter < 1) {
    throw invalid_argument("max_iter must be >= 1, got " + std::to_string(options.max_iter));
  }
  resolve_thread_count(options.n_threads);
}

/// Fills ci_lower/ci_upper from per-replicate priors (NaN rows = failed replicates).
inline void fill_interval(label_shift_result& result, const matrix<double>& replicates) {
  const index k = replicates.cols();
  result.ci_lower.resize(k);
  result.ci_upper.resize(k);
  std::vector<std::vector<double>> columns(static_cast<std::size_t>(k));
  for (index b = 0; b < replicates.rows(); ++b) {
    if (std::isnan(replicates(b, 0))) {
      ++result.n_bootstrap_failed;
      continue;
    }
    for (index j = 0; j < k; ++j) columns[static_cast<std::size_t>(j)].push_back(replicates(b, j));
  }
  const double alpha = 1.0 - result.confidence_level;
  for (index j = 0; j < k; ++j) {
    auto& values = columns[static_cast<std::size_t>(j)];
    if (values.empty()) {
      result.ci_lower(j) = result.ci_upper(j) = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    std::sort(values.begin(), values.end());
    result.ci_lower(j) = sorted_quantile(values, alpha / 2.0);
    result.ci_upper(j) = sorted_quantile(values, 1.0 - alpha / 2.0);
  }
  if (result.n_bootstrap_failed > 0) {
    result.warnings.push_back(std::to_string(result.n_bootstrap_failed) + " of " +
                              std::to_string(result.n_bootstrap) +
                              " bootstrap replicates had a singular confusion matrix or lost a "
                              "class and were left out of the confidence interval");
  }
}

}  // namespace detail

/// Joint confusion matrix C[i, j] = P(prediction = i, y = j) estimated on held-out data:
/// hard counts argmax predictions, soft sums the predicted probabilities of each class.
template <class LabelDerived, class ProbaDerived>
matrix<double> joint_confusion_matrix(const Eigen::DenseBase<LabelDerived>& labels,
                                      const Eigen::MatrixBase<ProbaDerived>& proba, bool soft) {
  detail::check_probabilities(proba, 0, "proba_val");
  if (labels.size() != proba.rows()) {
    throw shape_error("y_val has " + std::to_string(labels.size()) + " labels but proba_val has " +
                      std::to_string(proba.rows()) + " rows");
  }
  const index k = proba.cols();
  const std::vector<index> y = detail::check_labels(labels, k, "y_val");
  matrix<double> confusion = matrix<double>::Zero(k, k);
  for (index row = 0; row < proba.rows(); ++row) {
    detail::add_to_confusion(confusion, proba, row, y[static_cast<std::size_t>(row)], soft,
                             soft ? 0 : detail::argmax_row(proba, row));
  }
  return confusion / static_cast<double>(proba.rows());
}

/// EM prior adjustment of Saerens et al. (2002) from known source priors and the target
/// probabilities of a classifier trained on the source distribution.
template <class ProbaDerived>
label_shift_result em_prior_adjustment(const vector<double>& source_priors,
                                       const Eigen::MatrixBase<ProbaDerived>& proba_target,
                                       const label_shift_options& options = {}) {
  detail::check_label_shift_options(options);
  const index k = source_priors.size();
  if (k < 2) {
    throw invalid_argument("source_priors must have at least 2 classes, got " +
                           std::to_string(k));
  }
  for (index j = 0; j < k; ++j) {
    if (!(source_priors(j) > 0.0) || !std::isfinite(source_priors(j))) {
      std::ostringstream message;
      message << "source_priors must be finite and > 0, got " << source_priors(j)
              << " for class " << j;
      throw invalid_argument(message.str());
    }
  }
  if (std::abs(source_priors.sum() - 1.0) > 1e-6) {
    std::ostringstream message;
    message << "source_priors must sum to 1, got " << source_priors.sum();
    throw invalid_argument(message.str());
  }
  detail::check_probabilities(proba_target, k, "proba_target");

  label_shift_result result;
  result.method = label_shift_method::em;
  result.source_priors = source_priors;
  result.confidence_level = options.confidence_level;
  result.n_bootstrap = options.n_bootstrap;
  result.target_priors =
      detail::run_em(source_priors, proba_target, {}, source_priors, options.tol,
                     options.max_iter, result.converged, result.n_iter,
                     result.target_prediction_mean);
  result.weights = result.target_priors.cwiseQuotient(source_priors);
  result.raw_weights = result.weights;
  if (!result.converged) {
    result.warnings.push_back("EM did not converge in max_iter = " +
                              std::to_string(options.max_iter) + " iterations (tol " +
                              std::to_string(options.tol) + ")");
  }
  if (options.n_bootstrap > 0) {
    const index n = proba_target.rows();
    matrix<double> replicates(options.n_bootstrap, k);
    parallel_for_ranges(options.n_bootstrap, options.n_threads, 1, [&](index begin, index end) {
      std::vector<index> rows(static_cast<std::size_t>(n));
      vector<double> mean;
      for (index b = begin; b < end; ++b) {
        detail::shift_stream random(options.seed, static_cast<std::uint64_t>(b));
        for (auto& row : rows) row = random.below(n);
        bool converged = false;
        index n_iter = 0;
        replicates.row(b) = detail::run_em(source_priors, proba_target, rows,
                                           result.target_priors, options.tol, options.max_iter,
                                           converged, n_iter, mean)
                                .transpose();
      }
    });
    detail::fill_interval(result, replicates);
  }
  return result;
}

/// Estimates the target priors from held-out labels `labels_val` (class indices 0..k-1),
/// held-out probabilities `proba_val` (n_val x k) and target probabilities `proba_target`
/// (n_target x k), by BBSE (hard or soft) or EM (source priors = class frequencies of
/// labels_val). Throws invalid_argument when the confusion matrix is singular, naming the
/// empty row or column; an ill-conditioned one gives a warning in the result.
template <class LabelDerived, class ValDerived, class TargetDerived>
label_shift_result estimate_label_shift(const Eigen::DenseBase<LabelDerived>& labels_val,
                                        const Eigen::MatrixBase<ValDerived>& proba_val,
                                        const Eigen::MatrixBase<TargetDerived>& proba_target,
                                        const label_shift_options& options = {}) {
  detail::check_label_shift_options(options);
  detail::check_probabilities(proba_val, 0, "proba_val");
  const index k = proba_val.cols();
  if (k < 2) throw shape_error("proba_val must have at least 2 columns (classes), got 1");
  detail::check_probabilities(proba_target, k, "proba_target");
  if (labels_val.size() != proba_val.rows()) {
    throw shape_error("y_val has " + std::to_string(labels_val.size()) +
                      " labels but proba_val has " + std::to_string(proba_val.rows()) + " rows");
  }
  const std::vector<index> y = detail::check_labels(labels_val, k, "y_val");
  const index n_val = proba_val.rows();
  const index n_target = proba_target.rows();

  if (options.method == label_shift_method::em) {
    vector<double> priors = vector<double>::Zero(k);
    for (const index label : y) priors(label) += 1.0;
    std::vector<index> missing;
    for (index j = 0; j < k; ++j) {
      if (priors(j) == 0.0) missing.push_back(j);
    }
    if (!missing.empty()) {
      throw invalid_argument("y_val has no sample of class " + detail::class_list(missing) +
                             ", so its source prior is 0 and EM cannot weight it");
    }
    // The source priors are estimated from y_val, so the bootstrap resamples y_val too
    // (replicate b: y_val rows, then target rows, from stream (seed, b)).
    label_shift_options point_options = options;
    point_options.n_bootstrap = 0;
    label_shift_result result = em_prior_adjustment(
        vector<double>(priors / static_cast<double>(n_val)), proba_target, point_options);
    result.n_bootstrap = options.n_bootstrap;
    if (options.n_bootstrap > 0) {
      matrix<double> replicates(options.n_bootstrap, k);
      parallel_for_ranges(options.n_bootstrap, options.n_threads, 1, [&](index begin, index end) {
        std::vector<index> rows(static_cast<std::size_t>(n_target));
        vector<double> mean;
        vector<double> source(k);
        for (index b = begin; b < end; ++b) {
          detail::shift_stream random(options.seed, static_cast<std::uint64_t>(b));
          source.setZero();
          for (index s = 0; s < n_val; ++s) source(y[static_cast<std::size_t>(random.below(n_val))]) += 1.0;
          for (auto& row : rows) row = random.below(n_target);
          if (source.minCoeff() == 0.0) {
            replicates.row(b).setConstant(std::numeric_limits<double>::quiet_NaN());
            continue;
          }
          source /= static_cast<double>(n_val);
          bool converged = false;
          index n_iter = 0;
          replicates.row(b) = detail::run_em(source, proba_target, rows, result.target_priors,
                                             options.tol, options.max_iter, converged, n_iter,
                                             mean)
                                  .transpose();
        }
      });
      detail::fill_interval(result, replicates);
    }
    return result;
  }

  const bool soft = options.method == label_shift_method::bbse_soft;
  std::vector<index> pred_val(static_cast<std::size_t>(soft ? 0 : n_val));
  std::vector<index> pred_target(static_cast<std::size_t>(soft ? 0 : n_target));
  for (std::size_t s = 0; s < pred_val.size(); ++s) {
    pred_val[s] = detail::argmax_row(proba_val, static_cast<index>(s));
  }
  for (std::size_t s = 0; s < pred_target.size(); ++s) {
    pred_target[s] = detail::argmax_row(proba_target, static_cast<index>(s));
  }
  const auto system = [&](const std::vector<index>* val_rows,
                          const std::vector<index>* target_rows, matrix<double>& confusion,
                          vector<double>& mean) {
    confusion = matrix<double>::Zero(k, k);
    mean = vector<double>::Zero(k);
    for (index s = 0; s < n_val; ++s) {
      const index row = val_rows ? (*val_rows)[static_cast<std::size_t>(s)] : s;
      detail::add_to_confusion(confusion, proba_val, row, y[static_cast<std::size_t>(row)], soft,
                               soft ? 0 : pred_val[static_cast<std::size_t>(row)]);
    }
    for (index s = 0; s < n_target; ++s) {
      const index row = target_rows ? (*target_rows)[static_cast<std::size_t>(s)] : s;
      detail::add_to_mean(mean, proba_target, row, soft,
                          soft ? 0 : pred_target[static_cast<std::size_t>(row)]);
    }
    confusion /= static_cast<double>(n_val);
    mean /= static_cast<double>(n_target);
  };

  label_shift_result result;
  result.method = options.method;
  result.confidence_level = options.confidence_level;
  result.n_bootstrap = options.n_bootstrap;
  system(nullptr, nullptr, result.confusion, result.target_prediction_mean);
  const detail::bbse_solution solution =
      detail::solve_bbse(result.confusion, result.target_prediction_mean, soft);
  if (!solution.error.empty()) throw invalid_argument(solution.error);
  result.source_priors = solution.source_priors;
  result.target_priors = solution.target_priors;
  result.weights = solution.weights;
  result.raw_weights = solution.raw_weights;
  result.condition_number = solution.condition_number;
  result.ill_conditioned = solution.condition_number > options.max_condition;
  if (result.ill_conditioned) {
    std::ostringstream message;
    message << "the confusion matrix is ill-conditioned (condition number "
            << solution.condition_number << " > max_condition " << options.max_condition
            << "): the estimated priors are unreliable";
    result.warnings.push_back(message.str());
  }
  if (!solution.clipped.empty()) {
    result.warnings.push_back("negative BBSE weights of class " +
                              detail::class_list(solution.clipped) +
                              " were clipped to 0 before renormalising the priors");
  }
  if (options.n_bootstrap > 0) {
    matrix<double> replicates(options.n_bootstrap, k);
    parallel_for_ranges(options.n_bootstrap, options.n_threads, 1, [&](index begin, index end) {
      std::vector<index> val_rows(static_cast<std::size_t>(n_val));
      std::vector<index> target_rows(static_cast<std::size_t>(n_target));
      matrix<double> confusion;
      vector<double> mean;
      for (index b = begin; b < end; ++b) {
        detail::shift_stream random(options.seed, static_cast<std::uint64_t>(b));
        for (auto& row : val_rows) row = random.below(n_val);
        for (auto& row : target_rows) row = random.below(n_target);
        system(&val_rows, &target_rows, confusion, mean);
        const detail::bbse_solution replicate = detail::solve_bbse(confusion, mean, soft);
        if (replicate.error.empty()) {
          replicates.row(b) = replicate.target_priors.transpose();
        } else {
          replicates.row(b).setConstant(std::numeric_limits<double>::quiet_NaN());
        }
      }
    });
    detail::fill_interval(result, replicates);
  }
  return result;
}

/// Probabilities corrected to new priors: p'(y | x) proportional to p(y | x) q(y) / p(y),
/// each row renormalised to sum 1. Throws invalid_argument when a row would have no mass
/// left (all its probability on classes whose target prior is 0).
template <class ProbaDerived>
matrix<double> adjust_probabilities(const Eigen::MatrixBase<ProbaDerived>& proba,
                                    const vector<double>& source_priors,
                                    const vector<double>& target_priors) {
  const index k = source_priors.size();
  if (target_priors.size() != k) {
    throw shape_error("target_priors has " + std::to_string(target_priors.size()) +
                      " classes but source_priors has " + std::to_string(k));
  }
  for (index j = 0; j < k; ++j) {
    if (!(source_priors(j) > 0.0) || !std::isfinite(source_priors(j))) {
      std::ostringstream message;
      message << "source_priors must be finite and > 0, got " << source_priors(j)
              << " for class " << j;
      throw invalid_argument(message.str());
    }
    if (!(target_priors(j) >= 0.0) || !std::isfinite(target_priors(j))) {
      std::ostringstream message;
      message << "target_priors must be finite and >= 0, got " << target_priors(j)
              << " for class " << j;
      throw invalid_argument(message.str());
    }
  }
  detail::check_probabilities(proba, k, "proba");
  const vector<double> ratio = target_priors.cwiseQuotient(source_priors);
  matrix<double> out(proba.rows(), k);
  for (index row = 0; row < proba.rows(); ++row) {
    double total = 0.0;
    for (index j = 0; j < k; ++j) {
      out(row, j) = static_cast<double>(proba.coeff(row, j)) * ratio(j);
      total += out(row, j);
    }
    if (!(total > 0.0)) {
      throw invalid_argument("proba row " + std::to_string(row) +
                             " puts all its probability on classes whose target prior is 0");
    }
    out.row(row) /= total;
  }
  return out;
}

/// Per-sample importance weights for retraining: weights[labels[i]] for each sample.
template <class LabelDerived>
vector<double> label_shift_weights(const Eigen::DenseBase<LabelDerived>& labels,
                                   const vector<double>& class_weights) {
  const index k = class_weights.size();
  if (k < 1) throw invalid_argument("weights must have at least one class, got 0");
  for (index j = 0; j < k; ++j) {
    if (!(class_weights(j) >= 0.0) || !std::isfinite(class_weights(j))) {
      std::ostringstream message;
      message << "weights must be finite and >= 0, got " << class_weights(j) << " for class "
              << j;
      throw invalid_argument(message.str());
    }
  }
  const std::vector<index> y = detail::check_labels(labels, k, "y");
  vector<double> out(static_cast<index>(y.size()));
  for (std::size_t s = 0; s < y.size(); ++s) out(static_cast<index>(s)) = class_weights(y[s]);
  return out;
}

}  // namespace shiftguard::imbalance
