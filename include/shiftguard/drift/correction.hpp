#pragma once

// Multiple-testing corrections for per-feature p-values. A detector that tests d features
// at level alpha would raise false alarms far more often than alpha without one.

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <string>
#include <vector>

#include "shiftguard/core/errors.hpp"

namespace shiftguard::drift {

/// How per-feature p-values are combined into one verdict.
enum class correction {
  none,        ///< each feature at level alpha (no family-wise control)
  bonferroni,  ///< family-wise error rate: feature drifts when p < alpha / d
  fdr,         ///< Benjamini-Hochberg false discovery rate at level alpha
};

inline const char* to_string(correction value) {
  switch (value) {
    case correction::none: return "none";
    case correction::bonferroni: return "bonferroni";
    case correction::fdr: return "fdr";
  }
  return "?";
}

/// Parses "none", "bonferroni" or "fdr" ("bh" and "benjamini-hochberg" mean fdr).
inline correction correction_from_string(const std::string& name) {
  if (name == "none") return correction::none;
  if (name == "bonferroni") return correction::bonferroni;
  if (name == "fdr" || name == "bh" || name == "benjamini-hochberg") return correction::fdr;
  throw invalid_argument("correction must be 'none', 'bonferroni' or 'fdr', got '" + name + "'");
}

/// Outcome of a correction: corrected p-values, the threshold on the raw p-values, and
/// which features are declared drifted (raw p-value < threshold).
struct correction_result {
  std::vector<double> corrected_p_values;
  double threshold = 0.0;
  std::vector<bool> rejected;
  bool any_rejected = false;
};

/// Bonferroni-adjusted p-values min(1, d * p).
inline std::vector<double> bonferroni_adjust(const std::vector<double>& p_values) {
  const double d = static_cast<double>(p_values.size());
  std::vector<double> adjusted(p_values.size());
  std::transform(p_values.begin(), p_values.end(), adjusted.begin(),
                 [d](double p) { return std::min(1.0, p * d); });
  return adjusted;
}

/// Benjamini-Hochberg adjusted p-values (step-up): for the k-th smallest p-value,
/// min over j >= k of min(1, d * p_(j) / j). Same as statsmodels' multipletests 'fdr_bh'.
inline std::vector<double> benjamini_hochberg_adjust(const std::vector<double>& p_values) {
  const std::size_t d = p_values.size();
  std::vector<std::size_t> order(d);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  std::vector<double> adjusted(d);
  double running_min = 1.0;
  for (std::size_t rank = d; rank-- > 0;) {
    const double scaled = p_values[order[rank]] * static_cast<double>(d) /
                          static_cast<double>(rank + 1);
    running_min = std::min(running_min, scaled);
    adjusted[order[rank]] = running_min;
  }
  return adjusted;
}

/// Applies `method` at level `alpha` to `p_values` (all in [0, 1]).
///
/// Threshold on the raw p-values: alpha (none), alpha / d (bonferroni), and for fdr the
/// largest alpha * k / d with p_(k) < alpha * k / d, or alpha / d when there is none
/// (the convention alibi-detect reports). A feature is rejected when its raw p-value is
/// strictly below the threshold.
inline correction_result apply_correction(const std::vector<double>& p_values, double alpha,
                                          correction method) {
  if (p_values.empty()) throw invalid_argument("apply_correction: p_values is empty");
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw invalid_argument("p_val (the significance level) must be in (0, 1), got " +
                           std::to_string(alpha));
  }
  const std::size_t d = p_values.size();
  const double dd = static_cast<double>(d);
  correction_result result;
  switch (method) {
    case correction::none:
      result.corrected_p_values = p_values;
      result.threshold = alpha;
      break;
    case correction::bonferroni:
      result.corrected_p_values = bonferroni_adjust(p_values);
      result.threshold = alpha / dd;
      break;
    case correction::fdr: {
      result.corrected_p_values = benjamini_hochberg_adjust(p_values);
      std::vector<double> sorted = p_values;
      std::sort(sorted.begin(), sorted.end());
      result.threshold = alpha / dd;
      for (std::size_t k = d; k-- > 0;) {
        const double level = alpha * static_cast<double>(k + 1) / dd;
        if (sorted[k] < level) {
          result.threshold = level;
          break;
        }
      }
      break;
    }
  }
  result.rejected.resize(d);
  for (std::size_t k = 0; k < d; ++k) {
    result.rejected[k] = p_values[k] < result.threshold;
    result.any_rejected = result.any_rejected || result.rejected[k];
  }
  return result;
}

}  // namespace shiftguard::drift
