#pragma once

// Losses on the logits of a batch, with per-sample and per-class weights, returning the
// weighted mean loss and writing its gradient with respect to the logits.
//
// Definitions (s_i: sample weight, y: targets, z: logits, n rows, k outputs):
// - softmax output, cross-entropy: l_i = -sum_j y_ij log softmax(z_i)_j; weight
//   w_i = s_i * sum_j y_ij c_j (c: class_weights, 1 when absent); loss = sum w_i l_i / sum w_i.
//   With one-hot y and s = 1 this is torch.nn.CrossEntropyLoss(weight=c) (mean reduction).
// - logit-adjusted cross-entropy: the same on z + offsets (offsets, e.g. tau * log(priors),
//   are added to the logits during training only; inference uses the raw logits).
// - focal (softmax): l_i = -sum_j y_ij (1 - p_ij)^gamma log p_ij, same weights.
// - sigmoid output (binary / multi-label), per element: cross-entropy
//   l_ij = -(y log p + (1 - y) log(1 - p)), focal l_ij = -(y (1-p)^gamma log p +
//   (1 - y) p^gamma log(1 - p)); weight w_ij = s_i * (y c_1 + (1 - y) c_0) with class_weights
//   (c_0, c_1) of length 2; loss = sum w_ij l_ij / sum w_ij. With s = c = 1: torch's
//   BCEWithLogitsLoss (mean).
// - identity output: mse l_ij = (z - y)^2, huber l_ij = 0.5 d^2 if |d| <= delta else
//   delta (|d| - delta/2) (torch.nn.HuberLoss); loss = sum_i s_i sum_j l_ij / (k sum_i s_i).
// A batch whose weights sum to 0 has loss 0 and gradient 0.

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/nn/layers.hpp"

namespace shiftguard::nn {

enum class loss_kind { cross_entropy, focal, logit_adjusted, mse, huber };

inline loss_kind parse_loss(const std::string& name) {
  if (name == "cross_entropy") return loss_kind::cross_entropy;
  if (name == "focal") return loss_kind::focal;
  if (name == "logit_adjusted") return loss_kind::logit_adjusted;
  if (name == "mse") return loss_kind::mse;
  if (name == "huber") return loss_kind::huber;
  throw invalid_argument("loss must be one of 'cross_entropy', 'focal', 'logit_adjusted', "
                         "'mse', 'huber', got '" + name + "'");
}

/// The loss and its options.
struct loss_config {
  loss_kind kind = loss_kind::cross_entropy;
  std::vector<double> class_weights;  ///< empty = all 1; softmax: n_outputs; sigmoid: 2
  std::vector<double> logit_offsets;  ///< logit_adjusted: n_outputs offsets added to logits
  double focal_gamma = 2.0;
  double huber_delta = 1.0;
};

/// Throws invalid_argument when `loss` does not fit a network with this output.
inline void validate_loss(const loss_config& loss, output_kind output, index n_outputs) {
  const bool classification = loss.kind == loss_kind::cross_entropy ||
                              loss.kind == loss_kind::focal ||
                              loss.kind == loss_kind::logit_adjusted;
  if (classification && output == output_kind::identity) {
    throw invalid_argument("loss '" + std::string(loss.kind == loss_kind::focal ? "focal" :
                           loss.kind == loss_kind::logit_adjusted ? "logit_adjusted" :
                           "cross_entropy") + "' needs a softmax or sigmoid output, got 'identity'");
  }
  if (!classification && output != output_kind::identity) {
    throw invalid_argument(std::string("loss '") + (loss.kind == loss_kind::mse ? "mse" : "huber") +
                           "' needs the identity output, got '" + output_name(output) + "'");
  }
  if (!loss.class_weights.empty()) {
    if (!classification) throw invalid_argument("class_weights apply to classification losses only");
    const auto expected = output == output_kind::softmax ? static_cast<std::size_t>(n_outputs) : 2U;
    if (loss.class_weights.size() != expected) {
      throw invalid_argument("class_weights must have " + std::to_string(expected) +
                             " entries, got " + std::to_string(loss.class_weights.size()));
    }
    for (const double c : loss.class_weights) {
      if (!(c >= 0.0) || !std::isfinite(c)) {
        throw invalid_argument("class_weights must be finite and >= 0, got " + std::to_string(c));
      }
    }
  }
  if (loss.kind == loss_kind::logit_adjusted) {
    if (loss.logit_offsets.size() != static_cast<std::size_t>(n_outputs)) {
      throw invalid_argument("logit_offsets must have " + std::to_string(n_outputs) +
                             " entries for loss 'logit_adjusted', got " +
                             std::to_string(loss.logit_offsets.size()));
    }
    for (const double o : loss.logit_offsets) {
      if (!std::isfinite(o)) throw invalid_argument("logit_offsets must be finite");
    }
  }
  if (loss.kind == loss_kind::focal && (!(loss.focal_gamma >= 0.0) || !std::isfinite(loss.focal_gamma))) {
    throw invalid_argument("focal_gamma must be a finite number >= 0, got " +
                           std::to_string(loss.focal_gamma));
  }
  if (loss.kind == loss_kind::huber && (!(loss.huber_delta > 0.0) || !std::isfinite(loss.huber_delta))) {
    throw invalid_argument("huber_delta must be a finite number > 0, got " +
                           std::to_string(loss.huber_delta));
  }
}

/// Result of a loss evaluation: the weighted mean and its normaliser (sum of weights), so that
/// losses of several batches combine into the mean over all of them.
struct loss_value {
  double loss = 0.0;
  double weight_sum = 0.0;
};

namespace detail {

inline double softplus(double v) { return v > 0 ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v)); }

}  // namespace detail

/// Weighted mean loss of `logits` (n x k) against `targets` (n x k); `sample_weight` is null
/// (all 1) or n weights. When `gradient` is not null, writes d loss / d logits into it (n x k).
template <class Logits, class Targets, class Scalar, class Gradient>
loss_value evaluate_loss(const loss_config& loss, output_kind output,
                         const Eigen::MatrixBase<Logits>& logits,
                         const Eigen::MatrixBase<Targets>& targets, const Scalar* sample_weight,
                         Gradient* gradient) {
  const index n = logits.rows();
  const index k = logits.cols();
  const bool weighted_classes = !loss.class_weights.empty();
  const double gamma = loss.focal_gamma;
  double total = 0.0;
  double weight_sum = 0.0;
  if (output == output_kind::softmax) {
    // Two passes over each row instead of a scratch vector: no allocation per batch.
    const bool adjusted = loss.kind == loss_kind::logit_adjusted;
    const bool focal = loss.kind == loss_kind::focal;
    const auto logit = [&](index i, index j) {
      return static_cast<double>(logits(i, j)) + (adjusted ? loss.logit_offsets[j] : 0.0);
    };
    for (index i = 0; i < n; ++i) {
      double top = -std::numeric_limits<double>::infinity();
      for (index j = 0; j < k; ++j) top = std::max(top, logit(i, j));
      double sum = 0.0;
      double class_weight = 0.0;
      double target_sum = 0.0;
      for (index j = 0; j < k; ++j) {
        sum += std::exp(logit(i, j) - top);
        const double y = targets(i, j);
        target_sum += y;
        class_weight += y * (weighted_classes ? loss.class_weights[j] : 1.0);
      }
      const double log_sum = std::log(sum) + top;
      const double w = (sample_weight ? static_cast<double>(sample_weight[i]) : 1.0) *
                       (weighted_classes ? class_weight : 1.0);
      weight_sum += w;
      double row_loss = 0.0;
      if (!focal) {
        for (index j = 0; j < k; ++j) {
          const double y = targets(i, j);
          const double log_p = logit(i, j) - log_sum;
          if (y != 0.0) row_loss -= y * log_p;
          if (gradient != nullptr) {
            (*gradient)(i, j) = static_cast<typename Gradient::Scalar>(
                w * (target_sum * std::exp(log_p) - y));
          }
        }
      } else {
        // dl/dz_m = y_m g_m - p_m sum_j y_j g_j, where g_j = p_j d/dp_j [-(1-p_j)^gamma log p_j]
        // = gamma p_j (1-p_j)^(gamma-1) log p_j - (1-p_j)^gamma.
        const auto scaled_derivative = [&](double log_p) {
          const double p = std::exp(log_p);
          const double q = 1.0 - p;
          const double q_gamma_minus_one = q > 0.0 ? std::pow(q, gamma - 1.0) : 0.0;
          return gamma * p * q_gamma_minus_one * log_p - std::pow(q, gamma);
        };
        double weighted = 0.0;
        for (index j = 0; j < k; ++j) {
          const double y = targets(i, j);
          if (y == 0.0) continue;
          const double log_p = logit(i, j) - log_sum;
          row_loss -= y * std::pow(1.0 - std::exp(log_p), gamma) * log_p;
          weighted += y * scaled_derivative(log_p);
        }
        if (gradient != nullptr) {
          for (index j = 0; j < k; ++j) {
            const double y = targets(i, j);
            const double log_p = logit(i, j) - log_sum;
            const double own = y != 0.0 ? y * scaled_derivative(log_p) : 0.0;
            (*gradient)(i, j) =
                static_cast<typename Gradient::Scalar>(w * (own - std::exp(log_p) * weighted));
          }
        }
      }
      total += w * row_loss;
    }
  } else if (output == output_kind::sigmoid) {
    const bool adjusted = loss.kind == loss_kind::logit_adjusted;
    const bool focal = loss.kind == loss_kind::focal;
    for (index j = 0; j < k; ++j) {
      for (index i = 0; i < n; ++i) {
        const double z = static_cast<double>(logits(i, j)) + (adjusted ? loss.logit_offsets[j] : 0.0);
        const double y = targets(i, j);
        const double w = (sample_weight ? static_cast<double>(sample_weight[i]) : 1.0) *
                         (weighted_classes ? y * loss.class_weights[1] + (1.0 - y) * loss.class_weights[0]
                                           : 1.0);
        weight_sum += w;
        const double log_p = -detail::softplus(-z);
        const double log_q = -detail::softplus(z);
        const double p = detail::sigmoid_scalar(z);
        double l = 0.0;
        double g = 0.0;
        if (!focal) {
          l = -(y * log_p + (1.0 - y) * log_q);
          g = p - y;
        } else {
          const double q = 1.0 - p;
          l = -(y * std::pow(q, gamma) * log_p + (1.0 - y) * std::pow(p, gamma) * log_q);
          g = y * (gamma * p * std::pow(q, gamma) * log_p - std::pow(q, gamma + 1.0)) -
              (1.0 - y) * (gamma * std::pow(p, gamma) * q * log_q - std::pow(p, gamma + 1.0));
        }
        total += w * l;
        if (gradient != nullptr) (*gradient)(i, j) = static_cast<typename Gradient::Scalar>(w * g);
      }
    }
  } else {
    const double delta = loss.huber_delta;
    const bool huber = loss.kind == loss_kind::huber;
    for (index i = 0; i < n; ++i) weight_sum += (sample_weight ? static_cast<double>(sample_weight[i]) : 1.0);
    weight_sum *= static_cast<double>(k);
    for (index j = 0; j < k; ++j) {
      for (index i = 0; i < n; ++i) {
        const double w = sample_weight ? static_cast<double>(sample_weight[i]) : 1.0;
        const double d = static_cast<double>(logits(i, j)) - static_cast<double>(targets(i, j));
        double l = 0.0;
        double g = 0.0;
        if (!huber) {
          l = d * d;
          g = 2.0 * d;
        } else if (std::abs(d) <= delta) {
          l = 0.5 * d * d;
          g = d;
        } else {
          l = delta * (std::abs(d) - 0.5 * delta);
          g = d > 0 ? delta : -delta;
        }
        total += w * l;
        if (gradient != nullptr) (*gradient)(i, j) = static_cast<typename Gradient::Scalar>(w * g);
      }
    }
  }
  loss_value value;
  value.weight_sum = weight_sum;
  if (weight_sum > 0.0) {
    value.loss = total / weight_sum;
    if (gradient != nullptr) *gradient /= static_cast<typename Gradient::Scalar>(weight_sum);
  } else if (gradient != nullptr) {
    gradient->setZero();
  }
  return value;
}

/// The loss alone (no gradient).
template <class Logits, class Targets, class Scalar>
loss_value evaluate_loss(const loss_config& loss, output_kind output,
                         const Eigen::MatrixBase<Logits>& logits,
                         const Eigen::MatrixBase<Targets>& targets, const Scalar* sample_weight) {
  return evaluate_loss(loss, output, logits, targets, sample_weight,
                       static_cast<matrix<double>*>(nullptr));
}

}  // namespace shiftguard::nn
