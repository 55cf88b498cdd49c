#pragma once

// Shared helpers of the nn tests: seeded data and a central finite-difference gradient.

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/nn/layers.hpp"
#include "shiftguard/nn/losses.hpp"
#include "shiftguard/nn/train.hpp"

namespace nn_test {

using Index = shiftguard::index;
using shiftguard::matrix;
namespace nn = shiftguard::nn;

template <class Scalar>
matrix<Scalar> gaussian(Index rows, Index cols, std::uint64_t seed, double scale = 1.0) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(0.0, scale);
  matrix<Scalar> x(rows, cols);
  for (Index r = 0; r < rows; ++r)
    for (Index c = 0; c < cols; ++c) x(r, c) = static_cast<Scalar>(normal(engine));
  return x;
}

/// One-hot targets of a linear rule on x with k classes.
template <class Scalar>
matrix<Scalar> one_hot_rule(const matrix<Scalar>& x, Index k) {
  matrix<Scalar> y = matrix<Scalar>::Zero(x.rows(), k);
  for (Index i = 0; i < x.rows(); ++i) {
    const double score = static_cast<double>(x(i, 0)) + 0.5 * static_cast<double>(x(i, 1 % x.cols()));
    Index label = score > 0.4 ? 1 : 0;
    if (k > 2 && score < -0.4) label = 2;
    y(i, label) = 1;
  }
  return y;
}

inline nn::mlp_spec small_spec(Index n_inputs, std::vector<Index> hidden,
                               std::vector<nn::activation> activations, Index n_outputs,
                               nn::output_kind output, std::uint64_t seed = 1) {
  nn::mlp_spec spec;
  spec.n_inputs = n_inputs;
  spec.hidden_sizes = std::move(hidden);
  spec.activations = std::move(activations);
  spec.n_outputs = n_outputs;
  spec.output = output;
  spec.seed = seed;
  return spec;
}

/// Largest |analytic - numeric| / max(1, |numeric|) over all parameters (double model).
inline double max_gradient_error(const nn::mlp<double>& model, const matrix<double>& x,
                                 const matrix<double>& y, const std::vector<double>& weights,
                                 const nn::loss_config& loss, long long dropout_seed = -1) {
  std::vector<double> analytic;
  nn::loss_and_gradient(model, x, y, weights, loss, analytic, dropout_seed);
  nn::mlp<double> probe = model;
  std::vector<double> unused;
  double worst = 0.0;
  const double h = 1e-6;
  for (std::size_t i = 0; i < probe.parameters().size(); ++i) {
    const double saved = probe.parameters()[i];
    probe.parameters()[i] = saved + h;
    const double up = nn::loss_and_gradient(probe, x, y, weights, loss, unused, dropout_seed);
    probe.parameters()[i] = saved - h;
    const double down = nn::loss_and_gradient(probe, x, y, weights, loss, unused, dropout_seed);
    probe.parameters()[i] = saved;
    const double numeric = (up - down) / (2 * h);
    worst = std::max(worst, std::abs(analytic[i] - numeric) / std::max(1.0, std::abs(numeric)));
  }
  return worst;
}

}  // namespace nn_test
