#pragma once

// Multiple-testing corrections for per-feature p-values. A detector that tests d features
// at level alpha would raise false alarms far more often than alpha without one.
//
// Adjusted p-values follow the definitions of statsmodels' multipletests ("bonferroni",
// "sidak", "holm", "fdr_bh", "fdr_by"); the test suite checks them against a NumPy
// implementation of those definitions. Decisions use a strict comparison of the raw p-value
// with a threshold (p < threshold, as alibi-detect does), where statsmodels uses p <= threshold:
// the two differ only for a p-value exactly equal to the threshold.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "shiftguard/core/errors.hpp"

namespace shiftguard::drift {

/// How per-feature p-values are combined into one verdict.
enum class correction {
  none,        ///< each feature at level alpha (no family-wise control)
  bonferroni,  ///< family-wise error rate: feature drifts when p < alpha / d
  fdr,         ///< Benjamini-Hochberg false discovery rate at level alpha (step-up)
  sidak,       ///< family-wise error rate for independent tests: p < 1 - (1 - alpha)^(1/d)
  holm,        ///< Holm's step-down family-wise procedure (uniformly more powerful than Bonferroni)
  by,          ///< Benjamini-Yekutieli false discovery rate under any dependence
};

inline const char* to_string(correction value) {
  switch (value) {
    case correction::none: return "none";
    case correction::bonferroni: return "bonferroni";
    case correction::fdr: return "fdr";
    case correction::sidak: return "sidak";
    case correction::holm: return "holm";
    case correction::by: return "by";
  }
  return "?";
}

/// Readable name of a correction, for messages ("Holm", "Benjamini-Hochberg", ...).
inline const char* display_name(correction value) {
  switch (value) {
    case correction::none: return "uncorrected";
    case correction::bonferroni: return "Bonferroni";
    case correction::fdr: return "Benjamini-Hochberg";
    case correction::sidak: return "Sidak";
    case correction::holm: return "Holm";
    case correction::by: return "Benjamini-Yekutieli";
  }
  return "?";
}

/// Parses "none", "bonferroni", "sidak", "holm", "fdr" (also "bh", "fdr_bh",
/// "benjamini-hochberg") or "by" (also "fdr_by", "benjamini-yekutieli").
inline correction correction_from_string(const std::string& name) {
  if (name == "none") return correction::none;
  if (name == "bonferroni") return correction::bonferroni;
  if (name == "sidak") return correction::sidak;
  if (name == "holm") return correction::holm;
  if (name == "fdr" || name == "bh" || name == "fdr_bh" || name == "benjamini-hochberg") {
    return correction::fdr;
  }
  if (name == "by" || name == "fdr_by" || name == "benjamini-yekutieli") return correction::by;
  throw invalid_argument(
      "correction must be 'none', 'bonferroni', 'sidak', 'holm', 'fdr' (or 'bh') or 'by', got '" +
      name + "'");
}

/// Why a feature was, or was not, declared drifted.
enum class decision_reason {
  below_threshold,    ///< raw p-value < the threshold at its rank: drifted
  above_threshold,    ///< raw p-value >= the threshold at its rank: not drifted
  step_down_stopped,  ///< Holm: below its own step threshold, but a smaller p-value failed first
  step_up_included,   ///< BH/BY: above its own rank threshold, but a larger p-value passed
};

inline const char* to_string(decision_reason value) {
  switch (value) {
    case decision_reason::below_threshold: return "below_threshold";
    case decision_reason::above_threshold: return "above_threshold";
    case decision_reason::step_down_stopped: return "step_down_stopped";
    case decision_reason::step_up_included: return "step_up_included";
  }
  return "?";
}

/// Outcome of a correction: adjusted p-values, the threshold on the raw p-values, which
/// features are declared drifted (raw p-value < threshold), and for each feature its rank,
/// the threshold of its own step and the reason for its decision.
struct correction_result {
  std::vector<double> corrected_p_values;
  double threshold = 0.0;  ///< every raw p-value below it is rejected, and only those
  std::vector<bool> rejected;
  bool any_rejected = false;
  correction method = correction::none;
  double alpha = 0.0;
  std::vector<std::size_t> ranks;        ///< 1-based rank of each raw p-value (ties: by index)
  std::vector<double> step_thresholds;   ///< the level a feature's p-value meets at its rank
  std::vector<decision_reason> reasons;  ///< why each feature was or was not rejected
  std::size_t decisive_rank = 0;  ///< Holm: first failing rank; BH/BY: last passing rank (0: none)
};

/// Bonferroni-adjusted p-values min(1, d * p).
inline std::vector<double> bonferroni_adjust(const std::vector<double>& p_values) {
  const double d = static_cast<double>(p_values.size());
  std::vector<double> adjusted(p_values.size());
  std::transform(p_values.begin(), p_values.end(), adjusted.begin(),
                 [d](double p) { return std::min(1.0, p * d); });
  return adjusted;
}

/// Sidak-adjusted p-values 1 - (1 - p)^d, computed as -expm1(d log1p(-p)) (statsmodels).
inline std::vector<double> sidak_adjust(const std::vector<double>& p_values) {
  const double d = static_cast<double>(p_values.size());
  std::vector<double> adjusted(p_values.size());
  std::transform(p_values.begin(), p_values.end(), adjusted.begin(),
                 [d](double p) { return std::min(1.0, -std::expm1(d * std::log1p(-p))); });
  return adjusted;
}

namespace detail {

/// Indices that sort `p_values` ascending; ties keep index order.
inline std::vector<std::size_t> ascending_order(const std::vector<double>& p_values) {
  std::vector<std::size_t> order(p_values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  return order;
}

/// sum_{i=1}^{d} 1/i, the Benjamini-Yekutieli constant.
inline double harmonic_number(std::size_t d) {
  double sum = 0.0;
  for (std::size_t i = 1; i <= d; ++i) sum += 1.0 / static_cast<double>(i);
  return sum;
}

/// Step-up adjusted p-values: for the k-th smallest, min over j >= k of min(1, scale d p_(j) / j).
inline std::vector<double> step_up_adjust(const std::vector<double>& p_values, double scale) {
  const std::size_t d = p_values.size();
  const auto order = ascending_order(p_values);
  std::vector<double> adjusted(d);
  double running_min = 1.0;
  for (std::size_t rank = d; rank-- > 0;) {
    const double scaled =
        scale * p_values[order[rank]] * static_cast<double>(d) / static_cast<double>(rank + 1);
    running_min = std::min(running_min, scaled);
    adjusted[order[rank]] = running_min;
  }
  return adjusted;
}

inline std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

}  // namespace detail

/// Holm step-down adjusted p-values: for the k-th smallest, max over j <= k of
/// min(1, (d - j + 1) p_(j)). Same as statsmodels' multipletests 'holm'.
inline std::vector<double> holm_adjust(const std::vector<double>& p_values) {
  const std::size_t d = p_values.size();
  const auto order = detail::ascending_order(p_values);
  std::vector<double> adjusted(d);
  double running_max = 0.0;
  for (std::size_t rank = 0; rank < d; ++rank) {
    const double scaled = p_values[order[rank]] * static_cast<double>(d - rank);
    running_max = std::max(running_max, std::min(1.0, scaled));
    adjusted[order[rank]] = running_max;
  }
  return adjusted;
}

/// Benjamini-Hochberg adjusted p-values (step-up): for the k-th smallest p-value,
/// min over j >= k of min(1, d * p_(j) / j). Same as statsmodels' multipletests 'fdr_bh'.
inline std::vector<double> benjamini_hochberg_adjust(const std::vector<double>& p_values) {
  return detail::step_up_adjust(p_values, 1.0);
}

/// Benjamini-Yekutieli adjusted p-values: Benjamini-Hochberg applied to c(d) p with
/// c(d) = sum_{i<=d} 1/i. Same as statsmodels' multipletests 'fdr_by'.
inline std::vector<double> benjamini_yekutieli_adjust(const std::vector<double>& p_values) {
  return detail::step_up_adjust(p_values, detail::harmonic_number(p_values.size()));
}

/// Applies `method` at level `alpha` to `p_values` (all in [0, 1]).
///
/// Threshold on the raw p-values (a feature is rejected when its raw p-value is strictly below
/// it): alpha (none); alpha / d (bonferroni); 1 - (1 - alpha)^(1/d) (sidak); for holm,
/// alpha / (d - k + 1) at the first rank k whose p-value fails its step, or alpha when every
/// step passes; for fdr the largest alpha k / d with p_(k) < alpha k / d, or alpha / d when
/// there is none (the convention alibi-detect reports); for by the same with alpha / c(d).
inline correction_result apply_correction(const std::vector<double>& p_values, double alpha,
                                          correction method) {
  if (p_values.empty()) throw invalid_argument("apply_correction: p_values is empty");
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw invalid_argument("p_val (the significance level) must be in (0, 1), got " +
                           std::to_string(alpha));
  }
  for (std::size_t k = 0; k < p_values.size(); ++k) {
    if (!(p_values[k] >= 0.0 && p_values[k] <= 1.0)) {
      throw invalid_argument("p_values must lie in [0, 1], got " + std::to_string(p_values[k]) +
                             " at index " + std::to_string(k));
    }
  }
  const std::size_t d = p_values.size();
  const double dd = static_cast<double>(d);
  const auto order = detail::ascending_order(p_values);
  correction_result result;
  result.method = method;
  result.alpha = alpha;
  result.ranks.resize(d);
  for (std::size_t rank = 0; rank < d; ++rank) result.ranks[order[rank]] = rank + 1;
  result.step_thresholds.resize(d);

  // Step-up procedures (BH, BY) share the search for the last passing rank.
  auto step_up = [&](double level_alpha) {
    result.threshold = level_alpha / dd;
    result.decisive_rank = 0;
    for (std::size_t k = d; k-- > 0;) {
      const double level = level_alpha * static_cast<double>(k + 1) / dd;
      if (p_values[order[k]] < level) {
        result.threshold = level;
        result.decisive_rank = k + 1;
        break;
      }
    }
    for (std::size_t i = 0; i < d; ++i) {
      result.step_thresholds[i] = level_alpha * static_cast<double>(result.ranks[i]) / dd;
    }
  };

  switch (method) {
    case correction::none:
      result.corrected_p_values = p_values;
      result.threshold = alpha;
      std::fill(result.step_thresholds.begin(), result.step_thresholds.end(), alpha);
      break;
    case correction::bonferroni:
      result.corrected_p_values = bonferroni_adjust(p_values);
      result.threshold = alpha / dd;
      std::fill(result.step_thresholds.begin(), result.step_thresholds.end(), result.threshold);
      break;
    case correction::sidak:
      result.corrected_p_values = sidak_adjust(p_values);
      result.threshold = -std::expm1(std::log1p(-alpha) / dd);
      std::fill(result.step_thresholds.begin(), result.step_thresholds.end(), result.threshold);
      break;
    case correction::holm: {
      result.corrected_p_values = holm_adjust(p_values);
      result.threshold = alpha;
      result.decisive_rank = 0;
      for (std::size_t k = 0; k < d; ++k) {
        const double level = alpha / static_cast<double>(d - k);
        if (!(p_values[order[k]] < level)) {
          result.threshold = level;
          result.decisive_rank = k + 1;
          break;
        }
      }
      for (std::size_t i = 0; i < d; ++i) {
        result.step_thresholds[i] = alpha / static_cast<double>(d - result.ranks[i] + 1);
      }
      break;
    }
    case correction::fdr:
      result.corrected_p_values = benjamini_hochberg_adjust(p_values);
      step_up(alpha);
      break;
    case correction::by:
      result.corrected_p_values = benjamini_yekutieli_adjust(p_values);
      step_up(alpha / detail::harmonic_number(d));
      break;
  }
  result.rejected.resize(d);
  result.reasons.resize(d);
  for (std::size_t k = 0; k < d; ++k) {
    result.rejected[k] = p_values[k] < result.threshold;
    result.any_rejected = result.any_rejected || result.rejected[k];
    const bool own_step = p_values[k] < result.step_thresholds[k];
    if (result.rejected[k]) {
      result.reasons[k] =
          own_step ? decision_reason::below_threshold : decision_reason::step_up_included;
    } else {
      result.reasons[k] =
          own_step ? decision_reason::step_down_stopped : decision_reason::above_threshold;
    }
  }
  return result;
}

/// One sentence saying why feature `feature` was or was not rejected, e.g.
/// "p 0.001 < Holm step threshold 0.0125 (rank 1 of 4)".
inline std::string explain(const correction_result& result, std::size_t feature,
                           const std::vector<double>& p_values) {
  if (feature >= result.rejected.size() || p_values.size() != result.rejected.size()) {
    throw invalid_argument("explain: feature " + std::to_string(feature) + " out of range [0, " +
                           std::to_string(result.rejected.size()) + ")");
  }
  using detail::format_number;
  const std::string p = "p " + format_number(p_values[feature]);
  const std::string level = format_number(result.step_thresholds[feature]);
  const std::string rank = "(rank " + std::to_string(result.ranks[feature]) + " of " +
                           std::to_string(result.rejected.size()) + ")";
  const bool below = result.reasons[feature] == decision_reason::below_threshold ||
                     result.reasons[feature] == decision_reason::step_down_stopped;
  const std::string comparison = below ? " < " : " >= ";
  switch (result.method) {
    case correction::none:
      return p + comparison + "alpha " + level + " (no correction)";
    case correction::bonferroni:
    case correction::sidak:
      return p + comparison + display_name(result.method) + " threshold " + level;
    case correction::holm: {
      std::string text = p + comparison + "Holm step threshold " + level + " " + rank;
      if (result.reasons[feature] == decision_reason::step_down_stopped) {
        text += ", but the step-down stopped at rank " + std::to_string(result.decisive_rank) +
                " (threshold " + format_number(result.threshold) + ")";
      }
      return text;
    }
    case correction::fdr:
    case correction::by: {
      std::string text =
          p + comparison + display_name(result.method) + " rank threshold " + level + " " + rank;
      if (result.reasons[feature] == decision_reason::step_up_included) {
        text += ", but rank " + std::to_string(result.decisive_rank) +
                " passed, so every p < " + format_number(result.threshold) + " is rejected";
      }
      return text;
    }
  }
  return p;
}

}  // namespace shiftguard::drift
