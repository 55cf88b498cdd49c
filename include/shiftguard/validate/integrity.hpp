#pragma once

// Integrity checks of a training set: exact duplicate rows, conflicting labels, train-test
// contamination, near-constant columns, robust z-score and IQR outliers, single-feature
// label leakage, and label issues found by confident learning (Northcutt, Jiang and Chuang,
// "Confident Learning: Estimating Uncertainty in Dataset Labels", JAIR 2021).
//
// Row-wise checks work on an integer-coded table: every column is given as 64-bit codes
// (numeric values as their canonical IEEE-754 bit pattern, see canonical_code(); categorical
// values as factorize codes). Rows are hashed in parallel over row blocks and grouped with an
// open-addressing hash table that compares the codes of two rows before it merges them, so
// a hash collision can slow the grouping down but never merge different rows. Every result is
// independent of the number of threads: groups are ordered by their first row.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/rng.hpp"
#include "shiftguard/core/types.hpp"

namespace shiftguard::validate {

/// A table of 64-bit codes (samples x columns), column-major.
using code_matrix = Eigen::Matrix<std::uint64_t, Eigen::Dynamic, Eigen::Dynamic>;
/// Read-only strided view of a code table (a NumPy uint64 array of either order).
using code_matrix_view = Eigen::Map<const code_matrix, Eigen::Unaligned,
                                    Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>>;
/// Square matrix of counts (the confident joint).
using count_matrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>;

/// The code of a numeric value: its IEEE-754 bit pattern, with -0.0 mapped to +0.0 and every
/// NaN to the one quiet NaN, so that values that compare equal (and all missing values) get
/// one code.
inline std::uint64_t canonical_code(double value) {
  if (std::isnan(value)) return 0x7FF8000000000000ULL;
  if (value == 0.0) value = 0.0;
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

/// The number whose canonical_code() is `code`.
inline double decode_numeric(std::uint64_t code) {
  double value;
  std::memcpy(&value, &code, sizeof(value));
  return value;
}

namespace detail {

using shiftguard::mix64;  // the splitmix64 finaliser (core/rng.hpp)

template <class DerivedA, class DerivedB>
bool rows_equal(const Eigen::DenseBase<DerivedA>& a, index row_a,
                const Eigen::DenseBase<DerivedB>& b, index row_b) {
  for (index col = 0; col < a.cols(); ++col) {
    if (a.coeff(row_a, col) != b.coeff(row_b, col)) return false;
  }
  return true;
}

// Rows are split over this many hash partitions (by the top bits of their hash), each with
// its own table, so partitions are grouped in parallel. A fixed number: the result does not
// depend on it anyway, since every table sees its rows in row order.
constexpr int partition_bits = 6;
constexpr index n_partitions = index{1} << partition_bits;

inline index partition_of(std::uint64_t hash) {
  return static_cast<index>(hash >> (64 - partition_bits));
}

/// Open-addressing (linear probing) set of rows of one code table, keyed by row hash.
/// Stores the first row of each distinct content.
class row_table {
 public:
  void reserve(index n_rows) {
    std::size_t size = 16;
    while (size < static_cast<std::size_t>(2 * n_rows + 1)) size <<= 1;
    slots_.assign(size, -1);
    mask_ = size - 1;
  }

  /// Returns the stored row equal to `row` of `codes` (with hash `hash`), inserting `row`
  /// first when none is.
  template <class Derived>
  index find_or_insert(const Eigen::DenseBase<Derived>& codes,
                       const std::vector<std::uint64_t>& hashes, index row) {
    const std::uint64_t hash = hashes[static_cast<std::size_t>(row)];
    for (std::size_t slot = mix64(hash) & mask_;; slot = (slot + 1) & mask_) {
      const index stored = slots_[slot];
      if (stored < 0) {
        slots_[slot] = row;
        return row;
      }
      if (hashes[static_cast<std::size_t>(stored)] == hash &&
          rows_equal(codes, stored, codes, row)) {
        return stored;
      }
    }
  }

  /// The stored row of `table_codes` equal to `row` of `query_codes`, or -1.
  template <class DerivedTable, class DerivedQuery>
  index find(const Eigen::DenseBase<DerivedTable>& table_codes,
             const std::vector<std::uint64_t>& table_hashes,
             const Eigen::DenseBase<DerivedQuery>& query_codes, index row,
             std::uint64_t hash) const {
    if (slots_.empty()) return -1;
    for (std::size_t slot = mix64(hash) & mask_;; slot = (slot + 1) & mask_) {
      const index stored = slots_[slot];
      if (stored < 0) return -1;
      if (table_hashes[static_cast<std::size_t>(stored)] == hash &&
          rows_equal(table_codes, stored, query_codes, row)) {
        return stored;
      }
    }
  }

 private:
  std::vector<index> slots_;
  std::size_t mask_ = 0;
};

/// Rows of each hash partition, in row order.
inline std::vector<std::vector<index>> rows_by_partition(const std::vector<std::uint64_t>& hashes) {
  std::vector<std::vector<index>> parts(static_cast<std::size_t>(n_partitions));
  std::vector<index> counts(static_cast<std::size_t>(n_partitions), 0);
  for (const std::uint64_t h : hashes) ++counts[static_cast<std::size_t>(partition_of(h))];
  for (index p = 0; p < n_partitions; ++p) {
    parts[static_cast<std::size_t>(p)].reserve(static_cast<std::size_t>(counts[static_cast<std::size_t>(p)]));
  }
  for (std::size_t row = 0; row < hashes.size(); ++row) {
    parts[static_cast<std::size_t>(partition_of(hashes[row]))].push_back(static_cast<index>(row));
  }
  return parts;
}

/// Groups of rows (size >= min_size) sharing a representative, ordered by representative
/// (the first row of the group), rows ascending.
inline std::vector<std::vector<index>> groups_from_representatives(
    const std::vector<index>& representative, index min_size) {
  const auto n = representative.size();
  std::vector<index> size(n, 0);
  for (const index r : representative) ++size[static_cast<std::size_t>(r)];
  std::vector<index> group_of(n, -1);
  std::vector<std::vector<index>> groups;
  for (std::size_t row = 0; row < n; ++row) {
    if (representative[row] == static_cast<index>(row) && size[row] >= min_size) {
      group_of[row] = static_cast<index>(groups.size());
      groups.emplace_back();
      groups.back().reserve(static_cast<std::size_t>(size[row]));
    }
  }
  for (std::size_t row = 0; row < n; ++row) {
    const index group = group_of[static_cast<std::size_t>(representative[row])];
    if (group >= 0) groups[static_cast<std::size_t>(group)].push_back(static_cast<index>(row));
  }
  return groups;
}

inline std::string option_message(const char* name, double value, const char* rule) {
  std::ostringstream message;
  message << name << " must be " << rule << ", got " << value;
  return message.str();
}

/// NumPy's pairwise summation (numpy/core/src/umath/loops_utils.h.src, the algorithm used by
/// np.sum on float64): 8 interleaved partial sums for blocks of at most 128 values,
/// recursive halving above. Reproduced so that sums feeding a rounding step round exactly
/// as NumPy's do.
inline double numpy_pairwise_sum(const double* values, std::size_t n, std::size_t stride) {
  if (n < 8) {
    double sum = -0.0;
    for (std::size_t i = 0; i < n; ++i) sum += values[i * stride];
    return sum;
  }
  if (n <= 128) {
    double partial[8];
    for (std::size_t j = 0; j < 8; ++j) partial[j] = values[j * stride];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (std::size_t j = 0; j < 8; ++j) partial[j] += values[(i + j) * stride];
    }
    double sum = ((partial[0] + partial[1]) + (partial[2] + partial[3])) +
                 ((partial[4] + partial[5]) + (partial[6] + partial[7]));
    for (; i < n; ++i) sum += values[i * stride];
    return sum;
  }
  std::size_t half = n / 2;
  half -= half % 8;
  return numpy_pairwise_sum(values, half, stride) +
         numpy_pairwise_sum(values + half * stride, n - half, stride);
}

/// Rounds `values` to integers whose sum is the rounded sum of `values` (rounding half to
/// even, as NumPy). The rounding error is corrected by stepping the entries with the largest
/// remainders up (ties: highest index first) or those with the smallest remainders down
/// (ties: lowest index first), repeatedly, until the sums agree.
inline std::vector<std::int64_t> round_preserving_sum(const std::vector<double>& values) {
  const std::size_t n = values.size();
  std::vector<double> rounded(n);
  for (std::size_t i = 0; i < n; ++i) rounded[i] = std::nearbyint(values[i]);
  const double target = std::nearbyint(numpy_pairwise_sum(values.data(), n, 1));
  double current = std::nearbyint(numpy_pairwise_sum(rounded.data(), n, 1));
  std::vector<std::size_t> order(n);
  std::vector<double> remainder(n);
  while (std::abs(current - target) > 1e-6 && n > 0) {
    const double difference = std::nearbyint(target - current);
    const double step = difference < 0.0 ? -1.0 : 1.0;
    const auto changes = std::min<std::size_t>(static_cast<std::size_t>(std::abs(difference)), n);
    for (std::size_t i = 0; i < n; ++i) remainder[i] = values[i] - rounded[i];
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (step > 0) {
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return remainder[a] > remainder[b] || (remainder[a] == remainder[b] && a > b);
      });
    } else {
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return remainder[a] < remainder[b]; });
    }
    for (std::size_t k = 0; k < changes; ++k) rounded[order[k]] += step;
    current = std::nearbyint(numpy_pairwise_sum(rounded.data(), n, 1));
  }
  std::vector<std::int64_t> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::int64_t>(rounded[i]);
  return out;
}

/// Dense class ids 0..C-1 (in ascending order of the codes) of `labels`, and C.
inline std::pair<std::vector<index>, index> dense_classes(const std::vector<std::uint64_t>& labels) {
  std::vector<std::uint64_t> distinct(labels);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<index> ids(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    ids[i] = static_cast<index>(std::lower_bound(distinct.begin(), distinct.end(), labels[i]) -
                                distinct.begin());
  }
  return {std::move(ids), static_cast<index>(distinct.size())};
}

}  // namespace detail

// ------------------------------------------------------------------------------ row hashing

/// 64-bit hash of every row of a code table, computed in parallel over row blocks.
template <class Derived>
std::vector<std::uint64_t> hash_rows(const Eigen::DenseBase<Derived>& codes, int n_threads = 0) {
  std::vector<std::uint64_t> hashes(static_cast<std::size_t>(codes.rows()));
  const index n_cols = codes.cols();
  parallel_for_ranges(codes.rows(), n_threads, 4096, [&](index begin, index end) {
    for (index row = begin; row < end; ++row) {
      std::uint64_t hash = golden_gamma ^ static_cast<std::uint64_t>(n_cols);
      for (index col = 0; col < n_cols; ++col) {
        hash = detail::mix64(hash ^ (detail::mix64(static_cast<std::uint64_t>(codes.coeff(row, col))) +
                                     golden_gamma * static_cast<std::uint64_t>(col + 1)));
      }
      hashes[static_cast<std::size_t>(row)] = hash;
    }
  });
  return hashes;
}

/// For every row, the first row with identical codes (itself when it is the first), given
/// the rows' hashes (any function of the row's codes; a poor hash only costs time).
template <class Derived>
std::vector<index> first_occurrences(const Eigen::DenseBase<Derived>& codes,
                                     const std::vector<std::uint64_t>& hashes, int n_threads = 0) {
  if (hashes.size() != static_cast<std::size_t>(codes.rows())) {
    throw shape_error("hashes has " + std::to_string(hashes.size()) + " entries but codes has " +
                      std::to_string(codes.rows()) + " rows");
  }
  std::vector<index> representative(hashes.size());
  const auto parts = detail::rows_by_partition(hashes);
  parallel_for_ranges(detail::n_partitions, n_threads, 1, [&](index begin, index end) {
    for (index p = begin; p < end; ++p) {
      const auto& rows = parts[static_cast<std::size_t>(p)];
      detail::row_table table;
      table.reserve(static_cast<index>(rows.size()));
      for (const index row : rows) {
        representative[static_cast<std::size_t>(row)] = table.find_or_insert(codes, hashes, row);
      }
    }
  });
  return representative;
}

/// Groups of at least two identical rows (exact duplicates), each a list of rows ascending,
/// the groups ordered by their first row. `hashes` as in first_occurrences().
template <class Derived>
std::vector<std::vector<index>> duplicate_groups(const Eigen::DenseBase<Derived>& codes,
                                                 const std::vector<std::uint64_t>& hashes,
                                                 int n_threads = 0) {
  return detail::groups_from_representatives(first_occurrences(codes, hashes, n_threads), 2);
}

/// Groups of at least two identical rows of a code table (hashes from hash_rows()).
template <class Derived>
std::vector<std::vector<index>> duplicate_groups(const Eigen::DenseBase<Derived>& codes,
                                                 int n_threads = 0) {
  return duplicate_groups(codes, hash_rows(codes, n_threads), n_threads);
}

/// Rows whose features are identical but whose labels are not all equal.
struct conflict_group {
  std::vector<index> rows;              ///< rows with identical features, ascending
  std::vector<std::uint64_t> labels;    ///< the distinct label codes among them, ascending
};

/// Groups of identical feature rows (`codes`) holding more than one label (`labels`, one
/// code per row), ordered by their first row.
template <class Derived>
std::vector<conflict_group> conflicting_labels(const Eigen::DenseBase<Derived>& codes,
                                               const std::vector<std::uint64_t>& labels,
                                               int n_threads = 0) {
  if (labels.size() != static_cast<std::size_t>(codes.rows())) {
    throw shape_error("labels has " + std::to_string(labels.size()) +
                      " entries but the features have " + std::to_string(codes.rows()) + " rows");
  }
  std::vector<conflict_group> out;
  for (auto& rows : duplicate_groups(codes, n_threads)) {
    std::vector<std::uint64_t> distinct;
    distinct.reserve(rows.size());
    for (const index row : rows) distinct.push_back(labels[static_cast<std::size_t>(row)]);
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (distinct.size() > 1) out.push_back(conflict_group{std::move(rows), std::move(distinct)});
  }
  return out;
}

/// Test rows whose features occur in the training set.
struct contamination_result {
  std::vector<index> test_rows;   ///< contaminated test rows, ascending
  std::vector<index> train_rows;  ///< for each, the first training row with the same codes
};

/// Rows of `test` that also occur (all codes equal) in `train`. The two tables must use the
/// same codes for the same values (factorize categorical columns over both together).
template <class DerivedTrain, class DerivedTest>
contamination_result find_contamination(const Eigen::DenseBase<DerivedTrain>& train,
                                        const Eigen::DenseBase<DerivedTest>& test,
                                        int n_threads = 0) {
  if (train.cols() != test.cols()) {
    throw shape_error("test has " + std::to_string(test.cols()) + " columns but train has " +
                      std::to_string(train.cols()));
  }
  const auto train_hashes = hash_rows(train, n_threads);
  const auto test_hashes = hash_rows(test, n_threads);
  const auto parts = detail::rows_by_partition(train_hashes);
  std::vector<detail::row_table> tables(static_cast<std::size_t>(detail::n_partitions));
  parallel_for_ranges(detail::n_partitions, n_threads, 1, [&](index begin, index end) {
    for (index p = begin; p < end; ++p) {
      auto& table = tables[static_cast<std::size_t>(p)];
      const auto& rows = parts[static_cast<std::size_t>(p)];
      table.reserve(static_cast<index>(rows.size()));
      for (const index row : rows) table.find_or_insert(train, train_hashes, row);
    }
  });
  std::vector<index> match(static_cast<std::size_t>(test.rows()), -1);
  parallel_for_ranges(test.rows(), n_threads, 4096, [&](index begin, index end) {
    for (index row = begin; row < end; ++row) {
      const std::uint64_t hash = test_hashes[static_cast<std::size_t>(row)];
      match[static_cast<std::size_t>(row)] =
          tables[static_cast<std::size_t>(detail::partition_of(hash))].find(train, train_hashes,
                                                                            test, row, hash);
    }
  });
  contamination_result out;
  for (std::size_t row = 0; row < match.size(); ++row) {
    if (match[row] >= 0) {
      out.test_rows.push_back(static_cast<index>(row));
      out.train_rows.push_back(match[row]);
    }
  }
  return out;
}

// ------------------------------------------------------------------------- column checks

/// The most frequent value of a column of codes.
struct column_frequency {
  std::uint64_t top_code = 0;  ///< the most frequent code (ties: the smallest code)
  index top_count = 0;         ///< its number of rows
  index n_distinct = 0;        ///< number of distinct codes
  double top_share = 0.0;      ///< top_count / number of rows
  bool near_constant = false;  ///< top_share >= threshold
};

/// Share of the most frequent value of every column (missing values are one value like any
/// other), columns in parallel. A column is near-constant when that share is >= threshold.
template <class Derived>
std::vector<column_frequency> column_frequencies(const Eigen::DenseBase<Derived>& codes,
                                                 double threshold, int n_threads = 0) {
  if (!(threshold > 0.0 && threshold <= 1.0)) {
    throw invalid_argument(detail::option_message("threshold", threshold, "in (0, 1]"));
  }
  if (codes.rows() < 1) throw shape_error("codes must have at least one row, got 0");
  std::vector<column_frequency> out(static_cast<std::size_t>(codes.cols()));
  parallel_for_ranges(codes.cols(), n_threads, 1, [&](index begin, index end) {
    std::vector<std::uint64_t> column(static_cast<std::size_t>(codes.rows()));
    for (index col = begin; col < end; ++col) {
      for (index row = 0; row < codes.rows(); ++row) {
        column[static_cast<std::size_t>(row)] = static_cast<std::uint64_t>(codes.coeff(row, col));
      }
      std::sort(column.begin(), column.end());
      column_frequency result;
      for (std::size_t i = 0; i < column.size();) {
        std::size_t j = i;
        while (j < column.size() && column[j] == column[i]) ++j;
        ++result.n_distinct;
        if (static_cast<index>(j - i) > result.top_count) {
          result.top_count = static_cast<index>(j - i);
          result.top_code = column[i];
        }
        i = j;
      }
      result.top_share = static_cast<double>(result.top_count) / static_cast<double>(codes.rows());
      result.near_constant = result.top_share >= threshold;
      out[static_cast<std::size_t>(col)] = result;
    }
  });
  return out;
}

/// How outliers are defined.
enum class outlier_method {
  robust_z,  ///< |x - median| / (1.4826 MAD) > threshold
  iqr,       ///< x < Q1 - threshold IQR or x > Q3 + threshold IQR (quartiles: linear method)
};

/// Outliers of one column.
struct column_outliers {
  index n_values = 0;       ///< finite values scored (NaN and infinities are not)
  double center = std::numeric_limits<double>::quiet_NaN();  ///< median (robust_z) or median
  double scale = std::numeric_limits<double>::quiet_NaN();   ///< 1.4826 MAD or Q3 - Q1
  double lower = std::numeric_limits<double>::quiet_NaN();   ///< values below are outliers
  double upper = std::numeric_limits<double>::quiet_NaN();   ///< values above are outliers
  std::vector<index> rows;  ///< outlying rows, ascending
};

namespace detail {

// Selection (std::nth_element, linear time) instead of a full sort: `values` is reordered.

// Median of `values` (mean of the two middle values when their number is even).
inline double select_median(std::vector<double>& values) {
  const std::size_t n = values.size();
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (n % 2 == 1) return *middle;
  const double below = *std::max_element(values.begin(), middle);
  return (below + *middle) / 2.0;
}

// Quantile of `values` by NumPy's 'linear' method (position (n - 1) q) and NumPy's lerp,
// which interpolates from the nearer end. Only [from, end) of `values` is searched, which
// must hold the order statistics from `from` on (as after an earlier nth_element).
inline double select_quantile(std::vector<double>& values, double q, std::size_t from = 0) {
  const std::size_t n = values.size();
  const double position = static_cast<double>(n - 1) * q;
  const double below = std::floor(position);
  const auto low = static_cast<std::size_t>(below);
  const auto low_it = values.begin() + static_cast<std::ptrdiff_t>(low);
  std::nth_element(values.begin() + static_cast<std::ptrdiff_t>(from), low_it, values.end());
  const double a = *low_it;
  const double b = low + 1 < n ? *std::min_element(low_it + 1, values.end()) : a;
  const double fraction = position - below;
  const double difference = b - a;
  return fraction >= 0.5 ? b - difference * (1.0 - fraction) : a + difference * fraction;
}

}  // namespace detail

/// Robust z-score (median/MAD) or IQR outliers of every column of `x`, columns in parallel.
/// Only finite values are scored. robust_z: scale = 1.4826 MAD, a value is an outlier when
/// |x - median| / scale > threshold (default 3.5); a column whose MAD is 0 has no outliers
/// (scale 0). iqr: bounds Q1 - threshold IQR and Q3 + threshold IQR (default 1.5), quartiles
/// as NumPy's default (linear) method; a value is an outlier when outside the bounds.
template <class Derived>
std::vector<column_outliers> find_outliers(const Eigen::MatrixBase<Derived>& x,
                                           outlier_method method, double threshold,
                                           int n_threads = 0) {
  if (!(threshold > 0.0) || !std::isfinite(threshold)) {
    throw invalid_argument(detail::option_message("threshold", threshold, "a finite number > 0"));
  }
  std::vector<column_outliers> out(static_cast<std::size_t>(x.cols()));
  parallel_for_ranges(x.cols(), n_threads, 1, [&](index begin, index end) {
    std::vector<double> values;
    values.reserve(static_cast<std::size_t>(x.rows()));
    for (index col = begin; col < end; ++col) {
      column_outliers result;
      values.clear();
      for (index row = 0; row < x.rows(); ++row) {
        const auto value = static_cast<double>(x.coeff(row, col));
        if (std::isfinite(value)) values.push_back(value);
      }
      result.n_values = static_cast<index>(values.size());
      if (!values.empty()) {
        if (method == outlier_method::robust_z) {
          const double median = detail::select_median(values);
          result.center = median;
          for (auto& value : values) value = std::abs(value - median);
          const double scale = 1.4826 * detail::select_median(values);
          result.scale = scale;
          if (scale > 0.0) {
            result.lower = median - threshold * scale;
            result.upper = median + threshold * scale;
            for (index row = 0; row < x.rows(); ++row) {
              const auto value = static_cast<double>(x.coeff(row, col));
              if (std::isfinite(value) && std::abs(value - median) / scale > threshold) {
                result.rows.push_back(row);
              }
            }
          }
        } else {
          const double q1 = detail::select_quantile(values, 0.25);
          const auto q1_rank = static_cast<std::size_t>(std::floor(static_cast<double>(values.size() - 1) * 0.25));
          const double q3 = detail::select_quantile(values, 0.75, q1_rank);
          result.center = detail::select_median(values);
          result.scale = q3 - q1;
          result.lower = q1 - threshold * result.scale;
          result.upper = q3 + threshold * result.scale;
          for (index row = 0; row < x.rows(); ++row) {
            const auto value = static_cast<double>(x.coeff(row, col));
            if (std::isfinite(value) && (value < result.lower || value > result.upper)) {
              result.rows.push_back(row);
            }
          }
        }
      }
      out[static_cast<std::size_t>(col)] = std::move(result);
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------- leakage

/// How well one feature alone predicts the label, out of sample.
struct leakage_result {
  double balanced_accuracy = 0.0;  ///< mean recall over the label's classes
  double accuracy = 0.0;           ///< share of rows predicted correctly
  bool flagged = false;            ///< balanced_accuracy >= threshold
};

/// Options of feature_leakage().
struct leakage_options {
  index n_folds = 5;        ///< row i is in fold i mod n_folds
  double threshold = 0.99;  ///< flag a feature whose balanced accuracy is >= threshold
  int n_threads = 0;
};

namespace detail {

inline index majority(const std::vector<index>& counts) {
  index best = 0;
  for (std::size_t c = 1; c < counts.size(); ++c) {
    if (counts[c] > counts[static_cast<std::size_t>(best)]) best = static_cast<index>(c);
  }
  return best;
}

// Out-of-fold predictions of one column. `order` holds the rows sorted by (key, class) where
// the key is the code (categorical) or the value (numeric).
inline void leakage_predictions(const std::vector<std::uint64_t>& codes, bool numeric,
                                const std::vector<index>& classes, index n_classes,
                                index n_folds, const std::vector<index>& fallback,
                                std::vector<index>& predicted) {
  const std::size_t n = codes.size();
  const auto fold_of = [&](index row) { return row % n_folds; };
  std::vector<index> order(n);
  std::iota(order.begin(), order.end(), index{0});
  const auto key_less = [&](index a, index b) {
    const std::uint64_t ca = codes[static_cast<std::size_t>(a)];
    const std::uint64_t cb = codes[static_cast<std::size_t>(b)];
    if (numeric) {
      const double va = decode_numeric(ca);
      const double vb = decode_numeric(cb);
      const bool na = std::isnan(va);
      const bool nb = std::isnan(vb);
      if (na != nb) return nb;  // NaN last
      if (!na && va != vb) return va < vb;
    } else if (ca != cb) {
      return ca < cb;
    }
    return false;
  };
  std::stable_sort(order.begin(), order.end(), key_less);
  const auto same_key = [&](index a, index b) { return !key_less(a, b) && !key_less(b, a); };
  // Distinct keys, in order: [start, end) in `order`, with per-fold class counts.
  struct key_group {
    std::size_t start, end;
    bool missing;
  };
  std::vector<key_group> groups;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && same_key(order[i], order[j])) ++j;
    const bool missing = numeric && std::isnan(decode_numeric(codes[static_cast<std::size_t>(order[i])]));
    groups.push_back(key_group{i, j, missing});
    i = j;
  }
  std::vector<index> counts(static_cast<std::size_t>(n_classes));
  for (index fold = 0; fold < n_folds; ++fold) {
    // Majority training label of every key group (-1 when the group has no training row).
    std::vector<index> group_label(groups.size(), -1);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      std::fill(counts.begin(), counts.end(), 0);
      bool any = false;
      for (std::size_t k = groups[g].start; k < groups[g].end; ++k) {
        const index row = order[k];
        if (fold_of(row) != fold) {
          ++counts[static_cast<std::size_t>(classes[static_cast<std::size_t>(row)])];
          any = true;
        }
      }
      if (any) group_label[g] = majority(counts);
    }
    if (!numeric) {
      for (std::size_t g = 0; g < groups.size(); ++g) {
        const index label = group_label[g] >= 0 ? group_label[g] : fallback[static_cast<std::size_t>(fold)];
        for (std::size_t k = groups[g].start; k < groups[g].end; ++k) {
          const index row = order[k];
          if (fold_of(row) == fold) predicted[static_cast<std::size_t>(row)] = label;
        }
      }
      continue;
    }
    // Numeric: the nearest training value (ties: the smaller value); NaN rows: the majority of
    // the training NaN rows.
    std::vector<std::size_t> training;  // groups with training rows, ascending value
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (!groups[g].missing && group_label[g] >= 0) training.push_back(g);
    }
    std::size_t next = 0;  // first training group with value >= current
    for (std::size_t g = 0; g < groups.size(); ++g) {
      index label = fallback[static_cast<std::size_t>(fold)];
      if (groups[g].missing) {
        if (group_label[g] >= 0) label = group_label[g];
      } else if (!training.empty()) {
        const double value = decode_numeric(codes[static_cast<std::size_t>(order[groups[g].start])]);
        while (next < training.size() &&
               decode_numeric(codes[static_cast<std::size_t>(order[groups[training[next]].start])]) < value) {
          ++next;
        }
        std::size_t chosen;
        if (next == training.size()) {
          chosen = training.back();
        } else if (next == 0) {
          chosen = training[0];
        } else {
          const double above = decode_numeric(codes[static_cast<std::size_t>(order[groups[training[next]].start])]);
          const double below = decode_numeric(codes[static_cast<std::size_t>(order[groups[training[next - 1]].start])]);
          chosen = (above - value < value - below) ? training[next] : training[next - 1];
        }
        label = group_label[chosen];
      }
      for (std::size_t k = groups[g].start; k < groups[g].end; ++k) {
        const index row = order[k];
        if (fold_of(row) == fold) predicted[static_cast<std::size_t>(row)] = label;
      }
    }
  }
}

}  // namespace detail

/// Single-feature leakage: for every column, the out-of-fold accuracy and balanced accuracy
/// of the best one-feature rule, K-fold with row i in fold i mod n_folds. Categorical columns
/// (`numeric[col]` false): value -> majority training label of that value (ties: smallest
/// class), a value absent from the training folds -> the training folds' majority label (so an
/// ID column predicts no better than chance). Numeric columns (codes from canonical_code()):
/// the majority label of the nearest training value (1-nearest-neighbour on the one feature;
/// equal distances go to the smaller value), NaN as its own value. Columns in parallel.
template <class Derived>
std::vector<leakage_result> feature_leakage(const Eigen::DenseBase<Derived>& codes,
                                            const std::vector<bool>& numeric,
                                            const std::vector<std::uint64_t>& labels,
                                            const leakage_options& options = {}) {
  const index n = codes.rows();
  if (static_cast<index>(numeric.size()) != codes.cols()) {
    throw shape_error("numeric has " + std::to_string(numeric.size()) + " entries but codes has " +
                      std::to_string(codes.cols()) + " columns");
  }
  if (static_cast<index>(labels.size()) != n) {
    throw shape_error("labels has " + std::to_string(labels.size()) +
                      " entries but the features have " + std::to_string(n) + " rows");
  }
  if (options.n_folds < 2) {
    throw invalid_argument("n_folds must be >= 2, got " + std::to_string(options.n_folds));
  }
  if (n < options.n_folds) {
    throw shape_error("feature_leakage needs at least n_folds = " + std::to_string(options.n_folds) +
                      " rows, got " + std::to_string(n));
  }
  if (!(options.threshold > 0.0 && options.threshold <= 1.0)) {
    throw invalid_argument(detail::option_message("threshold", options.threshold, "in (0, 1]"));
  }
  const auto [classes, n_classes] = detail::dense_classes(labels);
  std::vector<index> support(static_cast<std::size_t>(n_classes), 0);
  for (const index c : classes) ++support[static_cast<std::size_t>(c)];
  // Majority label of each fold's training rows.
  std::vector<index> fallback(static_cast<std::size_t>(options.n_folds));
  for (index fold = 0; fold < options.n_folds; ++fold) {
    std::vector<index> counts(support);
    for (index row = fold; row < n; row += options.n_folds) {
      --counts[static_cast<std::size_t>(classes[static_cast<std::size_t>(row)])];
    }
    fallback[static_cast<std::size_t>(fold)] = detail::majority(counts);
  }
  std::vector<leakage_result> out(static_cast<std::size_t>(codes.cols()));
  parallel_for_ranges(codes.cols(), options.n_threads, 1, [&](index begin, index end) {
    std::vector<std::uint64_t> column(static_cast<std::size_t>(n));
    std::vector<index> predicted(static_cast<std::size_t>(n));
    std::vector<index> correct(static_cast<std::size_t>(n_classes));
    for (index col = begin; col < end; ++col) {
      for (index row = 0; row < n; ++row) {
        column[static_cast<std::size_t>(row)] = static_cast<std::uint64_t>(codes.coeff(row, col));
      }
      detail::leakage_predictions(column, numeric[static_cast<std::size_t>(col)], classes, n_classes,
                                  options.n_folds, fallback, predicted);
      std::fill(correct.begin(), correct.end(), 0);
      index total = 0;
      for (index row = 0; row < n; ++row) {
        const index c = classes[static_cast<std::size_t>(row)];
        if (predicted[static_cast<std::size_t>(row)] == c) {
          ++correct[static_cast<std::size_t>(c)];
          ++total;
        }
      }
      double recall_sum = 0.0;
      for (index c = 0; c < n_classes; ++c) {
        recall_sum += static_cast<double>(correct[static_cast<std::size_t>(c)]) /
                      static_cast<double>(support[static_cast<std::size_t>(c)]);
      }
      leakage_result result;
      result.balanced_accuracy = recall_sum / static_cast<double>(n_classes);
      result.accuracy = static_cast<double>(total) / static_cast<double>(n);
      result.flagged = result.balanced_accuracy >= options.threshold;
      out[static_cast<std::size_t>(col)] = result;
    }
  });
  return out;
}

// ----------------------------------------------------------------------- confident learning

/// Which examples find_label_issues() flags (cleanlab's filter_by).
enum class label_filter {
  prune_by_noise_rate,  ///< per (given k, true j): the n_kj examples with largest p_j - p_k
  prune_by_class,       ///< per given class k: the examples with the smallest p_k
  both,                 ///< flagged by both of the above
  confident_learning,   ///< the off-diagonal examples of the confident joint
  predicted_neq_given,  ///< argmax of the predicted probabilities != given label
};

/// Options of find_label_issues().
struct label_issue_options {
  label_filter filter_by = label_filter::prune_by_noise_rate;
  index min_examples_per_class = 1;  ///< keep at least this many examples of every class
  int n_threads = 0;
};

/// The confident joint and the examples on its off-diagonal.
struct confident_joint_result {
  count_matrix joint;               ///< joint(given k, true j), K x K
  std::vector<double> thresholds;   ///< per-class thresholds t_j
  std::vector<index> off_diagonal;  ///< examples counted with true j != given k, ascending
};

/// Result of find_label_issues().
struct label_issues_result {
  std::vector<bool> is_issue;                 ///< one flag per example
  std::vector<index> ranked;                  ///< flagged examples by self-confidence, ascending
  count_matrix confident_joint;               ///< the (calibrated) confident joint used
};

namespace detail {

template <class Derived, class Labels>
void check_label_inputs(const std::vector<Labels>& labels, const Eigen::MatrixBase<Derived>& pred_probs) {
  if (pred_probs.cols() < 2) {
    throw shape_error("pred_probs must have at least 2 columns (classes), got " +
                      std::to_string(pred_probs.cols()));
  }
  if (pred_probs.rows() < 1) throw shape_error("pred_probs must have at least one row, got 0");
  if (static_cast<index>(labels.size()) != pred_probs.rows()) {
    throw shape_error("labels has " + std::to_string(labels.size()) + " entries but pred_probs has " +
                      std::to_string(pred_probs.rows()) + " rows");
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (static_cast<long long>(labels[i]) < 0 || static_cast<long long>(labels[i]) >= static_cast<long long>(pred_probs.cols())) {
      throw invalid_argument("labels must be in [0, " + std::to_string(pred_probs.cols()) +
                             ") (one column of pred_probs per class), got " +
                             std::to_string(static_cast<long long>(labels[i])) + " at index " + std::to_string(i));
    }
  }
  for (index col = 0; col < pred_probs.cols(); ++col) {
    for (index row = 0; row < pred_probs.rows(); ++row) {
      const auto p = static_cast<double>(pred_probs.coeff(row, col));
      if (!(p >= 0.0 && p <= 1.0)) {
        std::ostringstream message;
        message << "pred_probs must hold probabilities in [0, 1], got " << p << " at row " << row
                << ", column " << col;
        throw invalid_argument(message.str());
      }
    }
  }
}

template <class Derived>
index row_argmax(const Eigen::MatrixBase<Derived>& p, index row) {
  index best = 0;
  for (index col = 1; col < p.cols(); ++col) {
    if (p.coeff(row, col) > p.coeff(row, best)) best = col;
  }
  return best;
}

template <class Labels>
std::vector<index> label_counts(const std::vector<Labels>& labels, index n_classes) {
  std::vector<index> counts(static_cast<std::size_t>(n_classes), 0);
  for (const auto label : labels) ++counts[static_cast<std::size_t>(label)];
  return counts;
}

// Rounds each row of `values` (K x K, row-major vector) preserving row totals.
inline count_matrix round_rows(const std::vector<double>& values, index k) {
  count_matrix out(k, k);
  std::vector<double> row(static_cast<std::size_t>(k));
  for (index i = 0; i < k; ++i) {
    for (index j = 0; j < k; ++j) row[static_cast<std::size_t>(j)] = values[static_cast<std::size_t>(i * k + j)];
    const auto rounded = round_preserving_sum(row);
    for (index j = 0; j < k; ++j) out(i, j) = rounded[static_cast<std::size_t>(j)];
  }
  return out;
}

}  // namespace detail

/// Calibrates a confident joint so that row k sums to the number of examples labelled k and
/// the whole matrix to the number of examples (Northcutt et al. 2021, eq. 3): each row is
/// scaled to its label count, the matrix to the total, then every row is rounded to integers
/// preserving its total (round_preserving_sum).
inline count_matrix calibrate_confident_joint(const count_matrix& joint,
                                              const std::vector<index>& label_counts) {
  const index k = joint.rows();
  if (joint.cols() != k || static_cast<index>(label_counts.size()) != k) {
    throw shape_error("the confident joint must be K x K with K label counts, got " +
                      std::to_string(joint.rows()) + " x " + std::to_string(joint.cols()) +
                      " and " + std::to_string(label_counts.size()) + " counts");
  }
  std::vector<double> scaled(static_cast<std::size_t>(k * k));  // row-major
  index n_total = 0;
  for (index i = 0; i < k; ++i) {
    const double row_sum = std::max(static_cast<double>(joint.row(i).sum()), 1e-5);
    n_total += label_counts[static_cast<std::size_t>(i)];
    for (index j = 0; j < k; ++j) {
      scaled[static_cast<std::size_t>(i * k + j)] =
          static_cast<double>(joint(i, j)) / row_sum * static_cast<double>(label_counts[static_cast<std::size_t>(i)]);
    }
  }
  // The total is summed column by column (the order in which NumPy sums cleanlab's
  // column-major intermediate), so that values that land on .5 round as cleanlab's do.
  std::vector<double> by_column(static_cast<std::size_t>(k * k));
  for (index j = 0; j < k; ++j) {
    for (index i = 0; i < k; ++i) by_column[static_cast<std::size_t>(j * k + i)] = scaled[static_cast<std::size_t>(i * k + j)];
  }
  const double total = std::max(detail::numpy_pairwise_sum(by_column.data(), by_column.size(), 1), 1e-5);
  for (auto& value : scaled) value = value / total * static_cast<double>(n_total);
  return detail::round_rows(scaled, k);
}

/// Per-class thresholds: t_j = mean predicted probability of class j over the examples
/// labelled j (a class with no example gets a threshold no probability reaches).
template <class Derived, class Labels>
std::vector<double> confident_thresholds(const std::vector<Labels>& labels,
                                         const Eigen::MatrixBase<Derived>& pred_probs) {
  detail::check_label_inputs(labels, pred_probs);
  const index k = pred_probs.cols();
  std::vector<double> sum(static_cast<std::size_t>(k), 0.0);
  std::vector<index> count(static_cast<std::size_t>(k), 0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto label = static_cast<index>(labels[i]);
    sum[static_cast<std::size_t>(label)] += static_cast<double>(pred_probs.coeff(static_cast<index>(i), label));
    ++count[static_cast<std::size_t>(label)];
  }
  std::vector<double> thresholds(static_cast<std::size_t>(k));
  for (index j = 0; j < k; ++j) {
    thresholds[static_cast<std::size_t>(j)] =
        count[static_cast<std::size_t>(j)] > 0 ? sum[static_cast<std::size_t>(j)] / static_cast<double>(count[static_cast<std::size_t>(j)]) : 1e10;
  }
  return thresholds;
}

/// The confident joint C(given k, true j) (Northcutt et al. 2021, eq. 1-2): an example with
/// given label k counts towards true class j when p_j >= t_j (less a 1e-6 slack); with more
/// than one such class, j is the argmax of its predicted probabilities. Diagonal entries are
/// at least 1. Calibrated when `calibrate` is true.
template <class Derived, class Labels>
confident_joint_result confident_joint(const std::vector<Labels>& labels,
                                       const Eigen::MatrixBase<Derived>& pred_probs,
                                       bool calibrate = true) {
  const auto thresholds = confident_thresholds(labels, pred_probs);
  const index k = pred_probs.cols();
  confident_joint_result out;
  out.joint = count_matrix::Zero(k, k);
  for (index row = 0; row < pred_probs.rows(); ++row) {
    index n_confident = 0;
    index first_confident = -1;
    for (index j = 0; j < k; ++j) {
      if (static_cast<double>(pred_probs.coeff(row, j)) >= thresholds[static_cast<std::size_t>(j)] - 1e-6) {
        if (n_confident == 0) first_confident = j;
        ++n_confident;
      }
    }
    if (n_confident == 0) continue;
    const index true_class = n_confident > 1 ? detail::row_argmax(pred_probs, row) : first_confident;
    const auto given = static_cast<index>(labels[static_cast<std::size_t>(row)]);
    ++out.joint(given, true_class);
    if (true_class != given) out.off_diagonal.push_back(row);
  }
  for (index j = 0; j < k; ++j) out.joint(j, j) = std::max<std::int64_t>(out.joint(j, j), 1);
  if (calibrate) out.joint = calibrate_confident_joint(out.joint, detail::label_counts(labels, k));
  out.thresholds = thresholds;
  return out;
}

/// Label issues by confident learning, as cleanlab 2.9's cleanlab.filter.find_label_issues
/// defines them for the same out-of-sample predicted probabilities. `labels` are class indices
/// in [0, K) (K = pred_probs.cols()). `given_joint` replaces the calibrated confident joint
/// (cleanlab's confident_joint argument; ignored by confident_learning, which needs the
/// off-diagonal examples). Ties (equal probabilities or margins) are broken by example index,
/// where cleanlab's order depends on NumPy's unstable sort.
template <class Derived, class Labels>
label_issues_result find_label_issues(const std::vector<Labels>& labels,
                                      const Eigen::MatrixBase<Derived>& pred_probs,
                                      const label_issue_options& options = {},
                                      const count_matrix* given_joint = nullptr) {
  detail::check_label_inputs(labels, pred_probs);
  if (options.min_examples_per_class < 0) {
    throw invalid_argument("min_examples_per_class must be >= 0, got " +
                           std::to_string(options.min_examples_per_class));
  }
  const index n = pred_probs.rows();
  const index k = pred_probs.cols();
  if (given_joint != nullptr && (given_joint->rows() != k || given_joint->cols() != k)) {
    throw shape_error("confident_joint must be " + std::to_string(k) + " x " + std::to_string(k) +
                      " (classes x classes), got " + std::to_string(given_joint->rows()) + " x " +
                      std::to_string(given_joint->cols()));
  }
  label_issues_result out;
  out.is_issue.assign(static_cast<std::size_t>(n), false);
  std::vector<char> flagged(static_cast<std::size_t>(n), 0);
  const bool need_joint = options.filter_by != label_filter::predicted_neq_given;
  confident_joint_result computed;
  if (need_joint && (given_joint == nullptr || options.filter_by == label_filter::confident_learning)) {
    computed = confident_joint(labels, pred_probs, true);
  }
  const count_matrix& joint =
      (given_joint != nullptr && options.filter_by != label_filter::confident_learning) ? *given_joint
                                                                                       : computed.joint;
  if (need_joint) out.confident_joint = joint;

  if (options.filter_by == label_filter::confident_learning) {
    for (const index row : computed.off_diagonal) flagged[static_cast<std::size_t>(row)] = 1;
  } else if (options.filter_by != label_filter::predicted_neq_given) {
    const auto counts = detail::label_counts(labels, k);
    // prune[j][k]: examples to remove with true class j among those labelled k, from the
    // transposed joint with at least min_examples_per_class kept on the diagonal: raising a
    // diagonal entry lowers the non-zero off-diagonal entries of its column equally.
    const count_matrix transposed = joint.transpose();
    std::vector<double> adjusted(static_cast<std::size_t>(k * k));
    for (index col = 0; col < k; ++col) {
      const double diagonal = static_cast<double>(transposed(col, col));
      const double raised = std::max(diagonal, static_cast<double>(options.min_examples_per_class));
      index nonzero = 0;
      for (index row = 0; row < k; ++row) nonzero += transposed(row, col) != 0;
      const double per_entry = (raised - diagonal) / std::max(static_cast<double>(nonzero) - 1.0, 1.0);
      for (index row = 0; row < k; ++row) {
        double value = row == col ? raised : static_cast<double>(transposed(row, col)) - per_entry;
        if (value < 0) value = 0;
        adjusted[static_cast<std::size_t>(row * k + col)] = value;
      }
    }
    const count_matrix prune = detail::round_rows(adjusted, k);
    const bool by_class = options.filter_by != label_filter::prune_by_noise_rate;
    const bool by_noise = options.filter_by != label_filter::prune_by_class;
    std::vector<std::vector<index>> rows_of(static_cast<std::size_t>(k));
    for (index row = 0; row < n; ++row) rows_of[static_cast<std::size_t>(labels[static_cast<std::size_t>(row)])].push_back(row);
    parallel_for_ranges(k, options.n_threads, 1, [&](index begin, index end) {
      std::vector<index> order;
      std::vector<double> score;
      for (index given = begin; given < end; ++given) {
        if (counts[static_cast<std::size_t>(given)] <= options.min_examples_per_class) continue;
        const auto& rows = rows_of[static_cast<std::size_t>(given)];
        const auto size = static_cast<std::int64_t>(rows.size());
        std::vector<char> class_mask(rows.size(), 0);
        std::vector<char> noise_mask(rows.size(), 0);
        score.resize(rows.size());
        order.resize(rows.size());
        // Marks the `how_many` lowest scores (ties: lowest index), by selection in linear
        // time: (score, index) is a strict total order, so the selected set is unique.
        const auto select = [&](std::int64_t how_many, std::vector<char>& mask) {
          const std::int64_t count = std::min(how_many, size);
          if (count <= 0) return;
          std::iota(order.begin(), order.end(), index{0});
          const auto before = [&](index a, index b) {
            const double sa = score[static_cast<std::size_t>(a)];
            const double sb = score[static_cast<std::size_t>(b)];
            return sa < sb || (sa == sb && a < b);
          };
          if (count < size) {
            std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count - 1),
                             order.end(), before);
          }
          for (std::int64_t m = 0; m < count; ++m) mask[static_cast<std::size_t>(order[static_cast<std::size_t>(m)])] = 1;
        };
        if (by_class) {
          const std::int64_t how_many = counts[static_cast<std::size_t>(given)] - prune(given, given);
          if (how_many > 0) {
            for (std::size_t m = 0; m < rows.size(); ++m) score[m] = static_cast<double>(pred_probs.coeff(rows[m], given));
            select(how_many, class_mask);
          }
        }
        if (by_noise) {
          for (index true_class = 0; true_class < k; ++true_class) {
            const std::int64_t how_many = prune(true_class, given);
            if (true_class == given || how_many <= 0) continue;
            // Largest margin p_true - p_given first.
            for (std::size_t m = 0; m < rows.size(); ++m) {
              score[m] = -(static_cast<double>(pred_probs.coeff(rows[m], true_class)) -
                           static_cast<double>(pred_probs.coeff(rows[m], given)));
            }
            select(how_many, noise_mask);
          }
        }
        for (std::size_t m = 0; m < rows.size(); ++m) {
          const bool hit = (by_class && by_noise) ? (class_mask[m] && noise_mask[m])
                                                  : (by_class ? class_mask[m] : noise_mask[m]);
          if (hit) flagged[static_cast<std::size_t>(rows[m])] = 1;
        }
      }
    });
  }
  // An example whose given label is the model's prediction is never an issue.
  for (index row = 0; row < n; ++row) {
    const bool predicted_other = detail::row_argmax(pred_probs, row) != static_cast<index>(labels[static_cast<std::size_t>(row)]);
    if (options.filter_by == label_filter::predicted_neq_given) {
      out.is_issue[static_cast<std::size_t>(row)] = predicted_other;
    } else {
      out.is_issue[static_cast<std::size_t>(row)] = flagged[static_cast<std::size_t>(row)] && predicted_other;
    }
    if (out.is_issue[static_cast<std::size_t>(row)]) out.ranked.push_back(row);
  }
  std::stable_sort(out.ranked.begin(), out.ranked.end(), [&](index a, index b) {
    return pred_probs.coeff(a, static_cast<index>(labels[static_cast<std::size_t>(a)])) <
           pred_probs.coeff(b, static_cast<index>(labels[static_cast<std::size_t>(b)]));
  });
  return out;
}

}  // namespace shiftguard::validate
