#pragma once

// Deployment: magnitude pruning to a target sparsity (the mask is kept, so fine-tuning with
// nn::fit keeps the pruned weights at zero) and int8 post-training quantisation of the weights.
//
// Pruning acts on the dense weight matrices only (biases and layer-norm parameters stay).
// scope "global" zeroes the round(sparsity * total) weights of smallest magnitude over all
// layers; "layer" does so within each layer. Ties are broken by position, so the result is
// deterministic. Already-pruned weights count towards the target.
//
// Quantisation: each output channel (column j of W) gets the symmetric scale
// s_j = max_k |W_kj| / 127 and q_kj = round(W_kj / s_j) in [-127, 127], so
// |W_kj - s_j q_kj| <= s_j / 2. Biases and layer-norm parameters stay in floating point.
// Inference multiplies the floating-point activations by the int8 weights converted one
// channel at a time (no floating-point copy of the weights is kept) and applies s_j to the
// channel's sum.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/nn/layers.hpp"

namespace shiftguard::nn {

enum class prune_scope { global, layer };

inline prune_scope parse_prune_scope(const std::string& name) {
  if (name == "global") return prune_scope::global;
  if (name == "layer") return prune_scope::layer;
  throw invalid_argument("scope must be 'global' or 'layer', got '" + name + "'");
}

/// Fraction of the dense weights that are zero.
template <class Scalar>
double weight_sparsity(const mlp<Scalar>& model) {
  index zeros = 0, total = 0;
  for (index l = 0; l < model.n_layers(); ++l) {
    const auto w = model.weight(l);
    zeros += (w.array() == Scalar(0)).count();
    total += w.size();
  }
  return static_cast<double>(zeros) / static_cast<double>(total);
}

namespace detail {

template <class Scalar>
void prune_positions(const aligned_vector<Scalar>& parameters, std::vector<index> positions,
                     double sparsity, aligned_vector<Scalar>& mask) {
  const auto n_prune = static_cast<std::size_t>(std::llround(sparsity * static_cast<double>(positions.size())));
  if (n_prune == 0) return;
  std::stable_sort(positions.begin(), positions.end(), [&](index a, index b) {
    return std::abs(parameters[static_cast<std::size_t>(a)]) <
           std::abs(parameters[static_cast<std::size_t>(b)]);
  });
  for (std::size_t i = 0; i < n_prune; ++i) mask[static_cast<std::size_t>(positions[i])] = Scalar(0);
}

}  // namespace detail

/// Prunes the weights of smallest magnitude until `sparsity` (in [0, 1)) of them are zero,
/// and keeps the mask in the model.
template <class Scalar>
void prune(mlp<Scalar>& model, double sparsity, prune_scope scope = prune_scope::global) {
  if (!(sparsity >= 0.0 && sparsity < 1.0)) {
    throw invalid_argument("sparsity must be in [0, 1), got " + std::to_string(sparsity));
  }
  aligned_vector<Scalar> mask = model.has_mask()
                                 ? model.mask()
                                 : aligned_vector<Scalar>(model.parameters().size(), Scalar(1));
  // Already-pruned weights have magnitude 0 and are selected first.
  std::vector<index> positions;
  for (index l = 0; l < model.n_layers(); ++l) {
    if (scope == prune_scope::layer) positions.clear();
    const index begin = model.weight_offset(l);
    for (index k = 0; k < model.fan_in(l) * model.fan_out(l); ++k) positions.push_back(begin + k);
    if (scope == prune_scope::layer) detail::prune_positions(model.parameters(), positions, sparsity, mask);
  }
  if (scope == prune_scope::global) detail::prune_positions(model.parameters(), positions, sparsity, mask);
  model.set_mask(std::move(mask));
}

/// An mlp whose dense weights are int8 with one scale per output channel.
template <class Scalar>
class quantized_mlp {
 public:
  using int8_matrix = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  explicit quantized_mlp(const mlp<Scalar>& model) : spec_(model.spec()) {
    for (index l = 0; l < model.n_layers(); ++l) {
      const auto w = model.weight(l);
      int8_matrix q(w.cols(), w.rows());  // row j = output channel j
      vector<Scalar> scale(w.cols());
      for (index j = 0; j < w.cols(); ++j) {
        const double top = static_cast<double>(w.col(j).cwiseAbs().maxCoeff());
        const double s = top > 0 ? top / 127.0 : 1.0;
        scale(j) = static_cast<Scalar>(s);
        for (index k = 0; k < w.rows(); ++k) {
          const double v = std::nearbyint(static_cast<double>(w(k, j)) / s);
          q(j, k) = static_cast<std::int8_t>(std::clamp(v, -127.0, 127.0));
        }
      }
      weights_.push_back(std::move(q));
      scales_.push_back(std::move(scale));
      biases_.push_back(model.bias(l));
      if (model.layer_norm() && l < model.n_hidden()) {
        gammas_.push_back(model.gamma(l));
        betas_.push_back(model.beta(l));
      }
    }
  }

  [[nodiscard]] const mlp_spec& spec() const { return spec_; }
  [[nodiscard]] index n_layers() const { return static_cast<index>(weights_.size()); }
  [[nodiscard]] const int8_matrix& quantized_weight(index layer) const { return weights_[as_size(layer)]; }
  [[nodiscard]] const vector<Scalar>& scale(index layer) const { return scales_[as_size(layer)]; }
  /// The dequantised weights of a layer (fan_in x fan_out), for error analysis.
  [[nodiscard]] matrix<Scalar> dequantized_weight(index layer) const {
    return (weights_[as_size(layer)].template cast<Scalar>().transpose() *
            scales_[as_size(layer)].asDiagonal());
  }

  /// Bytes held: int8 weights plus the floating-point scales, biases and layer-norm values.
  [[nodiscard]] std::size_t nbytes() const {
    std::size_t total = 0;
    for (std::size_t l = 0; l < weights_.size(); ++l) {
      total += static_cast<std::size_t>(weights_[l].size()) +
               static_cast<std::size_t>(scales_[l].size() + biases_[l].size()) * sizeof(Scalar);
    }
    for (std::size_t l = 0; l < gammas_.size(); ++l) {
      total += static_cast<std::size_t>(gammas_[l].size() + betas_[l].size()) * sizeof(Scalar);
    }
    return total;
  }

  /// Logits of the rows of X (rows in blocks of 256, parallel over blocks).
  template <class Derived>
  [[nodiscard]] matrix<Scalar> forward(const Eigen::MatrixBase<Derived>& x, int n_threads = 1) const {
    if (x.cols() != spec_.n_inputs) {
      throw shape_error("X has " + std::to_string(x.cols()) + " columns but the network has " +
                        std::to_string(spec_.n_inputs) + " inputs");
    }
    const index n = x.rows();
    matrix<Scalar> out(n, spec_.n_outputs);
    constexpr index block = 256;
    parallel_for_ranges((n + block - 1) / block, n_threads, 1, [&](index first, index last) {
      matrix<Scalar> current, next;
      vector<Scalar> channel;
      for (index b = first; b < last; ++b) {
        const index begin = b * block;
        const index rows = std::min(block, n - begin);
        current = x.middleRows(begin, rows).template cast<Scalar>();
        for (index l = 0; l < n_layers(); ++l) {
          const auto s = as_size(l);
          next.resize(rows, weights_[s].rows());
          for (index j = 0; j < weights_[s].rows(); ++j) {
            channel = weights_[s].row(j).transpose().template cast<Scalar>();
            next.col(j).noalias() = current * channel;
            next.col(j) *= scales_[s](j);
          }
          next.rowwise() += biases_[s].transpose();
          if (l < n_layers() - 1) {
            if (spec_.layer_norm) {
              for (index r = 0; r < rows; ++r) {
                const Scalar mean = next.row(r).mean();
                next.row(r).array() -= mean;
                const Scalar inv = Scalar(1) / std::sqrt(next.row(r).squaredNorm() / Scalar(next.cols()) +
                                                         Scalar(layer_norm_epsilon));
                next.row(r) = (next.row(r).array() * inv * gammas_[s].transpose().array() +
                               betas_[s].transpose().array()).matrix();
              }
            }
            apply_activation(spec_.activations[s], next, next);
          }
          current.swap(next);
        }
        out.middleRows(begin, rows) = current;
      }
    });
    return out;
  }

  template <class Derived>
  [[nodiscard]] matrix<Scalar> predict_output(const Eigen::MatrixBase<Derived>& x, int n_threads = 1) const {
    matrix<Scalar> out = forward(x, n_threads);
    mlp<Scalar>::apply_output(spec_.output, out);
    return out;
  }

 private:
  static std::size_t as_size(index i) { return static_cast<std::size_t>(i); }
  mlp_spec spec_;
  std::vector<int8_matrix> weights_;
  std::vector<vector<Scalar>> scales_;
  std::vector<vector<Scalar>> biases_, gammas_, betas_;
};

/// Post-training int8 quantisation of the weights.
template <class Scalar>
quantized_mlp<Scalar> quantize_int8(const mlp<Scalar>& model) {
  return quantized_mlp<Scalar>(model);
}

}  // namespace shiftguard::nn
