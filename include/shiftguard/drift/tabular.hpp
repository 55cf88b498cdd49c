#pragma once

// tabular_drift_detector: per-feature drift detection on mixed (numeric and categorical)
// columns, tying the univariate tests and scores together.
//
// Fitting precomputes, per column, what every later batch is compared with: the sorted
// finite reference values (numeric columns), the reference bins (binned scores), the
// category table (categorical columns), the number of missing values and the reference's
// standard deviation. save()/load() keep exactly that; the raw reference is not needed again.
//
// Tests per column (option `tests`, defaults as alibi-detect's TabularDrift: ks for numeric,
// chi2 for categorical columns):
//   numeric:     ks, cvm, anderson_darling, mann_whitney, welch_t      (p-value tests)
//                energy, wasserstein, psi, jensen_shannon, kl, hellinger (distance scores)
//   categorical: chi2, g_test                                           (p-value tests)
//                psi, jensen_shannon, linf                              (distance scores)
//
// Effect size reported per feature (a number a human can read; `min_effect_size` compares
// with it):
//   ks: the KS statistic D; cvm, anderson_darling: the RMS difference of the two empirical
//   CDFs over the pooled sample; mann_whitney: |rank-biserial correlation|; welch_t: |Cohen's
//   d|; chi2, g_test: Cramer's V = sqrt(statistic / N) (N = pooled count; a 2 x k table has
//   min(2, k) - 1 = 1); wasserstein: the distance divided by the reference's standard
//   deviation (the distance itself when that is 0); every other distance: the score itself.
//
// Decisions:
//   * p-value tests enter one multiple-testing family with the chosen correction (none,
//     bonferroni, sidak, holm, fdr, by); a feature is drifted when the correction rejects it
//     AND its effect size is at least its min_effect_size (global option, per-column
//     override). A rejected feature with a smaller effect is reported as not drifted, with
//     the reason.
//   * distance scores with a user threshold (option `thresholds`): drifted when score >
//     threshold (and effect >= min_effect_size); no p-value, not part of the family.
//   * distance scores without a user threshold need `calibrate = true`: at predict, with m
//     the batch's non-missing count of that feature, B = n_bootstraps replicates each draw a
//     pseudo-reference of size n_ref and a pseudo-batch of size m from the reference (with
//     replacement, random stream seeded by (seed, feature, replicate)) and score them exactly
//     as predict scores a batch (quantile bins re-placed on the pseudo-reference). The
//     bootstrap p-value is (b + 1) / (B + 1) with b the number of replicate scores >= the
//     observed score; that p-value enters the correction family like any test's. The score
//     threshold reported is the (1 - p_val) quantile of the B scores taken as the order
//     statistic at which that p-value crosses p_val (detail::calibrated_threshold_of), so
//     that "score > threshold" and "p-value < p_val" agree. Drawing the
//     pseudo-reference too (not only m values scored against the fixed reference) accounts
//     for the reference's own sampling noise, which matters when m is not small against n_ref.
//   * missing values (NaN, or any non-finite value, in numeric columns; NaN or a negative code
//     in categorical columns) raise under nan_policy::raise. Under nan_policy::omit they are
//     dropped from the test and become a signal of their own: per feature, Pearson's
//     chi-square test without Yates' correction on the 2 x 2 table (missing, present) x
//     (reference, batch) (equal to the two-proportion z-test squared; p-value as
//     scipy.stats.chi2_contingency(table, correction=False)). These d p-values join the same
//     correction family as the tests (so the family-wise guarantee covers both); a feature
//     whose missingness change is rejected is drifted (min_effect_size does not apply to it;
//     the effect reported is the change in missing fraction). When neither sample has a
//     missing value the missingness p-value is 1.
//   * is_drift: at least one feature drifted.
//
// Degenerate columns (defined results, never a crash):
//   * a categorical column with one category in both samples: statistic 0, p-value 1
//     (chi2/g_test), distances 0; not drifted.
//   * a constant numeric column: the tests are defined (ks D = 0 or 1, welch_t with zero
//     variances as drift::welch_t documents, mann_whitney p = 1 when all values are equal).
//   * too few values for the test (fewer than 2 for ks, cvm, anderson_darling, welch_t;
//     fewer than 1 for the others), including an all-missing column: under nan_policy::raise
//     fit/predict throw invalid_argument naming the column; under omit the feature is
//     "untested": statistic, p-value and effect are NaN, it is left out of the family, it is
//     not drifted by the test (its missingness test still runs) and the reason says why.
//
// Parallelism: predict runs one task per feature (oneTBB), each writing its own slot; the
// correction runs afterwards in feature order, so the result is bit-for-bit the same for any
// n_threads.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/rng.hpp"
#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/core/sort.hpp"
#include "shiftguard/core/special.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/correction.hpp"
#include "shiftguard/drift/univariate.hpp"
#include "shiftguard/drift/univariate/categorical.hpp"
#include "shiftguard/drift/univariate/distances.hpp"

namespace shiftguard::drift {

/// The test or score applied to one column of a tabular_drift_detector.
enum class tabular_test : std::uint8_t {
  ks,
  cvm,
  anderson_darling,
  mann_whitney,
  welch_t,
  energy,
  wasserstein,
  psi,
  jensen_shannon,
  kl,
  hellinger,
  chi2,
  g_test,
  linf,
};

inline constexpr int tabular_test_count = 14;

inline const char* to_string(tabular_test test) {
  switch (test) {
    case tabular_test::ks: return "ks";
    case tabular_test::cvm: return "cvm";
    case tabular_test::anderson_darling: return "anderson_darling";
    case tabular_test::mann_whitney: return "mann_whitney";
    case tabular_test::welch_t: return "welch_t";
    case tabular_test::energy: return "energy";
    case tabular_test::wasserstein: return "wasserstein";
    case tabular_test::psi: return "psi";
    case tabular_test::jensen_shannon: return "jensen_shannon";
    case tabular_test::kl: return "kl";
    case tabular_test::hellinger: return "hellinger";
    case tabular_test::chi2: return "chi2";
    case tabular_test::g_test: return "g_test";
    case tabular_test::linf: return "linf";
  }
  return "?";
}

/// Parses a test name as to_string writes it.
inline tabular_test tabular_test_from_string(const std::string& name) {
  for (int k = 0; k < tabular_test_count; ++k) {
    const auto test = static_cast<tabular_test>(k);
    if (name == to_string(test)) return test;
  }
  throw invalid_argument(
      "test must be one of ks, cvm, anderson_darling, mann_whitney, welch_t, energy, "
      "wasserstein, psi, jensen_shannon, kl, hellinger (numeric) or chi2, g_test, psi, "
      "jensen_shannon, linf (categorical), got '" + name + "'");
}

/// Whether `test` is a distance score (thresholded) rather than a test with a p-value.
inline bool is_distance(tabular_test test) {
  switch (test) {
    case tabular_test::energy:
    case tabular_test::wasserstein:
    case tabular_test::psi:
    case tabular_test::jensen_shannon:
    case tabular_test::kl:
    case tabular_test::hellinger:
    case tabular_test::linf:
      return true;
    default:
      return false;
  }
}

/// Whether `test` can be applied to a numeric (or, when `categorical`, a categorical) column.
inline bool applies_to(tabular_test test, bool categorical) {
  switch (test) {
    case tabular_test::psi:
    case tabular_test::jensen_shannon:
      return true;
    case tabular_test::chi2:
    case tabular_test::g_test:
    case tabular_test::linf:
      return categorical;
    default:
      return !categorical;
  }
}

/// What the effect size of `test` measures (see the top of this file).
inline const char* effect_size_name(tabular_test test) {
  switch (test) {
    case tabular_test::ks: return "KS D";
    case tabular_test::cvm:
    case tabular_test::anderson_darling: return "RMS ECDF difference";
    case tabular_test::mann_whitney: return "|rank-biserial|";
    case tabular_test::welch_t: return "|Cohen's d|";
    case tabular_test::chi2:
    case tabular_test::g_test: return "Cramer's V";
    case tabular_test::wasserstein: return "Wasserstein / reference std";
    default: return "score";
  }
}

/// Hyper-parameters of tabular_drift_detector. Column indices refer to the columns of x_ref.
struct tabular_drift_options {
  std::vector<index> categorical_columns;     ///< columns holding non-negative integer codes
  std::map<index, tabular_test> tests;        ///< per-column test (default ks / chi2)
  double p_val = 0.05;                        ///< significance level in (0, 1)
  correction correction_method = correction::bonferroni;
  nan_policy nan_handling = nan_policy::raise;
  int n_bins = 10;                            ///< quantile bins of the numeric binned scores
  double epsilon = 1e-4;                      ///< proportion floor of PSI and KL
  double min_effect_size = 0.0;               ///< global minimum effect size (>= 0)
  std::map<index, double> min_effect_sizes;   ///< per-column override
  std::map<index, double> thresholds;         ///< user thresholds of distance-score columns
  bool calibrate = false;                     ///< bootstrap thresholds of the other distances
  int n_bootstraps = 200;                     ///< B of the calibration (>= 1)
  int n_threads = 0;                          ///< 0 = all cores
  std::uint64_t seed = 0;                     ///< seed of the calibration bootstrap
};

/// Per-feature evidence and the verdict of tabular_drift_detector::predict.
struct tabular_drift_result {
  bool is_drift = false;
  correction correction_method = correction::bonferroni;
  double p_val = 0.05;
  double family_threshold = 0.0;  ///< the correction's threshold on raw p-values (family)
  std::size_t family_size = 0;    ///< p-values corrected together (tests + missingness)
  std::vector<tabular_test> tests;
  std::vector<double> statistics;          ///< test statistic or distance score (NaN: untested)
  std::vector<double> p_values;            ///< raw p-value (bootstrap for calibrated scores)
  std::vector<double> corrected_p_values;  ///< adjusted p-value (NaN when not in the family)
  std::vector<double> thresholds;          ///< on p-values (tests) or on the score (distances)
  std::vector<bool> is_p_value_threshold;  ///< whether thresholds[k] applies to p_values[k]
  std::vector<double> effect_sizes;
  std::vector<double> min_effect_sizes;
  std::vector<bool> significant;           ///< rejected by the correction / above threshold
  std::vector<bool> test_drift;            ///< significant and effect >= min_effect_size
  std::vector<bool> missing_drift;         ///< missingness change rejected
  std::vector<bool> feature_drift;         ///< test_drift or missing_drift
  std::vector<double> missing_fraction_reference;
  std::vector<double> missing_fraction_current;
  std::vector<double> missing_statistics;  ///< 2 x 2 chi-square statistic
  std::vector<double> missing_p_values;    ///< NaN under nan_policy::raise (no test)
  std::vector<std::int64_t> n_reference;   ///< non-missing reference values used
  std::vector<std::int64_t> n_current;     ///< non-missing batch values used
  std::vector<std::vector<std::int64_t>> unseen_categories;  ///< per categorical feature
  std::vector<std::string> reasons;        ///< why each feature is or is not drifted
};

namespace detail {

/// A splitmix64 stream (core/rng.hpp) seeded by three integers: (seed, feature, replicate).
class stream_rng {
 public:
  stream_rng(std::uint64_t seed, std::uint64_t feature, std::uint64_t replicate) {
    std::uint64_t s = seed;
    state_ = splitmix64(s);
    state_ ^= feature * 0xd1b54a32d192ed03ULL;
    s = state_;
    state_ = splitmix64(s);
    state_ ^= replicate * 0x8cb92ba72f3d8dd7ULL;
    s = state_;
    state_ = splitmix64(s);
  }
  /// Uniform integer in [0, n), n >= 1 (Lemire's multiply-and-reject, unbiased).
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (true) {
      const std::uint64_t x = splitmix64(state_);
      __extension__ using wide = unsigned __int128;
      const wide product = static_cast<wide>(x) * n;
      if (static_cast<std::uint64_t>(product) >= threshold) {
        return static_cast<std::uint64_t>(product >> 64);
      }
    }
  }

 private:
  std::uint64_t state_;
};

inline std::string format_value(double value) { return format_number(value); }

/// Minimum number of values per sample a test needs.
inline std::int64_t minimum_sample(tabular_test test) {
  switch (test) {
    case tabular_test::ks:
    case tabular_test::cvm:
    case tabular_test::anderson_darling:
    case tabular_test::welch_t:
      return 2;
    default:
      return 1;
  }
}

/// Statistic, p-value (NaN for distances) and effect size of one numeric test on sorted data.
struct feature_outcome {
  double statistic = std::numeric_limits<double>::quiet_NaN();
  double p_value = std::numeric_limits<double>::quiet_NaN();
  double effect = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::int64_t> unseen;
};

template <class Scalar>
feature_outcome numeric_outcome(tabular_test test, const Scalar* ref, std::int64_t n_ref,
                                const Scalar* cur, std::int64_t n_cur, double reference_std,
                                const reference_bins* bins, const binned_options& binned,
                                bool cur_sorted = true) {
  feature_outcome out;
  switch (test) {
    case tabular_test::ks: {
      const auto r = ks_2samp_sorted(ref, n_ref, cur, n_cur);
      out.statistic = r.statistic;
      out.p_value = r.p_value;
      out.effect = r.statistic;
      break;
    }
    case tabular_test::cvm: {
      const auto r = cramer_von_mises_sorted(ref, n_ref, cur, n_cur);
      out.statistic = r.statistic;
      out.p_value = r.p_value;
      out.effect = r.rms_cdf_distance;
      break;
    }
    case tabular_test::anderson_darling: {
      const auto r = anderson_darling_sorted(ref, n_ref, cur, n_cur);
      out.statistic = r.statistic;
      out.p_value = r.p_value;
      out.effect = r.rms_cdf_distance;
      break;
    }
    case tabular_test::mann_whitney: {
      const auto r = mann_whitney_sorted(ref, n_ref, cur, n_cur);
      out.statistic = r.statistic;
      out.p_value = r.p_value;
      out.effect = std::abs(r.rank_biserial);
      break;
    }
    case tabular_test::welch_t: {
      const auto r = welch_t_sorted(ref, n_ref, cur, n_cur);
      out.statistic = r.statistic;
      out.p_value = r.p_value;
      out.effect = std::abs(r.cohens_d);
      break;
    }
    case tabular_test::energy:
      out.statistic = energy_distance_sorted(ref, n_ref, cur, n_cur);
      out.effect = out.statistic;
      break;
    case tabular_test::wasserstein:
      out.statistic = wasserstein_distance_sorted(ref, n_ref, cur, n_cur);
      out.effect = reference_std > 0.0 ? out.statistic / reference_std : out.statistic;
      break;
    default: {
      // Binned scores: against precomputed bins when given, else bins of `ref`.
      const binned_scores scores =
          bins != nullptr ? score_against(*bins, cur, n_cur, cur_sorted, binned)
                          : binned_scores_sorted(ref, n_ref, cur, n_cur, binned);
      if (test == tabular_test::psi) out.statistic = scores.psi;
      if (test == tabular_test::jensen_shannon) out.statistic = scores.jensen_shannon;
      if (test == tabular_test::kl) out.statistic = scores.kl_divergence;
      if (test == tabular_test::hellinger) out.statistic = scores.hellinger;
      out.effect = out.statistic;
      break;
    }
  }
  return out;
}

inline feature_outcome categorical_outcome(tabular_test test, const category_table& reference,
                                           const category_table& current, double epsilon) {
  feature_outcome out;
  if (test == tabular_test::chi2 || test == tabular_test::g_test) {
    const auto r = homogeneity_test(
        compare_categories(reference, current),
        test == tabular_test::chi2 ? categorical_test::chi_square : categorical_test::g_test);
    out.statistic = r.statistic;
    out.p_value = r.p_value;
    const double n = static_cast<double>(r.table.n_reference + r.table.n_current);
    out.effect = r.dof > 0 ? std::sqrt(std::max(r.statistic, 0.0) / n) : 0.0;
    out.unseen = r.table.unseen_categories;
    return out;
  }
  categorical_distance_options options;
  options.epsilon = epsilon;
  const auto r = categorical_distances(reference, current, options);
  if (test == tabular_test::psi) out.statistic = r.psi;
  if (test == tabular_test::jensen_shannon) out.statistic = r.jensen_shannon;
  if (test == tabular_test::linf) out.statistic = r.linf_distance;
  out.effect = out.statistic;
  out.unseen = r.table.unseen_categories;
  return out;
}

/// Pearson chi-square without Yates on the 2 x 2 table (missing, present) x (ref, cur).
inline std::pair<double, double> missingness_test(std::int64_t missing_ref, std::int64_t n_ref,
                                                  std::int64_t missing_cur, std::int64_t n_cur) {
  category_comparison table;
  const std::int64_t missing_total = missing_ref + missing_cur;
  const std::int64_t present_total = (n_ref - missing_ref) + (n_cur - missing_cur);
  if (missing_total > 0) {
    table.categories.push_back(0);
    table.reference_counts.push_back(missing_ref);
    table.current_counts.push_back(missing_cur);
  }
  if (present_total > 0) {
    table.categories.push_back(1);
    table.reference_counts.push_back(n_ref - missing_ref);
    table.current_counts.push_back(n_cur - missing_cur);
  }
  table.n_reference = n_ref;
  table.n_current = n_cur;
  const auto r = homogeneity_test(std::move(table), categorical_test::chi_square, false);
  return {r.statistic, r.p_value};
}

/// The calibrated score threshold of B bootstrap scores (sorted in place): the order
/// statistic s_(B - J) with J = ceil(alpha (B + 1) - 1) - 1, the largest number of replicate
/// scores at or above an observed score that still gives a bootstrap p-value (b + 1) / (B + 1)
/// below alpha. Without ties, score > threshold exactly when that p-value is below alpha; it
/// is the (1 - alpha) quantile of the scores up to one order statistic (the interpolated
/// quantile numpy.quantile gives rejects slightly more often: up to one replicate more).
/// +infinity when B is too small for any p-value below alpha.
inline double calibrated_threshold_of(std::vector<double>& scores, double alpha) {
  std::sort(scores.begin(), scores.end());
  const auto b_count = static_cast<std::int64_t>(scores.size());
  // The same expression as the p-value, so that the two rules agree to the last bit.
  std::int64_t largest_count = -1;
  while (largest_count + 1 < b_count && static_cast<double>(largest_count + 2) /
                                                static_cast<double>(b_count + 1) <
                                            alpha) {
    ++largest_count;
  }
  if (largest_count < 0) return std::numeric_limits<double>::infinity();
  return scores[static_cast<std::size_t>(b_count - largest_count - 1)];
}

}  // namespace detail

/// Mixed-column, per-feature drift detector; see the top of this file.
///
/// \tparam Scalar float or double: the type of the data (categorical codes are stored as
/// Scalar values too: non-negative integers; NaN or a negative code is missing).
template <class Scalar>
class tabular_drift_detector {
  static_assert(std::is_floating_point_v<Scalar>, "tabular_drift_detector needs float or double");

 public:
  using scalar_type = Scalar;

  /// Fits the detector on x_ref (n x d, n >= 2). Throws shape_error for a too small matrix,
  /// invalid_argument for a bad option (naming it) or a missing value under nan_policy::raise.
  template <class Derived>
  explicit tabular_drift_detector(const Eigen::DenseBase<Derived>& x_ref,
                                  tabular_drift_options options = {})
      : options_(std::move(options)) {
    static_assert(std::is_same_v<typename Derived::Scalar, Scalar>,
                  "tabular_drift_detector: x_ref must have the detector's scalar type");
    checks::min_shape(x_ref, 2, "x_ref");
    n_rows_ = x_ref.rows();
    resolve_columns(x_ref.cols());
    const index d = x_ref.cols();
    columns_.resize(static_cast<std::size_t>(d));
    std::vector<std::string> errors(static_cast<std::size_t>(d));
    for_each_block(x_ref, "x_ref", [&](gathered_column& gathered, index c) {
      try {
        fit_column(gathered, c);
      } catch (const error& e) {
        errors[static_cast<std::size_t>(c)] = e.what();
      }
    });
    for (const auto& message : errors) {
      if (!message.empty()) throw invalid_argument(message);
    }
  }

  /// Tests the batch x (m x d, m >= 2) against the reference.
  template <class Derived>
  tabular_drift_result predict(const Eigen::DenseBase<Derived>& x) const {
    static_assert(std::is_same_v<typename Derived::Scalar, Scalar>,
                  "tabular_drift_detector::predict: x must have the detector's scalar type");
    checks::min_shape(x, 2, "x");
    checks::n_columns(x, n_features(), "x");
    const index d = n_features();
    const auto size = static_cast<std::size_t>(d);
    std::vector<detail::feature_outcome> outcomes(size);
    std::vector<std::int64_t> n_current(size, 0);
    std::vector<std::int64_t> missing_current(size, 0);
    std::vector<double> calibrated_threshold(size, std::numeric_limits<double>::quiet_NaN());
    std::vector<std::string> errors(size);
    std::vector<std::string> untested(size);
    for_each_block(x, "x", [&](gathered_column& gathered, index c) {
      const auto k = static_cast<std::size_t>(c);
      try {
        predict_column(gathered, c, outcomes[k], n_current[k], missing_current[k],
                       calibrated_threshold[k], untested[k]);
      } catch (const error& e) {
        errors[k] = e.what();
      }
    });
    for (const auto& message : errors) {
      if (!message.empty()) throw invalid_argument(message);
    }
    return assemble(x.rows(), std::move(outcomes), n_current, missing_current,
                    calibrated_threshold, untested);
  }

  index n_features() const { return static_cast<index>(columns_.size()); }
  index n_reference() const { return n_rows_; }
  const tabular_drift_options& options() const { return options_; }
  tabular_test test_of(index feature) const { return column(feature).test; }
  bool is_categorical(index feature) const { return column(feature).categorical; }
  /// Sorted non-missing reference values of a numeric feature (empty for categorical ones).
  const std::vector<Scalar>& sorted_reference(index feature) const {
    return column(feature).sorted;
  }
  /// Category table of a categorical feature.
  const category_table& reference_categories(index feature) const {
    return column(feature).categories;
  }
  /// Missing values of the reference in a feature.
  std::int64_t reference_missing(index feature) const { return column(feature).n_missing; }

  /// The fitted state in the shiftguard container (tag "drift.tabular_drift_detector").
  std::string save() const {
    serialization::binary_writer writer;
    writer.write_u8(static_cast<std::uint8_t>(sizeof(Scalar)));
    writer.write_i64(n_rows_);
    writer.write_f64(options_.p_val);
    writer.write_u8(static_cast<std::uint8_t>(options_.correction_method));
    writer.write_u8(static_cast<std::uint8_t>(options_.nan_handling));
    writer.write_i64(options_.n_bins);
    writer.write_f64(options_.epsilon);
    writer.write_f64(options_.min_effect_size);
    writer.write_bool(options_.calibrate);
    writer.write_i64(options_.n_bootstraps);
    writer.write_i64(options_.n_threads);
    writer.write_u64(options_.seed);
    writer.write_i64(n_features());
    for (const auto& col : columns_) {
      writer.write_bool(col.categorical);
      writer.write_u8(static_cast<std::uint8_t>(col.test));
      writer.write_f64(col.min_effect_size);
      writer.write_f64(col.threshold);
      writer.write_i64(col.n_missing);
      writer.write_f64(col.reference_std);
      writer.write_array(col.sorted);
      writer.write_bool(col.has_bins);
      if (col.has_bins) write_fields(writer, col.bins);
      if (col.categorical) write_fields(writer, col.categories);
    }
    return writer.finish(tag, 1);
  }

  /// Restores a detector saved by save(); format_error on anything malformed.
  static tabular_drift_detector load(std::string_view bytes) {
    serialization::binary_reader reader(bytes, tag, 1);
    tabular_drift_detector out;
    if (reader.read_u8() != sizeof(Scalar)) {
      reader.fail(std::string("the data was saved from a detector of the other scalar type "
                              "(this one is ") + (sizeof(Scalar) == 4 ? "float32)" : "float64)"));
    }
    auto& o = out.options_;
    out.n_rows_ = reader.read_i64();
    if (out.n_rows_ < 2) reader.fail("n_reference must be >= 2");
    o.p_val = reader.read_f64();
    if (!(o.p_val > 0.0 && o.p_val < 1.0)) reader.fail("p_val out of (0, 1)");
    const auto method = reader.read_u8();
    if (method > static_cast<std::uint8_t>(correction::by)) reader.fail("unknown correction");
    o.correction_method = static_cast<correction>(method);
    const auto policy = reader.read_u8();
    if (policy > 1) reader.fail("unknown nan_policy");
    o.nan_handling = static_cast<nan_policy>(policy);
    o.n_bins = static_cast<int>(reader.read_i64());
    o.epsilon = reader.read_f64();
    o.min_effect_size = reader.read_f64();
    o.calibrate = reader.read_bool();
    o.n_bootstraps = static_cast<int>(reader.read_i64());
    o.n_threads = static_cast<int>(reader.read_i64());
    o.seed = reader.read_u64();
    try {
      out.check_scalar_options();
    } catch (const error& e) {
      reader.fail(e.what());
    }
    const std::int64_t d = reader.read_i64();
    if (d < 1 || static_cast<std::uint64_t>(d) > bytes.size()) reader.fail("bad feature count");
    out.columns_.resize(static_cast<std::size_t>(d));
    for (std::int64_t c = 0; c < d; ++c) {
      auto& col = out.columns_[static_cast<std::size_t>(c)];
      const std::string where = "column " + std::to_string(c) + ": ";
      col.categorical = reader.read_bool();
      const auto test = reader.read_u8();
      if (test >= tabular_test_count) reader.fail(where + "unknown test");
      col.test = static_cast<tabular_test>(test);
      if (!applies_to(col.test, col.categorical)) reader.fail(where + "test does not apply");
      if (col.categorical) o.categorical_columns.push_back(c);
      col.min_effect_size = reader.read_f64();
      if (!(col.min_effect_size >= 0.0)) reader.fail(where + "negative min_effect_size");
      col.threshold = reader.read_f64();
      col.n_missing = reader.read_i64();
      if (col.n_missing < 0 || col.n_missing > out.n_rows_) reader.fail(where + "bad n_missing");
      col.reference_std = reader.read_f64();
      col.sorted = reader.read_array<Scalar>();
      for (std::size_t k = 0; k < col.sorted.size(); ++k) {
        if (!std::isfinite(col.sorted[k]) || (k > 0 && col.sorted[k] < col.sorted[k - 1])) {
          reader.fail(where + "reference values are not finite and sorted");
        }
      }
      col.has_bins = reader.read_bool();
      if (col.has_bins) col.bins = read_reference_bins(reader);
      if (col.categorical) {
        if (!col.sorted.empty()) reader.fail(where + "categorical column holds numeric values");
        col.categories = read_category_table(reader);
        if (col.categories.n_total + col.n_missing != out.n_rows_) {
          reader.fail(where + "category counts do not add up to n_reference");
        }
      } else {
        if (static_cast<std::int64_t>(col.sorted.size()) + col.n_missing != out.n_rows_) {
          reader.fail(where + "value count does not add up to n_reference");
        }
        const bool binned = is_binned(col.test);
        if (binned != col.has_bins) reader.fail(where + "bins do not match the test");
        if (col.has_bins && col.bins.n_reference != static_cast<std::int64_t>(col.sorted.size())) {
          reader.fail(where + "bins do not match the reference values");
        }
      }
      if (is_distance(col.test) && std::isnan(col.threshold) && !o.calibrate) {
        reader.fail(where + "distance score without threshold or calibration");
      }
      if (!std::isnan(col.threshold)) o.thresholds[c] = col.threshold;
      o.tests[c] = col.test;
      o.min_effect_sizes[c] = col.min_effect_size;
    }
    reader.expect_end();
    return out;
  }

  static constexpr const char* tag = "drift.tabular_drift_detector";

 private:
  struct column_state {
    bool categorical = false;
    tabular_test test = tabular_test::ks;
    double min_effect_size = 0.0;
    double threshold = std::numeric_limits<double>::quiet_NaN();  ///< user threshold or NaN
    std::int64_t n_missing = 0;
    double reference_std = 0.0;
    std::vector<Scalar> sorted;  ///< numeric: non-missing reference values, ascending
    bool has_bins = false;
    reference_bins bins;          ///< numeric binned scores (when the reference is not empty)
    category_table categories;    ///< categorical
  };

  tabular_drift_detector() = default;

  static bool is_binned(tabular_test test) {
    return test == tabular_test::psi || test == tabular_test::jensen_shannon ||
           test == tabular_test::kl || test == tabular_test::hellinger;
  }

  const column_state& column(index feature) const {
    if (feature < 0 || feature >= n_features()) {
      throw invalid_argument("feature index " + std::to_string(feature) + " out of range [0, " +
                             std::to_string(n_features()) + ")");
    }
    return columns_[static_cast<std::size_t>(feature)];
  }

  binned_options binned() const {
    binned_options b;
    b.n_bins = options_.n_bins;
    b.epsilon = options_.epsilon;
    return b;
  }

  void check_scalar_options() const {
    checks::open_interval(options_.p_val, 0.0, 1.0, "p_val");
    resolve_thread_count(options_.n_threads);
    if (options_.n_bins < 2 || options_.n_bins > 1000000) {
      throw invalid_argument("n_bins must be in [2, 1000000], got " +
                             std::to_string(options_.n_bins));
    }
    checks::open_interval(options_.epsilon, 0.0, 1.0, "epsilon");
    checks::at_least(options_.min_effect_size, 0.0, "min_effect_size");
    checks::count_at_least(options_.n_bootstraps, 1, "n_bootstraps");
  }

  void resolve_columns(index d) {
    check_scalar_options();
    std::vector<bool> categorical(static_cast<std::size_t>(d), false);
    const auto check_index = [d](index c, const char* name) {
      if (c < 0 || c >= d) {
        throw invalid_argument(std::string(name) + " refers to column " + std::to_string(c) +
                               ", but x_ref has " + std::to_string(d) + " columns");
      }
    };
    for (const index c : options_.categorical_columns) {
      check_index(c, "categorical_columns");
      categorical[static_cast<std::size_t>(c)] = true;
    }
    for (const auto& entry : options_.tests) check_index(entry.first, "tests");
    for (const auto& entry : options_.min_effect_sizes) {
      check_index(entry.first, "min_effect_sizes");
      checks::at_least(entry.second, 0.0, "min_effect_sizes");
    }
    for (const auto& entry : options_.thresholds) {
      check_index(entry.first, "thresholds");
      if (!std::isfinite(entry.second)) {
        throw invalid_argument("thresholds[" + std::to_string(entry.first) +
                               "] must be finite, got " + std::to_string(entry.second));
      }
    }
    columns_.assign(static_cast<std::size_t>(d), column_state{});
    for (index c = 0; c < d; ++c) {
      auto& col = columns_[static_cast<std::size_t>(c)];
      col.categorical = categorical[static_cast<std::size_t>(c)];
      const auto test = options_.tests.find(c);
      col.test = test != options_.tests.end()
                     ? test->second
                     : (col.categorical ? tabular_test::chi2 : tabular_test::ks);
      if (!applies_to(col.test, col.categorical)) {
        throw invalid_argument(std::string("tests: '") + to_string(col.test) +
                               "' does not apply to " +
                               (col.categorical ? "categorical" : "numeric") + " column " +
                               std::to_string(c));
      }
      const auto effect = options_.min_effect_sizes.find(c);
      col.min_effect_size =
          effect != options_.min_effect_sizes.end() ? effect->second : options_.min_effect_size;
      const auto threshold = options_.thresholds.find(c);
      if (threshold != options_.thresholds.end()) {
        if (!is_distance(col.test)) {
          throw invalid_argument("thresholds: column " + std::to_string(c) + " uses '" +
                                 to_string(col.test) +
                                 "', a test with a p-value (thresholds are for distance scores)");
        }
        col.threshold = threshold->second;
      } else if (is_distance(col.test) && !options_.calibrate) {
        throw invalid_argument("column " + std::to_string(c) + " uses the distance score '" +
                               to_string(col.test) +
                               "': give thresholds[" + std::to_string(c) +
                               "] or set calibrate=true to bootstrap one");
      }
    }
  }

  /// One column as read from the input: its non-missing values (numeric) or codes
  /// (categorical, -1 = missing), with the first problem met, if any.
  struct gathered_column {
    std::vector<Scalar> values;
    std::vector<std::int64_t> dense_counts;  ///< count per code below dense_code_limit
    std::vector<std::int64_t> large_codes;   ///< codes >= dense_code_limit (rare)
    std::int64_t n_missing = 0;
    index first_missing_row = -1;
    bool missing_is_nan = true;
    index bad_code_row = -1;
    Scalar bad_code = Scalar(0);
    const char* name = "x";
  };

  /// Number of columns read together: a cache line of a C-order (row-major) matrix.
  static constexpr index block_columns = static_cast<index>(64 / sizeof(Scalar));
  /// Rows read per column before moving to the next column of the block.
  static constexpr index rows_per_chunk = 512;

  /// Reads x in blocks of adjacent columns (a C-order matrix's cache line holds a block's
  /// values of one row; the block is read in chunks of rows_per_chunk rows, column by column
  /// inside a chunk), in parallel over blocks, and calls
  /// visit(gathered, column) for each column of the block (by the task that read it).
  template <class Derived, class Visit>
  void for_each_block(const Eigen::DenseBase<Derived>& x, const char* name, Visit&& visit) const {
    const index d = x.cols();
    const index rows = x.rows();
    const index n_blocks = (d + block_columns - 1) / block_columns;
    parallel_for_ranges(n_blocks, options_.n_threads, 1, [&](index begin, index end) {
      std::vector<gathered_column> block(static_cast<std::size_t>(block_columns));
      for (index b = begin; b < end; ++b) {
        const index first = b * block_columns;
        const index last = std::min(d, first + block_columns);
        for (index c = first; c < last; ++c) {
          auto& g = block[static_cast<std::size_t>(c - first)];
          g = gathered_column{};
          g.name = name;
          if (!columns_[static_cast<std::size_t>(c)].categorical) {
            g.values.reserve(static_cast<std::size_t>(rows));
          }
        }
        // Chunks of rows, column by column inside a chunk: each column is read with a
        // constant stride (which hardware prefetchers follow) while the chunk's cache lines,
        // shared by the block's columns, stay in cache.
        for (index chunk = 0; chunk < rows; chunk += rows_per_chunk) {
          const index chunk_end = std::min(rows, chunk + rows_per_chunk);
          for (index c = first; c < last; ++c) {
            for (index r = chunk; r < chunk_end; ++r) {
              auto& g = block[static_cast<std::size_t>(c - first)];
              const Scalar value = static_cast<Scalar>(x.derived().coeff(r, c));
              if (columns_[static_cast<std::size_t>(c)].categorical) {
                if (std::isnan(value) || value < 0) {
                  note_missing(g, r, std::isnan(value));
                } else if (!(value <= Scalar(9.0e15)) ||
                           static_cast<Scalar>(static_cast<std::int64_t>(value)) != value) {
                  // infinite, too large for an exact integer, or not an integer
                  if (g.bad_code_row < 0) {
                    g.bad_code_row = r;
                    g.bad_code = value;
                  }
                } else {
                  const auto code = static_cast<std::int64_t>(value);
                  if (code < dense_code_limit) {
                    if (static_cast<std::size_t>(code) >= g.dense_counts.size()) {
                      g.dense_counts.resize(static_cast<std::size_t>(code) + 1, 0);
                    }
                    ++g.dense_counts[static_cast<std::size_t>(code)];
                  } else {
                    g.large_codes.push_back(code);
                  }
                }
              } else if (std::isfinite(value)) {
                g.values.push_back(value + Scalar(0));
              } else {
                note_missing(g, r, std::isnan(value));
              }
            }
          }
        }
        for (index c = first; c < last; ++c) visit(block[static_cast<std::size_t>(c - first)], c);
      }
    });
  }

  static void note_missing(gathered_column& g, index row, bool is_nan) {
    if (g.first_missing_row < 0) {
      g.first_missing_row = row;
      g.missing_is_nan = is_nan;
    }
    ++g.n_missing;
  }

  /// Throws for the first problem of a gathered column: a non-integer code, or a missing
  /// value under nan_policy::raise (whichever comes first in row order).
  void check_gathered(const gathered_column& g, index c) const {
    const bool missing_error =
        g.first_missing_row >= 0 && options_.nan_handling == nan_policy::raise;
    if (g.bad_code_row >= 0 && (!missing_error || g.bad_code_row < g.first_missing_row)) {
      throw invalid_argument(std::string(g.name) + " column " + std::to_string(c) +
                             " is categorical but holds " +
                             std::to_string(static_cast<double>(g.bad_code)) + " at row " +
                             std::to_string(g.bad_code_row) +
                             " (codes must be non-negative integers)");
    }
    if (missing_error) {
      const bool categorical = columns_[static_cast<std::size_t>(c)].categorical;
      throw invalid_argument(std::string(g.name) + " contains " +
                             (g.missing_is_nan ? "NaN"
                              : categorical    ? "a missing (negative) code"
                                               : "an infinite value") +
                             " at row " + std::to_string(g.first_missing_row) + ", column " +
                             std::to_string(c) + " (use nan_policy omit to drop missing values)");
    }
  }

  /// Category table of a gathered categorical column.
  static category_table table_of(gathered_column& g) {
    category_table table;
    for (std::size_t code = 0; code < g.dense_counts.size(); ++code) {
      if (g.dense_counts[code] > 0) {
        table.codes.push_back(static_cast<std::int64_t>(code));
        table.counts.push_back(g.dense_counts[code]);
        table.n_total += g.dense_counts[code];
      }
    }
    std::sort(g.large_codes.begin(), g.large_codes.end());
    for (std::size_t k = 0; k < g.large_codes.size();) {
      std::size_t end = k;
      while (end < g.large_codes.size() && g.large_codes[end] == g.large_codes[k]) ++end;
      table.codes.push_back(g.large_codes[k]);
      table.counts.push_back(static_cast<std::int64_t>(end - k));
      table.n_total += static_cast<std::int64_t>(end - k);
      k = end;
    }
    table.n_missing = g.n_missing;
    return table;
  }

  /// Codes below this are counted in a dense array while reading; larger ones are sorted.
  static constexpr std::int64_t dense_code_limit = std::int64_t{1} << 16;

  /// Whether a test reads the batch sorted (Welch's t and binned scores against the
  /// precomputed bins do not need the order).
  static bool needs_sorted_batch(tabular_test test) {
    return !(test == tabular_test::welch_t || is_binned(test));
  }

  void fit_column(gathered_column& gathered, index c) {
    auto& col = columns_[static_cast<std::size_t>(c)];
    check_gathered(gathered, c);
    col.n_missing = gathered.n_missing;
    if (col.categorical) {
      col.categories = table_of(gathered);
    } else {
      col.sorted = std::move(gathered.values);
      shiftguard::detail::sort_floats(col.sorted);
    }
    const std::int64_t n_values =
        col.categorical ? col.categories.n_total : static_cast<std::int64_t>(col.sorted.size());
    if (n_values < detail::minimum_sample(col.test) &&
        options_.nan_handling == nan_policy::raise) {
      throw invalid_argument("x_ref column " + std::to_string(c) + " has " +
                             std::to_string(n_values) + " values, but '" + to_string(col.test) +
                             "' needs at least " +
                             std::to_string(detail::minimum_sample(col.test)));
    }
    if (!col.categorical && !col.sorted.empty()) {
      double mean = 0.0;
      for (const Scalar v : col.sorted) mean += static_cast<double>(v);
      mean /= static_cast<double>(col.sorted.size());
      double squares = 0.0;
      for (const Scalar v : col.sorted) {
        const double deviation = static_cast<double>(v) - mean;
        squares += deviation * deviation;
      }
      col.reference_std = std::sqrt(squares / static_cast<double>(col.sorted.size()));
      if (is_binned(col.test)) {
        col.bins = make_reference_bins_sorted(col.sorted.data(),
                                              static_cast<std::int64_t>(col.sorted.size()),
                                              binned());
        col.has_bins = true;
      }
    }
  }

  /// Score of a pseudo-reference against a pseudo-batch, both drawn from the reference.
  double bootstrap_score(const column_state& col, std::int64_t m, std::uint64_t feature,
                         std::uint64_t replicate, std::vector<std::int64_t>& ref_counts,
                         std::vector<std::int64_t>& cur_counts, std::vector<Scalar>& pseudo_ref,
                         std::vector<Scalar>& pseudo_cur) const {
    detail::stream_rng rng(options_.seed, feature, replicate);
    if (col.categorical) {
      const auto& table = col.categories;
      const auto n = static_cast<std::uint64_t>(table.n_total);
      std::vector<std::int64_t> cumulative(table.counts.size());
      std::int64_t running = 0;
      for (std::size_t k = 0; k < table.counts.size(); ++k) cumulative[k] = running += table.counts[k];
      const auto draw_table = [&](std::int64_t size) {
        std::vector<std::int64_t> counts(table.counts.size(), 0);
        for (std::int64_t s = 0; s < size; ++s) {
          const auto u = static_cast<std::int64_t>(rng.below(n));
          const auto position =
              std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin();
          ++counts[static_cast<std::size_t>(position)];
        }
        category_table out;
        for (std::size_t k = 0; k < counts.size(); ++k) {
          if (counts[k] > 0) {
            out.codes.push_back(table.codes[k]);
            out.counts.push_back(counts[k]);
          }
        }
        out.n_total = size;
        return out;
      };
      const category_table pseudo_reference = draw_table(table.n_total);
      const category_table pseudo_current = draw_table(m);
      return detail::categorical_outcome(col.test, pseudo_reference, pseudo_current,
                                         options_.epsilon)
          .statistic;
    }
    const auto n = static_cast<std::int64_t>(col.sorted.size());
    const auto draw_sorted = [&](std::int64_t size, std::vector<std::int64_t>& counts,
                                 std::vector<Scalar>& out) {
      std::fill(counts.begin(), counts.end(), 0);
      for (std::int64_t s = 0; s < size; ++s) {
        ++counts[static_cast<std::size_t>(rng.below(static_cast<std::uint64_t>(n)))];
      }
      out.clear();
      for (std::int64_t i = 0; i < n; ++i) {
        out.insert(out.end(), static_cast<std::size_t>(counts[static_cast<std::size_t>(i)]),
                   col.sorted[static_cast<std::size_t>(i)]);
      }
    };
    ref_counts.resize(static_cast<std::size_t>(n));
    cur_counts.resize(static_cast<std::size_t>(n));
    draw_sorted(n, ref_counts, pseudo_ref);
    draw_sorted(m, cur_counts, pseudo_cur);
    return detail::numeric_outcome(col.test, pseudo_ref.data(), n, pseudo_cur.data(), m,
                                   col.reference_std, nullptr, binned())
        .statistic;
  }

  void predict_column(gathered_column& gathered, index c, detail::feature_outcome& outcome,
                      std::int64_t& n_current, std::int64_t& missing_current,
                      double& calibrated_threshold, std::string& untested) const {
    const auto& col = columns_[static_cast<std::size_t>(c)];
    check_gathered(gathered, c);
    missing_current = gathered.n_missing;
    std::vector<Scalar> values = std::move(gathered.values);
    category_table table;
    const bool sorted = needs_sorted_batch(col.test) || !col.has_bins;
    if (col.categorical) {
      table = table_of(gathered);
    } else if (sorted && col.test != tabular_test::welch_t) {
      shiftguard::detail::sort_floats(values);
    }
    n_current = col.categorical ? table.n_total : static_cast<std::int64_t>(values.size());
    const std::int64_t n_ref = col.categorical ? col.categories.n_total
                                               : static_cast<std::int64_t>(col.sorted.size());
    const std::int64_t minimum = detail::minimum_sample(col.test);
    if (n_ref < minimum || n_current < minimum) {
      if (options_.nan_handling == nan_policy::raise) {
        throw invalid_argument("x column " + std::to_string(c) + " has " +
                               std::to_string(n_current) + " values, but '" +
                               to_string(col.test) + "' needs at least " +
                               std::to_string(minimum));
      }
      untested = "untested: '" + std::string(to_string(col.test)) + "' needs at least " +
                 std::to_string(minimum) + " non-missing values per sample (reference " +
                 std::to_string(n_ref) + ", batch " + std::to_string(n_current) + ")";
      return;
    }
    if (col.categorical) {
      outcome = detail::categorical_outcome(col.test, col.categories, table, options_.epsilon);
    } else {
      outcome = detail::numeric_outcome(col.test, col.sorted.data(), n_ref, values.data(),
                                        n_current, col.reference_std,
                                        col.has_bins ? &col.bins : nullptr, binned(), sorted);
    }
    if (is_distance(col.test) && std::isnan(col.threshold)) {
      // Calibrated threshold and bootstrap p-value at this batch's sample size.
      const auto b_count = static_cast<std::size_t>(options_.n_bootstraps);
      std::vector<double> scores(b_count);
      std::vector<std::int64_t> ref_counts;
      std::vector<std::int64_t> cur_counts;
      std::vector<Scalar> pseudo_ref;
      std::vector<Scalar> pseudo_cur;
      std::size_t at_least = 0;
      for (std::size_t b = 0; b < b_count; ++b) {
        scores[b] = bootstrap_score(col, n_current, static_cast<std::uint64_t>(c), b, ref_counts,
                                    cur_counts, pseudo_ref, pseudo_cur);
        if (scores[b] >= outcome.statistic) ++at_least;
      }
      outcome.p_value =
          static_cast<double>(at_least + 1) / static_cast<double>(b_count + 1);
      calibrated_threshold = detail::calibrated_threshold_of(scores, options_.p_val);
    }
  }

  tabular_drift_result assemble(index rows, std::vector<detail::feature_outcome> outcomes,
                                const std::vector<std::int64_t>& n_current,
                                const std::vector<std::int64_t>& missing_current,
                                const std::vector<double>& calibrated_threshold,
                                const std::vector<std::string>& untested) const {
    const std::size_t d = columns_.size();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    tabular_drift_result r;
    r.correction_method = options_.correction_method;
    r.p_val = options_.p_val;
    r.tests.resize(d);
    r.statistics.resize(d);
    r.p_values.resize(d);
    r.corrected_p_values.assign(d, nan);
    r.thresholds.assign(d, nan);
    r.is_p_value_threshold.assign(d, false);
    r.effect_sizes.resize(d);
    r.min_effect_sizes.resize(d);
    r.significant.assign(d, false);
    r.test_drift.assign(d, false);
    r.missing_drift.assign(d, false);
    r.feature_drift.assign(d, false);
    r.missing_fraction_reference.resize(d);
    r.missing_fraction_current.resize(d);
    r.missing_statistics.assign(d, nan);
    r.missing_p_values.assign(d, nan);
    r.n_reference.resize(d);
    r.n_current = n_current;
    r.unseen_categories.resize(d);
    r.reasons.resize(d);
    // The family: p-values of tests and calibrated scores, then missingness p-values.
    std::vector<double> family;
    std::vector<std::size_t> test_slot(d, SIZE_MAX);
    std::vector<std::size_t> missing_slot(d, SIZE_MAX);
    const bool test_missing = options_.nan_handling == nan_policy::omit;
    for (std::size_t k = 0; k < d; ++k) {
      const auto& col = columns_[k];
      auto& outcome = outcomes[k];
      r.tests[k] = col.test;
      r.statistics[k] = outcome.statistic;
      r.p_values[k] = outcome.p_value;
      r.effect_sizes[k] = outcome.effect;
      r.min_effect_sizes[k] = col.min_effect_size;
      r.unseen_categories[k] = std::move(outcome.unseen);
      r.n_reference[k] = col.categorical ? col.categories.n_total
                                         : static_cast<std::int64_t>(col.sorted.size());
      r.missing_fraction_reference[k] =
          static_cast<double>(col.n_missing) / static_cast<double>(n_rows_);
      r.missing_fraction_current[k] =
          static_cast<double>(missing_current[k]) / static_cast<double>(rows);
      if (!std::isnan(outcome.p_value)) {
        test_slot[k] = family.size();
        family.push_back(outcome.p_value);
      }
    }
    if (test_missing) {
      for (std::size_t k = 0; k < d; ++k) {
        const auto test = detail::missingness_test(columns_[k].n_missing, n_rows_,
                                                   missing_current[k], rows);
        r.missing_statistics[k] = test.first;
        r.missing_p_values[k] = test.second;
        missing_slot[k] = family.size();
        family.push_back(test.second);
      }
    }
    r.family_size = family.size();
    correction_result corrected;
    if (!family.empty()) {
      corrected = apply_correction(family, options_.p_val, options_.correction_method);
      r.family_threshold = corrected.threshold;
    }
    using detail::format_value;
    for (std::size_t k = 0; k < d; ++k) {
      const auto& col = columns_[k];
      std::string reason;
      if (!untested[k].empty()) {
        reason = untested[k];
      } else if (test_slot[k] != SIZE_MAX) {
        const std::size_t slot = test_slot[k];
        r.corrected_p_values[k] = corrected.corrected_p_values[slot];
        r.thresholds[k] = corrected.threshold;
        r.is_p_value_threshold[k] = true;
        r.significant[k] = corrected.rejected[slot];
        reason = std::string(to_string(col.test)) + ": " + explain(corrected, slot, family);
        if (is_distance(col.test)) {
          reason += " (bootstrap p-value of score " + format_value(r.statistics[k]) +
                    "; calibrated score threshold " + format_value(calibrated_threshold[k]) +
                    ")";
        }
      } else {
        // A distance score with the user's threshold.
        r.thresholds[k] = col.threshold;
        r.significant[k] = r.statistics[k] > col.threshold;
        reason = std::string(to_string(col.test)) + " " + format_value(r.statistics[k]) +
                 (r.significant[k] ? " > " : " <= ") + "threshold " +
                 format_value(col.threshold);
      }
      if (r.significant[k]) {
        if (r.effect_sizes[k] >= col.min_effect_size) {
          r.test_drift[k] = true;
          reason += "; drifted (" + std::string(effect_size_name(col.test)) + " " +
                    format_value(r.effect_sizes[k]) + ")";
        } else {
          reason += "; not called drift: " + std::string(effect_size_name(col.test)) + " " +
                    format_value(r.effect_sizes[k]) + " < min_effect_size " +
                    format_value(col.min_effect_size);
        }
      }
      if (missing_slot[k] != SIZE_MAX) {
        const std::size_t slot = missing_slot[k];
        r.missing_drift[k] = corrected.rejected[slot];
        if (r.missing_drift[k] || r.missing_fraction_reference[k] > 0.0 ||
            r.missing_fraction_current[k] > 0.0) {
          reason += "; missing fraction " + format_value(r.missing_fraction_reference[k]) +
                    " -> " + format_value(r.missing_fraction_current[k]) + " (" +
                    explain(corrected, slot, family) + ")" +
                    (r.missing_drift[k] ? ": missingness drifted" : "");
        }
      }
      r.feature_drift[k] = r.test_drift[k] || r.missing_drift[k];
      r.is_drift = r.is_drift || r.feature_drift[k];
      if (!is_distance(col.test) || test_slot[k] != SIZE_MAX) {
        // thresholds[k] already set for family members; calibrated scores report the score
        // threshold, which is what a user compares the score with.
        if (is_distance(col.test)) {
          r.thresholds[k] = calibrated_threshold[k];
          r.is_p_value_threshold[k] = false;
        }
      }
      r.reasons[k] = std::move(reason);
    }
    return r;
  }

  tabular_drift_options options_;
  index n_rows_ = 0;
  std::vector<column_state> columns_;
};

}  // namespace shiftguard::drift
