#pragma once

// KLL quantile sketch of doubles (Karnin, Lang and Liberty, "Optimal quantile approximation in
// streams", FOCS 2016), written here.
//
// Structure. A stack of H compactors (levels); an item at level h stands for 2^h input values.
// Level h at depth d = H - 1 - h has capacity max(2, ceil(k * (2/3)^d)): the top level holds k,
// lower levels geometrically fewer. Compaction is lazy: only when the number of retained items
// reaches the total capacity, the lowest level at or over its own capacity is compacted: its
// items are sorted, one item is held back if their number is odd (the smallest), and of each
// adjacent pair of the rest either every first or every second item (one fair random bit per
// compaction) moves up one level with twice the weight; the others are dropped. A compaction
// that reaches the top adds a level.
//
// Sampler. The levels at the bottom whose capacity is the minimum 2 are replaced by a sampler,
// as in Section 4 of the paper: once there are s such levels, new values arrive in blocks of
// 2^s and one value of each block, chosen uniformly at random, enters level s (the entry
// level) with weight 2^s. The block in progress is represented by one of its values with
// weight equal to the number of values seen in it (so the weights always sum to count()).
// The entry level gets at least `entry_capacity` (32) slots, so compactions work on batches.
//
// Randomness. The j-th random draw (a compaction's bit or a block's choice) comes from
// mix64(seed + j * gamma) (see hash.hpp): the sketch is a deterministic function of (k, seed,
// the input in order), and the number of draws is part of the saved state, so a loaded sketch
// continues exactly as the original would.
//
// Batch update. update(x, n, stride) copies the finite values of a chunk into a buffer in a
// branch-free loop that also tracks min and max, then appends them to the entry level up to the
// room left before the next compaction (or, with the sampler, picks one value per block);
// the entry level is sorted only when it is compacted, higher levels are merged, never sorted.
//
// Error bound. Each compaction of level h moves the rank of any value by 0 or +-2^h with equal
// probability, independently, so the rank error of a query is a sum of zero-mean terms whose
// variance is dominated by the top levels, of order (n/k)^2; the sampler adds at most
// n * 2^s / 4, a few percent of that. normalized_rank_error() returns
//
//   eps(k) = 2.3 / k^0.97      (single query, |estimated rank - true rank| / n, ~99% confidence)
//
// (k = 100: 0.026; k = 200: 0.013; k = 400: 0.0068): the constants are those Apache
// DataSketches publishes from its simulations of the same algorithm (its lowest compactors are
// a little wider and round differently). This implementation is checked against eps(k) by
// seeded simulation (tests/cpp/validate/test_kll.cpp): over many seeds and random, sorted,
// reversed and heavily tied inputs, at most 1% of single-quantile errors exceed eps(k), and
// the largest error over 99 quantiles stays below 2 eps(k).
//
// merge() concatenates the levels (merging sorted ones), adds the other's partial block as
// items of the binary digits of its weight, and compacts until the sketch is back under
// capacity; both sketches must have the same k. KLL is fully mergeable: the merged sketch has
// the error bound of a sketch of the union.
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

namespace detail {

inline void insertion_sort(double* a, std::size_t n) {
  for (std::size_t i = 1; i < n; ++i) {
    const double v = a[i];
    std::size_t j = i;
    for (; j > 0 && a[j - 1] > v; --j) a[j] = a[j - 1];
    a[j] = v;
  }
}

/// Sorts finite doubles ascending: quicksort with a branch-free Lomuto partition (the
/// comparison only moves an index, so random data causes no branch mispredictions; about
/// twice as fast as std::sort on the few hundred values of a compaction), median-of-three
/// pivots, a pass that skips values equal to the pivot when it is the minimum (many ties),
/// and std::sort below a depth limit (no quadratic worst case).
inline void sort_doubles(double* a, std::size_t n, int depth_limit = 64) {
  while (n > 24) {
    if (depth_limit-- == 0) {
      std::sort(a, a + n);
      return;
    }
    const double x = a[0];
    const double y = a[n / 2];
    const double z = a[n - 1];
    const double pivot = std::max(std::min(x, y), std::min(std::max(x, y), z));
    std::size_t store = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = a[i];
      const bool less = v < pivot;
      a[i] = a[store];
      a[store] = v;
      store += less ? 1 : 0;
    }
    if (store == 0) {  // the pivot is the minimum: move the values equal to it out of the way
      for (std::size_t i = 0; i < n; ++i) {
        const double v = a[i];
        const bool equal = !(pivot < v);
        a[i] = a[store];
        a[store] = v;
        store += equal ? 1 : 0;
      }
      a += store;
      n -= store;
      continue;
    }
    if (store < n - store) {
      sort_doubles(a, store, depth_limit);
      a += store;
      n -= store;
    } else {
      sort_doubles(a + store, n - store, depth_limit);
      n = store;
    }
  }
  insertion_sort(a, n);
}

}  // namespace detail

/// KLL quantile sketch of doubles with a documented rank-error bound; mergeable.
class kll_sketch {
 public:
  static constexpr const char* type_tag = "validate.sketch.kll";
  static constexpr std::uint32_t type_version = 1;
  static constexpr int min_k = 8;
  static constexpr int max_k = 65535;
  static constexpr std::size_t max_levels = 60;
  static constexpr std::size_t entry_capacity = 32;

  explicit kll_sketch(int k = 200, std::uint64_t seed = 0) : k_(k), seed_(seed) {
    check_k(k, "kll_sketch: k");
    depth_of_two_ = depth_of_two(k);
    const double eps = normalized_rank_error(k);
    sampler_scale_ = eps * eps / 32.0;
    levels_.resize(1);
    update_capacities();
  }

  /// Adds one value; NaN and infinities are skipped.
  void update(double x) {
    if (!std::isfinite(x)) return;
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
    consume(&x, 1);
  }

  /// Adds n values x[0], x[stride], ...; NaN and infinities are skipped.
  template <class Scalar>
  void update(const Scalar* x, std::size_t n, std::ptrdiff_t stride = 1) {
    constexpr std::size_t chunk = 2048;
    chunk_.resize(chunk);
    double low = min_;
    double high = max_;
    for (std::size_t start = 0; start < n; start += chunk) {
      const std::size_t size = std::min(chunk, n - start);
      const Scalar* in = x + static_cast<std::ptrdiff_t>(start) * stride;
      const std::size_t kept = stride == 1 ? copy_finite(in, size, 1, chunk_.data(), low, high)
                                           : copy_finite(in, size, stride, chunk_.data(), low, high);
      consume(chunk_.data(), kept);
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
    for (std::size_t h = 0; h < other.levels_.size(); ++h) {
      const auto& items = other.levels_[h];
      if (items.empty()) continue;
      if (h == entry_) {
        levels_[h].insert(levels_[h].end(), items.begin(), items.end());
      } else if (h == other.entry_) {
        std::vector<double> sorted = items;
        detail::sort_doubles(sorted.data(), sorted.size());
        merge_into(levels_[h], sorted.data(), sorted.size());
      } else {
        merge_into(levels_[h], items.data(), items.size());
      }
    }
    retained_ += other.retained_;
    // The other's partial block: its item once at each level of a binary digit of its weight.
    for (std::size_t h = 0; h < 64 && (other.block_offset_ >> h) != 0; ++h) {
      if (((other.block_offset_ >> h) & 1U) == 0) continue;
      while (levels_.size() <= h) add_level();
      if (h == entry_) {
        levels_[h].push_back(other.partial_item_);
      } else {
        merge_into(levels_[h], &other.partial_item_, 1);
      }
      ++retained_;
    }
    count_ += other.count_;
    draws_ += other.draws_;
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
  /// The level new values enter (2^entry_level() values per sampled block).
  [[nodiscard]] std::size_t entry_level() const { return entry_; }
  /// Items kept (the partial block's item included): fewer than 3k + 2 n_levels() + 33.
  [[nodiscard]] std::size_t retained() const { return retained_ + (block_offset_ > 0 ? 1 : 0); }

  /// The q-quantile, q in [0, 1]: the smallest retained item whose cumulative weight reaches
  /// q * count(); exact min at 0 and max at 1; NaN when empty. invalid_argument outside [0, 1].
  [[nodiscard]] double quantile(double q) const {
    check_q(q);
    if (count_ == 0) return nan();
    if (q <= 0.0) return min_;
    if (q >= 1.0) return max_;
    return quantile_from(sorted_view(), q);
  }

  /// quantile() of each q (one sorted view for all).
  [[nodiscard]] std::vector<double> quantiles(const std::vector<double>& qs) const {
    for (const double q : qs) check_q(q);
    std::vector<double> result(qs.size(), nan());
    if (count_ == 0) return result;
    const auto view = sorted_view();
    for (std::size_t i = 0; i < qs.size(); ++i) {
      result[i] = qs[i] <= 0.0 ? min_ : qs[i] >= 1.0 ? max_ : quantile_from(view, qs[i]);
    }
    return result;
  }

  /// Normalized rank of x: the weight of items <= x over count(); 0 below min, 1 at or above
  /// max; NaN when empty. invalid_argument for NaN x.
  [[nodiscard]] double rank(double x) const {
    if (std::isnan(x)) throw invalid_argument("kll_sketch::rank: x must not be NaN, got nan");
    if (count_ == 0) return nan();
    if (x < min_) return 0.0;
    if (x >= max_) return 1.0;
    std::uint64_t weight = block_offset_ > 0 && partial_item_ <= x ? block_offset_ : 0;
    for (std::size_t h = 0; h < levels_.size(); ++h) {
      const auto& level = levels_[h];
      std::size_t below = 0;
      if (h == entry_) {
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
    view.reserve(retained());
    for (std::size_t h = 0; h < levels_.size(); ++h) {
      for (const double v : levels_[h]) view.emplace_back(v, std::uint64_t{1} << h);
    }
    if (block_offset_ > 0) view.emplace_back(partial_item_, block_offset_);
    std::sort(view.begin(), view.end());
    return view;
  }

  friend bool operator==(const kll_sketch& a, const kll_sketch& b) {
    return a.k_ == b.k_ && a.seed_ == b.seed_ && a.draws_ == b.draws_ && a.count_ == b.count_ &&
           a.min_ == b.min_ && a.max_ == b.max_ && a.entry_ == b.entry_ &&
           a.block_offset_ == b.block_offset_ && a.block_pick_ == b.block_pick_ &&
           (a.block_offset_ == 0 || a.partial_item_ == b.partial_item_) && a.levels_ == b.levels_;
  }
  friend bool operator!=(const kll_sketch& a, const kll_sketch& b) { return !(a == b); }

  void write(serialization::binary_writer& writer) const {
    writer.write_u32(static_cast<std::uint32_t>(k_));
    writer.write_u64(seed_);
    writer.write_u64(draws_);
    writer.write_u64(count_);
    writer.write_f64(min_);
    writer.write_f64(max_);
    writer.write_u32(static_cast<std::uint32_t>(entry_));
    writer.write_u64(block_offset_);
    writer.write_u64(block_pick_);
    writer.write_f64(block_offset_ > 0 ? partial_item_ : 0.0);
    writer.write_u32(static_cast<std::uint32_t>(levels_.size()));
    for (const auto& level : levels_) writer.write_array(level);
  }
  static kll_sketch read(serialization::binary_reader& reader) {
    const std::uint32_t k = reader.read_u32();
    if (k < min_k || k > max_k) {
      reader.fail("kll: k " + std::to_string(k) + " is outside [8, 65535]");
    }
    kll_sketch result(static_cast<int>(k), reader.read_u64());
    result.draws_ = reader.read_u64();
    result.count_ = reader.read_u64();
    result.min_ = reader.read_f64();
    result.max_ = reader.read_f64();
    const std::uint32_t entry = reader.read_u32();
    result.block_offset_ = reader.read_u64();
    result.block_pick_ = reader.read_u64();
    result.partial_item_ = reader.read_f64();
    const std::uint32_t n_levels = reader.read_u32();
    if (n_levels < 1 || n_levels > max_levels) {
      reader.fail("kll: " + std::to_string(n_levels) + " levels is outside [1, 60]");
    }
    std::vector<std::vector<double>> levels(n_levels);
    for (auto& level : levels) level = reader.read_array<double>();
    const std::string problem = result.set_levels(std::move(levels), entry);
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

  /// {"type": "kll", "version": 1, "k", "seed", "draws", "count", "min", "max", "entry_level",
  ///  "block_offset", "block_pick", "partial_item", "levels": [[level 0 items], [level 1], ...]}.
  [[nodiscard]] json::value to_json() const {
    json::value out = json::value::object();
    out["type"] = "kll";
    out["version"] = static_cast<int>(type_version);
    out["k"] = k_;
    out["seed"] = detail::u64_to_json(seed_);
    out["draws"] = detail::u64_to_json(draws_);
    out["count"] = detail::u64_to_json(count_);
    out["min"] = min_;
    out["max"] = max_;
    out["entry_level"] = static_cast<unsigned long long>(entry_);
    out["block_offset"] = detail::u64_to_json(block_offset_);
    out["block_pick"] = detail::u64_to_json(block_pick_);
    out["partial_item"] = block_offset_ > 0 ? partial_item_ : 0.0;
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
    result.draws_ = detail::u64_from_json(value.at("draws"), "kll");
    result.count_ = detail::u64_from_json(value.at("count"), "kll");
    result.min_ = value.at("min").as_number();
    result.max_ = value.at("max").as_number();
    const std::uint64_t entry = detail::u64_from_json(value.at("entry_level"), "kll");
    result.block_offset_ = detail::u64_from_json(value.at("block_offset"), "kll");
    result.block_pick_ = detail::u64_from_json(value.at("block_pick"), "kll");
    result.partial_item_ = value.at("partial_item").as_number();
    const auto& array = value.at("levels").as_array();
    if (array.empty() || array.size() > max_levels) {
      throw format_error("cannot load kll from JSON: " + std::to_string(array.size()) +
                         " levels is outside [1, 60]");
    }
    std::vector<std::vector<double>> levels(array.size());
    for (std::size_t h = 0; h < array.size(); ++h) {
      for (const auto& item : array[h].as_array()) levels[h].push_back(item.as_number());
    }
    const std::string problem =
        result.set_levels(std::move(levels), entry > max_levels ? max_levels : entry);
    if (!problem.empty()) throw format_error("cannot load kll from JSON: " + problem);
    return result;
  }

  static void check_k(long long k, const char* name) {
    if (k < min_k || k > max_k) {
      throw invalid_argument(std::string(name) + " must be in [8, 65535], got " +
                             std::to_string(k));
    }
  }

  /// Capacity of the compactor at depth d (the top level has depth 0), before the entry
  /// level's minimum: max(2, ceil(k * 2^d / 3^d)) in exact integer arithmetic.
  static std::size_t capacity_at_depth(int k, std::size_t depth) {
    if (depth > 30) return 2;  // k * (2/3)^31 < 2 for every k <= 65535
    const std::uint64_t numerator = static_cast<std::uint64_t>(k) << depth;
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
    const double target = q * static_cast<double>(count_);
    std::uint64_t cumulative = 0;
    for (const auto& [item, weight] : view) {
      cumulative += weight;
      if (static_cast<double>(cumulative) >= target) return item;
    }
    return max_;
  }

  std::uint64_t next_draw() { return detail::mix64(seed_ + detail::golden_gamma * ++draws_); }

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

  // Adds m finite values (min and max already accounted for).
  // The count grows with each step (not all at once), so that the sampler level, which
  // depends on the count, changes at the same values whatever the batch boundaries.
  void consume(const double* values, std::size_t m) {
    std::size_t i = 0;
    while (i < m) {
      if (entry_ == 0) {
        const std::size_t take = std::min(total_capacity_ - retained_, m - i);
        auto& level = levels_[0];
        level.insert(level.end(), values + i, values + i + take);
        count_ += take;
        retained_ += take;
        i += take;
        if (retained_ >= total_capacity_) compress();
        continue;
      }
      // Sampler: one value of each block of 2^entry_ enters the entry level.
      const std::uint64_t block = std::uint64_t{1} << entry_;
      if (block_offset_ == 0) {
        block_pick_ = next_draw() >> (64 - entry_);
        partial_item_ = values[i];
      }
      const std::uint64_t take = std::min<std::uint64_t>(block - block_offset_, m - i);
      if (block_pick_ >= block_offset_ && block_pick_ < block_offset_ + take) {
        partial_item_ = values[i + (block_pick_ - block_offset_)];
      }
      block_offset_ += take;
      count_ += take;
      i += static_cast<std::size_t>(take);
      if (block_offset_ == block) {
        block_offset_ = 0;
        levels_[entry_].push_back(partial_item_);
        ++retained_;
        if (retained_ >= total_capacity_) compress();
      }
    }
  }

  // Merges sorted items into a sorted level without allocating (a scratch buffer is reused);
  // branch-free, since which input the next item comes from is unpredictable.
  void merge_into(std::vector<double>& level, const double* items, std::size_t size) {
    const std::size_t n_level = level.size();
    scratch_.resize(n_level + size);
    const double* a = level.data();
    double* out = scratch_.data();
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n_level && j < size) {
      const double x = a[i];
      const double y = items[j];
      const bool take_item = y < x;
      *out++ = take_item ? y : x;
      j += take_item ? 1 : 0;
      i += take_item ? 0 : 1;
    }
    out = std::copy(a + i, a + n_level, out);
    std::copy(items + j, items + size, out);
    level.swap(scratch_);
  }

  // Sampler level for H levels and n values: the larger of (a) the number of bottom levels
  // whose capacity is the minimum 2 (the paper's rule), and (b) the largest s with
  // 2^s <= n eps^2 / 32, for which the sampler's rank-error variance, at most n 2^s / 4, stays
  // within 1/128 of (eps n)^2 (about 5% of the variance the bound allows at 99%); never above
  // H - 2.
  [[nodiscard]] std::size_t sampled_levels(std::size_t n_levels, std::uint64_t n) const {
    const std::size_t by_capacity = n_levels > depth_of_two_ + 1 ? n_levels - 1 - depth_of_two_ : 0;
    const double widest = static_cast<double>(n) * sampler_scale_;
    std::size_t by_budget = 0;
    while (by_budget < 62 && std::ldexp(1.0, static_cast<int>(by_budget) + 1) <= widest) ++by_budget;
    by_budget = std::min(by_budget, n_levels >= 2 ? n_levels - 2 : 0);
    return std::max(by_capacity, by_budget);
  }

  static std::size_t depth_of_two(int k) {
    std::size_t depth = 0;
    while (capacity_at_depth(k, depth) > 2) ++depth;
    return depth;
  }

  void update_capacities() {
    capacities_.resize(levels_.size());
    total_capacity_ = 0;
    for (std::size_t h = 0; h < levels_.size(); ++h) {
      capacities_[h] = capacity_at_depth(k_, levels_.size() - 1 - h);
      if (h == entry_) capacities_[h] = std::max(capacities_[h], entry_capacity);
      total_capacity_ += capacities_[h];
    }
  }

  void add_level() {
    if (levels_.size() >= max_levels) throw invalid_argument("kll_sketch: more than 2^60 values");
    levels_.emplace_back();
    update_capacities();
  }

  // Compacts until fewer items are retained than the total capacity; moves the entry level up
  // when levels were added and no block is in progress.
  void compress() {
    while (retained_ >= total_capacity_) {
      std::size_t h = 0;
      while (levels_[h].size() < capacities_[h]) ++h;
      if (h + 1 == levels_.size()) add_level();
      compact(h);
    }
    const std::size_t wanted = sampled_levels(levels_.size(), count_);
    if (wanted > entry_ && block_offset_ == 0) {
      auto& old_entry = levels_[entry_];
      detail::sort_doubles(old_entry.data(), old_entry.size());
      entry_ = wanted;
      update_capacities();
      compress();
    }
  }

  void compact(std::size_t h) {
    std::vector<double>& level = levels_[h];

    if (h == entry_) detail::sort_doubles(level.data(), level.size());
    const std::size_t held = level.size() % 2;  // an odd item out stays (the smallest)
    const std::size_t pairs = (level.size() - held) / 2;
    const auto offset = static_cast<std::size_t>(next_draw() >> 63);
    promoted_.resize(pairs);
    for (std::size_t i = 0; i < pairs; ++i) promoted_[i] = level[held + offset + 2 * i];
    level.resize(held);
    auto& up = levels_[h + 1];
    if (h + 1 == entry_) {
      up.insert(up.end(), promoted_.begin(), promoted_.end());
    } else {
      merge_into(up, promoted_.data(), pairs);
    }
    retained_ -= pairs;
  }

  // Installs loaded levels after checking every invariant; returns what is wrong, if anything.
  std::string set_levels(std::vector<std::vector<double>> levels, std::size_t entry) {
    if (entry >= levels.size()) {
      return "the entry level " + std::to_string(entry) + " is not below the " +
             std::to_string(levels.size()) + " levels";
    }
    if (block_offset_ >= (std::uint64_t{1} << entry) && !(entry == 0 && block_offset_ == 0)) {
      return "the block offset " + std::to_string(block_offset_) + " is not below 2^" +
             std::to_string(entry);
    }
    if (entry > 0 && block_pick_ >= (std::uint64_t{1} << entry)) {
      return "the block choice " + std::to_string(block_pick_) + " is not below 2^" +
             std::to_string(entry);
    }
    std::uint64_t weight = block_offset_;
    std::size_t retained = 0;
    for (std::size_t h = 0; h < levels.size(); ++h) {
      const auto& level = levels[h];
      for (std::size_t i = 0; i < level.size(); ++i) {
        if (!std::isfinite(level[i])) {
          return "level " + std::to_string(h) + " holds a non-finite item";
        }
        if (!(level[i] >= min_ && level[i] <= max_)) {
          return "level " + std::to_string(h) + " holds an item outside [min, max]";
        }
        if (h != entry && i > 0 && level[i] < level[i - 1]) {
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
    if (block_offset_ > 0 && !(partial_item_ >= min_ && partial_item_ <= max_)) {
      return "the partial block's item lies outside [min, max]";
    }
    if (block_offset_ == 0) partial_item_ = 0.0;
    levels_ = std::move(levels);
    entry_ = entry;
    retained_ = retained;
    update_capacities();
    if (retained_ >= total_capacity_) {
      return std::to_string(retained_) + " items retained, at or over the capacity " +
             std::to_string(total_capacity_) + " of " + std::to_string(levels_.size()) +
             " levels";
    }
    if (entry_ > sampled_levels(levels_.size(), count_)) {
      return "the entry level " + std::to_string(entry_) + " is too high for " +
             std::to_string(levels_.size()) + " levels";
    }
    return {};
  }

  int k_;
  std::uint64_t seed_;
  std::size_t depth_of_two_ = 0;  // smallest depth whose capacity is the minimum 2
  double sampler_scale_ = 0.0;    // eps^2 / 32: blocks of 2^s values with 2^s <= n * this
  std::uint64_t draws_ = 0;  // random draws so far (position in the random stream)
  std::uint64_t count_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> levels_;  // levels_[entry_] unsorted, the others ascending
  std::vector<std::size_t> capacities_;
  std::size_t total_capacity_ = 0;
  std::size_t retained_ = 0;  // items in levels_ (the partial block's item not included)
  std::size_t entry_ = 0;     // level new values enter; 2^entry_ values per block
  std::uint64_t block_offset_ = 0;  // values of the block in progress seen so far
  std::uint64_t block_pick_ = 0;    // position in the block of the value that will be kept
  double partial_item_ = 0.0;       // the block's representative (weight block_offset_)
  std::vector<double> promoted_;    // scratch for compactions
  std::vector<double> scratch_;     // scratch for merges
  std::vector<double> chunk_;       // scratch for batch updates
};

}  // namespace shiftguard::validate::sketch
