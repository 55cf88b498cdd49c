#pragma once

// Drift tests for one categorical feature given as integer codes.
//
// A category_table counts the codes of a sample once (the reference's table is what a fitted
// detector keeps); a current sample is compared with it on the union of the categories:
//
// * chi2_homogeneity: Pearson's chi-square test of homogeneity on the 2 x k table (reference
//   counts, current counts) over the k categories seen in either sample; statistic, degrees
//   of freedom k - 1 and p-value exactly as scipy.stats.chi2_contingency(table,
//   correction=False). SciPy's default applies Yates' continuity correction when k = 2 (dof
//   1); here it is off by default (it makes the test conservative and breaks the agreement
//   with the G-test and with alibi-detect's ChiSquareDrift, which does not correct) and is
//   available as `yates_correction = true`, which then reproduces SciPy's default exactly.
// * g_test: the likelihood-ratio (G) test on the same table,
//   scipy.stats.chi2_contingency(table, correction=False, lambda_="log-likelihood").
// * categorical_distances: the population stability index (proportions floored at epsilon,
//   as for numeric PSI), the Jensen-Shannon distance (scipy.spatial.distance.jensenshannon on
//   the two count vectors, base 2 by default) and the L-infinity distance
//   max_c |p_ref(c) - p_cur(c)| of the category frequencies, the measure TensorFlow Data
//   Validation thresholds.
//
// Codes:
//   Codes are non-negative integers; a negative code marks a missing value (pandas.factorize
//   writes -1 for NaN/None). Missing values raise invalid_argument under nan_policy::raise
//   and are dropped and counted (n_missing) under nan_policy::omit.
// Categories of the current sample that the reference never saw ("unseen" categories):
//   they are listed in the result (unseen_categories) and enter every measure as a category
//   with reference count 0: a column of the contingency table (their expected current count
//   is positive because the column total is), a reference proportion of 0 floored at epsilon
//   in PSI, a 0 in Jensen-Shannon and L-infinity. A reference category absent from the
//   current sample enters the same way with a current count of 0. Categories with a zero
//   count in both samples never appear.
// Degenerate inputs:
//   A single category in both samples (k = 1) gives statistic 0, dof 0 and p-value 1 (SciPy's
//   result for a table with one column) and distances 0. Each sample needs at least one
//   non-missing value (else invalid_argument). Small expected counts make the chi-square
//   approximation of both tests inaccurate (the usual rule asks for at least 5 per cell);
//   the result reports the smallest expected count so that callers can judge.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/core/special.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/univariate/distances.hpp"

namespace shiftguard::drift {

/// Counts of the categories of one sample, stored compactly: the distinct codes present
/// (ascending) and their counts (all positive). A value type with public fields, so that a
/// detector can save and restore it.
struct category_table {
  std::vector<std::int64_t> codes;   ///< distinct non-negative codes, ascending
  std::vector<std::int64_t> counts;  ///< count per code, > 0
  std::int64_t n_total = 0;          ///< number of non-missing values (sum of counts)
  std::int64_t n_missing = 0;        ///< missing values (negative codes) dropped under omit

  [[nodiscard]] std::size_t n_categories() const { return codes.size(); }

  /// Count of `code` (0 when absent).
  [[nodiscard]] std::int64_t count_of(std::int64_t code) const {
    const auto position = std::lower_bound(codes.begin(), codes.end(), code);
    if (position == codes.end() || *position != code) return 0;
    return counts[static_cast<std::size_t>(position - codes.begin())];
  }
};

/// The two samples' counts over the union of their categories (ascending code order).
struct category_comparison {
  std::vector<std::int64_t> categories;        ///< codes seen in either sample
  std::vector<std::int64_t> reference_counts;  ///< per category
  std::vector<std::int64_t> current_counts;    ///< per category
  std::vector<std::int64_t> unseen_categories; ///< codes in the current sample only
  std::int64_t n_reference = 0;
  std::int64_t n_current = 0;
};

/// Which test of homogeneity.
enum class categorical_test { chi_square, g_test };

inline const char* to_string(categorical_test test) {
  return test == categorical_test::chi_square ? "chi2" : "g-test";
}

/// Result of chi2_homogeneity or g_test.
struct categorical_test_result {
  double statistic = 0.0;       ///< Pearson's X^2 or the G statistic
  double p_value = 1.0;         ///< chi-square survival function at the statistic, dof
  std::int64_t dof = 0;         ///< number of categories in the union minus 1
  bool yates_applied = false;   ///< whether Yates' correction was applied (only when dof == 1)
  double min_expected = 0.0;    ///< smallest expected cell count (chi-square validity)
  categorical_test test = categorical_test::chi_square;
  category_comparison table;    ///< the 2 x k table the test ran on, with the unseen codes
};

/// Options of the categorical distances.
struct categorical_distance_options {
  double epsilon = 1e-4;  ///< floor of the proportions in PSI, in (0, 1)
  double base = 2.0;      ///< logarithm base of the Jensen-Shannon distance
};

/// Result of categorical_distances.
struct categorical_distance_result {
  double psi = 0.0;             ///< population stability index (epsilon-floored)
  double jensen_shannon = 0.0;  ///< Jensen-Shannon distance
  double linf_distance = 0.0;   ///< max over categories of |p_ref - p_cur| (TFDV)
  category_comparison table;
};

namespace detail {

[[noreturn]] inline void throw_missing(const char* name, std::int64_t code, std::int64_t index) {
  throw invalid_argument(std::string(name) + " contains a missing value (code " +
                         std::to_string(code) + ") at index " + std::to_string(index) +
                         " (use nan_policy omit to drop missing values)");
}

/// Counts the codes read by `code_at(k)`, k in [0, n).
template <class CodeAt>
category_table count_codes(CodeAt code_at, std::int64_t n, nan_policy policy, const char* name) {
  category_table table;
  std::int64_t low = std::numeric_limits<std::int64_t>::max();
  std::int64_t high = -1;
  for (std::int64_t k = 0; k < n; ++k) {
    const std::int64_t code = code_at(k);
    if (code < 0) {
      if (policy == nan_policy::raise) throw_missing(name, code, k);
      ++table.n_missing;
      continue;
    }
    low = std::min(low, code);
    high = std::max(high, code);
  }
  table.n_total = n - table.n_missing;
  if (table.n_total == 0) return table;
  const auto range = static_cast<std::uint64_t>(high - low) + 1U;
  if (range <= std::max<std::uint64_t>(static_cast<std::uint64_t>(n) * 2U, 1U << 16)) {
    // Dense counting over [low, high]: the usual case of compact codes (pandas.factorize).
    std::vector<std::int64_t> dense(static_cast<std::size_t>(range), 0);
    for (std::int64_t k = 0; k < n; ++k) {
      const std::int64_t code = code_at(k);
      if (code >= 0) ++dense[static_cast<std::size_t>(code - low)];
    }
    for (std::size_t c = 0; c < dense.size(); ++c) {
      if (dense[c] > 0) {
        table.codes.push_back(low + static_cast<std::int64_t>(c));
        table.counts.push_back(dense[c]);
      }
    }
  } else {
    // Sparse codes: sort a copy and count runs.
    std::vector<std::int64_t> values;
    values.reserve(static_cast<std::size_t>(table.n_total));
    for (std::int64_t k = 0; k < n; ++k) {
      const std::int64_t code = code_at(k);
      if (code >= 0) values.push_back(code);
    }
    std::sort(values.begin(), values.end());
    for (std::size_t k = 0; k < values.size();) {
      std::size_t end = k;
      while (end < values.size() && values[end] == values[k]) ++end;
      table.codes.push_back(values[k]);
      table.counts.push_back(static_cast<std::int64_t>(end - k));
      k = end;
    }
  }
  return table;
}

inline void check_table(const category_table& table, const char* function, const char* name) {
  if (table.codes.size() != table.counts.size()) {
    throw shape_error(std::string(function) + ": " + name + " has " +
                      std::to_string(table.codes.size()) + " codes but " +
                      std::to_string(table.counts.size()) + " counts");
  }
  std::int64_t total = 0;
  for (std::size_t c = 0; c < table.codes.size(); ++c) {
    if (table.codes[c] < 0 || (c > 0 && table.codes[c] <= table.codes[c - 1]) ||
        table.counts[c] <= 0) {
      throw invalid_argument(std::string(function) + ": " + name +
                             " must hold distinct ascending non-negative codes with positive "
                             "counts (entry " + std::to_string(c) + ")");
    }
    total += table.counts[c];
  }
  if (total != table.n_total) {
    throw invalid_argument(std::string(function) + ": " + name + " counts sum to " +
                           std::to_string(total) + " but n_total is " +
                           std::to_string(table.n_total));
  }
  if (table.n_total < 1) {
    throw invalid_argument(std::string(function) + ": " + name +
                           " has no non-missing value (n=0)");
  }
}

}  // namespace detail

/// Counts integer codes given by pointer (negative = missing, see the top of this file).
inline category_table make_category_table(const std::int64_t* codes, std::int64_t n,
                                          nan_policy policy = nan_policy::raise,
                                          const char* name = "codes") {
  if (n < 0) throw invalid_argument(std::string(name) + ": negative length " + std::to_string(n));
  return detail::count_codes([codes](std::int64_t k) { return codes[k]; }, n, policy, name);
}

/// Counts the integer codes of a vector expression (any integer scalar type).
template <class Derived>
category_table make_category_table(const Eigen::DenseBase<Derived>& codes,
                                   nan_policy policy = nan_policy::raise,
                                   const char* name = "codes") {
  using Scalar = typename Derived::Scalar;
  static_assert(std::is_integral_v<Scalar>, "category codes must be integers");
  detail::require_vector(codes, "make_category_table", name);
  const auto& derived = codes.derived();
  return detail::count_codes(
      [&derived](std::int64_t k) {
        return static_cast<std::int64_t>(derived.coeff(static_cast<index>(k)));
      },
      static_cast<std::int64_t>(codes.size()), policy, name);
}

/// Aligns two tables on the union of their categories and lists the unseen codes.
inline category_comparison compare_categories(const category_table& reference,
                                              const category_table& current) {
  detail::check_table(reference, "compare_categories", "reference table");
  detail::check_table(current, "compare_categories", "current table");
  category_comparison out;
  out.n_reference = reference.n_total;
  out.n_current = current.n_total;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < reference.codes.size() || j < current.codes.size()) {
    const bool take_ref = j >= current.codes.size() ||
                          (i < reference.codes.size() && reference.codes[i] <= current.codes[j]);
    const std::int64_t code = take_ref ? reference.codes[i] : current.codes[j];
    std::int64_t ref_count = 0;
    std::int64_t cur_count = 0;
    if (i < reference.codes.size() && reference.codes[i] == code) ref_count = reference.counts[i++];
    if (j < current.codes.size() && current.codes[j] == code) cur_count = current.counts[j++];
    out.categories.push_back(code);
    out.reference_counts.push_back(ref_count);
    out.current_counts.push_back(cur_count);
    if (ref_count == 0) out.unseen_categories.push_back(code);
  }
  return out;
}

/// Chi-square (Pearson) or G test of homogeneity on an aligned 2 x k table, as
/// scipy.stats.chi2_contingency(table, correction=yates_correction, lambda_=...) computes it.
inline categorical_test_result homogeneity_test(category_comparison table, categorical_test test,
                                                bool yates_correction = false) {
  const std::size_t k = table.categories.size();
  if (table.n_reference < 1 || table.n_current < 1) {
    throw invalid_argument("homogeneity test: samples must not be empty (n_ref=" +
                           std::to_string(table.n_reference) +
                           ", n_cur=" + std::to_string(table.n_current) + ")");
  }
  categorical_test_result result;
  result.test = test;
  result.dof = static_cast<std::int64_t>(k) - 1;
  const double total = static_cast<double>(table.n_reference + table.n_current);
  const double row_totals[2] = {static_cast<double>(table.n_reference),
                                static_cast<double>(table.n_current)};
  result.min_expected = std::numeric_limits<double>::infinity();
  detail::compensated_sum statistic;
  result.yates_applied = yates_correction && result.dof == 1;
  for (int row = 0; row < 2; ++row) {
    const auto& counts = row == 0 ? table.reference_counts : table.current_counts;
    for (std::size_t c = 0; c < k; ++c) {
      const double column_total =
          static_cast<double>(table.reference_counts[c] + table.current_counts[c]);
      const double expected = row_totals[row] * column_total / total;
      result.min_expected = std::min(result.min_expected, expected);
      double observed = static_cast<double>(counts[c]);
      if (result.yates_applied) {
        const double difference = expected - observed;
        const double magnitude = std::min(0.5, std::abs(difference));
        observed += difference > 0 ? magnitude : (difference < 0 ? -magnitude : 0.0);
      }
      if (test == categorical_test::chi_square) {
        const double difference = observed - expected;
        statistic.add(difference * difference / expected);
      } else if (observed > 0.0) {
        statistic.add(2.0 * observed * std::log(observed / expected));
      }
    }
  }
  if (result.dof == 0) {
    // One category: observed equals expected; SciPy returns 0 and p = 1.
    result.statistic = 0.0;
    result.p_value = 1.0;
  } else {
    result.statistic = std::max(statistic.value(), 0.0);
    result.p_value =
        std::clamp(special::chi2_sf(result.statistic, static_cast<double>(result.dof)), 0.0, 1.0);
  }
  result.table = std::move(table);
  return result;
}

/// Chi-square test of homogeneity of a current table against the reference table.
inline categorical_test_result chi2_homogeneity(const category_table& reference,
                                                const category_table& current,
                                                bool yates_correction = false) {
  return homogeneity_test(compare_categories(reference, current), categorical_test::chi_square,
                          yates_correction);
}

/// G-test (log-likelihood ratio) of homogeneity of a current table against the reference.
inline categorical_test_result g_test(const category_table& reference,
                                      const category_table& current,
                                      bool yates_correction = false) {
  return homogeneity_test(compare_categories(reference, current), categorical_test::g_test,
                          yates_correction);
}

/// PSI, Jensen-Shannon and L-infinity distance of a current table against the reference.
inline categorical_distance_result categorical_distances(
    const category_table& reference, const category_table& current,
    const categorical_distance_options& options = {}) {
  if (!(options.epsilon > 0.0 && options.epsilon < 1.0)) {
    throw invalid_argument("epsilon must be in (0, 1), got " + std::to_string(options.epsilon));
  }
  if (!(options.base > 0.0) || !std::isfinite(options.base) || options.base == 1.0) {
    throw invalid_argument("base must be a finite number > 0 other than 1, got " +
                           std::to_string(options.base));
  }
  categorical_distance_result result;
  result.table = compare_categories(reference, current);
  const auto& table = result.table;
  const std::size_t k = table.categories.size();
  std::vector<double> p_ref(k);
  std::vector<double> p_cur(k);
  for (std::size_t c = 0; c < k; ++c) {
    p_ref[c] = static_cast<double>(table.reference_counts[c]) /
               static_cast<double>(table.n_reference);
    p_cur[c] = static_cast<double>(table.current_counts[c]) / static_cast<double>(table.n_current);
    result.linf_distance = std::max(result.linf_distance, std::abs(p_ref[c] - p_cur[c]));
  }
  result.psi = psi_from_proportions(p_ref, p_cur, options.epsilon);
  result.jensen_shannon = jensen_shannon_from_proportions(p_ref, p_cur, options.base);
  return result;
}

/// Convenience: chi-square or G test of two code vectors (missing codes follow `policy`).
template <class RefDerived, class CurDerived>
categorical_test_result homogeneity_test(const Eigen::DenseBase<RefDerived>& ref_codes,
                                         const Eigen::DenseBase<CurDerived>& cur_codes,
                                         categorical_test test, bool yates_correction = false,
                                         nan_policy policy = nan_policy::raise) {
  const auto reference = make_category_table(ref_codes, policy, "ref");
  const auto current = make_category_table(cur_codes, policy, "cur");
  detail::check_table(reference, "homogeneity test", "ref");
  detail::check_table(current, "homogeneity test", "cur");
  return homogeneity_test(compare_categories(reference, current), test, yates_correction);
}

/// Convenience: categorical distances of two code vectors (missing codes follow `policy`).
template <class RefDerived, class CurDerived>
categorical_distance_result categorical_distances(const Eigen::DenseBase<RefDerived>& ref_codes,
                                                  const Eigen::DenseBase<CurDerived>& cur_codes,
                                                  const categorical_distance_options& options = {},
                                                  nan_policy policy = nan_policy::raise) {
  const auto reference = make_category_table(ref_codes, policy, "ref");
  const auto current = make_category_table(cur_codes, policy, "cur");
  return categorical_distances(reference, current, options);
}

// ---------------------------------------------------------------------------------------
// Saving a category table: inside another object's container (write_fields /
// read_category_table) or on its own (save / load_category_table, tag
// "drift.category_table", layout version 1).

/// Appends the fields of `table` to a writer (codes, counts, n_total, n_missing).
inline void write_fields(serialization::binary_writer& writer, const category_table& table) {
  writer.write_array(table.codes);
  writer.write_array(table.counts);
  writer.write_i64(table.n_total);
  writer.write_i64(table.n_missing);
}

/// Reads the fields written by write_fields and checks them (format_error if inconsistent).
inline category_table read_category_table(serialization::binary_reader& reader) {
  category_table table;
  table.codes = reader.read_array<std::int64_t>();
  table.counts = reader.read_array<std::int64_t>();
  table.n_total = reader.read_i64();
  table.n_missing = reader.read_i64();
  if (table.n_missing < 0) reader.fail("n_missing is negative");
  try {
    detail::check_table(table, "category_table", "the table");
  } catch (const error& e) {
    reader.fail(e.what());
  }
  return table;
}

/// The table as a self-contained shiftguard container.
inline std::string save(const category_table& table) {
  serialization::binary_writer writer;
  write_fields(writer, table);
  return writer.finish("drift.category_table", 1);
}

/// Loads a table saved by save(category_table); throws format_error on malformed data.
inline category_table load_category_table(std::string_view bytes) {
  serialization::binary_reader reader(bytes, "drift.category_table", 1);
  category_table table = read_category_table(reader);
  reader.expect_end();
  return table;
}

}  // namespace shiftguard::drift
