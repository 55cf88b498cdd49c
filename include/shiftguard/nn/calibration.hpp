#pragma once

// Temperature scaling (Guo et al. 2017): the temperature T > 0 that minimises the weighted
// negative log-likelihood of softmax(logits / T) (k >= 2 columns) or sigmoid(logits / T) (one
// column, binary labels 0/1). The NLL is convex in 1/T, so its derivative is monotone: it is
// found by bisection on log(1/T) over [1e-6, 1e6] to relative precision 1e-12. When the
// optimum lies beyond the bracket (perfectly separated data), the bound is returned.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/types.hpp"

namespace shiftguard::nn {

namespace detail {

// d NLL / d beta at inverse temperature beta.
template <class Logits>
double temperature_slope(const Logits& z, const std::vector<std::int64_t>& labels,
                         const std::vector<double>& weight, double beta) {
  const index n = z.rows();
  const index k = z.cols();
  double slope = 0.0;
  for (index i = 0; i < n; ++i) {
    const double w = weight.empty() ? 1.0 : weight[static_cast<std::size_t>(i)];
    const auto label = labels[static_cast<std::size_t>(i)];
    if (k == 1) {
      const double v = static_cast<double>(z(i, 0));
      const double t = beta * v;
      const double p = t >= 0 ? 1.0 / (1.0 + std::exp(-t)) : std::exp(t) / (1.0 + std::exp(t));
      slope += w * v * (p - static_cast<double>(label));
    } else {
      double top = -std::numeric_limits<double>::infinity();
      for (index j = 0; j < k; ++j) top = std::max(top, beta * static_cast<double>(z(i, j)));
      double sum = 0.0, expectation = 0.0;
      for (index j = 0; j < k; ++j) {
        const double e = std::exp(beta * static_cast<double>(z(i, j)) - top);
        sum += e;
        expectation += e * static_cast<double>(z(i, j));
      }
      slope += w * (expectation / sum - static_cast<double>(z(i, label)));
    }
  }
  return slope;
}

}  // namespace detail

/// Temperature minimising the NLL of the calibrated probabilities. logits: n x k (k = 1:
/// sigmoid, binary labels); labels: class indices in [0, k) (k = 1: 0 or 1); sample_weight:
/// empty or n non-negative weights.
template <class Derived>
double fit_temperature(const Eigen::MatrixBase<Derived>& logits,
                       const std::vector<std::int64_t>& labels,
                       const std::vector<double>& sample_weight = {}) {
  const index n = logits.rows();
  const index k = logits.cols();
  if (n < 1 || k < 1) throw shape_error("logits must have at least one row and one column, got " +
                                        std::to_string(n) + " x " + std::to_string(k));
  if (static_cast<index>(labels.size()) != n) {
    throw shape_error("labels has " + std::to_string(labels.size()) + " entries but logits has " +
                      std::to_string(n) + " rows");
  }
  const std::int64_t n_classes = k == 1 ? 2 : k;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= n_classes) {
      throw invalid_argument("labels must be in [0, " + std::to_string(n_classes) + "), got " +
                             std::to_string(labels[i]) + " at index " + std::to_string(i));
    }
  }
  for (index j = 0; j < k; ++j) {
    for (index i = 0; i < n; ++i) {
      if (!std::isfinite(static_cast<double>(logits(i, j)))) {
        throw invalid_argument("logits contains a non-finite value at row " + std::to_string(i) +
                               ", column " + std::to_string(j));
      }
    }
  }
  if (!sample_weight.empty()) {
    if (static_cast<index>(sample_weight.size()) != n) {
      throw shape_error("sample_weight has " + std::to_string(sample_weight.size()) +
                        " entries but logits has " + std::to_string(n) + " rows");
    }
    double total = 0.0;
    for (const double w : sample_weight) {
      if (!(w >= 0.0) || !std::isfinite(w)) throw invalid_argument("sample_weight must be finite and >= 0, got " + std::to_string(w));
      total += w;
    }
    if (!(total > 0.0)) throw invalid_argument("sample_weight sums to 0");
  }
  double low = std::log(1e-6), high = std::log(1e6);
  if (detail::temperature_slope(logits, labels, sample_weight, std::exp(low)) >= 0) return 1e6;
  if (detail::temperature_slope(logits, labels, sample_weight, std::exp(high)) <= 0) return 1e-6;
  while (high - low > 1e-12) {
    const double middle = 0.5 * (low + high);
    if (detail::temperature_slope(logits, labels, sample_weight, std::exp(middle)) < 0) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return 1.0 / std::exp(0.5 * (low + high));
}

}  // namespace shiftguard::nn
