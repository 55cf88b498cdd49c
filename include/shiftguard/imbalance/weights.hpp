#pragma once

// Class weights, per-sample weights and logit-adjustment offsets for imbalanced
// classification.
//
// Labels reach these functions as integer codes 0..n_classes-1 (the Python layer maps any
// labels to codes with np.unique; encode_labels() does the same for int64 labels in C++).
//
// Class weights (before normalisation), with n the (weighted) number of samples, K the number
// of classes and n_c the (weighted) count of class c:
//   balanced  : n / (K * n_c)                (scikit-learn's compute_class_weight('balanced'))
//   sqrt      : sqrt(n / (K * n_c))          (square-root inverse frequency)
//   effective : (1 - beta) / (1 - beta^n_c)  (Cui et al., CVPR 2019, effective number of samples)
// Normalisation (weight_normalization):
//   none        : the formula above unchanged ('balanced' is then scikit-learn's exactly)
//   mean_sample : scaled so that sum_c n_c * w_c = n, i.e. the mean per-sample weight is 1
//                 ('balanced' already satisfies this, so it does not change)
//   n_classes   : scaled so that sum_c w_c = K (the normalisation of Cui et al.)
// Logit adjustment (Menon et al., ICLR 2021): offsets tau * log(prior_c), added to the logits
// during training (logit-adjusted loss) or subtracted from them at prediction (post-hoc).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/types.hpp"

namespace shiftguard::imbalance {

/// How class weights are derived from the class counts.
enum class class_weight_method {
  balanced,   ///< n / (K * n_c), scikit-learn's 'balanced'
  sqrt,       ///< sqrt(n / (K * n_c))
  effective,  ///< (1 - beta) / (1 - beta^n_c), Cui et al. 2019
};

/// How class weights (or sample weights) are scaled after they are computed.
enum class weight_normalization {
  none,         ///< unchanged
  mean_sample,  ///< mean per-sample weight 1: sum_c n_c * w_c = n
  n_classes,    ///< sum of the class weights equals the number of classes (class weights only)
};

/// Sorted distinct labels and, for each sample, the position of its label among them.
struct label_encoding {
  std::vector<std::int64_t> classes;  ///< sorted distinct labels
  std::vector<std::int64_t> codes;    ///< codes[i] = position of labels[i] in classes
};

namespace detail {

inline std::string number_text(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

/// Throws invalid_argument unless n_classes >= 2.
inline void check_n_classes(index n_classes, const char* name) {
  if (n_classes < 2) {
    throw invalid_argument(std::string(name) + " must hold at least 2 classes, got " +
                           std::to_string(n_classes) +
                           " (class weights are undefined for a single class)");
  }
}

/// Throws invalid_argument naming the first non-finite or negative weight.
template <class Derived>
void check_weights(const Eigen::DenseBase<Derived>& weights, const char* name) {
  for (index i = 0; i < weights.size(); ++i) {
    const double value = static_cast<double>(weights.coeff(i));
    if (!std::isfinite(value) || value < 0) {
      std::ostringstream message;
      message << name << " must hold finite non-negative weights, got " << value << " at index "
              << i;
      throw invalid_argument(message.str());
    }
  }
}

}  // namespace detail

/// Maps int64 labels to codes 0..K-1 in sorted label order (like np.unique(return_inverse)).
template <class Derived>
label_encoding encode_labels(const Eigen::DenseBase<Derived>& labels) {
  label_encoding out;
  out.classes.reserve(16);
  const index n = labels.size();
  std::vector<std::int64_t> sorted(static_cast<std::size_t>(n));
  for (index i = 0; i < n; ++i) sorted[i] = static_cast<std::int64_t>(labels.coeff(i));
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i == 0 || sorted[i] != sorted[i - 1]) out.classes.push_back(sorted[i]);
  }
  out.codes.resize(static_cast<std::size_t>(n));
  for (index i = 0; i < n; ++i) {
    const auto label = static_cast<std::int64_t>(labels.coeff(i));
    out.codes[i] = std::lower_bound(out.classes.begin(), out.classes.end(), label) -
                   out.classes.begin();
  }
  return out;
}

/// Throws invalid_argument unless every code lies in [0, n_classes).
template <class Derived>
void check_codes(const Eigen::DenseBase<Derived>& codes, index n_classes, const char* name) {
  if (n_classes < 1) {
    throw invalid_argument("n_classes must be >= 1, got " + std::to_string(n_classes));
  }
  for (index i = 0; i < codes.size(); ++i) {
    const auto code = static_cast<long long>(codes.coeff(i));
    if (code < 0 || code >= n_classes) {
      throw invalid_argument(std::string(name) + " must hold class codes in [0, " +
                             std::to_string(n_classes) + "), got " + std::to_string(code) +
                             " at index " + std::to_string(i));
    }
  }
}

/// Number of samples of each class.
template <class Derived>
std::vector<std::int64_t> class_counts(const Eigen::DenseBase<Derived>& codes, index n_classes) {
  check_codes(codes, n_classes, "y");
  std::vector<std::int64_t> counts(static_cast<std::size_t>(n_classes), 0);
  for (index i = 0; i < codes.size(); ++i) ++counts[static_cast<std::size_t>(codes.coeff(i))];
  return counts;
}

/// Sum of the sample weights of each class. Weights must be finite and non-negative.
template <class Scalar, class CodeDerived, class WeightDerived>
vector<Scalar> weighted_class_counts(const Eigen::DenseBase<CodeDerived>& codes, index n_classes,
                                     const Eigen::DenseBase<WeightDerived>& sample_weight) {
  check_codes(codes, n_classes, "y");
  if (sample_weight.size() != codes.size()) {
    throw shape_error("sample_weight has " + std::to_string(sample_weight.size()) +
                      " entries but y has " + std::to_string(codes.size()));
  }
  detail::check_weights(sample_weight, "sample_weight");
  std::vector<double> totals(static_cast<std::size_t>(n_classes), 0.0);
  for (index i = 0; i < codes.size(); ++i) {
    totals[static_cast<std::size_t>(codes.coeff(i))] += static_cast<double>(sample_weight.coeff(i));
  }
  vector<Scalar> out(n_classes);
  for (index c = 0; c < n_classes; ++c) out[c] = static_cast<Scalar>(totals[c]);
  return out;
}

/// Options of compute_class_weight.
struct class_weight_options {
  class_weight_method method = class_weight_method::balanced;
  double beta = 0.999;  ///< effective-number parameter, in [0, 1)
  weight_normalization normalization = weight_normalization::none;
};

/// Scales class weights `weights` (one per class) by `normalization`, given the (weighted)
/// class counts. Throws invalid_argument for negative, NaN or infinite weights, or when the
/// scale is undefined (all weighted counts zero).
template <class Scalar>
vector<Scalar> normalize_class_weight(const vector<Scalar>& weights,
                                      const std::vector<double>& counts,
                                      weight_normalization normalization) {
  detail::check_weights(weights, "class_weight");
  if (static_cast<std::size_t>(weights.size()) != counts.size()) {
    throw shape_error("class_weight has " + std::to_string(weights.size()) +
                      " entries but there are " + std::to_string(counts.size()) + " classes");
  }
  double scale = 1.0;
  if (normalization == weight_normalization::mean_sample) {
    double weighted = 0.0;
    double total = 0.0;
    for (std::size_t c = 0; c < counts.size(); ++c) {
      weighted += counts[c] * static_cast<double>(weights[c]);
      total += counts[c];
    }
    if (!(weighted > 0)) {
      throw invalid_argument(
          "class_weight gives every sample weight 0: cannot normalise to mean sample weight 1");
    }
    scale = total / weighted;
  } else if (normalization == weight_normalization::n_classes) {
    double sum = 0.0;
    for (index c = 0; c < weights.size(); ++c) sum += static_cast<double>(weights[c]);
    if (!(sum > 0)) {
      throw invalid_argument("class_weight sums to 0: cannot normalise to sum n_classes");
    }
    scale = static_cast<double>(weights.size()) / sum;
  }
  vector<Scalar> out(weights.size());
  for (index c = 0; c < weights.size(); ++c) {
    out[c] = static_cast<Scalar>(static_cast<double>(weights[c]) * scale);
  }
  return out;
}

/// Class weights from the (weighted) class counts `counts` (one per class, all > 0).
template <class Scalar>
vector<Scalar> class_weight_from_counts(const std::vector<double>& counts,
                                        const class_weight_options& options = {}) {
  const auto n_classes = static_cast<index>(counts.size());
  detail::check_n_classes(n_classes, "y");
  if (options.method == class_weight_method::effective &&
      !(options.beta >= 0.0 && options.beta < 1.0)) {
    throw invalid_argument("beta must be in [0, 1), got " + detail::number_text(options.beta));
  }
  double total = 0.0;
  for (index c = 0; c < n_classes; ++c) {
    const double count = counts[c];
    if (!std::isfinite(count) || count < 0) {
      throw invalid_argument("class count of class " + std::to_string(c) +
                             " must be finite and non-negative, got " + detail::number_text(count));
    }
    if (count == 0) {
      throw invalid_argument("class " + std::to_string(c) +
                             " is listed in classes but absent from y (count 0): its weight "
                             "is undefined");
    }
    total += count;
  }
  vector<Scalar> weights(n_classes);
  for (index c = 0; c < n_classes; ++c) {
    const double count = counts[c];
    double weight = 0.0;
    switch (options.method) {
      case class_weight_method::balanced:
        weight = total / (static_cast<double>(n_classes) * count);
        break;
      case class_weight_method::sqrt:
        weight = std::sqrt(total / (static_cast<double>(n_classes) * count));
        break;
      case class_weight_method::effective:
        // (1 - beta^n) computed as -expm1(n log beta) keeps precision for beta near 1.
        weight = options.beta == 0.0
                     ? 1.0
                     : (1.0 - options.beta) / -std::expm1(count * std::log(options.beta));
        break;
    }
    weights[c] = static_cast<Scalar>(weight);
  }
  if (options.normalization == weight_normalization::none) return weights;
  return normalize_class_weight(weights, counts, options.normalization);
}

/// Class weights of the labels `codes` (0..n_classes-1), every sample counting 1.
template <class Scalar, class CodeDerived>
vector<Scalar> compute_class_weight(const Eigen::DenseBase<CodeDerived>& codes, index n_classes,
                                    const class_weight_options& options = {}) {
  detail::check_n_classes(n_classes, "classes");
  const auto counts = class_counts(codes, n_classes);
  return class_weight_from_counts<Scalar>(std::vector<double>(counts.begin(), counts.end()),
                                          options);
}

/// Class weights from weighted class counts (scikit-learn's compute_class_weight with
/// sample_weight): n_c and n are sums of sample weights.
template <class Scalar, class CodeDerived, class WeightDerived>
vector<Scalar> compute_class_weight(const Eigen::DenseBase<CodeDerived>& codes, index n_classes,
                                    const Eigen::DenseBase<WeightDerived>& sample_weight,
                                    const class_weight_options& options = {}) {
  detail::check_n_classes(n_classes, "classes");
  const auto counts = weighted_class_counts<double>(codes, n_classes, sample_weight);
  return class_weight_from_counts<Scalar>(std::vector<double>(counts.data(), counts.data() + n_classes),
                                          options);
}

/// Per-sample weights w_i = class_weight[code_i] (times sample_weight_i when given, as
/// scikit-learn's estimators combine class_weight and sample_weight). With
/// normalization == mean_sample the result is scaled to mean 1; n_classes is not allowed here.
template <class Scalar, class CodeDerived, class ClassDerived>
vector<Scalar> compute_sample_weight(const Eigen::DenseBase<CodeDerived>& codes,
                                     const Eigen::DenseBase<ClassDerived>& class_weight,
                                     weight_normalization normalization = weight_normalization::none) {
  const index n_classes = class_weight.size();
  check_codes(codes, n_classes, "y");
  detail::check_weights(class_weight, "class_weight");
  if (normalization == weight_normalization::n_classes) {
    throw invalid_argument("normalization of sample weights must be none or mean_sample, got "
                           "n_classes");
  }
  vector<Scalar> out(codes.size());
  double sum = 0.0;
  for (index i = 0; i < codes.size(); ++i) {
    const double weight = static_cast<double>(class_weight.coeff(codes.coeff(i)));
    out[i] = static_cast<Scalar>(weight);
    sum += weight;
  }
  if (normalization == weight_normalization::mean_sample) {
    if (!(sum > 0)) {
      throw invalid_argument("sample weights sum to 0: cannot normalise to mean 1");
    }
    const double scale = static_cast<double>(codes.size()) / sum;
    for (index i = 0; i < codes.size(); ++i) {
      out[i] = static_cast<Scalar>(static_cast<double>(class_weight.coeff(codes.coeff(i))) * scale);
    }
  }
  return out;
}

/// As above, multiplied elementwise by a given `sample_weight` (finite, non-negative).
template <class Scalar, class CodeDerived, class ClassDerived, class WeightDerived>
vector<Scalar> compute_sample_weight(const Eigen::DenseBase<CodeDerived>& codes,
                                     const Eigen::DenseBase<ClassDerived>& class_weight,
                                     const Eigen::DenseBase<WeightDerived>& sample_weight,
                                     weight_normalization normalization = weight_normalization::none) {
  if (sample_weight.size() != codes.size()) {
    throw shape_error("sample_weight has " + std::to_string(sample_weight.size()) +
                      " entries but y has " + std::to_string(codes.size()));
  }
  detail::check_weights(sample_weight, "sample_weight");
  const index n_classes = class_weight.size();
  check_codes(codes, n_classes, "y");
  detail::check_weights(class_weight, "class_weight");
  if (normalization == weight_normalization::n_classes) {
    throw invalid_argument("normalization of sample weights must be none or mean_sample, got "
                           "n_classes");
  }
  std::vector<double> products(static_cast<std::size_t>(codes.size()));
  double sum = 0.0;
  for (index i = 0; i < codes.size(); ++i) {
    products[i] = static_cast<double>(class_weight.coeff(codes.coeff(i))) *
                  static_cast<double>(sample_weight.coeff(i));
    sum += products[i];
  }
  double scale = 1.0;
  if (normalization == weight_normalization::mean_sample) {
    if (!(sum > 0)) throw invalid_argument("sample weights sum to 0: cannot normalise to mean 1");
    scale = static_cast<double>(codes.size()) / sum;
  }
  vector<Scalar> out(codes.size());
  for (index i = 0; i < codes.size(); ++i) out[i] = static_cast<Scalar>(products[i] * scale);
  return out;
}

/// Class priors (class frequencies) of the labels `codes`.
template <class Scalar, class CodeDerived>
vector<Scalar> class_priors(const Eigen::DenseBase<CodeDerived>& codes, index n_classes) {
  const auto counts = class_counts(codes, n_classes);
  if (codes.size() == 0) throw invalid_argument("y must not be empty");
  vector<Scalar> out(n_classes);
  for (index c = 0; c < n_classes; ++c) {
    out[c] = static_cast<Scalar>(static_cast<double>(counts[c]) / static_cast<double>(codes.size()));
  }
  return out;
}

/// Logit-adjustment offsets tau * log(prior_c) (Menon et al. 2021). Priors must be finite,
/// strictly positive (a class with prior 0 has offset -inf) and sum to 1 (within 1e-6);
/// tau finite and >= 0.
template <class Scalar, class PriorDerived>
vector<Scalar> logit_adjustment(const Eigen::DenseBase<PriorDerived>& priors, double tau = 1.0) {
  if (!std::isfinite(tau) || tau < 0) {
    throw invalid_argument("tau must be a finite number >= 0, got " + detail::number_text(tau));
  }
  detail::check_n_classes(priors.size(), "priors");
  double sum = 0.0;
  for (index c = 0; c < priors.size(); ++c) {
    const double prior = static_cast<double>(priors.coeff(c));
    if (!std::isfinite(prior) || !(prior > 0)) {
      throw invalid_argument("priors must be finite and > 0 (class " + std::to_string(c) +
                             " has prior " + detail::number_text(prior) +
                             "; a class absent from the data has no finite log prior)");
    }
    sum += prior;
  }
  if (std::abs(sum - 1.0) > 1e-6) {
    throw invalid_argument("priors must sum to 1, got " + detail::number_text(sum));
  }
  vector<Scalar> out(priors.size());
  for (index c = 0; c < priors.size(); ++c) {
    out[c] = static_cast<Scalar>(tau * std::log(static_cast<double>(priors.coeff(c))));
  }
  return out;
}

}  // namespace shiftguard::imbalance
