#pragma once

// Optimisers over the flat parameter vector, with the update rules of torch.optim:
//   SGD      buf = momentum buf + g; p -= lr (nesterov ? g + momentum buf : buf)
//   Adam     m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
//            p -= lr/(1-b1^t) m / (sqrt(v)/sqrt(1-b2^t) + eps)
//   AdamW    p *= 1 - lr weight_decay (decoupled), then the Adam step without L2
//   RMSprop  v = rho v + (1-rho) g^2; with momentum: buf = momentum buf + g/(sqrt(v)+eps),
//            p -= lr buf; without: p -= lr g / (sqrt(v) + eps)   (torch defaults rho 0.99,
//            eps 1e-8)
// weight_decay for sgd, adam and rmsprop is L2 added to the gradient (g += weight_decay p), as
// torch's weight_decay argument, on every parameter (biases and layer-norm ones included).
// Gradient clipping by global norm (torch.nn.utils.clip_grad_norm_) happens before the step:
// g *= clip_norm / (norm + 1e-6) when norm > clip_norm.
// Learning-rate schedules are evaluated per epoch (as torch's schedulers stepped per epoch).

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/types.hpp"

namespace shiftguard::nn {

enum class optimizer_kind { sgd, adam, adamw, rmsprop };

inline optimizer_kind parse_optimizer(const std::string& name) {
  if (name == "sgd") return optimizer_kind::sgd;
  if (name == "adam") return optimizer_kind::adam;
  if (name == "adamw") return optimizer_kind::adamw;
  if (name == "rmsprop") return optimizer_kind::rmsprop;
  throw invalid_argument("optimizer must be one of 'sgd', 'adam', 'adamw', 'rmsprop', got '" +
                         name + "'");
}

/// Optimiser settings (defaults as torch.optim's, learning rate 1e-3).
struct optimizer_config {
  optimizer_kind kind = optimizer_kind::adam;
  double learning_rate = 1e-3;
  double momentum = 0.0;
  bool nesterov = false;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double rho = 0.99;  ///< RMSprop's smoothing constant (torch's alpha)
  double weight_decay = 0.0;
  double clip_norm = 0.0;  ///< 0 = no clipping
};

/// Throws invalid_argument naming the first setting out of range.
inline void validate_optimizer(const optimizer_config& config) {
  const auto fail = [](const std::string& what, double value) {
    throw invalid_argument(what + ", got " + std::to_string(value));
  };
  if (!(config.learning_rate > 0.0) || !std::isfinite(config.learning_rate)) {
    fail("learning_rate must be a finite number > 0", config.learning_rate);
  }
  if (!(config.momentum >= 0.0 && config.momentum < 1.0)) fail("momentum must be in [0, 1)", config.momentum);
  if (config.nesterov && config.momentum <= 0.0) {
    throw invalid_argument("nesterov needs momentum > 0, got momentum 0");
  }
  if (!(config.beta1 >= 0.0 && config.beta1 < 1.0)) fail("beta1 must be in [0, 1)", config.beta1);
  if (!(config.beta2 >= 0.0 && config.beta2 < 1.0)) fail("beta2 must be in [0, 1)", config.beta2);
  if (!(config.epsilon > 0.0) || !std::isfinite(config.epsilon)) fail("epsilon must be > 0", config.epsilon);
  if (!(config.rho >= 0.0 && config.rho < 1.0)) fail("rho must be in [0, 1)", config.rho);
  if (!(config.weight_decay >= 0.0) || !std::isfinite(config.weight_decay)) {
    fail("weight_decay must be a finite number >= 0", config.weight_decay);
  }
  if (!(config.clip_norm >= 0.0) || !std::isfinite(config.clip_norm)) {
    fail("clip_norm must be a finite number >= 0 (0 = off)", config.clip_norm);
  }
}

/// Global L2 norm of `gradient`; when clip_norm > 0 and the norm exceeds it, rescales the
/// gradient as torch.nn.utils.clip_grad_norm_ does. Returns the norm before clipping.
template <class Scalar>
double clip_gradient_norm(Scalar* gradient, std::size_t size, double clip_norm) {
  Eigen::Map<Eigen::Matrix<Scalar, Eigen::Dynamic, 1>> g(gradient, static_cast<Eigen::Index>(size));
  const double norm = std::sqrt(g.template cast<double>().squaredNorm());
  if (clip_norm > 0.0 && norm > clip_norm) g *= static_cast<Scalar>(clip_norm / (norm + 1e-6));
  return norm;
}

/// Optimiser state (moments) over a parameter vector of fixed size.
template <class Scalar>
class optimizer {
 public:
  optimizer(const optimizer_config& config, std::size_t n_parameters) : config_(config) {
    validate_optimizer(config_);
    const bool first = config_.kind != optimizer_kind::sgd || config_.momentum > 0;
    const bool second = config_.kind == optimizer_kind::adam ||
                        config_.kind == optimizer_kind::adamw ||
                        config_.kind == optimizer_kind::rmsprop;
    if (first) first_moment_.assign(n_parameters, Scalar(0));
    if (second) second_moment_.assign(n_parameters, Scalar(0));
  }

  [[nodiscard]] const optimizer_config& config() const { return config_; }
  [[nodiscard]] long long n_steps() const { return steps_; }

  /// One update of `parameters` with `gradient` (already clipped) at learning rate `lr`.
  /// The gradient is modified (L2 term added).
  void step(Scalar* parameters, Scalar* gradient, std::size_t size, double lr) {
    // Eigen array expressions, so the element-wise update (square roots and divisions
    // included) is vectorised: for small networks it is a sizeable part of a step.
    using array_map = Eigen::Map<Eigen::Array<Scalar, Eigen::Dynamic, 1>>;
    const auto n = static_cast<Eigen::Index>(size);
    array_map p(parameters, n);
    array_map g(gradient, n);
    ++steps_;
    const auto wd = static_cast<Scalar>(config_.weight_decay);
    const auto rate = static_cast<Scalar>(lr);
    const auto momentum = static_cast<Scalar>(config_.momentum);
    const auto eps = static_cast<Scalar>(config_.epsilon);
    if (config_.kind != optimizer_kind::adamw && config_.weight_decay > 0) g += wd * p;
    switch (config_.kind) {
      case optimizer_kind::sgd: {
        if (config_.momentum > 0) {
          array_map buffer(first_moment_.data(), n);
          buffer = momentum * buffer + g;
          if (config_.nesterov) {
            p -= rate * (g + momentum * buffer);
          } else {
            p -= rate * buffer;
          }
        } else {
          p -= rate * g;
        }
        break;
      }
      case optimizer_kind::adam:
      case optimizer_kind::adamw: {
        if (config_.kind == optimizer_kind::adamw && config_.weight_decay > 0) {
          p *= Scalar(1) - rate * wd;
        }
        const double t = static_cast<double>(steps_);
        const double correction1 = 1.0 - std::pow(config_.beta1, t);
        const double correction2 = 1.0 - std::pow(config_.beta2, t);
        const auto step_size = static_cast<Scalar>(lr / correction1);
        const auto inv_sqrt_c2 = static_cast<Scalar>(1.0 / std::sqrt(correction2));
        const auto b1 = static_cast<Scalar>(config_.beta1);
        const auto b2 = static_cast<Scalar>(config_.beta2);
        array_map m(first_moment_.data(), n);
        array_map v(second_moment_.data(), n);
        m = b1 * m + (Scalar(1) - b1) * g;
        v = b2 * v + (Scalar(1) - b2) * g.square();
        p -= step_size * m / (v.sqrt() * inv_sqrt_c2 + eps);
        break;
      }
      case optimizer_kind::rmsprop: {
        const auto rho = static_cast<Scalar>(config_.rho);
        array_map v(second_moment_.data(), n);
        v = rho * v + (Scalar(1) - rho) * g.square();
        if (config_.momentum > 0) {
          array_map buffer(first_moment_.data(), n);
          buffer = momentum * buffer + g / (v.sqrt() + eps);
          p -= rate * buffer;
        } else {
          p -= rate * g / (v.sqrt() + eps);
        }
        break;
      }
    }
  }

 private:
  optimizer_config config_;
  aligned_vector<Scalar> first_moment_;
  aligned_vector<Scalar> second_moment_;
  long long steps_ = 0;
};

enum class schedule_kind { constant, step, cosine, plateau };

inline schedule_kind parse_schedule(const std::string& name) {
  if (name == "constant") return schedule_kind::constant;
  if (name == "step") return schedule_kind::step;
  if (name == "cosine") return schedule_kind::cosine;
  if (name == "plateau") return schedule_kind::plateau;
  throw invalid_argument("schedule must be one of 'constant', 'step', 'cosine', 'plateau', got '" +
                         name + "'");
}

/// Learning-rate schedule settings.
struct schedule_config {
  schedule_kind kind = schedule_kind::constant;
  int step_size = 10;        ///< step: epochs between decays
  double gamma = 0.1;        ///< step: decay factor
  int warmup_epochs = 0;     ///< cosine: epochs of linear warm-up
  int plateau_patience = 10; ///< plateau: epochs without improvement before a decay
  double plateau_factor = 0.1;
  double min_lr = 0.0;       ///< cosine: final rate; plateau: lower bound
};

inline void validate_schedule(const schedule_config& config) {
  if (config.step_size < 1) {
    throw invalid_argument("step_size must be >= 1, got " + std::to_string(config.step_size));
  }
  if (!(config.gamma > 0.0 && config.gamma <= 1.0)) {
    throw invalid_argument("gamma must be in (0, 1], got " + std::to_string(config.gamma));
  }
  if (config.warmup_epochs < 0) {
    throw invalid_argument("warmup_epochs must be >= 0, got " + std::to_string(config.warmup_epochs));
  }
  if (config.plateau_patience < 0) {
    throw invalid_argument("plateau_patience must be >= 0, got " +
                           std::to_string(config.plateau_patience));
  }
  if (!(config.plateau_factor > 0.0 && config.plateau_factor < 1.0)) {
    throw invalid_argument("plateau_factor must be in (0, 1), got " +
                           std::to_string(config.plateau_factor));
  }
  if (!(config.min_lr >= 0.0) || !std::isfinite(config.min_lr)) {
    throw invalid_argument("min_lr must be a finite number >= 0, got " + std::to_string(config.min_lr));
  }
}

/// The learning rate of each epoch. step and cosine are functions of the epoch (0-based);
/// plateau follows torch's ReduceLROnPlateau (mode min, threshold 1e-4 relative, no cooldown):
/// after more than plateau_patience epochs without improvement of the monitored loss, the
/// rate is multiplied by plateau_factor (not below min_lr).
class learning_rate_schedule {
 public:
  learning_rate_schedule(const schedule_config& config, double base_lr, int max_epochs)
      : config_(config), base_lr_(base_lr), max_epochs_(max_epochs), plateau_lr_(base_lr) {
    validate_schedule(config_);
  }

  /// Rate for epoch `epoch` (0-based).
  [[nodiscard]] double rate(int epoch) const {
    switch (config_.kind) {
      case schedule_kind::constant: return base_lr_;
      case schedule_kind::step:
        return base_lr_ * std::pow(config_.gamma, epoch / config_.step_size);
      case schedule_kind::cosine: {
        if (epoch < config_.warmup_epochs) {
          return base_lr_ * static_cast<double>(epoch + 1) / static_cast<double>(config_.warmup_epochs);
        }
        const int span = std::max(1, max_epochs_ - config_.warmup_epochs);
        const double progress = static_cast<double>(epoch - config_.warmup_epochs) / span;
        return config_.min_lr +
               (base_lr_ - config_.min_lr) * 0.5 * (1.0 + std::cos(3.14159265358979323846 * progress));
      }
      case schedule_kind::plateau: return plateau_lr_;
    }
    return base_lr_;
  }

  /// Reports the monitored loss at the end of an epoch (plateau only).
  void observe(double monitored_loss) {
    if (config_.kind != schedule_kind::plateau) return;
    if (monitored_loss < best_ * (1.0 - 1e-4)) {
      best_ = monitored_loss;
      bad_epochs_ = 0;
    } else {
      ++bad_epochs_;
    }
    if (bad_epochs_ > config_.plateau_patience) {
      plateau_lr_ = std::max(plateau_lr_ * config_.plateau_factor, config_.min_lr);
      bad_epochs_ = 0;
    }
  }

 private:
  schedule_config config_;
  double base_lr_;
  int max_epochs_;
  double plateau_lr_;
  double best_ = std::numeric_limits<double>::infinity();
  int bad_epochs_ = 0;
};

}  // namespace shiftguard::nn
