#pragma once

// Multi-feature drift detectors fitted once on reference data. ks_drift_detector sorts each
// reference column once, then tests every new batch column by column in parallel with the
// two-sample Kolmogorov-Smirnov test and combines the p-values with a multiple-testing
// correction. Each feature's result is computed by one task and written to its own slot, so
// the answer is bit-for-bit the same whatever the number of threads.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/sort.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/correction.hpp"
#include "shiftguard/drift/univariate.hpp"

namespace shiftguard::drift {

/// Hyper-parameters of ks_drift_detector (defaults as alibi-detect's KSDrift).
struct ks_drift_options {
  double p_val = 0.05;                                   ///< significance level in (0, 1)
  correction correction_method = correction::bonferroni; ///< see drift::correction
  alternative alternative_hypothesis = alternative::two_sided;
  ks_method method = ks_method::automatic;
  nan_policy nan_handling = nan_policy::raise;
  int n_threads = 0;  ///< 0 = all cores
};

/// Verdict of ks_drift_detector::predict with its per-feature evidence.
struct ks_drift_result {
  bool is_drift = false;                   ///< true when at least one feature drifted
  std::vector<double> statistics;          ///< KS statistic per feature
  std::vector<double> p_values;            ///< raw p-value per feature
  std::vector<double> corrected_p_values;  ///< p-values adjusted by the correction
  std::vector<bool> feature_drift;         ///< raw p-value < threshold, per feature
  std::vector<std::int64_t> n_reference;   ///< finite reference values used, per feature
  std::vector<std::int64_t> n_current;     ///< finite current values used, per feature
  double threshold = 0.0;                  ///< cut-off applied to the raw p-values
  correction correction_method = correction::bonferroni;
  std::vector<decision_reason> reasons;  ///< why each feature was or was not declared drifted
  std::vector<std::string> explanations;  ///< the same as sentences (see drift::explain)
};

namespace detail {

/// Number of columns one task gathers together: a cache line's worth of values, so that a
/// C-order (row-major) matrix is read one line at a time.
template <class Scalar>
inline constexpr index columns_per_task = static_cast<index>(64 / sizeof(Scalar));

/// Outcome of gathering one column: its finite values, sorted, or why it is unusable.
struct column_problem {
  index first_bad_row = -1;  ///< first non-finite row (policy raise), or -1
  bool bad_is_nan = false;
  bool too_few = false;  ///< fewer than 2 finite values
};

/// Gathers columns [first, last) of `x` into `columns` (finite values only, -0.0 mapped to
/// +0.0), sorted ascending, recording problems instead of throwing (so that the error
/// reported does not depend on which task runs first).
template <class Derived, class Scalar>
void gather_sorted_columns(const Eigen::DenseBase<Derived>& x, index first, index last,
                           nan_policy policy, std::vector<std::vector<Scalar>>& columns,
                           std::vector<column_problem>& problems,
                           std::vector<typename shiftguard::detail::float_bits<Scalar>::type>& scratch) {
  const index rows = x.rows();
  for (index c = first; c < last; ++c) {
    auto& values = columns[static_cast<std::size_t>(c)];
    values.clear();
    values.reserve(static_cast<std::size_t>(rows));
  }
  for (index r = 0; r < rows; ++r) {
    for (index c = first; c < last; ++c) {
      const Scalar value = static_cast<Scalar>(x.derived().coeff(r, c));
      if (std::isfinite(value)) {
        columns[static_cast<std::size_t>(c)].push_back(value + Scalar(0));
      } else {
        auto& problem = problems[static_cast<std::size_t>(c)];
        if (problem.first_bad_row < 0) {
          problem.first_bad_row = r;
          problem.bad_is_nan = std::isnan(value);
        }
      }
    }
  }
  for (index c = first; c < last; ++c) {
    auto& values = columns[static_cast<std::size_t>(c)];
    auto& problem = problems[static_cast<std::size_t>(c)];
    if (policy == nan_policy::raise && problem.first_bad_row >= 0) continue;
    problem.first_bad_row = -1;
    if (values.size() < 2) {
      problem.too_few = true;
      continue;
    }
    shiftguard::detail::sort_floats(values, scratch);
  }
}

/// Throws for the first column (lowest index) with a problem.
inline void report_column_problems(const std::vector<column_problem>& problems, const char* name) {
  for (std::size_t c = 0; c < problems.size(); ++c) {
    const auto& problem = problems[c];
    if (problem.first_bad_row >= 0) {
      throw invalid_argument(std::string(name) + " contains " +
                             (problem.bad_is_nan ? "NaN" : "an infinite value") + " at row " +
                             std::to_string(problem.first_bad_row) + ", column " +
                             std::to_string(c) +
                             " (use nan_policy omit to drop non-finite values)");
    }
    if (problem.too_few) {
      throw invalid_argument(std::string(name) + " column " + std::to_string(c) +
                             " has fewer than 2 finite values");
    }
  }
}

/// Sorted finite values of every column of `x`, in parallel over blocks of columns.
template <class Scalar, class Derived>
std::vector<std::vector<Scalar>> sorted_columns(const Eigen::DenseBase<Derived>& x,
                                                nan_policy policy, int n_threads,
                                                const char* name) {
  const index d = x.cols();
  std::vector<std::vector<Scalar>> columns(static_cast<std::size_t>(d));
  std::vector<column_problem> problems(static_cast<std::size_t>(d));
  const index block = columns_per_task<Scalar>;
  const index n_blocks = (d + block - 1) / block;
  parallel_for_ranges(n_blocks, n_threads, 1, [&](index begin, index end) {
    std::vector<typename shiftguard::detail::float_bits<Scalar>::type> scratch;
    for (index b = begin; b < end; ++b) {
      gather_sorted_columns(x, b * block, std::min(d, (b + 1) * block), policy, columns, problems,
                            scratch);
    }
  });
  report_column_problems(problems, name);
  return columns;
}

}  // namespace detail

/// Kolmogorov-Smirnov drift detector: fitted on a reference sample (n x d), it tests new
/// batches (m x d) feature by feature and returns a corrected verdict.
///
/// \tparam Scalar float or double; reference and batches must share it.
template <class Scalar>
class ks_drift_detector {
  static_assert(std::is_floating_point_v<Scalar>, "ks_drift_detector needs float or double");

 public:
  using scalar_type = Scalar;

  /// Fits the detector: checks `x_ref` and sorts each of its columns once.
  /// Throws shape_error for fewer than 2 rows or no columns, invalid_argument for a bad
  /// option or non-finite values under nan_policy::raise.
  template <class Derived>
  explicit ks_drift_detector(const Eigen::DenseBase<Derived>& x_ref,
                             ks_drift_options options = {})
      : options_(options), n_rows_(x_ref.rows()) {
    static_assert(std::is_same_v<typename Derived::Scalar, Scalar>,
                  "ks_drift_detector: x_ref must have the detector's scalar type");
    checks::open_interval(options_.p_val, 0.0, 1.0, "p_val");
    resolve_thread_count(options_.n_threads);
    checks::min_shape(x_ref, 2, "x_ref");
    sorted_reference_ =
        detail::sorted_columns<Scalar>(x_ref, options_.nan_handling, options_.n_threads, "x_ref");
  }

  /// Tests the batch `x` (m x d, m >= 2) against the reference.
  template <class Derived>
  ks_drift_result predict(const Eigen::DenseBase<Derived>& x) const {
    static_assert(std::is_same_v<typename Derived::Scalar, Scalar>,
                  "ks_drift_detector::predict: x must have the detector's scalar type");
    checks::min_shape(x, 2, "x");
    checks::n_columns(x, n_features(), "x");
    const auto current =
        detail::sorted_columns<Scalar>(x, options_.nan_handling, options_.n_threads, "x");
    const index d = n_features();
    ks_drift_result result;
    result.statistics.resize(static_cast<std::size_t>(d));
    result.p_values.resize(static_cast<std::size_t>(d));
    result.n_reference.resize(static_cast<std::size_t>(d));
    result.n_current.resize(static_cast<std::size_t>(d));
    parallel_for_ranges(d, options_.n_threads, 1, [&](index begin, index end) {
      for (index c = begin; c < end; ++c) {
        const auto k = static_cast<std::size_t>(c);
        const auto& ref = sorted_reference_[k];
        const auto& cur = current[k];
        const ks_result test = ks_2samp_sorted(
            ref.data(), static_cast<std::int64_t>(ref.size()), cur.data(),
            static_cast<std::int64_t>(cur.size()), options_.alternative_hypothesis, options_.method);
        result.statistics[k] = test.statistic;
        result.p_values[k] = test.p_value;
        result.n_reference[k] = static_cast<std::int64_t>(ref.size());
        result.n_current[k] = static_cast<std::int64_t>(cur.size());
      }
    });
    correction_result corrected =
        apply_correction(result.p_values, options_.p_val, options_.correction_method);
    result.explanations.resize(static_cast<std::size_t>(d));
    for (std::size_t k = 0; k < static_cast<std::size_t>(d); ++k) {
      result.explanations[k] = explain(corrected, k, result.p_values);
    }
    result.corrected_p_values = std::move(corrected.corrected_p_values);
    result.feature_drift = std::move(corrected.rejected);
    result.threshold = corrected.threshold;
    result.is_drift = corrected.any_rejected;
    result.correction_method = options_.correction_method;
    result.reasons = std::move(corrected.reasons);
    return result;
  }

  index n_features() const { return static_cast<index>(sorted_reference_.size()); }
  index n_reference() const { return n_rows_; }
  const ks_drift_options& options() const { return options_; }

  /// Sorted finite reference values of one feature.
  const std::vector<Scalar>& sorted_reference(index feature) const {
    if (feature < 0 || feature >= n_features()) {
      throw invalid_argument("feature index " + std::to_string(feature) + " out of range [0, " +
                             std::to_string(n_features()) + ")");
    }
    return sorted_reference_[static_cast<std::size_t>(feature)];
  }

 private:
  ks_drift_options options_;
  index n_rows_;
  std::vector<std::vector<Scalar>> sorted_reference_;
};

}  // namespace shiftguard::drift
