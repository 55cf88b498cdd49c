#pragma once

// The multilayer perceptron: dense layers with an activation each, optional layer
// normalisation and dropout on the hidden layers, and a softmax, sigmoid or identity output.
//
// Every parameter lives in one contiguous vector (for each dense layer l: W_l, fan_in x
// fan_out, column-major, then b_l; then, with layer normalisation, gamma_l and beta_l of each
// hidden layer), so optimisers, gradient clipping and serialisation run over one array.
// A hidden layer computes u = a_prev W + b, h = layer_norm(u) (when enabled: normalise each
// row, then gamma * . + beta, eps 1e-5 as PyTorch), a = f(h), then inverted dropout during
// training. The output layer returns logits; the output activation is applied by
// predict_output (inference) or inside the loss (training).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/nn/activations.hpp"
#include "shiftguard/nn/random.hpp"

namespace shiftguard::nn {

/// Activation of the output layer.
enum class output_kind { softmax, sigmoid, identity };

/// Weight initialisation. automatic: He for ReLU-family (relu, leaky_relu, gelu) layers,
/// Glorot otherwise (and for the output layer). Both uniform: He U(+-sqrt(6/fan_in)),
/// Glorot U(+-sqrt(6/(fan_in+fan_out))). Biases start at 0, layer-norm gamma at 1, beta at 0.
enum class init_kind { automatic, he, glorot };

inline output_kind parse_output(const std::string& name) {
  if (name == "softmax") return output_kind::softmax;
  if (name == "sigmoid") return output_kind::sigmoid;
  if (name == "identity") return output_kind::identity;
  throw invalid_argument("output must be one of 'softmax', 'sigmoid', 'identity', got '" + name +
                         "'");
}

inline const char* output_name(output_kind kind) {
  switch (kind) {
    case output_kind::softmax: return "softmax";
    case output_kind::sigmoid: return "sigmoid";
    case output_kind::identity: return "identity";
  }
  return "identity";
}

inline init_kind parse_init(const std::string& name) {
  if (name == "auto") return init_kind::automatic;
  if (name == "he") return init_kind::he;
  if (name == "glorot") return init_kind::glorot;
  throw invalid_argument("init must be one of 'auto', 'he', 'glorot', got '" + name + "'");
}

inline const char* init_name(init_kind kind) {
  switch (kind) {
    case init_kind::automatic: return "auto";
    case init_kind::he: return "he";
    case init_kind::glorot: return "glorot";
  }
  return "auto";
}

/// The short description a network is built from.
struct mlp_spec {
  index n_inputs = 0;
  std::vector<index> hidden_sizes;      ///< units of each hidden layer
  std::vector<activation> activations;  ///< one per hidden layer
  index n_outputs = 1;
  output_kind output = output_kind::softmax;
  std::vector<double> dropout;  ///< one rate in [0, 1) per hidden layer, or empty (none)
  bool layer_norm = false;      ///< layer normalisation on every hidden layer
  init_kind init = init_kind::automatic;
  std::uint64_t seed = 0;  ///< seed of the initial weights
};

/// Throws invalid_argument naming the first field of `spec` that is out of range.
inline void validate_spec(const mlp_spec& spec) {
  checks::count_at_least(spec.n_inputs, 1, "n_inputs");
  checks::count_at_least(spec.n_outputs, 1, "n_outputs");
  for (std::size_t l = 0; l < spec.hidden_sizes.size(); ++l) {
    if (spec.hidden_sizes[l] < 1) {
      throw invalid_argument("hidden_sizes[" + std::to_string(l) + "] must be >= 1, got " +
                             std::to_string(spec.hidden_sizes[l]));
    }
  }
  if (spec.activations.size() != spec.hidden_sizes.size()) {
    throw invalid_argument("activations must have one entry per hidden layer (" +
                           std::to_string(spec.hidden_sizes.size()) + "), got " +
                           std::to_string(spec.activations.size()));
  }
  if (!spec.dropout.empty() && spec.dropout.size() != spec.hidden_sizes.size()) {
    throw invalid_argument("dropout must have one rate per hidden layer (" +
                           std::to_string(spec.hidden_sizes.size()) + ") or be empty, got " +
                           std::to_string(spec.dropout.size()));
  }
  for (std::size_t l = 0; l < spec.dropout.size(); ++l) {
    if (!(spec.dropout[l] >= 0.0 && spec.dropout[l] < 1.0)) {
      std::ostringstream message;
      message << "dropout[" << l << "] must be in [0, 1), got " << spec.dropout[l];
      throw invalid_argument(message.str());
    }
  }
}

/// A multilayer perceptron over Scalar (float or double); a copyable value.
template <class Scalar>
class mlp {
 public:
  using matrix_map = Eigen::Map<matrix<Scalar>>;
  using const_matrix_map = Eigen::Map<const matrix<Scalar>>;
  using vector_map = Eigen::Map<vector<Scalar>>;
  using const_vector_map = Eigen::Map<const vector<Scalar>>;

  /// Builds the network and draws its initial weights from spec.seed.
  explicit mlp(mlp_spec spec) : spec_(std::move(spec)) {
    validate_spec(spec_);
    layout();
    initialise();
  }

  /// Builds the network with the given parameters (layout as parameters()); throws
  /// shape_error when their number does not match the spec. `mask` is empty or as long.
  mlp(mlp_spec spec, aligned_vector<Scalar> parameters, aligned_vector<Scalar> mask = {})
      : spec_(std::move(spec)) {
    validate_spec(spec_);
    layout();
    if (static_cast<index>(parameters.size()) != n_parameters_) {
      throw shape_error("parameters has " + std::to_string(parameters.size()) +
                        " values but the network needs " + std::to_string(n_parameters_));
    }
    parameters_ = std::move(parameters);
    set_mask(std::move(mask));
  }

  /// The same from vectors with any allocator (copied into aligned storage).
  template <class Allocator, class MaskAllocator = Allocator,
            class = std::enable_if_t<!std::is_same_v<Allocator, Eigen::aligned_allocator<Scalar>>>>
  mlp(mlp_spec spec, const std::vector<Scalar, Allocator>& parameters,
      const std::vector<Scalar, MaskAllocator>& mask = {})
      : mlp(std::move(spec), aligned_vector<Scalar>(parameters.begin(), parameters.end()),
            aligned_vector<Scalar>(mask.begin(), mask.end())) {}

  [[nodiscard]] const mlp_spec& spec() const { return spec_; }
  [[nodiscard]] index n_inputs() const { return spec_.n_inputs; }
  [[nodiscard]] index n_outputs() const { return spec_.n_outputs; }
  /// Number of dense layers (hidden layers + the output layer).
  [[nodiscard]] index n_layers() const { return static_cast<index>(fan_in_.size()); }
  [[nodiscard]] index n_hidden() const { return n_layers() - 1; }
  [[nodiscard]] index fan_in(index layer) const { return fan_in_[static_cast<std::size_t>(layer)]; }
  [[nodiscard]] index fan_out(index layer) const {
    return fan_out_[static_cast<std::size_t>(layer)];
  }
  /// n_inputs, the hidden sizes, n_outputs.
  [[nodiscard]] std::vector<index> layer_sizes() const {
    std::vector<index> sizes{spec_.n_inputs};
    sizes.insert(sizes.end(), spec_.hidden_sizes.begin(), spec_.hidden_sizes.end());
    sizes.push_back(spec_.n_outputs);
    return sizes;
  }
  [[nodiscard]] index n_parameters() const { return n_parameters_; }
  /// Bytes held by the parameters and the pruning mask.
  [[nodiscard]] std::size_t nbytes() const {
    return (parameters_.size() + mask_.size()) * sizeof(Scalar);
  }
  [[nodiscard]] activation hidden_activation(index layer) const {
    return spec_.activations[static_cast<std::size_t>(layer)];
  }
  [[nodiscard]] double dropout_rate(index layer) const {
    return spec_.dropout.empty() ? 0.0 : spec_.dropout[static_cast<std::size_t>(layer)];
  }
  [[nodiscard]] bool layer_norm() const { return spec_.layer_norm; }

  // Offsets into parameters() of each block (also used for gradient vectors).
  [[nodiscard]] index weight_offset(index layer) const { return weight_offset_[as_size(layer)]; }
  [[nodiscard]] index bias_offset(index layer) const { return bias_offset_[as_size(layer)]; }
  [[nodiscard]] index gamma_offset(index layer) const { return gamma_offset_[as_size(layer)]; }
  [[nodiscard]] index beta_offset(index layer) const {
    return gamma_offset_[as_size(layer)] + fan_out(layer);
  }

  matrix_map weight(index layer) {
    return matrix_map(parameters_.data() + weight_offset(layer), fan_in(layer), fan_out(layer));
  }
  [[nodiscard]] const_matrix_map weight(index layer) const {
    return const_matrix_map(parameters_.data() + weight_offset(layer), fan_in(layer),
                            fan_out(layer));
  }
  vector_map bias(index layer) {
    return vector_map(parameters_.data() + bias_offset(layer), fan_out(layer));
  }
  [[nodiscard]] const_vector_map bias(index layer) const {
    return const_vector_map(parameters_.data() + bias_offset(layer), fan_out(layer));
  }
  /// Layer-norm scale and shift of hidden layer `layer` (only when layer_norm()).
  vector_map gamma(index layer) {
    return vector_map(parameters_.data() + gamma_offset(layer), fan_out(layer));
  }
  [[nodiscard]] const_vector_map gamma(index layer) const {
    return const_vector_map(parameters_.data() + gamma_offset(layer), fan_out(layer));
  }
  vector_map beta(index layer) {
    return vector_map(parameters_.data() + beta_offset(layer), fan_out(layer));
  }
  [[nodiscard]] const_vector_map beta(index layer) const {
    return const_vector_map(parameters_.data() + beta_offset(layer), fan_out(layer));
  }

  aligned_vector<Scalar>& parameters() { return parameters_; }
  [[nodiscard]] const aligned_vector<Scalar>& parameters() const { return parameters_; }

  /// Pruning mask (1 keeps, 0 prunes) over parameters(), empty when the network is not pruned.
  [[nodiscard]] const aligned_vector<Scalar>& mask() const { return mask_; }
  [[nodiscard]] bool has_mask() const { return !mask_.empty(); }
  /// Sets the mask (empty removes it) and zeroes the pruned parameters.
  void set_mask(aligned_vector<Scalar> mask) {
    if (!mask.empty() && static_cast<index>(mask.size()) != n_parameters_) {
      throw shape_error("mask has " + std::to_string(mask.size()) +
                        " values but the network has " + std::to_string(n_parameters_) +
                        " parameters");
    }
    for (const Scalar value : mask) {
      if (value != Scalar(0) && value != Scalar(1)) {
        throw invalid_argument("mask values must be 0 or 1");
      }
    }
    mask_ = std::move(mask);
    apply_mask();
  }
  /// Zeroes the pruned parameters (called after each optimiser step).
  void apply_mask() {
    if (mask_.empty()) return;
    for (std::size_t i = 0; i < parameters_.size(); ++i) parameters_[i] *= mask_[i];
  }

  /// Logits (before the output activation) of the rows of X, inference mode (no dropout).
  /// Rows are processed in fixed blocks of 256, in parallel on n_threads (0 = all cores);
  /// each row's result does not depend on the thread count.
  template <class Derived>
  [[nodiscard]] matrix<Scalar> forward(const Eigen::MatrixBase<Derived>& x,
                                       int n_threads = 1) const;

  /// Output after the output activation: probabilities (softmax/sigmoid) or values.
  template <class Derived>
  [[nodiscard]] matrix<Scalar> predict_output(const Eigen::MatrixBase<Derived>& x,
                                              int n_threads = 1) const {
    matrix<Scalar> out = forward(x, n_threads);
    apply_output(spec_.output, out);
    return out;
  }

  /// Applies the output activation in place to logits (rows = samples).
  template <class Derived>
  static void apply_output(output_kind kind, Eigen::MatrixBase<Derived>& logits) {
    if (kind == output_kind::sigmoid) {
      logits = logits.unaryExpr([](Scalar v) { return detail::sigmoid_scalar(v); });
    } else if (kind == output_kind::softmax) {
      for (index row = 0; row < logits.rows(); ++row) {
        const Scalar top = logits.row(row).maxCoeff();
        logits.row(row) = (logits.row(row).array() - top).exp().matrix();
        logits.row(row) /= logits.row(row).sum();
      }
    }
  }

 private:
  static std::size_t as_size(index i) { return static_cast<std::size_t>(i); }

  void layout() {
    const auto sizes = layer_sizes();
    index offset = 0;
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
      fan_in_.push_back(sizes[l]);
      fan_out_.push_back(sizes[l + 1]);
      weight_offset_.push_back(offset);
      offset += sizes[l] * sizes[l + 1];
      bias_offset_.push_back(offset);
      offset += sizes[l + 1];
    }
    for (std::size_t l = 0; l + 1 < fan_in_.size(); ++l) {
      gamma_offset_.push_back(offset);
      if (spec_.layer_norm) offset += 2 * fan_out_[l];
    }
    n_parameters_ = offset;
  }

  void initialise() {
    parameters_.assign(static_cast<std::size_t>(n_parameters_), Scalar(0));
    random_stream stream = random_stream::derived(spec_.seed, 0);
    for (index l = 0; l < n_layers(); ++l) {
      bool use_he = false;
      if (spec_.init == init_kind::he) {
        use_he = true;
      } else if (spec_.init == init_kind::automatic && l < n_hidden()) {
        const activation kind = hidden_activation(l);
        use_he = kind == activation::relu || kind == activation::leaky_relu ||
                 kind == activation::gelu;
      }
      const double fan_sum = use_he ? static_cast<double>(fan_in(l))
                                    : static_cast<double>(fan_in(l) + fan_out(l));
      const double limit = std::sqrt(6.0 / fan_sum);
      Scalar* w = parameters_.data() + weight_offset(l);
      for (index k = 0; k < fan_in(l) * fan_out(l); ++k) {
        w[k] = static_cast<Scalar>((2.0 * stream.uniform() - 1.0) * limit);
      }
    }
    if (spec_.layer_norm) {
      for (index l = 0; l < n_hidden(); ++l) gamma(l).setOnes();
    }
  }

  mlp_spec spec_;
  std::vector<index> fan_in_, fan_out_, weight_offset_, bias_offset_, gamma_offset_;
  index n_parameters_ = 0;
  aligned_vector<Scalar> parameters_;
  aligned_vector<Scalar> mask_;
};

/// Layer-norm epsilon (PyTorch's default).
inline constexpr double layer_norm_epsilon = 1e-5;

/// Buffers of a forward and backward pass over at most `capacity` rows, allocated once (the
/// trainer allocates one per fit, so no step allocates). Row blocks topRows(n) are used for a
/// smaller last batch.
template <class Scalar>
struct pass_workspace {
  index capacity = 0;
  matrix<Scalar> input;                    ///< capacity x n_inputs (training batches)
  std::vector<matrix<Scalar>> pre;         ///< per layer: pre-activation (logits for the last)
  std::vector<matrix<Scalar>> activated;   ///< per hidden layer: f(pre)
  std::vector<matrix<Scalar>> dropped;     ///< per hidden layer with dropout: f(pre) * mask
  std::vector<matrix<Scalar>> keep;        ///< per hidden layer with dropout: mask / (1 - p)
  std::vector<matrix<Scalar>> normalised;  ///< per hidden layer with layer norm: x-hat
  std::vector<vector<Scalar>> inverse_std; ///< per hidden layer with layer norm
  std::vector<matrix<Scalar>> delta;       ///< per layer: d loss / d pre
  vector<Scalar> row_buffer_a, row_buffer_b;

  pass_workspace() = default;
  pass_workspace(const mlp<Scalar>& model, index rows, bool with_input, bool with_backward) {
    capacity = rows;
    if (with_input) input.resize(rows, model.n_inputs());
    const auto layers = static_cast<std::size_t>(model.n_layers());
    pre.resize(layers);
    activated.resize(layers);
    dropped.resize(layers);
    keep.resize(layers);
    normalised.resize(layers);
    inverse_std.resize(layers);
    if (with_backward) delta.resize(layers);
    for (index l = 0; l < model.n_layers(); ++l) {
      const auto s = static_cast<std::size_t>(l);
      pre[s].resize(rows, model.fan_out(l));
      if (with_backward) delta[s].resize(rows, model.fan_out(l));
      if (l == model.n_layers() - 1) continue;
      activated[s].resize(rows, model.fan_out(l));
      if (with_backward && model.dropout_rate(l) > 0) {
        dropped[s].resize(rows, model.fan_out(l));
        keep[s].resize(rows, model.fan_out(l));
      }
      if (model.layer_norm()) {
        normalised[s].resize(rows, model.fan_out(l));
        inverse_std[s].resize(rows);
      }
    }
    row_buffer_a.resize(rows);
    row_buffer_b.resize(rows);
  }
};

namespace detail {

/// Forward pass of `n` rows of `x` through `model` into `work`; dropout is applied when
/// `stream` is not null (training). The logits end in work.pre.back().topRows(n).
template <class Scalar, class Input>
void forward_pass(const mlp<Scalar>& model, const Input& x, index n, pass_workspace<Scalar>& work,
                  random_stream* stream) {
  const index layers = model.n_layers();
  for (index l = 0; l < layers; ++l) {
    const auto s = static_cast<std::size_t>(l);
    auto pre = work.pre[s].topRows(n);
    // A single row goes through Eigen's matrix-vector kernel: the general product would pack
    // both operands for a 1-row GEMM, about as costly as the arithmetic itself.
    const auto multiply = [&](const auto& input) {
      if (n == 1) {
        pre.row(0).noalias() = input.row(0) * model.weight(l);
      } else {
        pre.noalias() = input * model.weight(l);
      }
    };
    if (l == 0) {
      multiply(x);
    } else {
      const auto s_prev = static_cast<std::size_t>(l - 1);
      const bool used_dropout = stream != nullptr && model.dropout_rate(l - 1) > 0;
      if (used_dropout) {
        multiply(work.dropped[s_prev].topRows(n));
      } else {
        multiply(work.activated[s_prev].topRows(n));
      }
    }
    pre.rowwise() += model.bias(l).transpose();
    if (l == layers - 1) break;
    if (model.layer_norm()) {
      auto mean = work.row_buffer_a.head(n);
      auto inv = work.inverse_std[s].head(n);
      auto xhat = work.normalised[s].topRows(n);
      mean.noalias() = pre.rowwise().mean();
      xhat = pre.colwise() - mean;
      inv = (xhat.array().square().rowwise().sum() / Scalar(model.fan_out(l)) +
             Scalar(layer_norm_epsilon))
                .rsqrt()
                .matrix();
      xhat = inv.asDiagonal() * xhat;
      pre = xhat * model.gamma(l).asDiagonal();
      pre.rowwise() += model.beta(l).transpose();
    }
    auto act = work.activated[s].topRows(n);
    apply_activation(model.hidden_activation(l), pre, act);
    const double rate = model.dropout_rate(l);
    if (stream != nullptr && rate > 0) {
      auto keep = work.keep[s].topRows(n);
      const auto scale = static_cast<Scalar>(1.0 / (1.0 - rate));
      for (index col = 0; col < keep.cols(); ++col) {
        for (index row = 0; row < n; ++row) {
          keep(row, col) = stream->uniform() < rate ? Scalar(0) : scale;
        }
      }
      work.dropped[s].topRows(n) = act.cwiseProduct(keep);
    }
  }
}

/// Backward pass after forward_pass(..., stream) with work.delta.back().topRows(n) holding
/// d loss / d logits; writes the gradient of every parameter into `gradient` (layout of
/// model.parameters()). `x` is the same input as the forward pass.
template <class Scalar, class Input>
void backward_pass(const mlp<Scalar>& model, const Input& x, index n,
                   pass_workspace<Scalar>& work, bool used_dropout, Scalar* gradient) {
  using matrix_map = Eigen::Map<matrix<Scalar>>;
  using vector_map = Eigen::Map<vector<Scalar>>;
  for (index l = model.n_layers() - 1; l >= 0; --l) {
    const auto s = static_cast<std::size_t>(l);
    auto delta = work.delta[s].topRows(n);
    if (l < model.n_layers() - 1 && model.layer_norm()) {
      // delta holds d loss / d h; turn it into d loss / d u.
      auto xhat = work.normalised[s].topRows(n);
      vector_map(gradient + model.gamma_offset(l), model.fan_out(l)).noalias() =
          (delta.cwiseProduct(xhat)).colwise().sum().transpose();
      vector_map(gradient + model.beta_offset(l), model.fan_out(l)).noalias() =
          delta.colwise().sum().transpose();
      delta = delta * model.gamma(l).asDiagonal();  // d loss / d x-hat
      auto mean_d = work.row_buffer_a.head(n);
      auto mean_dx = work.row_buffer_b.head(n);
      const Scalar width = Scalar(model.fan_out(l));
      mean_d.noalias() = delta.rowwise().sum() / width;
      mean_dx.noalias() = delta.cwiseProduct(xhat).rowwise().sum() / width;
      delta = (delta.colwise() - mean_d) - mean_dx.asDiagonal() * xhat;
      delta = work.inverse_std[s].head(n).asDiagonal() * delta;
    }
    matrix_map weight_gradient(gradient + model.weight_offset(l), model.fan_in(l),
                               model.fan_out(l));
    if (l == 0) {
      weight_gradient.noalias() = x.transpose() * delta;
    } else {
      const auto s_prev = static_cast<std::size_t>(l - 1);
      const bool dropout_here = used_dropout && model.dropout_rate(l - 1) > 0;
      if (dropout_here) {
        weight_gradient.noalias() = work.dropped[s_prev].topRows(n).transpose() * delta;
      } else {
        weight_gradient.noalias() = work.activated[s_prev].topRows(n).transpose() * delta;
      }
    }
    vector_map(gradient + model.bias_offset(l), model.fan_out(l)).noalias() =
        delta.colwise().sum().transpose();
    if (l == 0) break;
    const auto s_prev = static_cast<std::size_t>(l - 1);
    auto delta_prev = work.delta[s_prev].topRows(n);
    delta_prev.noalias() = delta * model.weight(l).transpose();
    if (used_dropout && model.dropout_rate(l - 1) > 0) {
      delta_prev.array() *= work.keep[s_prev].topRows(n).array();
    }
    multiply_activation_derivative(model.hidden_activation(l - 1), work.pre[s_prev].topRows(n),
                                   work.activated[s_prev].topRows(n), delta_prev);
  }
}

}  // namespace detail

template <class Scalar>
template <class Derived>
matrix<Scalar> mlp<Scalar>::forward(const Eigen::MatrixBase<Derived>& x, int n_threads) const {
  if (x.cols() != n_inputs()) {
    throw shape_error("X has " + std::to_string(x.cols()) + " columns but the network has " +
                      std::to_string(n_inputs()) + " inputs");
  }
  const index n = x.rows();
  matrix<Scalar> out(n, n_outputs());
  if (n == 1) {
    // Single-row latency path: row vectors through matrix-vector products, no workspace.
    Eigen::Matrix<Scalar, 1, Eigen::Dynamic> current = x.row(0).template cast<Scalar>();
    Eigen::Matrix<Scalar, 1, Eigen::Dynamic> next;
    for (index l = 0; l < n_layers(); ++l) {
      next.noalias() = current * weight(l);
      next += bias(l).transpose();
      if (l < n_hidden()) {
        if (layer_norm()) {
          next.array() -= next.mean();
          const Scalar inverse_std =
              Scalar(1) / std::sqrt(next.squaredNorm() / Scalar(next.size()) +
                                    Scalar(layer_norm_epsilon));
          next = (next.array() * inverse_std * gamma(l).transpose().array() +
                  beta(l).transpose().array())
                     .matrix();
        }
        apply_activation(hidden_activation(l), next, next);
      }
      current.swap(next);
    }
    out.row(0) = current;
    return out;
  }
  constexpr index block = 256;
  const index n_blocks = (n + block - 1) / block;
  parallel_for_ranges(n_blocks, n_threads, 1, [&](index first, index last) {
    pass_workspace<Scalar> work(*this, std::min(block, n), false, false);
    for (index b = first; b < last; ++b) {
      const index begin = b * block;
      const index rows = std::min(block, n - begin);
      detail::forward_pass(*this, x.middleRows(begin, rows), rows, work, nullptr);
      out.middleRows(begin, rows) = work.pre.back().topRows(rows);
    }
  });
  return out;
}

}  // namespace shiftguard::nn
