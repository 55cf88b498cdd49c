#pragma once

// Covariate shift: p(x) changes between a reference sample and a current sample while
// p(y | x) stays the same. Importance weights w(x) = p_current(x) / p_reference(x) make the
// reference sample (whose labels are known) stand for the current distribution.
//
// - By a probabilistic classifier: L2-regularised logistic regression (the objective of
//   scikit-learn's LogisticRegression(C): C * sum of log-losses + ||coef||^2 / 2, intercept not
//   penalised), fitted by Newton's method with a backtracking line search. Reference rows are
//   labelled 0 and current rows 1; w(x) = (n_ref / n_cur) * p / (1 - p) = (n_ref / n_cur) *
//   exp(decision). With n_folds >= 2 the reference weights are cross-fitted: each reference
//   row is weighted by a model that did not see it (and n_ref / n_cur are the counts of that
//   model's training rows).
// - uLSIF (Kanamori, Hido and Sugiyama, JMLR 2009): w(x) = sum_l alpha_l K(x, c_l) with
//   Gaussian kernels on centres c_l drawn (seeded) from the current sample, alpha =
//   max(0, (H + lambda I)^-1 h), H = mean over reference rows of phi phi^T, h = mean over
//   current rows of phi. The kernel width and lambda are chosen on a grid by the closed-form
//   leave-one-out score of the paper (pairs i = 0..min(n_ref, n_cur)-1 left out together).
// - Post-processing (postprocess_weights): clip the raw reference weights at
//   min(max_weight, their clip_quantile quantile), then scale them to mean 1 over the
//   reference sample; report the effective sample size ESS = (sum w)^2 / sum w^2.
//
// Sums over rows are computed in fixed blocks combined in block order, and grid points in
// independent tasks, so results never depend on the number of threads.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/imbalance/detail/shift_common.hpp"

namespace shiftguard::imbalance {

// ------------------------------------------------------------------ logistic regression

/// Options of fit_logistic_regression().
struct logistic_regression_options {
  double C = 1.0;             ///< inverse regularisation strength (scikit-learn's C), > 0
  bool fit_intercept = true;  ///< add an unpenalised intercept
  double tol = 1e-10;         ///< stop when the Newton step moves no parameter more than tol
  index max_iter = 100;       ///< Newton iterations; reaching it leaves converged false
  int n_threads = 0;          ///< threads for the row blocks (0 = all cores)
};

/// A fitted binary logistic regression (class 1 probability = sigmoid(x . coef + intercept)).
struct logistic_regression_model {
  vector<double> coef;
  double intercept = 0.0;
  bool converged = false;
  index n_iter = 0;

  /// x . coef + intercept for each row of x.
  template <class Derived>
  [[nodiscard]] vector<double> decision_function(const Eigen::MatrixBase<Derived>& x) const {
    if (x.cols() != coef.size()) {
      throw shape_error("x has " + std::to_string(x.cols()) +
                        " features (columns) but the model was fitted on " +
                        std::to_string(coef.size()));
    }
    detail::shift_check_finite(x, "x");
    return (x.template cast<double>() * coef).array() + intercept;
  }
};

namespace detail {

constexpr index shift_block_rows = 1024;

/// Per-block contributions to the logistic objective, gradient and Hessian.
struct logistic_partial {
  double loss = 0.0;
  vector<double> gradient;
  matrix<double> hessian;
};

/// Stable log(1 + exp(-margin)).
inline double log_loss_of_margin(double margin) {
  return margin > 0 ? std::log1p(std::exp(-margin)) : -margin + std::log1p(std::exp(margin));
}

template <class XDerived>
matrix<double> design_block(const Eigen::MatrixBase<XDerived>& x, index begin, index rows,
                            bool fit_intercept) {
  const index d = x.cols();
  matrix<double> block(rows, d + (fit_intercept ? 1 : 0));
  block.leftCols(d) = x.middleRows(begin, rows).template cast<double>();
  if (fit_intercept) block.col(d).setOnes();
  return block;
}

}  // namespace detail

/// Fits L2-regularised logistic regression on x (n x d) and binary labels y (0 or 1).
/// The minimiser is that of scikit-learn's LogisticRegression(C=C) (lbfgs, L2).
template <class XDerived, class YDerived>
logistic_regression_model fit_logistic_regression(const Eigen::MatrixBase<XDerived>& x,
                                                  const Eigen::DenseBase<YDerived>& y,
                                                  const logistic_regression_options& options = {}) {
  detail::shift_check_shape(x, 2, "x");
  detail::shift_check_finite(x, "x");
  if (y.size() != x.rows()) {
    throw shape_error("y has " + std::to_string(y.size()) + " labels but x has " +
                      std::to_string(x.rows()) + " rows");
  }
  if (!(options.C > 0.0) || !std::isfinite(options.C)) {
    throw invalid_argument("C must be a finite number > 0, got " + std::to_string(options.C));
  }
  if (!(options.tol > 0.0)) {
    throw invalid_argument("tol must be > 0, got " + std::to_string(options.tol));
  }
  if (options.max_iter < 1) {
    throw invalid_argument("max_iter must be >= 1, got " + std::to_string(options.max_iter));
  }
  resolve_thread_count(options.n_threads);
  const index n = x.rows();
  const index d = x.cols();
  vector<double> labels(n);
  bool has_zero = false;
  bool has_one = false;
  for (index i = 0; i < n; ++i) {
    const double value = static_cast<double>(y.coeff(i));
    if (value != 0.0 && value != 1.0) {
      std::ostringstream message;
      message << "y must hold 0 or 1, got " << value << " at position " << i;
      throw invalid_argument(message.str());
    }
    labels(i) = value;
    (value == 1.0 ? has_one : has_zero) = true;
  }
  if (!has_zero || !has_one) {
    throw invalid_argument(std::string("y must contain both classes 0 and 1, got only ") +
                           (has_one ? "1" : "0"));
  }
  const index p = d + (options.fit_intercept ? 1 : 0);
  const index n_blocks = (n + detail::shift_block_rows - 1) / detail::shift_block_rows;
  const double C = options.C;

  // Sum of the block partials in block order; `with_derivatives` adds gradient and Hessian.
  const auto evaluate = [&](const vector<double>& theta, bool with_derivatives) {
    std::vector<detail::logistic_partial> partials(static_cast<std::size_t>(n_blocks));
    parallel_for_ranges(n_blocks, options.n_threads, 1, [&](index begin, index end) {
      for (index b = begin; b < end; ++b) {
        const index first = b * detail::shift_block_rows;
        const index rows = std::min(detail::shift_block_rows, n - first);
        const matrix<double> block = detail::design_block(x, first, rows, options.fit_intercept);
        const vector<double> z = block * theta;
        auto& part = partials[static_cast<std::size_t>(b)];
        vector<double> residual(rows);
        vector<double> curvature(rows);
        for (index i = 0; i < rows; ++i) {
          const double label = labels(first + i);
          const double margin = (2.0 * label - 1.0) * z(i);
          part.loss += detail::log_loss_of_margin(margin);
          const double prob = 1.0 / (1.0 + std::exp(-z(i)));
          residual(i) = prob - label;
          curvature(i) = prob * (1.0 - prob);
        }
        if (with_derivatives) {
          part.gradient = block.transpose() * residual;
          part.hessian = block.transpose() * curvature.asDiagonal() * block;
        }
      }
    });
    detail::logistic_partial total;
    total.gradient = vector<double>::Zero(p);
    total.hessian = matrix<double>::Zero(p, p);
    for (const auto& part : partials) {
      total.loss += part.loss;
      if (with_derivatives) {
        total.gradient += part.gradient;
        total.hessian += part.hessian;
      }
    }
    const auto coef = theta.head(d);
    total.loss = C * total.loss + 0.5 * coef.squaredNorm();
    if (with_derivatives) {
      total.gradient *= C;
      total.gradient.head(d) += coef;
      total.hessian *= C;
      total.hessian.topLeftCorner(d, d).diagonal().array() += 1.0;
    }
    return total;
  };

  logistic_regression_model model;
  vector<double> theta = vector<double>::Zero(p);
  detail::logistic_partial current = evaluate(theta, true);
  while (model.n_iter < options.max_iter) {
    ++model.n_iter;
    // The intercept has no penalty: a tiny ridge keeps the system solvable when the data
    // are separable along it (the step is still a descent direction).
    matrix<double> hessian = current.hessian;
    hessian.diagonal().array() += 1e-12 * (1.0 + hessian.diagonal().cwiseAbs().maxCoeff());
    const vector<double> step = -hessian.ldlt().solve(current.gradient);
    const double slope = current.gradient.dot(step);
    // Armijo backtracking; the full Newton step is almost always accepted, so the candidate
    // is evaluated with its derivatives at once (no second pass over the data).
    double length = 1.0;
    vector<double> candidate = theta + step;
    detail::logistic_partial next = evaluate(candidate, true);
    while (next.loss > current.loss + 1e-4 * length * slope && length > 1e-10) {
      length *= 0.5;
      candidate = theta + length * step;
      next = evaluate(candidate, true);
    }
    const double moved = (length * step).cwiseAbs().maxCoeff();
    theta = candidate;
    current = std::move(next);
    if (moved <= options.tol * (1.0 + theta.cwiseAbs().maxCoeff())) {
      model.converged = true;
      break;
    }
  }
  model.coef = theta.head(d);
  model.intercept = options.fit_intercept ? theta(d) : 0.0;
  return model;
}

// ------------------------------------------------------------------ weight post-processing

/// Effective sample size (sum w)^2 / sum w^2 of non-negative weights (0 when all are 0).
template <class Derived>
double effective_sample_size(const Eigen::DenseBase<Derived>& weights) {
  double sum = 0.0;
  double sum_squares = 0.0;
  for (index i = 0; i < weights.size(); ++i) {
    const double w = static_cast<double>(weights.coeff(i));
    sum += w;
    sum_squares += w * w;
  }
  return sum_squares > 0.0 ? sum * sum / sum_squares : 0.0;
}

/// Rules applied to raw importance weights (documented order: clip, then normalise).
struct weight_rules {
  double max_weight = std::numeric_limits<double>::infinity();  ///< clip raw weights here
  double clip_quantile = 1.0;  ///< also clip at this quantile of the raw weights (1 = none)
  bool normalize = true;       ///< scale to mean 1 over the reference sample
};

/// Post-processed reference weights and how to apply the same rules to new weights.
struct processed_weights {
  vector<double> weights;  ///< min(raw, clip_value) * scale
  double clip_value = std::numeric_limits<double>::infinity();
  double scale = 1.0;
  index n_clipped = 0;  ///< raw weights above clip_value
  double ess = 0.0;     ///< effective sample size of `weights`
  double ess_fraction = 0.0;  ///< ess / n

  /// Applies the fitted clip value and scale to other raw weights.
  [[nodiscard]] vector<double> apply(const vector<double>& raw) const {
    return raw.cwiseMin(clip_value) * scale;
  }
};

/// Clips raw reference weights at min(max_weight, quantile clip_quantile of the raw weights)
/// (linear interpolation, NumPy's default) and, if rules.normalize, scales them to mean 1.
template <class Derived>
processed_weights postprocess_weights(const Eigen::DenseBase<Derived>& raw,
                                      const weight_rules& rules = {}) {
  if (raw.size() < 1) throw shape_error("weights must hold at least one value, got 0");
  if (!(rules.max_weight > 0.0)) {
    throw invalid_argument("max_weight must be > 0, got " + std::to_string(rules.max_weight));
  }
  if (!(rules.clip_quantile > 0.0 && rules.clip_quantile <= 1.0)) {
    throw invalid_argument("clip_quantile must be in (0, 1], got " +
                           std::to_string(rules.clip_quantile));
  }
  const index n = raw.size();
  vector<double> values(n);
  for (index i = 0; i < n; ++i) {
    const double w = static_cast<double>(raw.coeff(i));
    if (!(w >= 0.0) || !std::isfinite(w)) {
      std::ostringstream message;
      message << "weights must be finite and >= 0, got " << w << " at position " << i;
      throw invalid_argument(message.str());
    }
    values(i) = w;
  }
  processed_weights out;
  out.clip_value = rules.max_weight;
  if (rules.clip_quantile < 1.0) {
    std::vector<double> sorted(values.data(), values.data() + n);
    std::sort(sorted.begin(), sorted.end());
    const double position = rules.clip_quantile * static_cast<double>(n - 1);
    const auto lower = static_cast<std::size_t>(std::floor(position));
    const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
    const double quantile =
        sorted[lower] + (position - static_cast<double>(lower)) * (sorted[upper] - sorted[lower]);
    out.clip_value = std::min(out.clip_value, quantile);
  }
  for (index i = 0; i < n; ++i) {
    if (values(i) > out.clip_value) {
      ++out.n_clipped;
      values(i) = out.clip_value;
    }
  }
  const double total = values.sum();
  if (rules.normalize) {
    if (!(total > 0.0)) {
      throw invalid_argument("every weight is 0 after clipping: they cannot be normalised");
    }
    out.scale = static_cast<double>(n) / total;
  }
  out.weights = values * out.scale;
  out.ess = effective_sample_size(out.weights);
  out.ess_fraction = out.ess / static_cast<double>(n);
  return out;
}

// ------------------------------------------------------------------ classifier density ratio

/// Options of classifier_density_ratio().
struct classifier_ratio_options {
  double C = 1.0;          ///< logistic regression C
  index n_folds = 5;       ///< cross-fitting folds for the reference weights (1 = in-sample)
  std::uint64_t seed = 0;  ///< fold assignment
  double tol = 1e-10;
  index max_iter = 100;
  int n_threads = 0;
};

/// Density-ratio estimate by logistic regression (reference = 0, current = 1).
struct classifier_ratio_result {
  vector<double> weights;           ///< raw w(x) for each reference row (cross-fitted if folds)
  logistic_regression_model model;  ///< fitted on all rows; used for new points
  double prior_ratio = 1.0;         ///< n_ref / n_cur
  std::vector<index> fold;          ///< fold of each reference row (all 0 when n_folds = 1)
  bool converged = true;            ///< every fit converged

  /// Raw w(x) = prior_ratio * exp(decision) for new rows, from the model fitted on all rows.
  template <class Derived>
  [[nodiscard]] vector<double> ratio(const Eigen::MatrixBase<Derived>& x) const {
    return (model.decision_function(x).array().exp() * prior_ratio).matrix();
  }
};

namespace detail {

template <class RefDerived, class CurDerived>
void check_pair(const Eigen::MatrixBase<RefDerived>& x_ref, const Eigen::MatrixBase<CurDerived>& x_cur) {
  shift_check_shape(x_ref, 2, "x_ref");
  shift_check_shape(x_cur, 2, "x_cur");
  if (x_ref.cols() != x_cur.cols()) {
    throw shape_error("x_cur has " + std::to_string(x_cur.cols()) +
                      " features (columns) but x_ref has " + std::to_string(x_ref.cols()));
  }
  shift_check_finite(x_ref, "x_ref");
  shift_check_finite(x_cur, "x_cur");
}

}  // namespace detail

/// Fits the logistic density-ratio model; reference weights cross-fitted over n_folds folds
/// (reference and current rows each assigned to folds by a seeded permutation).
template <class RefDerived, class CurDerived>
classifier_ratio_result classifier_density_ratio(const Eigen::MatrixBase<RefDerived>& x_ref,
                                                 const Eigen::MatrixBase<CurDerived>& x_cur,
                                                 const classifier_ratio_options& options = {}) {
  detail::check_pair(x_ref, x_cur);
  const index n_ref = x_ref.rows();
  const index n_cur = x_cur.rows();
  if (options.n_folds < 1 || options.n_folds > std::min(n_ref, n_cur)) {
    throw invalid_argument("n_folds must be in [1, min(n_ref, n_cur)] = [1, " +
                           std::to_string(std::min(n_ref, n_cur)) + "], got " +
                           std::to_string(options.n_folds));
  }
  logistic_regression_options fit_options;
  fit_options.C = options.C;
  fit_options.tol = options.tol;
  fit_options.max_iter = options.max_iter;
  fit_options.n_threads = options.n_threads;
  const index d = x_ref.cols();

  const auto fit_on = [&](const std::vector<index>& ref_rows, const std::vector<index>& cur_rows) {
    const auto n_a = static_cast<index>(ref_rows.size());
    const auto n_b = static_cast<index>(cur_rows.size());
    matrix<double> pooled(n_a + n_b, d);
    vector<double> labels(n_a + n_b);
    for (index i = 0; i < n_a; ++i) {
      pooled.row(i) = x_ref.row(ref_rows[static_cast<std::size_t>(i)]).template cast<double>();
      labels(i) = 0.0;
    }
    for (index i = 0; i < n_b; ++i) {
      pooled.row(n_a + i) =
          x_cur.row(cur_rows[static_cast<std::size_t>(i)]).template cast<double>();
      labels(n_a + i) = 1.0;
    }
    return fit_logistic_regression(pooled, labels, fit_options);
  };

  classifier_ratio_result result;
  result.prior_ratio = static_cast<double>(n_ref) / static_cast<double>(n_cur);
  std::vector<index> all_ref(static_cast<std::size_t>(n_ref));
  std::vector<index> all_cur(static_cast<std::size_t>(n_cur));
  for (index i = 0; i < n_ref; ++i) all_ref[static_cast<std::size_t>(i)] = i;
  for (index i = 0; i < n_cur; ++i) all_cur[static_cast<std::size_t>(i)] = i;
  result.model = fit_on(all_ref, all_cur);
  result.converged = result.model.converged;
  result.fold.assign(static_cast<std::size_t>(n_ref), 0);
  if (options.n_folds == 1) {
    result.weights = result.ratio(x_ref);
    return result;
  }
  const std::vector<index> ref_order = detail::shift_permutation(n_ref, options.seed, 0);
  const std::vector<index> cur_order = detail::shift_permutation(n_cur, options.seed, 1);
  std::vector<index> cur_fold(static_cast<std::size_t>(n_cur));
  for (index k = 0; k < n_ref; ++k) {
    result.fold[static_cast<std::size_t>(ref_order[static_cast<std::size_t>(k)])] =
        k % options.n_folds;
  }
  for (index k = 0; k < n_cur; ++k) {
    cur_fold[static_cast<std::size_t>(cur_order[static_cast<std::size_t>(k)])] =
        k % options.n_folds;
  }
  result.weights.resize(n_ref);
  for (index f = 0; f < options.n_folds; ++f) {
    std::vector<index> train_ref;
    std::vector<index> test_ref;
    std::vector<index> train_cur;
    for (index i = 0; i < n_ref; ++i) {
      (result.fold[static_cast<std::size_t>(i)] == f ? test_ref : train_ref).push_back(i);
    }
    for (index i = 0; i < n_cur; ++i) {
      if (cur_fold[static_cast<std::size_t>(i)] != f) train_cur.push_back(i);
    }
    const logistic_regression_model model = fit_on(train_ref, train_cur);
    result.converged = result.converged && model.converged;
    const double prior = static_cast<double>(train_ref.size()) /
                         static_cast<double>(train_cur.size());
    for (const index i : test_ref) {
      const double z = x_ref.row(i).template cast<double>().dot(model.coef) + model.intercept;
      result.weights(i) = prior * std::exp(z);
    }
  }
  return result;
}

// ------------------------------------------------------------------ uLSIF

/// Options of ulsif().
struct ulsif_options {
  index n_centers = 100;        ///< kernel centres drawn from the current sample (all if fewer)
  std::vector<double> sigmas;   ///< kernel widths; empty = median distance x {1/4,1/2,1,2,4}
  std::vector<double> lambdas;  ///< ridge values; empty = {1e-3, 1e-2, 1e-1, 1, 10}
  std::uint64_t seed = 0;       ///< centre selection
  int n_threads = 0;            ///< kernel widths evaluated in parallel
};

/// A fitted uLSIF density-ratio model w(x) = sum_l alpha_l exp(-|x - c_l|^2 / (2 sigma^2)).
struct ulsif_model {
  matrix<double> centers;          ///< n_centers x d
  std::vector<index> center_rows;  ///< rows of x_cur used as centres
  vector<double> alpha;            ///< non-negative coefficients
  double sigma = 0.0;              ///< chosen kernel width
  double lambda = 0.0;             ///< chosen ridge
  std::vector<double> sigmas;      ///< the grid searched
  std::vector<double> lambdas;
  matrix<double> loo_scores;       ///< leave-one-out score, sigmas x lambdas (lower is better)
  vector<double> weights;          ///< w(x) for each reference row

  /// Kernel values of x against the centres (n x n_centers) at width `width`.
  template <class Derived>
  [[nodiscard]] matrix<double> kernel(const Eigen::MatrixBase<Derived>& x, double width) const {
    const matrix<double> values = x.template cast<double>();
    const vector<double> x_norms = values.rowwise().squaredNorm();
    const vector<double> c_norms = centers.rowwise().squaredNorm();
    matrix<double> out = values * centers.transpose();
    const double scale = -1.0 / (2.0 * width * width);
    for (index j = 0; j < out.cols(); ++j) {
      for (index i = 0; i < out.rows(); ++i) {
        const double squared = std::max(0.0, x_norms(i) + c_norms(j) - 2.0 * out(i, j));
        out(i, j) = std::exp(scale * squared);
      }
    }
    return out;
  }

  /// w(x) for new rows.
  template <class Derived>
  [[nodiscard]] vector<double> ratio(const Eigen::MatrixBase<Derived>& x) const {
    if (x.cols() != centers.cols()) {
      throw shape_error("x has " + std::to_string(x.cols()) +
                        " features (columns) but the model was fitted on " +
                        std::to_string(centers.cols()));
    }
    detail::shift_check_finite(x, "x");
    return kernel(x, sigma) * alpha;
  }
};

namespace detail {

/// Closed-form leave-one-out score of uLSIF (Kanamori et al. 2009, section 3.4) for each
/// lambda, given kernel matrices phi_ref (n_ref x b) and phi_cur (n_cur x b).
inline vector<double> ulsif_loo_scores(const matrix<double>& phi_ref, const matrix<double>& phi_cur,
                                       const std::vector<double>& lambdas) {
  const index n_ref = phi_ref.rows();
  const index n_cur = phi_cur.rows();
  const index b = phi_ref.cols();
  const index n_min = std::min(n_ref, n_cur);
  const double nr = static_cast<double>(n_ref);
  const double nc = static_cast<double>(n_cur);
  const matrix<double> H = phi_ref.transpose() * phi_ref / nr;
  const vector<double> h = phi_cur.colwise().mean().transpose();
  const matrix<double> ref_cols = phi_ref.topRows(n_min).transpose();  // b x n_min
  const matrix<double> cur_cols = phi_cur.topRows(n_min).transpose();
  vector<double> scores(static_cast<index>(lambdas.size()));
  for (std::size_t l = 0; l < lambdas.size(); ++l) {
    matrix<double> B = H;
    B.diagonal().array() += lambdas[l] * (nr - 1.0) / nr;
    const Eigen::LDLT<matrix<double>> solver(B);
    const vector<double> inv_h = solver.solve(h);
    const matrix<double> inv_ref = solver.solve(ref_cols);  // B^-1 phi_i
    const matrix<double> inv_cur = solver.solve(cur_cols);  // B^-1 psi_i
    double total = 0.0;
    vector<double> a0(b);
    vector<double> a1(b);
    for (index i = 0; i < n_min; ++i) {
      const double denominator = nr - ref_cols.col(i).dot(inv_ref.col(i));
      a0 = inv_h + inv_ref.col(i) * (h.dot(inv_ref.col(i)) / denominator);
      a1 = inv_cur.col(i) + inv_ref.col(i) * (cur_cols.col(i).dot(inv_ref.col(i)) / denominator);
      const vector<double> alpha =
          ((nr - 1.0) / (nr * (nc - 1.0)) * (nc * a0 - a1)).cwiseMax(0.0);
      const double w_ref = ref_cols.col(i).dot(alpha);
      const double w_cur = cur_cols.col(i).dot(alpha);
      total += 0.5 * w_ref * w_ref - w_cur;
    }
    scores(static_cast<index>(l)) = total / static_cast<double>(n_min);
  }
  return scores;
}

}  // namespace detail

/// uLSIF density ratio p_cur / p_ref with the kernel width and ridge chosen by leave-one-out.
template <class RefDerived, class CurDerived>
ulsif_model ulsif(const Eigen::MatrixBase<RefDerived>& x_ref,
                  const Eigen::MatrixBase<CurDerived>& x_cur, const ulsif_options& options = {}) {
  detail::check_pair(x_ref, x_cur);
  if (options.n_centers < 1) {
    throw invalid_argument("n_centers must be >= 1, got " + std::to_string(options.n_centers));
  }
  for (const double sigma : options.sigmas) {
    if (!(sigma > 0.0) || !std::isfinite(sigma)) {
      throw invalid_argument("sigmas must be finite and > 0, got " + std::to_string(sigma));
    }
  }
  for (const double lambda : options.lambdas) {
    if (!(lambda > 0.0) || !std::isfinite(lambda)) {
      throw invalid_argument("lambdas must be finite and > 0, got " + std::to_string(lambda));
    }
  }
  resolve_thread_count(options.n_threads);
  const index n_cur = x_cur.rows();
  const index d = x_cur.cols();
  ulsif_model model;
  const index b = std::min(options.n_centers, n_cur);
  const std::vector<index> order = detail::shift_permutation(n_cur, options.seed, 0);
  model.center_rows.assign(order.begin(), order.begin() + b);
  model.centers.resize(b, d);
  for (index l = 0; l < b; ++l) {
    model.centers.row(l) = x_cur.row(model.center_rows[static_cast<std::size_t>(l)]).template cast<double>();
  }
  model.sigmas = options.sigmas;
  if (model.sigmas.empty()) {
    std::vector<double> distances;
    for (index i = 0; i < b; ++i) {
      for (index j = i + 1; j < b; ++j) {
        distances.push_back((model.centers.row(i) - model.centers.row(j)).norm());
      }
    }
    double median = 0.0;
    if (!distances.empty()) {
      const std::size_t mid = distances.size() / 2;
      std::nth_element(distances.begin(), distances.begin() + static_cast<std::ptrdiff_t>(mid),
                       distances.end());
      median = distances[mid];
    }
    if (!(median > 0.0)) {
      throw invalid_argument(
          "x_cur: the kernel centres are all identical (median distance 0); give sigmas");
    }
    for (const double factor : {0.25, 0.5, 1.0, 2.0, 4.0}) model.sigmas.push_back(factor * median);
  }
  model.lambdas = options.lambdas;
  if (model.lambdas.empty()) model.lambdas = {1e-3, 1e-2, 1e-1, 1.0, 10.0};
  const auto n_sigmas = static_cast<index>(model.sigmas.size());
  const auto n_lambdas = static_cast<index>(model.lambdas.size());
  model.loo_scores.resize(n_sigmas, n_lambdas);
  parallel_for_ranges(n_sigmas, options.n_threads, 1, [&](index begin, index end) {
    for (index s = begin; s < end; ++s) {
      const double width = model.sigmas[static_cast<std::size_t>(s)];
      model.loo_scores.row(s) =
          detail::ulsif_loo_scores(model.kernel(x_ref, width), model.kernel(x_cur, width),
                                   model.lambdas)
              .transpose();
    }
  });
  index best_sigma = 0;
  index best_lambda = 0;
  for (index s = 0; s < n_sigmas; ++s) {
    for (index l = 0; l < n_lambdas; ++l) {
      if (model.loo_scores(s, l) < model.loo_scores(best_sigma, best_lambda)) {
        best_sigma = s;
        best_lambda = l;
      }
    }
  }
  model.sigma = model.sigmas[static_cast<std::size_t>(best_sigma)];
  model.lambda = model.lambdas[static_cast<std::size_t>(best_lambda)];
  const matrix<double> phi_ref = model.kernel(x_ref, model.sigma);
  const matrix<double> phi_cur = model.kernel(x_cur, model.sigma);
  matrix<double> H = phi_ref.transpose() * phi_ref / static_cast<double>(x_ref.rows());
  H.diagonal().array() += model.lambda;
  const vector<double> h = phi_cur.colwise().mean().transpose();
  model.alpha = H.ldlt().solve(h).cwiseMax(0.0);
  model.weights = phi_ref * model.alpha;
  return model;
}

}  // namespace shiftguard::imbalance
