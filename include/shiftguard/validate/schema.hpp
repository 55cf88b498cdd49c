#pragma once

// Schemas of tables: what each column may hold (type, missing values, range, NaN and
// infinities, categorical domain, uniqueness) and how many rows a table needs. A schema is
// inferred from a reference table (infer_schema), edited by hand, saved as JSON and used to
// validate new tables (validate), which returns the anomalies found, each with the column,
// the kind, a severity, a message and the first offending row indices.
//
// The numeric checks run here, on a samples x features matrix (or on a list of column views),
// one column per task in parallel (oneTBB); the anomalies come back in a fixed order (table
// checks, then the schema's columns in order and per column a fixed order of kinds, then the
// unexpected columns), whatever the thread count. Checks that need the values themselves as
// strings (categorical domains of string columns) live in the Python layer.
//
// In the numeric view a missing value is a NaN (as in pandas). Datetimes are seconds since
// the Unix epoch (UTC), booleans 0 and 1.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iomanip>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/json.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/rng.hpp"
#include "shiftguard/core/types.hpp"

namespace shiftguard::validate {

/// The logical type of a column.
enum class column_type { floating, integer, boolean, string, categorical, datetime };

/// "float", "integer", "boolean", "string", "categorical" or "datetime".
inline const char* to_string(column_type type) {
  switch (type) {
    case column_type::floating: return "float";
    case column_type::integer: return "integer";
    case column_type::boolean: return "boolean";
    case column_type::string: return "string";
    case column_type::categorical: return "categorical";
    case column_type::datetime: return "datetime";
  }
  return "float";  // unreachable
}

/// Inverse of to_string; invalid_argument naming the value and the allowed names otherwise.
inline column_type column_type_from_string(std::string_view name) {
  static const std::pair<const char*, column_type> names[] = {
      {"float", column_type::floating},   {"integer", column_type::integer},
      {"boolean", column_type::boolean},  {"string", column_type::string},
      {"categorical", column_type::categorical}, {"datetime", column_type::datetime}};
  for (const auto& [text, type] : names) {
    if (name == text) return type;
  }
  throw invalid_argument("column type must be one of 'float', 'integer', 'boolean', 'string', "
                         "'categorical', 'datetime', got '" + std::string(name) + "'");
}

/// True for the types whose values the numeric view holds (float, integer, boolean, datetime).
inline bool is_numeric(column_type type) {
  return type == column_type::floating || type == column_type::integer ||
         type == column_type::boolean || type == column_type::datetime;
}

/// What one column may hold.
struct column_schema {
  std::string name;
  column_type type = column_type::floating;
  /// Missing values (NaN in the numeric view; None, NA, NaT in Python) allowed at all.
  bool nullable = true;
  /// Largest fraction of missing values expected, in [0, 1]; more gives a warning.
  double max_missing_fraction = 1.0;
  /// Closed bounds on the finite values; none when absent.
  std::optional<double> minimum;
  std::optional<double> maximum;
  /// NaN allowed in a float column (a NaN is also a missing value: it needs nullable too).
  bool allow_nan = true;
  /// +-infinity allowed (float columns).
  bool allow_infinite = false;
  /// A column whose non-missing values are all equal is expected (else a warning).
  bool allow_constant = true;
  /// The allowed values of a categorical or string column, compared as strings; none = any.
  std::optional<std::set<std::string>> domain;
  /// Every non-missing value differs from every other.
  bool unique = false;
};

/// What a table may hold.
struct table_schema {
  std::vector<column_schema> columns;
  /// Fewer rows is an error (too_few_rows).
  std::int64_t min_rows = 1;
  /// Columns that the schema does not name are allowed (else unexpected_column errors).
  bool allow_extra_columns = false;

  /// Position of the column called `name`, or -1.
  index find(std::string_view name) const {
    for (std::size_t k = 0; k < columns.size(); ++k) {
      if (columns[k].name == name) return static_cast<index>(k);
    }
    return -1;
  }
};

enum class severity { error, warning, info };

inline const char* to_string(severity level) {
  switch (level) {
    case severity::error: return "error";
    case severity::warning: return "warning";
    case severity::info: return "info";
  }
  return "error";  // unreachable
}

/// One finding. `column` is empty for findings about the whole table (too_few_rows).
struct anomaly {
  std::string column;
  std::string kind;
  validate::severity severity = severity::error;
  std::string message;
  /// The first few offending row indices (at most validate_options::max_examples), ascending.
  std::vector<index> rows;
  /// How many rows offend in total; 0 for findings that are not about rows.
  std::uint64_t count = 0;
};

/// The anomaly kinds, in the order they are reported for one column. The Python layer adds
/// unseen_category (string domains) in the same order.
inline const std::vector<std::string>& anomaly_kinds() {
  static const std::vector<std::string> kinds = {
      "too_few_rows", "missing_column", "type_mismatch", "not_nullable", "nan",
      "missing_fraction", "infinite", "out_of_range", "unseen_category", "constant_column",
      "not_unique", "unexpected_column"};
  return kinds;
}

struct infer_options {
  /// Widen the inferred numeric range by this fraction of its width on each side
  /// (0 = the reference's exact minimum and maximum), and allow this much more missing:
  /// max_missing_fraction = min(1, observed * (1 + margin)).
  double margin = 0.0;
  /// The type of each column (empty: every column float).
  std::vector<column_type> types;
  /// Infer `unique` for integer columns whose values are all distinct.
  bool infer_unique = true;
  /// Threads (0 = all cores).
  int n_threads = 0;
};

struct validate_options {
  /// Row indices kept per anomaly.
  std::size_t max_examples = 5;
  /// Threads (0 = all cores).
  int n_threads = 0;
};

namespace detail {

inline std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::ostringstream out;
  out << std::setprecision(10) << value;
  return out.str();
}

inline std::string quote_name(std::string_view text) { return "'" + std::string(text) + "'"; }

inline std::string plural(std::uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// Collects offending rows: the first `max_examples` and the total count.
struct row_collector {
  std::size_t max_examples;
  std::vector<index> rows;
  std::uint64_t count = 0;
  explicit row_collector(std::size_t max) : max_examples(max) {}
  void add(index row) {
    if (rows.size() < max_examples) rows.push_back(row);
    ++count;
  }
};

// Rows whose key equals the key of an earlier row, in row order, by open-addressing hashing
// of the exact 64-bit keys (no false positives). key_at(row, key) returns false to skip a row.
template <class KeyAt>
row_collector duplicate_rows(index n, std::size_t max_examples, KeyAt&& key_at) {
  row_collector found(max_examples);
  std::size_t capacity = 16;
  while (capacity < 2 * static_cast<std::size_t>(n)) capacity *= 2;
  const std::size_t mask = capacity - 1;
  std::vector<std::uint64_t> keys(capacity);
  std::vector<std::uint8_t> used(capacity, 0);
  std::uint64_t key = 0;
  for (index row = 0; row < n; ++row) {
    if (!key_at(row, key)) continue;
    std::size_t slot = static_cast<std::size_t>(shiftguard::mix64(key)) & mask;
    while (used[slot] && keys[slot] != key) slot = (slot + 1) & mask;
    if (used[slot]) {
      found.add(row);
    } else {
      used[slot] = 1;
      keys[slot] = key;
    }
  }
  return found;
}

// A column of the numeric view: pointer, length and stride (in elements).
template <class Scalar>
struct column_ref {
  const Scalar* data = nullptr;
  index size = 0;
  index stride = 1;
  Scalar operator[](index row) const { return data[row * stride]; }
};

inline void check_schema(const table_schema& schema) {
  if (schema.min_rows < 0) {
    throw invalid_argument("schema min_rows must be >= 0, got " + std::to_string(schema.min_rows));
  }
  std::set<std::string_view> seen;
  for (const auto& column : schema.columns) {
    const std::string where = "schema column " + quote_name(column.name);
    if (!seen.insert(column.name).second) {
      throw invalid_argument("schema has the column " + quote_name(column.name) + " twice");
    }
    if (!(column.max_missing_fraction >= 0.0 && column.max_missing_fraction <= 1.0)) {
      throw invalid_argument(where + ": max_missing_fraction must be in [0, 1], got " +
                             format_number(column.max_missing_fraction));
    }
    if (column.minimum && std::isnan(*column.minimum)) {
      throw invalid_argument(where + ": minimum must be a number, got NaN");
    }
    if (column.maximum && std::isnan(*column.maximum)) {
      throw invalid_argument(where + ": maximum must be a number, got NaN");
    }
    if (column.minimum && column.maximum && *column.minimum > *column.maximum) {
      throw invalid_argument(where + ": minimum " + format_number(*column.minimum) +
                             " is greater than maximum " + format_number(*column.maximum));
    }
  }
}

inline void check_names(const std::vector<std::string>& names, index n_columns,
                        const char* argument) {
  if (static_cast<index>(names.size()) != n_columns) {
    throw shape_error(std::string("names has ") + std::to_string(names.size()) + " names but " +
                      argument + " has " + std::to_string(n_columns) + " columns");
  }
  std::map<std::string_view, int> counts;
  for (const auto& name : names) ++counts[name];
  std::string duplicated;
  for (const auto& [name, count] : counts) {
    if (count > 1) duplicated += (duplicated.empty() ? "" : ", ") + quote_name(name);
  }
  if (!duplicated.empty()) {
    throw invalid_argument("names must be distinct; duplicated column names: " + duplicated);
  }
}

// Counts of one column's findings, from one branch-free pass (vectorisable for contiguous
// columns). Missing = NaN; outside counts finite values beyond [low, high]; different counts
// non-missing values unlike `first`; mismatch counts values of the wrong kind (non-integers
// when Integral, values other than 0 and 1 when Boolean).
struct column_counts {
  std::uint64_t missing = 0, infinite = 0, outside = 0, different = 0, mismatch = 0;
};

template <bool Integral, bool Boolean, class Scalar>
column_counts count_column(const Scalar* data, index n, index stride, double low, double high,
                           double first) {
  // Local accumulators and a fixed stride per loop, so the compiler keeps them in registers
  // and can vectorise the contiguous case.
  const double infinity = std::numeric_limits<double>::infinity();
  std::uint64_t missing = 0, infinite = 0, outside = 0, different = 0, mismatch = 0;
  const auto run = [&](auto step) {
    for (index row = 0; row < n; ++row) {
      const double x = static_cast<double>(data[row * step]);
      const bool is_missing = x != x;
      const bool is_infinite = std::fabs(x) == infinity;
      missing += is_missing;
      infinite += is_infinite;
      outside += ((x < low) | (x > high)) & !is_infinite;
      different += (x != first) & !is_missing;
      if constexpr (Integral) mismatch += !is_missing & !is_infinite & (x != std::floor(x));
      if constexpr (Boolean) mismatch += !is_missing & (x != 0.0) & (x != 1.0);
    }
  };
  if (stride == 1) {
    run(std::integral_constant<index, 1>());
  } else {
    run(stride);
  }
  column_counts counts;
  counts.missing = missing;
  counts.infinite = infinite;
  counts.outside = outside;
  counts.different = different;
  counts.mismatch = mismatch;
  return counts;
}

// not_unique: rows repeating an earlier non-missing value (-0 == 0), by hashing the bits.
template <class Scalar>
void check_unique(const column_schema& column, const column_ref<Scalar>& values,
                  const validate_options& options, std::vector<anomaly>& out) {
  auto duplicates =
      duplicate_rows(values.size, options.max_examples, [&](index row, std::uint64_t& key) {
        double x = static_cast<double>(values[row]);
        if (std::isnan(x)) return false;
        if (x == 0.0) x = 0.0;
        std::memcpy(&key, &x, sizeof key);
        return true;
      });
  if (duplicates.count > 0) {
    out.push_back(anomaly{column.name, "not_unique", severity::error,
                          plural(duplicates.count, "value") +
                              " repeat an earlier value in a column that must be unique",
                          std::move(duplicates.rows), duplicates.count});
  }
}

// The checks of one present column of the numeric view, appended to `out` in kind order.
template <class Scalar>
void check_column(const column_schema& column, const column_ref<Scalar>& values,
                  const validate_options& options, std::vector<anomaly>& out) {
  const index n = values.size;
  // Fast path: count first; collect rows (a second, slower pass) only when some anomaly that
  // lists rows will be reported.
  {
    const double infinity = std::numeric_limits<double>::infinity();
    double first = std::numeric_limits<double>::quiet_NaN();
    for (index row = 0; row < n; ++row) {
      const double x = static_cast<double>(values[row]);
      if (!std::isnan(x)) {
        first = x;
        break;
      }
    }
    const double low = column.minimum ? *column.minimum : -infinity;
    const double high = column.maximum ? *column.maximum : infinity;
    column_counts counts;
    if (column.type == column_type::integer) {
      counts = count_column<true, false>(values.data, n, values.stride, low, high, first);
    } else if (column.type == column_type::boolean) {
      counts = count_column<false, true>(values.data, n, values.stride, low, high, first);
    } else {
      counts = count_column<false, false>(values.data, n, values.stride, low, high, first);
    }
    const bool float_column = column.type == column_type::floating;
    const bool missing_reported =
        counts.missing > 0 &&
        ((float_column && (!column.allow_nan || !column.nullable)) ||
         (!float_column && !column.nullable) ||
         static_cast<double>(counts.missing) > column.max_missing_fraction * static_cast<double>(n));
    const bool rows_needed = missing_reported || (counts.infinite > 0 && !column.allow_infinite) ||
                             counts.outside > 0 || counts.mismatch > 0;
    if (!rows_needed) {
      const std::uint64_t n_present = static_cast<std::uint64_t>(n) - counts.missing;
      if (counts.different == 0 && n_present >= 2 && !column.allow_constant) {
        out.push_back(anomaly{column.name, "constant_column", severity::warning,
                              "all " + std::to_string(n_present) +
                                  " non-missing values equal " + format_number(first),
                              {}, 0});
      }
      if (column.unique && n_present >= 2) check_unique(column, values, options, out);
      return;
    }
  }
  row_collector missing(options.max_examples), infinite(options.max_examples),
      below(options.max_examples), above(options.max_examples),
      mismatch(options.max_examples);
  double lowest = std::numeric_limits<double>::infinity();
  double highest = -std::numeric_limits<double>::infinity();
  double first_value = std::numeric_limits<double>::quiet_NaN();
  bool constant = true;
  std::uint64_t n_present = 0;
  const bool check_integral = column.type == column_type::integer;
  const bool check_boolean = column.type == column_type::boolean;
  for (index row = 0; row < n; ++row) {
    const double x = static_cast<double>(values[row]);
    if (std::isnan(x)) {
      missing.add(row);
      continue;
    }
    ++n_present;
    if (n_present == 1) {
      first_value = x;
    } else if (x != first_value) {
      constant = false;
    }
    if (std::isinf(x)) {
      infinite.add(row);
      continue;
    }
    if (check_integral && x != std::floor(x)) mismatch.add(row);
    if (check_boolean && x != 0.0 && x != 1.0) mismatch.add(row);
    if (column.minimum && x < *column.minimum) {
      below.add(row);
      lowest = std::min(lowest, x);
    }
    if (column.maximum && x > *column.maximum) {
      above.add(row);
      highest = std::max(highest, x);
    }
  }
  const auto emit = [&](const char* kind, severity level, std::string message,
                        row_collector rows) {
    out.push_back(anomaly{column.name, kind, level, std::move(message), std::move(rows.rows),
                          rows.count});
  };
  if (mismatch.count > 0) {
    emit("type_mismatch", severity::error,
         plural(mismatch.count, "value") + " of the " + to_string(column.type) + " column " +
             (check_integral ? "are not integers" : "are neither 0 nor 1 (false/true)"),
         std::move(mismatch));
  }
  const bool float_like = column.type == column_type::floating;
  if (missing.count > 0) {
    if (float_like && (!column.allow_nan || !column.nullable)) {
      emit("nan", severity::error,
           plural(missing.count, "NaN value") + " (missing) where the schema allows none",
           missing);
    } else if (!float_like && !column.nullable) {
      emit("not_nullable", severity::error,
           plural(missing.count, "missing value") + " in a column that is not nullable",
           missing);
    } else if (n > 0) {
      const double fraction = static_cast<double>(missing.count) / static_cast<double>(n);
      if (fraction > column.max_missing_fraction) {
        std::ostringstream message;
        message << std::setprecision(4) << 100.0 * fraction << "% missing ("
                << missing.count << " of " << n << " rows), expected at most "
                << 100.0 * column.max_missing_fraction << "%";
        emit("missing_fraction", severity::warning, message.str(), missing);
      }
    }
  }
  if (infinite.count > 0 && !column.allow_infinite) {
    emit("infinite", severity::error,
         plural(infinite.count, "infinite value") + " where the schema allows none", infinite);
  }
  if (below.count > 0 || above.count > 0) {
    std::string message;
    if (below.count > 0) {
      message = plural(below.count, "value") + " below the minimum " +
                format_number(*column.minimum) + " (smallest " + format_number(lowest) + ")";
    }
    if (above.count > 0) {
      if (!message.empty()) message += "; ";
      message += plural(above.count, "value") + " above the maximum " +
                 format_number(*column.maximum) + " (largest " + format_number(highest) + ")";
    }
    // Rows of both sides, ascending, the first max_examples of them.
    std::vector<index> rows;
    std::merge(below.rows.begin(), below.rows.end(), above.rows.begin(), above.rows.end(),
               std::back_inserter(rows));
    if (rows.size() > options.max_examples) rows.resize(options.max_examples);
    out.push_back(anomaly{column.name, "out_of_range", severity::error, std::move(message),
                          std::move(rows), below.count + above.count});
  }
  if (constant && n_present >= 2 && !column.allow_constant) {
    emit("constant_column", severity::warning,
         "all " + std::to_string(n_present) + " non-missing values equal " +
             format_number(first_value),
         row_collector(0));
  }
  if (column.unique && n_present >= 2) check_unique(column, values, options, out);
}

template <class Scalar>
std::vector<anomaly> validate_refs(const std::vector<column_ref<Scalar>>& data,
                                   const std::vector<std::string>& names, index n_rows,
                                   const table_schema& schema, const validate_options& options) {
  check_schema(schema);
  std::map<std::string_view, std::size_t> position;
  for (std::size_t k = 0; k < names.size(); ++k) position[names[k]] = k;

  std::vector<anomaly> out;
  if (n_rows < schema.min_rows) {
    out.push_back(anomaly{"", "too_few_rows", severity::error,
                          "the table has " + plural(static_cast<std::uint64_t>(n_rows), "row") +
                              ", the schema needs at least " + std::to_string(schema.min_rows),
                          {}, 0});
  }
  const auto n_schema = static_cast<index>(schema.columns.size());
  std::vector<std::vector<anomaly>> per_column(schema.columns.size());
  parallel_for_ranges(n_schema, options.n_threads, 1, [&](index begin, index end) {
    for (index k = begin; k < end; ++k) {
      const auto& column = schema.columns[static_cast<std::size_t>(k)];
      auto& found = per_column[static_cast<std::size_t>(k)];
      const auto where = position.find(column.name);
      if (where == position.end()) {
        found.push_back(anomaly{column.name, "missing_column", severity::error,
                                "the column " + quote_name(column.name) +
                                    " of the schema is missing from the table",
                                {}, 0});
        continue;
      }
      if (!is_numeric(column.type)) {
        found.push_back(anomaly{column.name, "type_mismatch", severity::error,
                                std::string("the schema expects a ") + to_string(column.type) +
                                    " column, the numeric table holds numbers",
                                {}, 0});
        continue;
      }
      check_column(column, data[where->second], options, found);
    }
  });
  for (auto& found : per_column) {
    for (auto& item : found) out.push_back(std::move(item));
  }
  if (!schema.allow_extra_columns) {
    for (const auto& name : names) {
      if (schema.find(name) < 0) {
        out.push_back(anomaly{name, "unexpected_column", severity::error,
                              "the column " + quote_name(name) + " is not in the schema", {}, 0});
      }
    }
  }
  return out;
}

// A view of any dense matrix expression with dynamic strides: no copy for matrices and
// strided Maps (numpy arrays in either order), an evaluated copy for other expressions.
template <class Scalar>
using any_stride_ref =
    Eigen::Ref<const matrix<Scalar>, 0, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>>;

template <class Scalar>
std::vector<column_ref<Scalar>> column_refs(const any_stride_ref<Scalar>& x) {
  std::vector<column_ref<Scalar>> refs(static_cast<std::size_t>(x.cols()));
  for (index col = 0; col < x.cols(); ++col) {
    refs[static_cast<std::size_t>(col)] =
        column_ref<Scalar>{x.data() + col * x.outerStride(), x.rows(), x.innerStride()};
  }
  return refs;
}

template <class Scalar>
column_schema infer_column(const std::string& name, column_type type,
                           const column_ref<Scalar>& values, const infer_options& options) {
  column_schema column;
  column.name = name;
  column.type = type;
  std::uint64_t n_missing = 0, n_infinite = 0, n_present = 0;
  double lowest = std::numeric_limits<double>::infinity();
  double highest = -std::numeric_limits<double>::infinity();
  double first_value = std::numeric_limits<double>::quiet_NaN();
  bool constant = true;
  for (index row = 0; row < values.size; ++row) {
    const double x = static_cast<double>(values[row]);
    if (std::isnan(x)) {
      ++n_missing;
      continue;
    }
    ++n_present;
    if (n_present == 1) {
      first_value = x;
    } else if (x != first_value) {
      constant = false;
    }
    if (std::isinf(x)) {
      ++n_infinite;
      continue;
    }
    lowest = std::min(lowest, x);
    highest = std::max(highest, x);
  }
  column.nullable = n_missing > 0;
  column.allow_nan = type == column_type::floating && n_missing > 0;
  column.allow_infinite = n_infinite > 0;
  column.allow_constant = constant;  // also true for fewer than two values
  const double observed =
      values.size > 0 ? static_cast<double>(n_missing) / static_cast<double>(values.size) : 0.0;
  column.max_missing_fraction = std::min(1.0, observed * (1.0 + options.margin));
  if (lowest <= highest) {  // some finite value
    if (type == column_type::boolean) {
      column.minimum = 0.0;
      column.maximum = 1.0;
    } else {
      const double widen = options.margin * (highest - lowest);
      column.minimum = lowest - widen;
      column.maximum = highest + widen;
      if (type == column_type::integer) {
        column.minimum = std::floor(*column.minimum);
        column.maximum = std::ceil(*column.maximum);
      }
    }
  }
  if (options.infer_unique && type == column_type::integer && n_present >= 2) {
    std::vector<double> present;
    present.reserve(static_cast<std::size_t>(n_present));
    for (index row = 0; row < values.size; ++row) {
      const double x = static_cast<double>(values[row]);
      if (!std::isnan(x)) present.push_back(x);
    }
    std::sort(present.begin(), present.end());
    column.unique = std::adjacent_find(present.begin(), present.end()) == present.end();
  }
  return column;
}

template <class Scalar>
table_schema infer_refs(const std::vector<column_ref<Scalar>>& data,
                        const std::vector<std::string>& names, index n_rows,
                        const infer_options& options) {
  if (!(options.margin >= 0.0) || !std::isfinite(options.margin)) {
    throw invalid_argument("margin must be a finite number >= 0, got " +
                           format_number(options.margin));
  }
  if (!options.types.empty() && options.types.size() != names.size()) {
    throw shape_error("options.types has " + std::to_string(options.types.size()) +
                      " types but the table has " + std::to_string(names.size()) + " columns");
  }
  for (std::size_t k = 0; k < options.types.size(); ++k) {
    if (!is_numeric(options.types[k])) {
      throw invalid_argument("options.types[" + std::to_string(k) + "] for column " +
                             quote_name(names[k]) + " is " + to_string(options.types[k]) +
                             "; the numeric view infers float, integer, boolean or datetime");
    }
  }
  if (n_rows < 1) {
    throw invalid_argument("cannot infer a schema from a table with 0 rows");
  }
  table_schema schema;
  schema.columns.resize(names.size());
  parallel_for_ranges(static_cast<index>(names.size()), options.n_threads, 1,
                      [&](index begin, index end) {
                        for (index k = begin; k < end; ++k) {
                          const auto j = static_cast<std::size_t>(k);
                          const auto type =
                              options.types.empty() ? column_type::floating : options.types[j];
                          schema.columns[j] = infer_column(names[j], type, data[j], options);
                        }
                      });
  schema.min_rows = 1;
  schema.allow_extra_columns = false;
  return schema;
}

}  // namespace detail

/// Infers a schema from a reference table (samples x features, NaN = missing): per column
/// nullable, the missing fraction, the range of the finite values (widened by
/// options.margin), whether NaN and infinities occur, whether the column is constant, and
/// for integer columns uniqueness. Column types come from options.types (default float).
/// Throws invalid_argument for zero rows, duplicated names or a negative margin.
template <class Derived>
table_schema infer_schema(const Eigen::MatrixBase<Derived>& x,
                          const std::vector<std::string>& names,
                          const infer_options& options = {}) {
  using Scalar = typename Derived::Scalar;
  detail::check_names(names, x.cols(), "x");
  const detail::any_stride_ref<Scalar> view(x.derived());
  return detail::infer_refs(detail::column_refs<Scalar>(view), names, x.rows(), options);
}

/// Validates a table (samples x features, NaN = missing) against `schema`. Returns the
/// anomalies in a fixed order: too_few_rows; then per schema column, in schema order,
/// missing_column, type_mismatch, nan / not_nullable / missing_fraction, infinite,
/// out_of_range, constant_column, not_unique; then unexpected_column in table order.
/// Throws invalid_argument for duplicated names or an inconsistent schema.
template <class Derived>
std::vector<anomaly> validate(const Eigen::MatrixBase<Derived>& x,
                              const std::vector<std::string>& names, const table_schema& schema,
                              const validate_options& options = {}) {
  using Scalar = typename Derived::Scalar;
  detail::check_names(names, x.cols(), "x");
  const detail::any_stride_ref<Scalar> view(x.derived());
  return detail::validate_refs(detail::column_refs<Scalar>(view), names, x.rows(), schema,
                               options);
}

namespace detail {

/// The column references of separate views, after checking the names and that every view has
/// `n_rows` values.
template <class Scalar>
std::vector<column_ref<Scalar>> column_refs(const std::vector<strided_vector_view<Scalar>>& columns,
                                            const std::vector<std::string>& names, index n_rows) {
  check_names(names, static_cast<index>(columns.size()), "columns");
  std::vector<column_ref<Scalar>> refs;
  refs.reserve(columns.size());
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (columns[k].size() != n_rows) {
      throw shape_error("column " + quote_name(names[k]) + " has " +
                        std::to_string(columns[k].size()) + " rows, expected " +
                        std::to_string(n_rows));
    }
    refs.push_back({columns[k].data(), columns[k].size(), columns[k].innerStride()});
  }
  return refs;
}

}  // namespace detail

/// validate() on separate column views of equal length (a table whose columns do not share
/// one buffer, such as a pandas DataFrame with several dtypes). Columns may be absent from
/// `columns` only through their name being absent from `names`.
template <class Scalar>
std::vector<anomaly> validate_columns(const std::vector<strided_vector_view<Scalar>>& columns,
                                      const std::vector<std::string>& names, index n_rows,
                                      const table_schema& schema,
                                      const validate_options& options = {}) {
  const auto refs = detail::column_refs(columns, names, n_rows);
  return detail::validate_refs(refs, names, n_rows, schema, options);
}

/// infer_schema() on separate column views of equal length; `options.types` gives the types.
template <class Scalar>
table_schema infer_schema_columns(const std::vector<strided_vector_view<Scalar>>& columns,
                                  const std::vector<std::string>& names, index n_rows,
                                  const infer_options& options = {}) {
  const auto refs = detail::column_refs(columns, names, n_rows);
  return detail::infer_refs(refs, names, n_rows, options);
}

/// Rows holding a value equal to that of an earlier row: the first `max_examples` of them
/// (ascending) and their count. Exact, by hashing the values (for integer ids, which a float
/// view would round beyond 2^53).
struct duplicate_rows_result {
  std::vector<index> rows;
  std::uint64_t count = 0;
};

template <class Integer>
duplicate_rows_result find_duplicate_rows(const Integer* values, index n, index stride = 1,
                                          std::size_t max_examples = 5) {
  static_assert(std::is_integral_v<Integer> && sizeof(Integer) <= 8,
                "find_duplicate_rows takes integers of at most 64 bits");
  if (n < 0 || stride < 1) {
    throw invalid_argument("find_duplicate_rows needs n >= 0 and stride >= 1, got n = " +
                           std::to_string(n) + ", stride = " + std::to_string(stride));
  }
  auto found = detail::duplicate_rows(n, max_examples, [&](index row, std::uint64_t& key) {
    key = static_cast<std::uint64_t>(values[row * stride]);
    return true;
  });
  return {std::move(found.rows), found.count};
}

// ------------------------------------------------------------------------------- JSON

/// The versions of the schema file this build reads, and the one it writes.
inline constexpr std::int64_t schema_format_version = 1;
inline constexpr std::int64_t schema_oldest_readable_version = 1;
inline constexpr const char* schema_format_name = "shiftguard.schema";

/// The schema as a JSON document: {"format": "shiftguard.schema", "version": 1, "min_rows",
/// "allow_extra_columns", "columns": [{"name", "type", "nullable", "max_missing_fraction",
/// "minimum", "maximum", "allow_nan", "allow_infinite", "allow_constant", "domain", "unique"}]}
/// with null for an absent minimum, maximum or domain (domain: sorted strings).
inline json::value to_json(const table_schema& schema) {
  detail::check_schema(schema);
  json::value document = json::value::object();
  document["format"] = json::value(schema_format_name);
  document["version"] = json::value(static_cast<long long>(schema_format_version));
  document["min_rows"] = json::value(static_cast<long long>(schema.min_rows));
  document["allow_extra_columns"] = json::value(schema.allow_extra_columns);
  json::value columns = json::value::array();
  for (const auto& column : schema.columns) {
    json::value item = json::value::object();
    item["name"] = json::value(column.name);
    item["type"] = json::value(to_string(column.type));
    item["nullable"] = json::value(column.nullable);
    item["max_missing_fraction"] = json::value(column.max_missing_fraction);
    item["minimum"] = column.minimum ? json::value(*column.minimum) : json::value();
    item["maximum"] = column.maximum ? json::value(*column.maximum) : json::value();
    item["allow_nan"] = json::value(column.allow_nan);
    item["allow_infinite"] = json::value(column.allow_infinite);
    item["allow_constant"] = json::value(column.allow_constant);
    if (column.domain) {
      json::value domain = json::value::array();
      for (const auto& value : *column.domain) domain.push_back(json::value(value));
      item["domain"] = std::move(domain);
    } else {
      item["domain"] = json::value();
    }
    item["unique"] = json::value(column.unique);
    columns.push_back(std::move(item));
  }
  document["columns"] = std::move(columns);
  return document;
}

/// to_json(schema).dump(indent).
inline std::string schema_to_json_string(const table_schema& schema, int indent = 2) {
  return to_json(schema).dump(indent);
}

namespace detail {

inline const json::value& schema_field(const json::value& object, std::string_view key,
                                       const std::string& where) {
  const json::value* found = object.find(key);
  if (found == nullptr) {
    throw format_error("schema file: " + where + " is missing the field '" + std::string(key) +
                       "'");
  }
  return *found;
}

inline bool schema_bool(const json::value& object, std::string_view key,
                        const std::string& where) {
  const auto& field = schema_field(object, key, where);
  if (!field.is_bool()) {
    throw format_error("schema file: " + where + " field '" + std::string(key) +
                       "' must be true or false");
  }
  return field.as_bool();
}

inline std::optional<double> schema_optional_number(const json::value& object,
                                                    std::string_view key,
                                                    const std::string& where) {
  const auto& field = schema_field(object, key, where);
  if (field.is_null()) return std::nullopt;
  if (!field.is_number() && !field.is_string()) {
    throw format_error("schema file: " + where + " field '" + std::string(key) +
                       "' must be a number or null");
  }
  try {
    return field.as_number();
  } catch (const format_error&) {
    throw format_error("schema file: " + where + " field '" + std::string(key) +
                       "' must be a number or null, got the string '" + field.as_string() +
                       "'");
  }
}

inline void reject_unknown_fields(const json::value& object,
                                  std::initializer_list<std::string_view> known,
                                  const std::string& where) {
  for (const auto& [key, value] : object.as_object()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      throw format_error("schema file: " + where + " has the unknown field '" + key + "'");
    }
  }
}

}  // namespace detail

/// Reads a schema from its JSON document. Throws format_error naming the problem (not a
/// schema file, a version this build does not read, a missing field, a field of the wrong
/// type, an unknown field or type name) and invalid_argument for an inconsistent schema.
inline table_schema schema_from_json(const json::value& document) {
  using detail::schema_bool;
  using detail::schema_field;
  if (!document.is_object()) {
    throw format_error("schema file: the document must be a JSON object");
  }
  const json::value* format = document.find("format");
  if (format == nullptr || !format->is_string() || format->as_string() != schema_format_name) {
    throw format_error(std::string("schema file: not a shiftguard schema (the field 'format' "
                                   "must be \"") +
                       schema_format_name + "\")");
  }
  const auto& version_field = schema_field(document, "version", "the document");
  if (!version_field.is_number()) {
    throw format_error("schema file: the field 'version' must be an integer");
  }
  std::int64_t version = 0;
  try {
    version = version_field.as_int();
  } catch (const format_error&) {
    throw format_error("schema file: the field 'version' must be an integer");
  }
  if (version > schema_format_version || version < schema_oldest_readable_version) {
    throw format_error("schema file has version " + std::to_string(version) +
                       "; this build of shiftguard reads schema versions " +
                       std::to_string(schema_oldest_readable_version) + " to " +
                       std::to_string(schema_format_version) +
                       (version > schema_format_version ? " (upgrade shiftguard to read it)"
                                                        : ""));
  }
  detail::reject_unknown_fields(
      document, {"format", "version", "min_rows", "allow_extra_columns", "columns"},
      "the document");
  table_schema schema;
  const auto& min_rows = schema_field(document, "min_rows", "the document");
  try {
    schema.min_rows = min_rows.as_int();
  } catch (const format_error&) {
    throw format_error("schema file: the field 'min_rows' must be an integer");
  }
  schema.allow_extra_columns = schema_bool(document, "allow_extra_columns", "the document");
  const auto& columns = schema_field(document, "columns", "the document");
  if (!columns.is_array()) {
    throw format_error("schema file: the field 'columns' must be an array");
  }
  std::size_t position = 0;
  for (const auto& item : columns.as_array()) {
    std::string where = "columns[" + std::to_string(position++) + "]";
    if (!item.is_object()) throw format_error("schema file: " + where + " must be an object");
    const auto& name = schema_field(item, "name", where);
    if (!name.is_string()) {
      throw format_error("schema file: " + where + " field 'name' must be a string");
    }
    column_schema column;
    column.name = name.as_string();
    where += " ('" + column.name + "')";
    detail::reject_unknown_fields(
        item,
        {"name", "type", "nullable", "max_missing_fraction", "minimum", "maximum", "allow_nan",
         "allow_infinite", "allow_constant", "domain", "unique"},
        where);
    const auto& type = schema_field(item, "type", where);
    if (!type.is_string()) {
      throw format_error("schema file: " + where + " field 'type' must be a string");
    }
    try {
      column.type = column_type_from_string(type.as_string());
    } catch (const invalid_argument& problem) {
      throw format_error("schema file: " + where + ": " + problem.what());
    }
    column.nullable = schema_bool(item, "nullable", where);
    const auto fraction = detail::schema_optional_number(item, "max_missing_fraction", where);
    if (!fraction) {
      throw format_error("schema file: " + where +
                         " field 'max_missing_fraction' must be a number");
    }
    column.max_missing_fraction = *fraction;
    column.minimum = detail::schema_optional_number(item, "minimum", where);
    column.maximum = detail::schema_optional_number(item, "maximum", where);
    column.allow_nan = schema_bool(item, "allow_nan", where);
    column.allow_infinite = schema_bool(item, "allow_infinite", where);
    column.allow_constant = schema_bool(item, "allow_constant", where);
    const auto& domain = schema_field(item, "domain", where);
    if (!domain.is_null()) {
      if (!domain.is_array()) {
        throw format_error("schema file: " + where +
                           " field 'domain' must be an array of strings or null");
      }
      std::set<std::string> values;
      for (const auto& value : domain.as_array()) {
        if (!value.is_string()) {
          throw format_error("schema file: " + where +
                             " field 'domain' must be an array of strings or null");
        }
        values.insert(value.as_string());
      }
      column.domain = std::move(values);
    }
    column.unique = schema_bool(item, "unique", where);
    schema.columns.push_back(std::move(column));
  }
  try {
    detail::check_schema(schema);
  } catch (const invalid_argument& problem) {
    throw format_error(std::string("schema file: ") + problem.what());
  }
  return schema;
}

/// Parses JSON text (format_error for malformed JSON) and reads the schema.
inline table_schema schema_from_json_string(std::string_view text) {
  return schema_from_json(json::parse(text));
}

}  // namespace shiftguard::validate
