#pragma once

// Column profiles: one pass over a table builds, per column, the counts (values, missing,
// infinite), mergeable moments (mean, variance, min, max), a KLL quantile sketch, a
// HyperLogLog distinct count and, for categorical columns, a heavy-hitters sketch of the most
// frequent values. Profiles of two parts of a table merge into the profile of the whole
// (within each sketch's stated error), serialise to the binary container of
// core/serialization.hpp and to JSON, and two profiles give drift scores without the data.
//
// Conventions
//   * Numeric columns: NaN is missing; +-infinity counts as a value (in `count`, like pandas'
//     count) and in `n_infinite`, and goes into the distinct count, but not into the moments
//     or the quantile sketch, so mean/variance/min/max/quantiles are those of the finite
//     values.
//   * Categorical columns are given by the caller as (distinct value strings, their counts,
//     number of missing values); the distinct count and the heavy hitters are built from them.
//   * profile_matrix processes each column in row blocks of `block_rows` rows (a constant, not
//     a function of the thread count) and merges the blocks in row order, so the result is
//     the same for any number of threads.
//   * A table profile with zero rows is valid (every count 0) and is the identity of merge.
//
// Drift between profiles (profile_drift), per column:
//   numeric: bins at the reference sketch's quantiles k / n_bins (equal edges merged,
//     right-closed bins, as drift::make_reference_bins does on the raw data); the proportion of
//     each bin comes from each sketch's rank function. PSI (proportions floored at 1e-4) and
//     the Jensen-Shannon distance (base 2) are drift::psi_from_proportions and
//     drift::jensen_shannon_from_proportions. L-infinity is the largest |F_ref(x) - F_cur(x)|
//     over the items of both sketches (the Kolmogorov-Smirnov statistic of the two sketched
//     distributions), Wasserstein-1 the integral of |F_ref - F_cur| (equivalently of the
//     difference of the two quantile functions).
//   categorical: bins are the heavy hitters of both profiles plus one bin "everything else";
//     L-infinity is max |p_ref - p_cur| over the heavy hitters; Wasserstein is NaN.
//   Error note: each sketched rank is within eps = normalized_rank_error() of the true rank
//   (with ~99% confidence), so each bin proportion is within 2 eps of the exact one, the
//   L-infinity score within eps_ref + eps_cur of the exact KS statistic (reported as
//   `rank_error`), and the Wasserstein distance within (eps_ref + eps_cur) * (range of the
//   data). Heavy-hitter counts are within heavy_hitters::max_error() of the true counts.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/json.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/univariate/distances.hpp"
#include "shiftguard/validate/sketch/hash.hpp"
#include "shiftguard/validate/sketch/heavy_hitters.hpp"
#include "shiftguard/validate/sketch/hyperloglog.hpp"
#include "shiftguard/validate/sketch/kll.hpp"
#include "shiftguard/validate/sketch/moments.hpp"

namespace shiftguard::validate {

/// Kind of a profiled column.
enum class column_kind : std::uint8_t { numeric = 0, categorical = 1 };

inline const char* to_string(column_kind kind) {
  return kind == column_kind::numeric ? "numeric" : "categorical";
}

inline column_kind column_kind_from_string(std::string_view text) {
  if (text == "numeric") return column_kind::numeric;
  if (text == "categorical") return column_kind::categorical;
  throw format_error("column kind must be 'numeric' or 'categorical', got '" +
                     std::string(text) + "'");
}

/// Options of profile_matrix / profile_categorical. Profiles merge only when quantile_k,
/// hll_precision and top_k agree.
struct profile_options {
  int quantile_k = 200;          ///< KLL parameter k (>= 8): rank error ~ 1.65 / k
  int hll_precision = 12;        ///< HyperLogLog precision p in [4, 18]: 2^p registers
  std::size_t top_k = 64;        ///< capacity of the heavy-hitters sketch (>= 1)
  std::uint64_t seed = 0;        ///< seed of the KLL compactions
  int n_threads = 0;             ///< 0: all cores
  std::int64_t block_rows = 1 << 20;  ///< rows per block of a long column (>= 1024)
};

namespace detail {

inline void check_profile_options(const profile_options& options) {
  if (options.quantile_k < 8 || options.quantile_k > 65535) {
    throw invalid_argument("quantile_k must be in [8, 65535], got " +
                           std::to_string(options.quantile_k));
  }
  if (options.hll_precision < 4 || options.hll_precision > 18) {
    throw invalid_argument("hll_precision must be in [4, 18], got " +
                           std::to_string(options.hll_precision));
  }
  if (options.top_k < 1 || options.top_k > 1000000) {
    throw invalid_argument("top_k must be in [1, 1000000], got " +
                           std::to_string(options.top_k));
  }
  if (options.n_threads < 0) {
    throw invalid_argument("n_threads must be >= 0 (0 means all cores), got " +
                           std::to_string(options.n_threads));
  }
  if (options.block_rows < 1024) {
    throw invalid_argument("block_rows must be >= 1024, got " +
                           std::to_string(options.block_rows));
  }
}

/// Seed of the KLL sketch of one (column, block): a SplitMix64 step of seed, column, block.
inline std::uint64_t block_seed(std::uint64_t seed, std::uint64_t column, std::uint64_t block) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (column * 0x100000001B3ULL + block + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace detail

/// Profile of one column.
struct column_profile {
  std::string name;
  column_kind kind = column_kind::numeric;
  std::uint64_t count = 0;       ///< non-missing values (numeric: finite and infinite)
  std::uint64_t n_missing = 0;   ///< NaN / None / NaT / NA
  std::uint64_t n_infinite = 0;  ///< +-infinity (numeric only)
  bool mixed_types = false;      ///< categorical column built from values of several types
  sketch::moments moments;       ///< of the finite values (numeric only)
  sketch::kll_sketch kll;        ///< of the finite values (numeric only)
  sketch::hyperloglog hll;       ///< distinct non-missing values
  sketch::heavy_hitters heavy_hitters;  ///< most frequent values (categorical only)

  column_profile() = default;
  column_profile(std::string column_name, column_kind column_kind_value,
                 const profile_options& options, std::uint64_t kll_seed)
      : name(std::move(column_name)),
        kind(column_kind_value),
        kll(options.quantile_k, kll_seed),
        hll(options.hll_precision),
        heavy_hitters(options.top_k) {}

  [[nodiscard]] bool is_numeric() const { return kind == column_kind::numeric; }
  /// Number of finite values (those in the moments and the quantile sketch).
  [[nodiscard]] std::uint64_t n_finite() const { return moments.count(); }
  /// Mean of the finite values; NaN when there are none or the column is categorical.
  [[nodiscard]] double mean() const { return n_finite() > 0 ? moments.mean() : nan(); }
  /// Variance of the finite values with `ddof` (1: sample variance, like pandas); NaN when
  /// there are not more than ddof values.
  [[nodiscard]] double variance(int ddof = 1) const {
    return n_finite() > static_cast<std::uint64_t>(std::max(ddof, 0)) ? moments.variance(ddof)
                                                                       : nan();
  }
  [[nodiscard]] double min() const { return n_finite() > 0 ? moments.min() : nan(); }
  [[nodiscard]] double max() const { return n_finite() > 0 ? moments.max() : nan(); }
  /// Estimated q-quantile (q in [0, 1]) of the finite values; NaN when there are none.
  [[nodiscard]] double quantile(double q) const {
    require_numeric("quantile");
    if (!(q >= 0.0 && q <= 1.0)) {
      throw invalid_argument("q must be in [0, 1], got " + std::to_string(q));
    }
    return kll.empty() ? nan() : kll.quantile(q);
  }
  /// Estimated fraction of finite values <= x; NaN when there are none.
  [[nodiscard]] double rank(double x) const {
    require_numeric("rank");
    return kll.empty() ? nan() : kll.rank(x);
  }
  /// Estimated number of distinct non-missing values.
  [[nodiscard]] double n_distinct() const { return hll.estimate(); }
  /// The n most frequent values with estimated counts (categorical only; empty for numeric).
  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> top(std::size_t n) const {
    if (!is_numeric()) return heavy_hitters.top(n);
    return {};
  }

  /// Adds the profile of more rows of the same column. Throws invalid_argument when names or
  /// kinds differ.
  void merge(const column_profile& other) {
    if (other.name != name) {
      throw invalid_argument("cannot merge profiles of columns '" + name + "' and '" +
                             other.name + "'");
    }
    if (other.kind != kind) {
      throw invalid_argument("cannot merge column '" + name + "': it is " + to_string(kind) +
                             " in one profile and " + to_string(other.kind) + " in the other");
    }
    count += other.count;
    n_missing += other.n_missing;
    n_infinite += other.n_infinite;
    mixed_types = mixed_types || other.mixed_types;
    moments.merge(other.moments);
    kll.merge(other.kll);
    hll.merge(other.hll);
    heavy_hitters.merge(other.heavy_hitters);
  }

 private:
  static double nan() { return std::numeric_limits<double>::quiet_NaN(); }
  void require_numeric(const char* what) const {
    if (!is_numeric()) {
      throw invalid_argument(std::string(what) + " is defined for numeric columns only; column '" +
                             name + "' is categorical");
    }
  }
};

namespace detail {

/// Profiles rows [0, n) of one numeric column at `data` with stride `stride` (in elements).
template <class Scalar>
void profile_numeric_range(const Scalar* data, std::int64_t n, std::ptrdiff_t stride,
                           column_profile& out) {
  constexpr std::int64_t chunk = 2048;
  double finite[chunk];
  for (std::int64_t start = 0; start < n; start += chunk) {
    const std::int64_t stop = std::min(n, start + chunk);
    std::int64_t n_finite = 0;
    std::uint64_t missing = 0;
    std::uint64_t infinite = 0;
    const Scalar* row = data + static_cast<std::ptrdiff_t>(start) * stride;
    for (std::int64_t i = start; i < stop; ++i, row += stride) {
      const double value = static_cast<double>(*row);
      if (std::isfinite(value)) {
        finite[n_finite++] = value;
        out.hll.add_hash(sketch::hash_double(value));
      } else if (std::isnan(value)) {
        ++missing;
      } else {
        ++infinite;
        out.hll.add_hash(sketch::hash_double(value));
      }
    }
    out.n_missing += missing;
    out.n_infinite += infinite;
    out.count += static_cast<std::uint64_t>(stop - start) - missing;
    if (n_finite > 0) {
      out.moments.update(finite, static_cast<std::size_t>(n_finite), 1);
      out.kll.update(finite, static_cast<std::size_t>(n_finite), 1);
    }
  }
}

}  // namespace detail

/// Profile of a whole table: its columns in order, and the number of rows.
class table_profile {
 public:
  static constexpr std::uint32_t format_version = 1;
  static constexpr const char* type_tag = "validate.profile";
  static constexpr const char* json_format = "shiftguard.profile";

  table_profile() = default;
  /// Assembles a table profile from column profiles of `n_rows` rows each. Throws
  /// invalid_argument on duplicated names or when a column's count + n_missing != n_rows.
  table_profile(std::int64_t n_rows, std::vector<column_profile> columns,
                const profile_options& options)
      : n_rows_(n_rows), columns_(std::move(columns)), options_(options) {
    detail::check_profile_options(options);
    if (n_rows < 0) throw invalid_argument("n_rows must be >= 0, got " + std::to_string(n_rows));
    std::unordered_set<std::string> seen;
    for (const auto& column : columns_) {
      if (!seen.insert(column.name).second) {
        throw invalid_argument("duplicated column name '" + column.name + "'");
      }
      if (column.count + column.n_missing != static_cast<std::uint64_t>(n_rows)) {
        throw invalid_argument("column '" + column.name + "' has " +
                               std::to_string(column.count) + " values and " +
                               std::to_string(column.n_missing) + " missing, but the table has " +
                               std::to_string(n_rows) + " rows");
      }
    }
  }

  [[nodiscard]] std::int64_t n_rows() const { return n_rows_; }
  [[nodiscard]] std::size_t n_columns() const { return columns_.size(); }
  [[nodiscard]] const std::vector<column_profile>& columns() const { return columns_; }
  [[nodiscard]] const profile_options& options() const { return options_; }
  [[nodiscard]] std::vector<std::string> names() const {
    std::vector<std::string> out;
    out.reserve(columns_.size());
    for (const auto& column : columns_) out.push_back(column.name);
    return out;
  }
  /// Index of the column called `name`, or -1.
  [[nodiscard]] std::ptrdiff_t find(std::string_view name) const {
    for (std::size_t j = 0; j < columns_.size(); ++j) {
      if (columns_[j].name == name) return static_cast<std::ptrdiff_t>(j);
    }
    return -1;
  }
  /// The column called `name`; invalid_argument when there is none.
  [[nodiscard]] const column_profile& column(std::string_view name) const {
    const auto j = find(name);
    if (j < 0) throw invalid_argument("no column named '" + std::string(name) + "' in the profile");
    return columns_[static_cast<std::size_t>(j)];
  }

  /// Profile of this table's rows followed by `other`'s. Columns are matched by name (the
  /// result keeps this profile's order); names, kinds and sketch options must agree, else
  /// invalid_argument naming the column. A profile with zero rows is the identity (its
  /// kinds are not checked: with no rows they say nothing).
  [[nodiscard]] table_profile merged(const table_profile& other) const {
    check_same_columns(other);
    if (other.n_rows_ == 0) return *this;
    if (n_rows_ == 0) {
      table_profile out = *this;  // this order, the other's content
      for (auto& column : out.columns_) column = other.columns_[other.find_index(column.name)];
      out.n_rows_ = other.n_rows_;
      out.options_.seed = options_.seed;
      return out;
    }
    table_profile out = *this;
    for (auto& column : out.columns_) column.merge(other.columns_[other.find_index(column.name)]);
    out.n_rows_ += other.n_rows_;
    return out;
  }
  void merge(const table_profile& other) { *this = merged(other); }

  // ---- binary -------------------------------------------------------------------------
  [[nodiscard]] std::string to_bytes() const {
    serialization::binary_writer writer;
    writer.write_i64(n_rows_);
    writer.write_u32(static_cast<std::uint32_t>(options_.quantile_k));
    writer.write_u32(static_cast<std::uint32_t>(options_.hll_precision));
    writer.write_u64(options_.top_k);
    writer.write_u64(options_.seed);
    writer.write_u64(columns_.size());
    for (const auto& column : columns_) {
      writer.write_string(column.name);
      writer.write_u8(static_cast<std::uint8_t>(column.kind));
      writer.write_u64(column.count);
      writer.write_u64(column.n_missing);
      writer.write_u64(column.n_infinite);
      writer.write_bool(column.mixed_types);
      column.moments.write(writer);
      column.kll.write(writer);
      column.hll.write(writer);
      column.heavy_hitters.write(writer);
    }
    return writer.finish(type_tag, format_version);
  }

  /// Loads to_bytes() output; format_error for foreign, newer, truncated or corrupted data.
  static table_profile from_bytes(std::string_view bytes) {
    serialization::binary_reader reader(bytes, type_tag, format_version);
    table_profile out;
    out.n_rows_ = reader.read_i64();
    out.options_.quantile_k = static_cast<int>(reader.read_u32());
    out.options_.hll_precision = static_cast<int>(reader.read_u32());
    out.options_.top_k = static_cast<std::size_t>(reader.read_u64());
    out.options_.seed = reader.read_u64();
    const auto n_columns = reader.read_u64();
    // every column needs far more than 8 bytes: a guard against absurd counts
    if (n_columns > bytes.size() / 8) reader.fail("column count " + std::to_string(n_columns) + " exceeds the data");
    std::vector<column_profile> columns;
    columns.reserve(static_cast<std::size_t>(n_columns));
    for (std::uint64_t j = 0; j < n_columns; ++j) {
      column_profile column;
      column.name = reader.read_string();
      const auto kind = reader.read_u8();
      if (kind > 1) reader.fail("column kind " + std::to_string(kind) + " is unknown");
      column.kind = static_cast<column_kind>(kind);
      column.count = reader.read_u64();
      column.n_missing = reader.read_u64();
      column.n_infinite = reader.read_u64();
      column.mixed_types = reader.read_bool();
      column.moments = sketch::moments::read(reader);
      column.kll = sketch::kll_sketch::read(reader);
      column.hll = sketch::hyperloglog::read(reader);
      column.heavy_hitters = sketch::heavy_hitters::read(reader);
      columns.push_back(std::move(column));
    }
    reader.expect_end();
    return checked(out.n_rows_, std::move(columns), out.options_);
  }

  void save(const std::string& path) const { serialization::write_file(path, to_bytes()); }
  static table_profile load(const std::string& path) {
    return from_bytes(serialization::read_file(path));
  }

  // ---- JSON ---------------------------------------------------------------------------
  [[nodiscard]] json::value to_json() const {
    json::value out = json::value::object();
    out["format"] = json_format;
    out["version"] = static_cast<long long>(format_version);
    out["n_rows"] = static_cast<long long>(n_rows_);
    json::value options = json::value::object();
    options["quantile_k"] = options_.quantile_k;
    options["hll_precision"] = options_.hll_precision;
    options["top_k"] = static_cast<unsigned long long>(options_.top_k);
    options["seed"] = static_cast<unsigned long long>(options_.seed);
    out["options"] = std::move(options);
    json::value columns = json::value::array();
    for (const auto& column : columns_) {
      json::value item = json::value::object();
      item["name"] = column.name;
      item["kind"] = to_string(column.kind);
      item["count"] = static_cast<unsigned long long>(column.count);
      item["n_missing"] = static_cast<unsigned long long>(column.n_missing);
      item["n_infinite"] = static_cast<unsigned long long>(column.n_infinite);
      item["mixed_types"] = column.mixed_types;
      item["moments"] = column.moments.to_json();
      item["kll"] = column.kll.to_json();
      item["hll"] = column.hll.to_json();
      item["heavy_hitters"] = column.heavy_hitters.to_json();
      columns.push_back(std::move(item));
    }
    out["columns"] = std::move(columns);
    return out;
  }
  [[nodiscard]] std::string dump_json(int indent = -1) const { return to_json().dump(indent); }

  static table_profile from_json(const json::value& value) {
    if (!value.is_object()) throw format_error("profile JSON must be an object");
    const auto& format = value.at("format");
    if (!format.is_string() || format.as_string() != json_format) {
      throw format_error("not a shiftguard profile: \"format\" must be \"" +
                         std::string(json_format) + "\"");
    }
    const auto version = value.at("version").as_int();
    if (version < 1 || version > static_cast<std::int64_t>(format_version)) {
      throw format_error("profile JSON version " + std::to_string(version) +
                         " is not supported (this build reads up to version " +
                         std::to_string(format_version) + ")");
    }
    profile_options options;
    const auto& json_options = value.at("options");
    options.quantile_k = static_cast<int>(json_options.at("quantile_k").as_int());
    options.hll_precision = static_cast<int>(json_options.at("hll_precision").as_int());
    options.top_k = static_cast<std::size_t>(json_options.at("top_k").as_uint());
    options.seed = json_options.at("seed").as_uint();
    const auto n_rows = value.at("n_rows").as_int();
    std::vector<column_profile> columns;
    for (const auto& item : value.at("columns").as_array()) {
      column_profile column;
      column.name = item.at("name").as_string();
      column.kind = column_kind_from_string(item.at("kind").as_string());
      column.count = item.at("count").as_uint();
      column.n_missing = item.at("n_missing").as_uint();
      column.n_infinite = item.at("n_infinite").as_uint();
      column.mixed_types = item.at("mixed_types").as_bool();
      column.moments = sketch::moments::from_json(item.at("moments"));
      column.kll = sketch::kll_sketch::from_json(item.at("kll"));
      column.hll = sketch::hyperloglog::from_json(item.at("hll"));
      column.heavy_hitters = sketch::heavy_hitters::from_json(item.at("heavy_hitters"));
      columns.push_back(std::move(column));
    }
    return checked(n_rows, std::move(columns), options);
  }
  static table_profile from_json(std::string_view text) { return from_json(json::parse(text)); }

 private:
  // Loaded data is checked like constructor input, but inconsistencies are format errors.
  static table_profile checked(std::int64_t n_rows, std::vector<column_profile> columns,
                               const profile_options& options) {
    for (const auto& column : columns) {
      if (column.kll.k() != options.quantile_k || column.hll.precision() != options.hll_precision ||
          column.heavy_hitters.capacity() != options.top_k) {
        throw format_error("cannot load validate.profile: column '" + column.name +
                           "' has sketch parameters that differ from the profile's options");
      }
      if (column.moments.count() + column.n_infinite > column.count) {
        throw format_error("cannot load validate.profile: column '" + column.name +
                           "' has inconsistent counts");
      }
    }
    try {
      return table_profile(n_rows, std::move(columns), options);
    } catch (const invalid_argument& failure) {
      throw format_error(std::string("cannot load validate.profile: ") + failure.what());
    }
  }

  std::size_t find_index(const std::string& name) const {
    return static_cast<std::size_t>(find(name));
  }

  void check_same_columns(const table_profile& other) const {
    if (options_.quantile_k != other.options_.quantile_k ||
        options_.hll_precision != other.options_.hll_precision ||
        options_.top_k != other.options_.top_k) {
      throw invalid_argument(
          "cannot merge profiles built with different options (quantile_k " +
          std::to_string(options_.quantile_k) + " vs " + std::to_string(other.options_.quantile_k) +
          ", hll_precision " + std::to_string(options_.hll_precision) + " vs " +
          std::to_string(other.options_.hll_precision) + ", top_k " +
          std::to_string(options_.top_k) + " vs " + std::to_string(other.options_.top_k) + ")");
    }
    for (const auto& column : columns_) {
      if (other.find(column.name) < 0) {
        throw invalid_argument("cannot merge profiles: column '" + column.name +
                               "' is missing from the other profile");
      }
    }
    for (const auto& column : other.columns_) {
      if (find(column.name) < 0) {
        throw invalid_argument("cannot merge profiles: column '" + column.name +
                               "' of the other profile is missing from this one");
      }
    }
    if (n_rows_ == 0 || other.n_rows_ == 0) return;
    for (const auto& column : columns_) {
      const auto& theirs = other.columns_[other.find_index(column.name)];
      if (theirs.kind != column.kind) {
        throw invalid_argument("cannot merge profiles: column '" + column.name + "' is " +
                               to_string(column.kind) + " in one and " + to_string(theirs.kind) +
                               " in the other");
      }
    }
  }

  std::int64_t n_rows_ = 0;
  std::vector<column_profile> columns_;
  profile_options options_;
};

/// Merges profiles in a balanced tree (pairs of neighbours, repeatedly), in list order.
/// Throws invalid_argument for an empty list.
inline table_profile merge_all(const std::vector<table_profile>& profiles) {
  if (profiles.empty()) throw invalid_argument("merge_all needs at least one profile, got 0");
  std::vector<table_profile> level = profiles;
  while (level.size() > 1) {
    std::vector<table_profile> next;
    next.reserve((level.size() + 1) / 2);
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) next.push_back(level[i].merged(level[i + 1]));
    if (level.size() % 2 == 1) next.push_back(std::move(level.back()));
    level = std::move(next);
  }
  return level.front();
}

/// One numeric column given by pointer and stride (elements), e.g. a column of a DataFrame.
template <class Scalar>
struct column_view {
  std::string name;
  const Scalar* data = nullptr;
  std::int64_t n_rows = 0;
  std::ptrdiff_t stride = 1;
};

/// Profiles numeric columns in parallel: each column in row blocks of options.block_rows,
/// the blocks merged in row order (the result does not depend on the thread count). All
/// columns must have the same number of rows.
template <class Scalar>
std::vector<column_profile> profile_numeric_columns(const std::vector<column_view<Scalar>>& columns,
                                                    const profile_options& options,
                                                    std::uint64_t first_column_index = 0) {
  detail::check_profile_options(options);
  const std::size_t n_columns = columns.size();
  if (n_columns == 0) return {};
  const std::int64_t n_rows = columns.front().n_rows;
  for (const auto& column : columns) {
    if (column.n_rows != n_rows) {
      throw shape_error("column '" + column.name + "' has " + std::to_string(column.n_rows) +
                        " rows, expected " + std::to_string(n_rows));
    }
  }
  const std::int64_t n_blocks = std::max<std::int64_t>(1, (n_rows + options.block_rows - 1) / options.block_rows);
  const auto n_tasks = static_cast<index>(n_columns) * n_blocks;
  std::vector<column_profile> partial;
  partial.reserve(static_cast<std::size_t>(n_tasks));
  for (index task = 0; task < n_tasks; ++task) {
    const auto j = static_cast<std::size_t>(task / n_blocks);
    const auto block = static_cast<std::uint64_t>(task % n_blocks);
    partial.emplace_back(columns[j].name, column_kind::numeric, options,
                         detail::block_seed(options.seed, first_column_index + j, block));
  }
  parallel_for_ranges(n_tasks, options.n_threads, 1, [&](index begin, index end) {
    for (index task = begin; task < end; ++task) {
      const auto& column = columns[static_cast<std::size_t>(task / n_blocks)];
      const std::int64_t start = (task % n_blocks) * options.block_rows;
      const std::int64_t stop = std::min(n_rows, start + options.block_rows);
      detail::profile_numeric_range(column.data + static_cast<std::ptrdiff_t>(start) * column.stride,
                                    stop - start, column.stride,
                                    partial[static_cast<std::size_t>(task)]);
    }
  });
  std::vector<column_profile> out(n_columns);
  parallel_for_ranges(static_cast<index>(n_columns), options.n_threads, 1, [&](index begin, index end) {
    for (index j = begin; j < end; ++j) {
      const auto first = static_cast<std::size_t>(j * n_blocks);
      column_profile merged = std::move(partial[first]);
      for (std::int64_t block = 1; block < n_blocks; ++block) {
        merged.merge(partial[first + static_cast<std::size_t>(block)]);
      }
      out[static_cast<std::size_t>(j)] = std::move(merged);
    }
  });
  return out;
}

/// Profiles a numeric matrix (samples x features, any strides) whose columns are called
/// `names`. Columns run in parallel (oneTBB), long columns also in row blocks; the result
/// does not depend on options.n_threads.
template <class Derived>
table_profile profile_matrix(const Eigen::MatrixBase<Derived>& x, const std::vector<std::string>& names,
                             const profile_options& options = {}) {
  detail::check_profile_options(options);
  using Scalar = typename Derived::Scalar;
  static_assert(std::is_floating_point_v<Scalar>, "profile_matrix needs float or double data");
  if (names.size() != static_cast<std::size_t>(x.cols())) {
    throw shape_error("names has " + std::to_string(names.size()) + " entries but x has " +
                      std::to_string(x.cols()) + " columns");
  }
  // Objects with direct access (matrices, Maps with any strides, blocks) are read in place;
  // other expressions are evaluated once into a column-major matrix.
  if constexpr (!(static_cast<int>(Eigen::internal::traits<Derived>::Flags) &
                  Eigen::DirectAccessBit)) {
    const matrix<Scalar> evaluated = x;
    return profile_matrix(evaluated, names, options);
  } else {
    const Derived& direct = x.derived();
    const std::ptrdiff_t row_stride = Derived::IsRowMajor ? direct.outerStride() : direct.innerStride();
    const std::ptrdiff_t column_stride = Derived::IsRowMajor ? direct.innerStride() : direct.outerStride();
    std::vector<column_view<Scalar>> columns(names.size());
    for (std::size_t j = 0; j < names.size(); ++j) {
      columns[j].name = names[j];
      columns[j].data = direct.data() + static_cast<std::ptrdiff_t>(j) * column_stride;
      columns[j].n_rows = static_cast<std::int64_t>(direct.rows());
      columns[j].stride = row_stride;
    }
    return table_profile(static_cast<std::int64_t>(x.rows()), profile_numeric_columns(columns, options),
                         options);
  }
}

/// Profile of a categorical column given as its distinct values, their counts and the number
/// of missing values. Heavy hitters receive the values in the given order.
inline column_profile profile_categorical(std::string name, const std::vector<std::string>& values,
                                          const std::vector<std::uint64_t>& counts,
                                          std::uint64_t n_missing, const profile_options& options,
                                          bool mixed_types = false) {
  detail::check_profile_options(options);
  if (values.size() != counts.size()) {
    throw shape_error("column '" + name + "': " + std::to_string(values.size()) + " values but " +
                      std::to_string(counts.size()) + " counts");
  }
  column_profile out(std::move(name), column_kind::categorical, options, options.seed);
  out.n_missing = n_missing;
  out.mixed_types = mixed_types;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (counts[i] == 0) continue;
    out.count += counts[i];
    out.hll.add_hash(sketch::hash_bytes(values[i]));
    out.heavy_hitters.update(values[i], counts[i]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Drift between two profiles.

/// Scores of one column; NaN where a score does not apply or a side has no values.
struct column_drift {
  std::string name;
  column_kind kind = column_kind::numeric;
  double psi = std::numeric_limits<double>::quiet_NaN();
  double jensen_shannon = std::numeric_limits<double>::quiet_NaN();
  double linf = std::numeric_limits<double>::quiet_NaN();
  double wasserstein = std::numeric_limits<double>::quiet_NaN();
  /// Bound on the error of a sketched rank or proportion: eps_ref + eps_cur for numeric
  /// columns (KLL), (max_error_ref / n_ref + max_error_cur / n_cur) for categorical ones.
  double rank_error = std::numeric_limits<double>::quiet_NaN();
  std::size_t n_bins = 0;  ///< bins actually used
};

/// Options of profile_drift.
struct profile_drift_options {
  int n_bins = 10;        ///< quantile bins of numeric columns (>= 2)
  double epsilon = 1e-4;  ///< floor of the proportions in PSI
  double base = 2.0;      ///< logarithm base of the Jensen-Shannon distance
};

namespace detail {

// max |F_ref - F_cur| and integral |F_ref - F_cur| dx of two weighted sorted samples.
inline std::pair<double, double> ks_and_wasserstein(
    const std::vector<std::pair<double, std::uint64_t>>& ref,
    const std::vector<std::pair<double, std::uint64_t>>& cur) {
  double total_ref = 0.0;
  double total_cur = 0.0;
  for (const auto& item : ref) total_ref += static_cast<double>(item.second);
  for (const auto& item : cur) total_cur += static_cast<double>(item.second);
  std::size_t i = 0;
  std::size_t j = 0;
  double cumulative_ref = 0.0;
  double cumulative_cur = 0.0;
  double largest = 0.0;
  shiftguard::detail::compensated_sum area;
  double previous = 0.0;
  bool started = false;
  while (i < ref.size() || j < cur.size()) {
    double x = 0.0;
    if (j >= cur.size() || (i < ref.size() && ref[i].first <= cur[j].first)) {
      x = ref[i].first;
    } else {
      x = cur[j].first;
    }
    if (started) {
      area.add(std::abs(cumulative_ref / total_ref - cumulative_cur / total_cur) * (x - previous));
    }
    while (i < ref.size() && ref[i].first == x) cumulative_ref += static_cast<double>(ref[i++].second);
    while (j < cur.size() && cur[j].first == x) cumulative_cur += static_cast<double>(cur[j++].second);
    largest = std::max(largest, std::abs(cumulative_ref / total_ref - cumulative_cur / total_cur));
    previous = x;
    started = true;
  }
  return {largest, area.value()};
}

inline column_drift numeric_drift(const column_profile& ref, const column_profile& cur,
                                  const profile_drift_options& options) {
  column_drift out;
  out.name = ref.name;
  out.kind = column_kind::numeric;
  if (ref.kll.empty() || cur.kll.empty()) return out;
  out.rank_error = ref.kll.normalized_rank_error() + cur.kll.normalized_rank_error();
  std::vector<double> edges;
  for (int k = 1; k < options.n_bins; ++k) {
    const double edge = ref.kll.quantile(static_cast<double>(k) / options.n_bins);
    if (edges.empty() || edge > edges.back()) edges.push_back(edge);
  }
  const auto proportions = [&](const sketch::kll_sketch& sketch) {
    std::vector<double> p(edges.size() + 1);
    double below = 0.0;
    for (std::size_t b = 0; b < edges.size(); ++b) {
      const double rank = std::max(below, sketch.rank(edges[b]));
      p[b] = rank - below;
      below = rank;
    }
    p[edges.size()] = std::max(0.0, 1.0 - below);
    return p;
  };
  const auto p_ref = proportions(ref.kll);
  const auto p_cur = proportions(cur.kll);
  out.n_bins = p_ref.size();
  out.psi = drift::psi_from_proportions(p_ref, p_cur, options.epsilon);
  out.jensen_shannon = drift::jensen_shannon_from_proportions(p_ref, p_cur, options.base);
  const auto scores = ks_and_wasserstein(ref.kll.sorted_view(), cur.kll.sorted_view());
  out.linf = scores.first;
  out.wasserstein = scores.second;
  return out;
}

inline column_drift categorical_drift(const column_profile& ref, const column_profile& cur,
                                      const profile_drift_options& options) {
  column_drift out;
  out.name = ref.name;
  out.kind = column_kind::categorical;
  if (ref.count == 0 || cur.count == 0) return out;
  const auto top_ref = ref.heavy_hitters.top(ref.heavy_hitters.capacity());
  const auto top_cur = cur.heavy_hitters.top(cur.heavy_hitters.capacity());
  std::map<std::string, std::pair<double, double>> items;  // sorted: a fixed bin order
  const double n_ref = static_cast<double>(ref.count);
  const double n_cur = static_cast<double>(cur.count);
  for (const auto& [item, count] : top_ref) items[item].first = static_cast<double>(count) / n_ref;
  for (const auto& [item, count] : top_cur) items[item].second = static_cast<double>(count) / n_cur;
  std::vector<double> p_ref;
  std::vector<double> p_cur;
  double rest_ref = 1.0;
  double rest_cur = 1.0;
  double largest = 0.0;
  for (const auto& [item, pair] : items) {
    p_ref.push_back(pair.first);
    p_cur.push_back(pair.second);
    rest_ref -= pair.first;
    rest_cur -= pair.second;
    largest = std::max(largest, std::abs(pair.first - pair.second));
  }
  rest_ref = std::max(rest_ref, 0.0);
  rest_cur = std::max(rest_cur, 0.0);
  if (rest_ref > 1e-12 || rest_cur > 1e-12) {
    p_ref.push_back(rest_ref);
    p_cur.push_back(rest_cur);
  }
  out.n_bins = p_ref.size();
  out.psi = drift::psi_from_proportions(p_ref, p_cur, options.epsilon);
  out.jensen_shannon = drift::jensen_shannon_from_proportions(p_ref, p_cur, options.base);
  out.linf = largest;
  out.rank_error = static_cast<double>(ref.heavy_hitters.max_error()) / n_ref +
                   static_cast<double>(cur.heavy_hitters.max_error()) / n_cur;
  return out;
}

}  // namespace detail

/// Per-column drift scores of `current` against `reference`, computed from the profiles
/// alone (see the top of this file for the binning and the error note). Every column of
/// the reference must be in the current profile with the same kind and vice versa
/// (invalid_argument naming the column).
inline std::vector<column_drift> profile_drift(const table_profile& reference,
                                               const table_profile& current,
                                               const profile_drift_options& options = {}) {
  drift::binned_options binned;
  binned.n_bins = options.n_bins;
  binned.epsilon = options.epsilon;
  binned.base = options.base;
  drift::detail::check_binned_options(binned);
  for (const auto& column : current.columns()) {
    if (reference.find(column.name) < 0) {
      throw invalid_argument("profile_drift: column '" + column.name +
                             "' of the current profile is missing from the reference");
    }
  }
  std::vector<column_drift> out;
  out.reserve(reference.n_columns());
  for (const auto& ref : reference.columns()) {
    const auto j = current.find(ref.name);
    if (j < 0) {
      throw invalid_argument("profile_drift: column '" + ref.name +
                             "' of the reference is missing from the current profile");
    }
    const auto& cur = current.columns()[static_cast<std::size_t>(j)];
    if (cur.kind != ref.kind) {
      throw invalid_argument("profile_drift: column '" + ref.name + "' is " + to_string(ref.kind) +
                             " in the reference but " + to_string(cur.kind) + " in the current profile");
    }
    out.push_back(ref.is_numeric() ? detail::numeric_drift(ref, cur, options)
                                   : detail::categorical_drift(ref, cur, options));
  }
  return out;
}

}  // namespace shiftguard::validate
