#pragma once

// KLL quantile sketch of doubles (Karnin, Lang and Liberty, "Optimal quantile approximation in
// streams", FOCS 2016), written here.
//
// Structure. A stack of H compactors (levels); an item at level h stands for 2^h input values.
// Level h at depth d = H - 1 - h has capacity max(2, ceil(k * (2/3)^d)): the top level holds
// k, lower levels geometrically fewer, so the sketch retains fewer than about 3k + 2H items
// (O(k + log(n/k))). New values go to level 0. Compaction is lazy (as in the paper's
// implementation notes): only when the total number of retained items reaches the total
// capacity, the lowest level that is at or over its own capacity is compacted: its items are
// sorted, one item is held back if their number is odd, and of each adjacent pair of the rest
// either every first or every second item (one fair random bit per compaction) is promoted to
// level h + 1 (merged into its sorted items) with twice the weight; the others are dropped.
// A compaction that reaches the top level adds a level.
//
// Randomness. The bit of the j-th compaction is the top bit of mix64(seed + j * gamma) (see
// hash.hpp): the sketch is a deterministic function of (k, seed, the input in order), and the
// position in that stream (the number of compactions) is part of the saved state, so a loaded
// sketch continues exactly as the original would.
//
// Batch update. update(x, n, stride) copies finite values straight into level 0 up to the room
// left before the next compaction (a branch-free loop that also tracks min and max), then
// compacts; level 0 is sorted only when it is compacted (one std::sort of a few hundred values),
// and higher levels are merged, never re-sorted.
//
// Error bound. Each compaction of level h adds a +-2^h (equally likely) error to the rank of any
// value, independently; the rank error of a query is a sum of such zero-mean terms whose
// variance is dominated by the top levels, of order (n/k)^2. normalized_rank_error() returns
//
//   eps(k) = 2.3 / k^0.97      (single query, |estimated rank - true rank| / n, ~99% confidence)
//
// (k = 200: 0.0134; k = 100: 0.0264; k = 400: 0.0068), the empirical fit of Apache DataSketches'
// published bound for its KLL (same capacities, which it rounds slightly differently and
// whose lowest compactors are a little wider). This implementation was checked against it by
// seeded simulation (tests/cpp/validate/test_kll.cpp): over 200 seeds and n = 10^5 uniform,
// sorted, reversed and heavily tied inputs, fewer than 1% of single-quantile errors exceed eps(k),
// and the largest error over all quantiles stays below 2 eps(k) in every seed.
//
// merge() concatenates the levels (sorted levels merged) and compacts until the sketch is back
// under capacity; both sketches must have the same k. The merged sketch has the error of a
// sketch of the union within the same bound (KLL is fully mergeable).
//
// Non-finite values (NaN, infinities) are skipped and not counted (the profile counts them).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/json.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/validate/sketch/common.hpp"
#include "shiftguard/validate/sketch/hash.hpp"

namespace shiftguard::validate::sketch {

/// KLL quantile sketch of doubles with a documented rank-error bound; mergeable.
class kll_sketch {
 public:
  static constexpr const char* type_tag = "validate.sketch.kll";
  static constexpr std::uint32_t type_version = 1;
  static constexpr int min_k = 8;
  static constexpr int max_k = 65535;
  static constexpr std::size_t max_levels = 60;

  explicit kll_sketch(int k = 200, std::uint64_t seed = 0) : k_(k), seed_(seed) {
    check_k(k, "kll_sketch: k");
    levels_.resize(1);
    update_capacities();
  }

  /// Adds one value; NaN and infinities are skipped.
  void update(double x) {
    if (!std::isfinite(x)) return;
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
    levels_[0].push_back(x);
    ++count_;
    ++retained_;
    if (retained_ >= total_capacity_) compress();
  }

  /// Adds n values x[0], x[stride], ...; NaN and infinities are skipped.
  template <class Scalar>
  void update(const Scalar* x, std::size_t n, std::ptrdiff_t stride = 1) {
    std::size_t i = 0;
    double low = min_;
    double high = max_;
    while (i < n) {
      const std::size_t take = std::min(total_capacity_ - retained_, n - i);
      std::vector<double>& level0 = levels_[0];
      const std::size_t old_size = level0.size();
      level0.resize(old_size + take);
      double* out = level0.data() + old_size;
      const Scalar* in = x + static_cast<std::ptrdiff_t>(i) * stride;
      std::size_t kept = 0;
      if (stride == 1) {
        kept = copy_finite(in, take, 1, out, low, high);
      } else {
        kept = copy_finite(in, take, stride, out, low, high);
      }
      level0.resize(old_size + kept);
      count_ += kept;
      retained_ += kept;
      i += take;
      if (retained_ >= total_capacity_) compress();
    }
    min_ = low;
    max_ = high;
  }

  /// Folds `other` into this sketch; the k must be equal (invalid_argument otherwise).
  void merge(const kll_sketch& other) {
    if (other.k_ != k_) {
      throw invalid_argument("kll_sketch::merge: k differs (" + std::to_string(k_) + " and " +
                             std::to_string(other.k_) + ")");
    }
    if (other.count_ == 0) return;
    if (&other == this) {
      const kll_sketch copy = other;
      merge(copy);
      return;
    }
    while (levels_.size() < other.levels_.size()) add_level();
    levels_[0].insert(levels_[0].end(), other.levels_[0].begin(), other.levels_[0].end());
    for (std::size_t h = 1; h < other.levels_.size(); ++h) {
      merge_sorted_into(levels_[h], other.levels_[h].data(), other.levels_[h].size());
    }
    count_ += other.count_;
    retained_ += other.retained_;
    n_compactions_ += other.n_compactions_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    compress();
  }

  /// Number of (finite) values added.
  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] bool empty() const { return count_ == 0; }
  /// Exact minimum; NaN when empty.
  [[nodiscard]] double min() const { return count_ == 0 ? nan() : min_; }
  /// Exact maximum; NaN when empty.
  [[nodiscard]] double max() const { return count_ == 0 ? nan() : max_; }
  [[nodiscard]] int k() const { return k_; }
  [[nodiscard]] std::uint64_t seed() const { return seed_; }
  /// Number of levels (compactors).
  [[nodiscard]] std::size_t n_levels() const { return levels_.size(); }
  /// Items kept: fewer than about 3k + 2 * n_levels().
  [[nodiscard]] std::size_t retained() const { return retained_; }

  /// The q-quantile, q in [0, 1]: the smallest retained item whose cumulative weight reaches
  /// q * count(); exact min at 0 and max at 1; NaN when empty. invalid_argument outside [0, 1].
  [[nodiscard]] double quantile(double q) const {
    check_q(q);
    if (count_ == 0) return nan();
    const auto view = sorted_view();
    return quantile_from(view, q);
  }

  /// quantile() of each q (one sorted view for all).
  [[nodiscard]] std::vector<double> quantiles(const std::vector<double>& qs) const {
    for (const double q : qs) check_q(q);
    std::vector<double> result(qs.size(), nan());
    if (count_ == 0) return result;
    const auto view = sorted_view();
    for (std::size_t i = 0; i < qs.size(); ++i) result[i] = quantile_from(view, qs[i]);
    return result;
  }

  /// Normalized rank of x: the weight of items <= x over count(); 0 below min, 1 at or above
  /// max; NaN when empty. invalid_argument for NaN x.
  [[nodiscard]] double rank(double x) const {
    if (std::isnan(x)) throw invalid_argument("kll_sketch::rank: x must not be NaN");
    if (count_ == 0) return nan();
    if (x < min_) return 0.0;
    if (x >= max_) return 1.0;
    std::uint64_t weight = 0;
    for (std::size_t h = 0; h < levels_.size(); ++h) {
      const auto& level = levels_[h];
      std::size_t below = 0;
      if (h == 0) {
        for (const double v : level) below += v <= x ? 1 : 0;
      } else {
        below = static_cast<std::size_t>(std::upper_bound(level.begin(), level.end(), x) -
                                         level.begin());
      }
      weight += static_cast<std::uint64_t>(below) << h;
    }
    return static_cast<double>(weight) / static_cast<double>(count_);
  }

  /// The documented single-query bound on |estimated rank - true rank| / n at ~99% confidence.
  [[nodiscard]] double normalized_rank_error() const { return normalized_rank_error(k_); }
  static double normalized_rank_error(int k) {
    return 2.3 / std::pow(static_cast<double>(k), 0.97);
  }

  /// (item, weight) pairs in ascending item order; the weights sum to count().
  [[nodiscard]] std::vector<std::pair<double, std::uint64_t>> sorted_view() const {
    std::vector<std::pair<double, std::uint64_t>> view;
    view.reserve(retained_);
    for (std::size_t h = 0; h < levels_.size(); ++h) {
      for (const double v : levels_[h]) view.emplace_back(v, std::uint64_t{1} << h);
    }
    std::sort(view.begin(), view.end());
    return view;
  }

  /// The items of each level (level 0 unsorted, higher levels ascending).
  [[nodiscard]] const std::vector<std::vector<double>>& levels() const { return levels_; }

  friend bool operator==(const kll_sketch& a, const kll_sketch& b) {
    return a.k_ == b.k_ && a.seed_ == b.seed_ && a.n_compactions_ == b.n_compactions_ &&
           a.count_ == b.count_ && a.min_ == b.min_ && a.max_ == b.max_ && a.levels_ == b.levels_;
  }
  friend bool operator!=(const kll_sketch& a, const kll_sketch& b) { return !(a == b); }

  void write(serialization::binary_writer& writer) const {
    writer.write_u32(static_cast<std::uint32_t>(k_));
    writer.write_u64(seed_);
    writer.write_u64(n_compactions_);
    writer.write_u64(count_);
    writer.write_f64(min_);
    writer.write_f64(max_);
    writer.write_u32(static_cast<std::uint32_t>(levels_.size()));
    for (const auto& level : levels_) writer.write_array(level);
  }
  static kll_sketch read(serialization::binary_reader& reader) {
    const std::uint32_t k = reader.read_u32();
    if (k < min_k || k > max_k) {
      reader.fail("kll: k " + std::to_string(k) + " is outside [8, 65535]");
    }
    kll_sketch result(static_cast<int>(k), reader.read_u64());
    result.n_compactions_ = reader.read_u64();
    result.count_ = reader.read_u64();
    result.min_ = reader.read_f64();
    result.max_ = reader.read_f64();
    const std::uint32_t n_levels = reader.read_u32();
    if (n_levels < 1 || n_levels > max_levels) {
      reader.fail("kll: " + std::to_string(n_levels) + " levels is outside [1, 60]");
    }
    std::vector<std::vector<double>> levels(n_levels);
    for (auto& level : levels) level = reader.read_array<double>();
    const std::string problem = result.set_levels(std::move(levels));
    if (!problem.empty()) reader.fail("kll: " + problem);
    return result;
  }
  [[nodiscard]] std::string to_bytes() const {
    serialization::binary_writer writer;
    write(writer);
    return writer.finish(type_tag, type_version);
  }
  static kll_sketch from_bytes(std::string_view bytes) {
    serialization::binary_reader reader(bytes, type_tag, type_version);
    kll_sketch result = read(reader);
    reader.expect_end();
    return result;
  }

  /// {"type": "kll", "version": 1, "k", "seed", "n_compactions", "count", "min", "max",
  ///  "levels": [[items of level 0], [level 1], ...]}.
  [[nodiscard]] json::value to_json() const {
    json::value out = json::value::object();
    out["type"] = "kll";
    out["version"] = static_cast<int>(type_version);
    out["k"] = k_;
    out["seed"] = detail::u64_to_json(seed_);
    out["n_compactions"] = detail::u64_to_json(n_compactions_);
    out["count"] = detail::u64_to_json(count_);
    out["min"] = min_;
    out["max"] = max_;
    json::value levels = json::value::array();
    for (const auto& level : levels_) {
      json::value items = json::value::array();
      for (const double v : level) items.push_back(json::value(v));
      levels.push_back(std::move(items));
    }
    out["levels"] = std::move(levels);
    return out;
  }
  static kll_sketch from_json(const json::value& value) {
    detail::check_json_header(value, "kll", type_version);
    const std::int64_t k = value.at("k").as_int();
    if (k < min_k || k > max_k) {
      throw format_error("cannot load kll from JSON: k " + std::to_string(k) +
                         " is outside [8, 65535]");
    }
    kll_sketch result(static_cast<int>(k), detail::u64_from_json(value.at("seed"), "kll"));
    result.n_compactions_ = detail::u64_from_json(value.at("n_compactions"), "kll");
    result.count_ = detail::u64_from_json(value.at("count"), "kll");
    result.min_ = value.at("min").as_number();
    result.max_ = value.at("max").as_number();
    const auto& array = value.at("levels").as_array();
    if (array.empty() || array.size() > max_levels) {
      throw format_error("cannot load kll from JSON: " + std::to_string(array.size()) +
                         " levels is outside [1, 60]");
    }
    std::vector<std::vector<double>> levels(array.size());
    for (std::size_t h = 0; h < array.size(); ++h) {
      for (const auto& item : array[h].as_array()) levels[h].push_back(item.as_number());
    }
    const std::string problem = result.set_levels(std::move(levels));
    if (!problem.empty()) throw format_error("cannot load kll from JSON: " + problem);
    return result;
  }

  static void check_k(long long k, const char* name) {
    if (k < min_k || k > max_k) {
      throw invalid_argument(std::string(name) + " must be in [8, 65535], got " +
                             std::to_string(k));
    }
  }

  /// Capacity of the compactor at depth d (the top level has depth 0).
  static std::size_t capacity_at_depth(int k, std::size_t depth) {
    // ceil(k * 2^d / 3^d) in exact integer arithmetic; below 2 from d = 31 on for any k.
    if (depth > 30) return 2;
    std::uint64_t numerator = static_cast<std::uint64_t>(k) << depth;
    std::uint64_t denominator = 1;
    for (std::size_t i = 0; i < depth; ++i) denominator *= 3;
    const std::uint64_t capacity = (numerator + denominator - 1) / denominator;
    return static_cast<std::size_t>(std::max<std::uint64_t>(capacity, 2));
  }

 private:
  static double nan() { return std::numeric_limits<double>::quiet_NaN(); }

  static void check_q(double q) {
    if (!(q >= 0.0 && q <= 1.0)) {
      throw invalid_argument("kll_sketch::quantile: q must be in [0, 1], got " +
                             std::to_string(q));
    }
  }

  double quantile_from(const std::vector<std::pair<double, std::uint64_t>>& view,
                       double q) const {
    if (q <= 0.0) return min_;
    if (q >= 1.0) return max_;
    const double target = q * static_cast<double>(count_);
    std::uint64_t cumulative = 0;
    for (const auto& [item, weight] : view) {
      cumulative += weight;
      if (static_cast<double>(cumulative) >= target) return item;
    }
    return max_;
  }

  template <class Scalar>
  static std::size_t copy_finite(const Scalar* in, std::size_t n, std::ptrdiff_t stride,
                                 double* out, double& low, double& high) {
    std::size_t kept = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const double v = static_cast<double>(in[static_cast<std::ptrdiff_t>(j) * stride]);
      const bool finite = v - v == 0.0;
      out[kept] = v;
      kept += finite ? 1 : 0;
      low = finite && v < low ? v : low;
      high = finite && v > high ? v : high;
    }
    return kept;
  }

  static void merge_sorted_into(std::vector<double>& target, const double* items,
                                std::size_t size) {
    const std::size_t old_size = target.size();
    target.resize(old_size + size);
    std::copy(items, items + size, target.begin() + static_cast<std::ptrdiff_t>(old_size));
    std::inplace_merge(target.begin(), target.begin() + static_cast<std::ptrdiff_t>(old_size),
                       target.end());
  }

  void update_capacities() {
    capacities_.resize(levels_.size());
    total_capacity_ = 0;
    for (std::size_t h = 0; h < levels_.size(); ++h) {
      capacities_[h] = capacity_at_depth(k_, levels_.size() - 1 - h);
      total_capacity_ += capacities_[h];
    }
  }

  void add_level() {
    if (levels_.size() >= max_levels) {
      throw invalid_argument("kll_sketch: more than 2^60 values");
    }
    levels_.emplace_back();
    update_capacities();
  }

  // Compacts until fewer items are retained than the total capacity.
  void compress() {
    while (retained_ >= total_capacity_) {
      std::size_t h = 0;
      while (levels_[h].size() < capacities_[h]) ++h;
      if (h + 1 == levels_.size()) add_level();
      compact(h);
    }
  }

  void compact(std::size_t h) {
    std::vector<double>& level = levels_[h];
    if (h == 0) std::sort(level.begin(), level.end());
    const std::size_t held = level.size() % 2;  // an odd item out stays (the smallest)
    const std::size_t pairs = (level.size() - held) / 2;
    ++n_compactions_;
    const std::size_t offset =
        static_cast<std::size_t>(detail::mix64(seed_ + detail::golden_gamma * n_compactions_) >> 63);
    promoted_.resize(pairs);
    for (std::size_t i = 0; i < pairs; ++i) promoted_[i] = level[held + offset + 2 * i];
    level.resize(held);
    merge_sorted_into(levels_[h + 1], promoted_.data(), pairs);
    retained_ -= pairs;
  }

  // Installs loaded levels after checking every invariant; returns what is wrong, if anything.
  std::string set_levels(std::vector<std::vector<double>> levels) {
    std::uint64_t weight = 0;
    std::size_t retained = 0;
    for (std::size_t h = 0; h < levels.size(); ++h) {
      const auto& level = levels[h];
      for (std::size_t i = 0; i < level.size(); ++i) {
        if (!std::isfinite(level[i])) return "level " + std::to_string(h) + " holds a non-finite item";
        if (!(level[i] >= min_ && level[i] <= max_)) {
          return "level " + std::to_string(h) + " holds an item outside [min, max]";
        }
        if (h > 0 && i > 0 && level[i] < level[i - 1]) {
          return "level " + std::to_string(h) + " is not sorted";
        }
      }
      const std::uint64_t size = level.size();
      if (size > (UINT64_MAX >> h) || (size << h) > UINT64_MAX - weight) {
        return "the item weights overflow";
      }
      weight += size << h;
      retained += level.size();
    }
    if (weight != count_) {
      return "the item weights sum to " + std::to_string(weight) + ", not the count " +
             std::to_string(count_);
    }
    if (count_ == 0) {
      if (min_ != std::numeric_limits<double>::infinity() ||
          max_ != -std::numeric_limits<double>::infinity()) {
        return "an empty sketch has a minimum or maximum";
      }
    } else if (!std::isfinite(min_) || !std::isfinite(max_) || !(min_ <= max_)) {
      return "minimum and maximum are inconsistent";
    }
    levels_ = std::move(levels);
    retained_ = retained;
    update_capacities();
    if (retained_ >= total_capacity_) {
      return std::to_string(retained_) + " items retained, at or over the capacity " +
             std::to_string(total_capacity_) + " of " + std::to_string(levels_.size()) +
             " levels";
    }
    return {};
  }

  int k_;
  std::uint64_t seed_;
  std::uint64_t n_compactions_ = 0;
  std::uint64_t count_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> levels_;
  std::vector<std::size_t> capacities_;
  std::size_t total_capacity_ = 0;
  std::size_t retained_ = 0;
  std::vector<double> promoted_;  // scratch for compactions
};

}  // namespace shiftguard::validate::sketch
