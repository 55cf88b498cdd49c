#pragma once

// The trainer: mini-batch training of an mlp with a loss, an optimiser and a learning-rate
// schedule, configured by one plain struct, with the guard rails: early stopping on a
// validation set (patience, minimum improvement, best weights restored), a history per epoch,
// an overfitting warning, a stop on a non-finite loss naming the epoch, callbacks, and the
// learning-rate range test.
//
// Reproducibility: the initial weights come from the model's seed; the shuffles and dropout
// masks from train_config::seed (independent streams). Training runs its matrix products on
// the calling thread (at these sizes threads do not pay on a small machine); n_threads only
// parallelises the forward pass over the validation set, in fixed blocks of rows, so results
// are bit-for-bit identical for any n_threads.
//
// All per-batch buffers (batch copy, activations, deltas, gradient, optimiser moments) are
// allocated once per fit; a training step allocates nothing itself.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/nn/layers.hpp"
#include "shiftguard/nn/losses.hpp"
#include "shiftguard/nn/optim.hpp"
#include "shiftguard/nn/random.hpp"

namespace shiftguard::nn {

/// Everything a fit needs besides the data.
struct train_config {
  loss_config loss;
  optimizer_config optimizer;
  schedule_config schedule;
  index batch_size = 32;
  int max_epochs = 200;
  bool shuffle = true;
  std::uint64_t seed = 0;  ///< shuffles and dropout masks
  bool early_stopping = false;
  int patience = 10;        ///< epochs without improvement before stopping
  double min_delta = 0.0;   ///< an improvement must lower the monitored loss by more than this
  bool restore_best = true; ///< with early_stopping: end with the weights of the best epoch
  int n_threads = 1;
  int overfit_patience = 5; ///< epochs of rising validation loss and falling training loss
                            ///< before the overfitting warning (0 = never warn)
};

/// What a callback sees after each epoch.
struct epoch_info {
  int epoch = 0;  ///< 0-based
  double train_loss = 0.0;
  double val_loss = std::numeric_limits<double>::quiet_NaN();
  double val_metric = std::numeric_limits<double>::quiet_NaN();
  double learning_rate = 0.0;
};

/// Per-epoch callback; returning false stops training (stop_reason "callback").
using epoch_callback = std::function<bool(const epoch_info&)>;

/// The history and outcome of a fit.
struct fit_result {
  std::vector<double> train_loss, val_loss, val_metric, learning_rate;  ///< per epoch
  int best_epoch = -1;  ///< epoch of the lowest monitored loss (validation loss if any)
  int n_epochs = 0;
  std::string stop_reason = "max_epochs";  ///< max_epochs, early_stopping, callback, nan_loss
  std::vector<std::string> warnings;
  int nan_epoch = -1;  ///< epoch whose loss was not finite, -1 when none
};

/// Throws invalid_argument for a setting out of range.
inline void validate_train_config(const train_config& config) {
  validate_optimizer(config.optimizer);
  validate_schedule(config.schedule);
  checks::count_at_least(config.batch_size, 1, "batch_size");
  checks::count_at_least(config.max_epochs, 1, "max_epochs");
  checks::count_at_least(config.patience, 0, "patience");
  checks::count_at_least(config.overfit_patience, 0, "overfit_patience");
  checks::count_at_least(config.n_threads, 0, "n_threads");
  if (!(config.min_delta >= 0.0) || !std::isfinite(config.min_delta)) {
    throw invalid_argument("min_delta must be a finite number >= 0, got " +
                           std::to_string(config.min_delta));
  }
}

namespace detail {

template <class Derived>
void check_finite_matrix(const Eigen::MatrixBase<Derived>& x, const char* name) {
  for (index col = 0; col < x.cols(); ++col) {
    for (index row = 0; row < x.rows(); ++row) {
      const auto value = static_cast<double>(x.coeff(row, col));
      if (!std::isfinite(value)) {
        std::ostringstream message;
        message << name << " contains " << (std::isnan(value) ? "NaN" : "an infinite value")
                << " at row " << row << ", column " << col;
        throw invalid_argument(message.str());
      }
    }
  }
}

/// Checks one data set (features, targets, weights) against the network and the loss.
template <class Scalar, class X, class Y>
void check_data(const mlp<Scalar>& model, const loss_config& loss,
                const Eigen::MatrixBase<X>& x, const Eigen::MatrixBase<Y>& y,
                const aligned_vector<Scalar>& sample_weight, const char* x_name,
                const char* y_name, const char* weight_name) {
  if (x.rows() < 1) throw shape_error(std::string(x_name) + " has 0 rows; at least 1 is needed");
  if (x.cols() != model.n_inputs()) {
    throw shape_error(std::string(x_name) + " has " + std::to_string(x.cols()) +
                      " columns but the network has " + std::to_string(model.n_inputs()) +
                      " inputs");
  }
  if (y.rows() != x.rows()) {
    throw shape_error(std::string(y_name) + " has " + std::to_string(y.rows()) + " rows but " +
                      x_name + " has " + std::to_string(x.rows()));
  }
  if (y.cols() != model.n_outputs()) {
    throw shape_error(std::string(y_name) + " has " + std::to_string(y.cols()) +
                      " columns but the network has " + std::to_string(model.n_outputs()) +
                      " outputs (labels do not match the output size)");
  }
  check_finite_matrix(x, x_name);
  check_finite_matrix(y, y_name);
  if (model.spec().output != output_kind::identity) {
    for (index col = 0; col < y.cols(); ++col) {
      for (index row = 0; row < y.rows(); ++row) {
        const auto value = static_cast<double>(y.coeff(row, col));
        if (value < 0.0 || value > 1.0) {
          std::ostringstream message;
          message << y_name << " must hold targets in [0, 1] (one-hot or 0/1) for a "
                  << output_name(model.spec().output) << " output, got " << value << " at row "
                  << row << ", column " << col;
          throw invalid_argument(message.str());
        }
      }
    }
  }
  validate_loss(loss, model.spec().output, model.n_outputs());
  if (!sample_weight.empty()) {
    if (static_cast<index>(sample_weight.size()) != x.rows()) {
      throw shape_error(std::string(weight_name) + " has " + std::to_string(sample_weight.size()) +
                        " entries but " + x_name + " has " + std::to_string(x.rows()) + " rows");
    }
    double total = 0.0;
    for (std::size_t i = 0; i < sample_weight.size(); ++i) {
      const auto w = static_cast<double>(sample_weight[i]);
      if (!(w >= 0.0) || !std::isfinite(w)) {
        throw invalid_argument(std::string(weight_name) + " must be finite and >= 0, got " +
                               std::to_string(w) + " at index " + std::to_string(i));
      }
      total += w;
    }
    if (!(total > 0.0)) throw invalid_argument(std::string(weight_name) + " sums to 0");
  }
}

/// Accuracy (classification: argmax for softmax, p > 0.5 per element for sigmoid) or R^2
/// (identity output, averaged over outputs), weighted by the sample weights.
template <class Scalar, class Y>
double validation_metric(output_kind output, const matrix<Scalar>& logits,
                         const Eigen::MatrixBase<Y>& y, const aligned_vector<Scalar>& weight) {
  const index n = logits.rows();
  const index k = logits.cols();
  const auto w = [&](index i) { return weight.empty() ? 1.0 : static_cast<double>(weight[i]); };
  if (output == output_kind::softmax) {
    double correct = 0.0, total = 0.0;
    for (index i = 0; i < n; ++i) {
      index predicted = 0, actual = 0;
      logits.row(i).maxCoeff(&predicted);
      y.row(i).maxCoeff(&actual);
      correct += predicted == actual ? w(i) : 0.0;
      total += w(i);
    }
    return correct / total;
  }
  if (output == output_kind::sigmoid) {
    double correct = 0.0, total = 0.0;
    for (index j = 0; j < k; ++j) {
      for (index i = 0; i < n; ++i) {
        const bool predicted = logits(i, j) > 0;
        const bool actual = y(i, j) > 0.5;
        correct += predicted == actual ? w(i) : 0.0;
        total += w(i);
      }
    }
    return correct / total;
  }
  double r2_sum = 0.0;
  for (index j = 0; j < k; ++j) {
    double weight_sum = 0.0, mean = 0.0;
    for (index i = 0; i < n; ++i) {
      weight_sum += w(i);
      mean += w(i) * static_cast<double>(y(i, j));
    }
    mean /= weight_sum;
    double residual = 0.0, spread = 0.0;
    for (index i = 0; i < n; ++i) {
      const double t = static_cast<double>(y(i, j));
      residual += w(i) * (t - static_cast<double>(logits(i, j))) * (t - static_cast<double>(logits(i, j)));
      spread += w(i) * (t - mean) * (t - mean);
    }
    // sklearn's r2_score convention: a constant target gives 1 when predicted exactly, else 0.
    r2_sum += spread > 0 ? 1.0 - residual / spread : (residual == 0 ? 1.0 : 0.0);
  }
  return r2_sum / static_cast<double>(k);
}

/// Batches of a data set: a seeded order and the gather of rows into the batch buffers.
template <class Scalar>
struct batch_source {
  std::vector<index> order;
  matrix<Scalar> targets;        ///< capacity x n_outputs
  aligned_vector<Scalar> weights;   ///< capacity (empty when unweighted)

  batch_source(index n, index capacity, index n_outputs, bool weighted)
      : order(static_cast<std::size_t>(n)), targets(capacity, n_outputs) {
    std::iota(order.begin(), order.end(), index{0});
    if (weighted) weights.resize(static_cast<std::size_t>(capacity));
  }

  void shuffle(random_stream& stream) {
    for (std::size_t i = order.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(stream.below(i));
      std::swap(order[i - 1], order[j]);
    }
  }

  template <class X, class Y>
  void gather(const Eigen::MatrixBase<X>& x, const Eigen::MatrixBase<Y>& y,
              const aligned_vector<Scalar>& sample_weight, index start, index rows,
              matrix<Scalar>& input) {
    for (index r = 0; r < rows; ++r) {
      const index source = order[static_cast<std::size_t>(start + r)];
      input.row(r) = x.row(source).template cast<Scalar>();
      targets.row(r) = y.row(source).template cast<Scalar>();
      if (!weights.empty()) weights[static_cast<std::size_t>(r)] = sample_weight[source];
    }
  }
};

/// One optimisation step on rows [start, start + rows) of the source's order. Returns the
/// batch loss; the caller checks it is finite.
template <class Scalar, class X, class Y>
loss_value train_step(mlp<Scalar>& model, const train_config& config,
                      const Eigen::MatrixBase<X>& x, const Eigen::MatrixBase<Y>& y,
                      const aligned_vector<Scalar>& sample_weight, batch_source<Scalar>& source,
                      index start, index rows, pass_workspace<Scalar>& work,
                      aligned_vector<Scalar>& gradient, optimizer<Scalar>& opt, double lr,
                      random_stream& dropout_stream, bool any_dropout) {
  source.gather(x, y, sample_weight, start, rows, work.input);
  const auto input = work.input.topRows(rows);
  forward_pass(model, input, rows, work, any_dropout ? &dropout_stream : nullptr);
  auto delta = work.delta.back().topRows(rows);
  const loss_value value =
      evaluate_loss(config.loss, model.spec().output, work.pre.back().topRows(rows),
                    source.targets.topRows(rows),
                    source.weights.empty() ? static_cast<const Scalar*>(nullptr)
                                           : source.weights.data(),
                    &delta);
  if (!std::isfinite(value.loss)) return value;
  backward_pass(model, input, rows, work, any_dropout, gradient.data());
  if (config.optimizer.clip_norm > 0) {
    clip_gradient_norm(gradient.data(), gradient.size(), config.optimizer.clip_norm);
  }
  opt.step(model.parameters().data(), gradient.data(), gradient.size(), lr);
  model.apply_mask();
  return value;
}

template <class Scalar>
bool has_dropout(const mlp<Scalar>& model) {
  for (index l = 0; l < model.n_hidden(); ++l) {
    if (model.dropout_rate(l) > 0) return true;
  }
  return false;
}

template <class Scalar, class X, class Y, class XV, class YV>
fit_result fit_impl(mlp<Scalar>& model, const Eigen::MatrixBase<X>& x,
                    const Eigen::MatrixBase<Y>& y, const aligned_vector<Scalar>& sample_weight,
                    const Eigen::MatrixBase<XV>* x_val, const Eigen::MatrixBase<YV>* y_val,
                    const aligned_vector<Scalar>* sample_weight_val, const train_config& config,
                    const epoch_callback& callback) {
  validate_train_config(config);
  check_data(model, config.loss, x, y, sample_weight, "X", "Y", "sample_weight");
  const bool has_validation = x_val != nullptr;
  if (has_validation) {
    check_data(model, config.loss, *x_val, *y_val, *sample_weight_val, "X_val", "Y_val",
               "sample_weight_val");
  }
  const index n = x.rows();
  const index capacity = std::min(config.batch_size, n);
  pass_workspace<Scalar> work(model, capacity, true, true);
  batch_source<Scalar> source(n, capacity, model.n_outputs(), !sample_weight.empty());
  aligned_vector<Scalar> gradient(static_cast<std::size_t>(model.n_parameters()));
  optimizer<Scalar> opt(config.optimizer, gradient.size());
  learning_rate_schedule schedule(config.schedule, config.optimizer.learning_rate,
                                  config.max_epochs);
  random_stream shuffle_stream = random_stream::derived(config.seed, 1);
  random_stream dropout_stream = random_stream::derived(config.seed, 2);
  const bool any_dropout = has_dropout(model);
  aligned_vector<Scalar> epoch_start = model.parameters();
  aligned_vector<Scalar> best_parameters = model.parameters();
  double best_loss = std::numeric_limits<double>::infinity();
  int epochs_without_improvement = 0;
  int overfit_run = 0;
  bool overfit_warned = false;
  fit_result result;

  for (int epoch = 0; epoch < config.max_epochs; ++epoch) {
    const double lr = schedule.rate(epoch);
    if (config.shuffle) source.shuffle(shuffle_stream);
    std::copy(model.parameters().begin(), model.parameters().end(), epoch_start.begin());
    double loss_total = 0.0, weight_total = 0.0;
    bool finite = true;
    for (index start = 0; start < n; start += capacity) {
      const index rows = std::min(capacity, n - start);
      const loss_value value = train_step(model, config, x, y, sample_weight, source, start, rows,
                                          work, gradient, opt, lr, dropout_stream, any_dropout);
      if (!std::isfinite(value.loss)) {
        finite = false;
        break;
      }
      loss_total += value.loss * value.weight_sum;
      weight_total += value.weight_sum;
    }
    const double train_loss =
        finite ? (weight_total > 0 ? loss_total / weight_total : 0.0)
               : std::numeric_limits<double>::quiet_NaN();
    epoch_info info;
    info.epoch = epoch;
    info.train_loss = train_loss;
    info.learning_rate = lr;
    if (finite && has_validation) {
      const matrix<Scalar> logits = model.forward(*x_val, config.n_threads);
      info.val_loss = evaluate_loss(config.loss, model.spec().output, logits, *y_val,
                                    sample_weight_val->empty() ? static_cast<const Scalar*>(nullptr)
                                                               : sample_weight_val->data())
                          .loss;
      info.val_metric = validation_metric(model.spec().output, logits, *y_val, *sample_weight_val);
      if (!std::isfinite(info.val_loss)) finite = false;
    }
    result.train_loss.push_back(info.train_loss);
    result.val_loss.push_back(info.val_loss);
    result.val_metric.push_back(info.val_metric);
    result.learning_rate.push_back(lr);
    result.n_epochs = epoch + 1;
    if (!finite) {
      std::copy(epoch_start.begin(), epoch_start.end(), model.parameters().begin());
      result.stop_reason = "nan_loss";
      result.nan_epoch = epoch;
      result.warnings.push_back(
          "the " + std::string(std::isfinite(info.train_loss) ? "validation" : "training") +
          " loss became NaN or infinite at epoch " + std::to_string(epoch) +
          "; training stopped and the weights of the end of the previous epoch were kept "
          "(lower the learning rate or clip gradients)");
      break;
    }
    const double monitored = has_validation ? info.val_loss : info.train_loss;
    if (monitored < best_loss - config.min_delta) {
      best_loss = monitored;
      result.best_epoch = epoch;
      epochs_without_improvement = 0;
      if (config.early_stopping && config.restore_best) {
        std::copy(model.parameters().begin(), model.parameters().end(), best_parameters.begin());
      }
    } else {
      ++epochs_without_improvement;
    }
    if (has_validation && epoch > 0 && config.overfit_patience > 0) {
      const auto e = static_cast<std::size_t>(epoch);
      const bool rising = result.val_loss[e] > result.val_loss[e - 1];
      const bool falling = result.train_loss[e] < result.train_loss[e - 1];
      overfit_run = rising && falling ? overfit_run + 1 : 0;
      if (overfit_run >= config.overfit_patience && !overfit_warned) {
        overfit_warned = true;
        result.warnings.push_back(
            "overfitting detected at epoch " + std::to_string(epoch) +
            ": the validation loss rose for " + std::to_string(overfit_run) +
            " consecutive epochs (from epoch " + std::to_string(epoch - overfit_run) +
            ") while the training loss fell");
      }
    }
    schedule.observe(monitored);
    if (callback && !callback(info)) {
      result.stop_reason = "callback";
      break;
    }
    if (config.early_stopping && epochs_without_improvement >= config.patience) {
      result.stop_reason = "early_stopping";
      break;
    }
  }
  if (config.early_stopping && config.restore_best && result.best_epoch >= 0) {
    model.parameters() = best_parameters;
  }
  return result;
}

}  // namespace detail

/// Trains `model` on (X, Y) without a validation set (the training loss is monitored for
/// early stopping and best_epoch). Y: one-hot rows (softmax), 0/1 columns (sigmoid) or
/// targets (identity). sample_weight: empty or one non-negative weight per row.
template <class Scalar, class X, class Y, class WeightAllocator = std::allocator<Scalar>>
fit_result fit(mlp<Scalar>& model, const Eigen::MatrixBase<X>& x, const Eigen::MatrixBase<Y>& y,
               const std::vector<Scalar, WeightAllocator>& sample_weight,
               const train_config& config, const epoch_callback& callback = {}) {
  const aligned_vector<Scalar> weights(sample_weight.begin(), sample_weight.end());
  return detail::fit_impl<Scalar, X, Y, X, Y>(model, x, y, weights, nullptr, nullptr, nullptr,
                                              config, callback);
}

/// Trains `model` with a validation set, whose loss is monitored (early stopping, plateau
/// schedule, best_epoch, overfitting warning) and whose metric is recorded.
template <class Scalar, class X, class Y, class XV, class YV,
          class WeightAllocator = std::allocator<Scalar>,
          class ValidationWeightAllocator = std::allocator<Scalar>>
fit_result fit(mlp<Scalar>& model, const Eigen::MatrixBase<X>& x, const Eigen::MatrixBase<Y>& y,
               const std::vector<Scalar, WeightAllocator>& sample_weight,
               const Eigen::MatrixBase<XV>& x_val, const Eigen::MatrixBase<YV>& y_val,
               const std::vector<Scalar, ValidationWeightAllocator>& sample_weight_val,
               const train_config& config, const epoch_callback& callback = {}) {
  const aligned_vector<Scalar> weights(sample_weight.begin(), sample_weight.end());
  const aligned_vector<Scalar> weights_val(sample_weight_val.begin(), sample_weight_val.end());
  return detail::fit_impl<Scalar, X, Y, XV, YV>(model, x, y, weights, &x_val, &y_val,
                                                &weights_val, config, callback);
}

/// Loss and gradient (layout of model.parameters()) on (X, Y) in one batch, training-mode
/// forward; dropout only when `dropout_seed` is given (>= 0).
template <class Scalar, class X, class Y, class WeightAllocator = std::allocator<Scalar>,
          class GradientAllocator = std::allocator<Scalar>>
double loss_and_gradient(const mlp<Scalar>& model, const Eigen::MatrixBase<X>& x,
                         const Eigen::MatrixBase<Y>& y,
                         const std::vector<Scalar, WeightAllocator>& sample_weight,
                         const loss_config& loss, std::vector<Scalar, GradientAllocator>& gradient,
                         long long dropout_seed = -1) {
  const aligned_vector<Scalar> weights(sample_weight.begin(), sample_weight.end());
  detail::check_data(model, loss, x, y, weights, "X", "Y", "sample_weight");
  const index n = x.rows();
  pass_workspace<Scalar> work(model, n, true, true);
  work.input = x.template cast<Scalar>();
  random_stream stream = random_stream::derived(static_cast<std::uint64_t>(dropout_seed), 2);
  const bool dropout = dropout_seed >= 0 && detail::has_dropout(model);
  detail::forward_pass(model, work.input, n, work, dropout ? &stream : nullptr);
  auto delta = work.delta.back().topRows(n);
  const loss_value value = evaluate_loss(
      loss, model.spec().output, work.pre.back(), y.template cast<Scalar>(),
      weights.empty() ? static_cast<const Scalar*>(nullptr) : weights.data(), &delta);
  gradient.assign(static_cast<std::size_t>(model.n_parameters()), Scalar(0));
  detail::backward_pass(model, work.input, n, work, dropout, gradient.data());
  return value.loss;
}

/// Result of the learning-rate range test.
struct lr_range_result {
  std::vector<double> learning_rates;
  std::vector<double> losses;      ///< smoothed (exponential average 0.98, bias-corrected)
  std::vector<double> raw_losses;  ///< the batch losses
  double suggested_lr = 0.0;
};

/// Learning-rate range test (Smith 2017): from a copy of `model`, one step per batch with the
/// rate raised exponentially from lr_min to lr_max over n_steps (cycling through the data in
/// seeded order), recording the smoothed loss; stops early when the smoothed loss exceeds 4x
/// its minimum or is not finite. The suggestion is the rate at the steepest descent of the
/// smoothed loss against log(rate) (most negative difference over a window of count/20 steps,
/// skipping the first tenth of the steps), up to the minimum; when fewer than 3 steps were
/// recorded or the minimum comes first, the rate of the minimum divided by 10.
/// `model` itself is not modified.
template <class Scalar, class X, class Y, class WeightAllocator = std::allocator<Scalar>>
lr_range_result lr_range_test(const mlp<Scalar>& model, const Eigen::MatrixBase<X>& x,
                              const Eigen::MatrixBase<Y>& y,
                              const std::vector<Scalar, WeightAllocator>& user_sample_weight,
                              train_config config, double lr_min, double lr_max, int n_steps) {
  const aligned_vector<Scalar> sample_weight(user_sample_weight.begin(),
                                             user_sample_weight.end());
  if (!(lr_min > 0.0) || !std::isfinite(lr_min)) {
    throw invalid_argument("lr_min must be a finite number > 0, got " + std::to_string(lr_min));
  }
  if (!(lr_max > lr_min) || !std::isfinite(lr_max)) {
    throw invalid_argument("lr_max must be finite and > lr_min, got " + std::to_string(lr_max));
  }
  checks::count_at_least(n_steps, 2, "n_steps");
  config.optimizer.learning_rate = lr_min;
  validate_train_config(config);
  detail::check_data(model, config.loss, x, y, sample_weight, "X", "Y", "sample_weight");
  mlp<Scalar> trial = model;
  const index n = x.rows();
  const index capacity = std::min(config.batch_size, n);
  pass_workspace<Scalar> work(trial, capacity, true, true);
  detail::batch_source<Scalar> source(n, capacity, trial.n_outputs(), !sample_weight.empty());
  aligned_vector<Scalar> gradient(static_cast<std::size_t>(trial.n_parameters()));
  optimizer<Scalar> opt(config.optimizer, gradient.size());
  random_stream shuffle_stream = random_stream::derived(config.seed, 1);
  random_stream dropout_stream = random_stream::derived(config.seed, 2);
  const bool any_dropout = detail::has_dropout(trial);
  lr_range_result result;
  double average = 0.0;
  double best = std::numeric_limits<double>::infinity();
  index start = n;
  for (int step = 0; step < n_steps; ++step) {
    if (start >= n) {
      if (config.shuffle) source.shuffle(shuffle_stream);
      start = 0;
    }
    const index rows = std::min(capacity, n - start);
    const double lr = lr_min * std::pow(lr_max / lr_min, static_cast<double>(step) / (n_steps - 1));
    const loss_value value = detail::train_step(trial, config, x, y, sample_weight, source, start,
                                                rows, work, gradient, opt, lr, dropout_stream,
                                                any_dropout);
    start += rows;
    if (!std::isfinite(value.loss)) break;
    average = 0.98 * average + 0.02 * value.loss;
    const double smoothed = average / (1.0 - std::pow(0.98, step + 1));
    result.learning_rates.push_back(lr);
    result.raw_losses.push_back(value.loss);
    result.losses.push_back(smoothed);
    best = std::min(best, smoothed);
    if (smoothed > 4.0 * best) break;
  }
  const std::size_t count = result.losses.size();
  if (count == 0) {
    result.suggested_lr = lr_min;
    return result;
  }
  const auto minimum = static_cast<std::size_t>(
      std::min_element(result.losses.begin(), result.losses.end()) - result.losses.begin());
  // Slopes over a window of count/20 steps (at least 1), after skipping the first tenth of
  // the steps, where the smoothed loss still averages few batches.
  const std::size_t window = std::max<std::size_t>(1, count / 20);
  const std::size_t first = std::max<std::size_t>(window, count / 10);
  if (count < 3 || minimum < first) {
    result.suggested_lr = result.learning_rates[minimum] / 10.0;
    return result;
  }
  double steepest = std::numeric_limits<double>::infinity();
  std::size_t at = minimum;
  for (std::size_t i = first; i <= minimum; ++i) {
    const double slope = (result.losses[i] - result.losses[i - window]) /
                         (std::log(result.learning_rates[i]) - std::log(result.learning_rates[i - window]));
    if (slope < steepest) {
      steepest = slope;
      at = i;
    }
  }
  result.suggested_lr = result.learning_rates[at];
  return result;
}

}  // namespace shiftguard::nn
