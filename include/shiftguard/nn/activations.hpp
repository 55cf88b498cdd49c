#pragma once

// Activation functions of the hidden layers and their derivatives, applied element-wise to
// blocks of a (samples x units) matrix. GELU is the exact (erf) form, as PyTorch's default
// nn.GELU(); leaky ReLU has PyTorch's default negative slope 0.01.

#include <cmath>
#include <string>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"

namespace shiftguard::nn {

/// Activation of a hidden layer.
enum class activation { identity, relu, leaky_relu, gelu, tanh, sigmoid };

/// Negative slope of the leaky ReLU (PyTorch's default).
inline constexpr double leaky_relu_slope = 0.01;

/// Parses "identity", "relu", "leaky_relu", "gelu", "tanh" or "sigmoid".
inline activation parse_activation(const std::string& name) {
  if (name == "identity") return activation::identity;
  if (name == "relu") return activation::relu;
  if (name == "leaky_relu") return activation::leaky_relu;
  if (name == "gelu") return activation::gelu;
  if (name == "tanh") return activation::tanh;
  if (name == "sigmoid") return activation::sigmoid;
  throw invalid_argument("activation must be one of 'identity', 'relu', 'leaky_relu', 'gelu', "
                         "'tanh', 'sigmoid', got '" + name + "'");
}

inline const char* activation_name(activation kind) {
  switch (kind) {
    case activation::identity: return "identity";
    case activation::relu: return "relu";
    case activation::leaky_relu: return "leaky_relu";
    case activation::gelu: return "gelu";
    case activation::tanh: return "tanh";
    case activation::sigmoid: return "sigmoid";
  }
  return "identity";
}

namespace detail {

template <class Scalar>
Scalar sigmoid_scalar(Scalar z) {
  // Stable for large |z|: exp of a non-positive number only.
  if (z >= 0) return Scalar(1) / (Scalar(1) + std::exp(-z));
  const Scalar e = std::exp(z);
  return e / (Scalar(1) + e);
}

template <class Scalar>
Scalar gelu_scalar(Scalar z) {
  return Scalar(0.5) * z * (Scalar(1) + std::erf(z * Scalar(0.70710678118654752440)));
}

template <class Scalar>
Scalar gelu_derivative_scalar(Scalar z) {
  const Scalar cdf = Scalar(0.5) * (Scalar(1) + std::erf(z * Scalar(0.70710678118654752440)));
  const Scalar pdf = Scalar(0.39894228040143267794) * std::exp(Scalar(-0.5) * z * z);
  return cdf + z * pdf;
}

}  // namespace detail

/// out = f(z), element-wise (out may alias z).
template <class In, class Out>
void apply_activation(activation kind, const Eigen::MatrixBase<In>& z,
                      const Eigen::MatrixBase<Out>& out_const) {
  using Scalar = typename Out::Scalar;
  auto& out = const_cast<Eigen::MatrixBase<Out>&>(out_const);
  switch (kind) {
    case activation::identity: out = z; break;
    case activation::relu: out = z.cwiseMax(Scalar(0)); break;
    case activation::leaky_relu:
      out = z.unaryExpr([](Scalar v) { return v > 0 ? v : Scalar(leaky_relu_slope) * v; });
      break;
    case activation::gelu:
      out = z.unaryExpr([](Scalar v) { return detail::gelu_scalar(v); });
      break;
    case activation::tanh: out = z.array().tanh().matrix(); break;
    case activation::sigmoid:
      out = z.unaryExpr([](Scalar v) { return detail::sigmoid_scalar(v); });
      break;
  }
}

/// grad *= f'(z), element-wise, given the pre-activation z and the activation output a = f(z).
template <class Z, class A, class G>
void multiply_activation_derivative(activation kind, const Eigen::MatrixBase<Z>& z,
                                    const Eigen::MatrixBase<A>& a,
                                    const Eigen::MatrixBase<G>& grad_const) {
  using Scalar = typename G::Scalar;
  auto& grad = const_cast<Eigen::MatrixBase<G>&>(grad_const);
  switch (kind) {
    case activation::identity: break;
    case activation::relu:
      grad = (z.array() > Scalar(0)).select(grad, Scalar(0));
      break;
    case activation::leaky_relu:
      grad = (z.array() > Scalar(0)).select(grad, Scalar(leaky_relu_slope) * grad);
      break;
    case activation::gelu:
      grad.array() *= z.unaryExpr([](Scalar v) { return detail::gelu_derivative_scalar(v); })
                          .array();
      break;
    case activation::tanh: grad.array() *= (Scalar(1) - a.array().square()); break;
    case activation::sigmoid: grad.array() *= a.array() * (Scalar(1) - a.array()); break;
  }
}

}  // namespace shiftguard::nn
