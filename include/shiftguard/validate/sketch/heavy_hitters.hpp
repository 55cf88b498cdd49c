#pragma once

// Mergeable heavy hitters (frequent items) over strings: the Misra-Gries summary with weights,
// written here, with the merge of Agarwal, Cormode, Huang, Phillips, Wei and Yi (2012,
// "Mergeable summaries").
//
// The summary keeps at most `capacity` counters between reductions and up to 2 * capacity
// while it buffers new items. A reduction takes delta = the (capacity + 1)-th largest counter,
// subtracts delta from every counter and drops those that reach zero, leaving at most
// `capacity`. Each reduction removes at least (capacity + 1) * delta of weight (the largest
// capacity + 1 counters each lose delta), so the sum of the deltas, kept exactly as
// max_error(), satisfies
//
//   max_error() <= total_weight() / (capacity + 1),
//
// and every item's estimate (its counter, 0 when absent) lies in [true - max_error(), true].
// With at most `capacity` distinct items no reduction ever happens and the counts are exact.
// merge() adds the counters of both summaries and reduces once (Agarwal et al.); its error
// is the sum of both errors plus the new delta, still within the bound above for the total
// weight of both. merge is commutative (the reduction depends only on the multiset of
// counters); associative exactly while no reduction happens, otherwise within the bound.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/json.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/validate/sketch/common.hpp"
#include "shiftguard/validate/sketch/hash.hpp"

namespace shiftguard::validate::sketch {

/// Frequent items of a weighted stream of strings, with a guaranteed error bound.
class heavy_hitters {
 public:
  static constexpr const char* type_tag = "validate.sketch.heavy_hitters";
  static constexpr std::uint32_t type_version = 1;
  static constexpr std::size_t max_capacity = std::size_t{1} << 24;

  explicit heavy_hitters(std::size_t capacity = 64) : capacity_(capacity) {
    if (capacity < 1 || capacity > max_capacity) {
      throw invalid_argument("heavy_hitters: capacity must be in [1, 16777216], got " +
                             std::to_string(capacity));
    }
  }

  /// Adds `weight` occurrences of `item` (weight 0 changes nothing).
  void update(std::string_view item, std::uint64_t weight = 1) {
    if (weight == 0) return;
    add_total(weight);
    auto found = counters_.find(key_type(item));
    if (found != counters_.end()) {
      found->second += weight;
      return;
    }
    counters_.emplace(std::string(item), weight);
    if (counters_.size() > 2 * capacity_) reduce();
  }

  /// Adds the counters of `other` and reduces (Agarwal et al. 2012); capacities must match.
  void merge(const heavy_hitters& other) {
    if (other.capacity_ != capacity_) {
      throw invalid_argument("heavy_hitters::merge: capacities differ (" +
                             std::to_string(capacity_) + " and " +
                             std::to_string(other.capacity_) + ")");
    }
    if (&other == this) {
      const heavy_hitters copy = other;
      merge(copy);
      return;
    }
    add_total(other.total_weight_);
    max_error_ += other.max_error_;
    for (const auto& [item, count] : other.counters_) counters_[item] += count;
    if (counters_.size() > capacity_) reduce();
  }

  /// The n items with the largest estimated counts, descending, ties by item (ascending).
  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> top(std::size_t n) const {
    std::vector<std::pair<std::string, std::uint64_t>> items(counters_.begin(), counters_.end());
    const auto order = [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    };
    if (n < items.size()) {
      std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(n), items.end(),
                        order);
      items.resize(n);
    } else {
      std::sort(items.begin(), items.end(), order);
    }
    return items;
  }

  /// Estimated count of `item` (0 when not tracked); within max_error() below the true count.
  [[nodiscard]] std::uint64_t estimate(std::string_view item) const {
    const auto found = counters_.find(key_type(item));
    return found == counters_.end() ? 0 : found->second;
  }

  /// Sum of all weights added.
  [[nodiscard]] std::uint64_t total_weight() const { return total_weight_; }
  /// The exact sum of the reductions' deltas: |estimate - true| <= max_error() for every item.
  [[nodiscard]] std::uint64_t max_error() const { return max_error_; }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  /// Number of counters held (at most 2 * capacity).
  [[nodiscard]] std::size_t size() const { return counters_.size(); }
  [[nodiscard]] bool empty() const { return total_weight_ == 0; }

  friend bool operator==(const heavy_hitters& a, const heavy_hitters& b) {
    return a.capacity_ == b.capacity_ && a.total_weight_ == b.total_weight_ &&
           a.max_error_ == b.max_error_ && a.counters_ == b.counters_;
  }
  friend bool operator!=(const heavy_hitters& a, const heavy_hitters& b) { return !(a == b); }

  /// Fields in a canonical order (items sorted), so equal summaries write equal bytes.
  void write(serialization::binary_writer& writer) const {
    writer.write_u64(capacity_);
    writer.write_u64(total_weight_);
    writer.write_u64(max_error_);
    const auto items = sorted_items();
    writer.write_u64(items.size());
    for (const auto& [item, count] : items) {
      writer.write_string(item);
      writer.write_u64(count);
    }
  }
  static heavy_hitters read(serialization::binary_reader& reader) {
    const std::uint64_t capacity = reader.read_u64();
    if (capacity < 1 || capacity > max_capacity) {
      reader.fail("heavy_hitters: capacity " + std::to_string(capacity) +
                  " is outside [1, 16777216]");
    }
    heavy_hitters result(static_cast<std::size_t>(capacity));
    result.total_weight_ = reader.read_u64();
    result.max_error_ = reader.read_u64();
    const std::uint64_t size = reader.read_u64();
    if (size > 2 * capacity) {
      reader.fail("heavy_hitters: " + std::to_string(size) + " counters, more than 2 * capacity");
    }
    std::vector<std::pair<std::string, std::uint64_t>> items;
    items.reserve(static_cast<std::size_t>(size));
    for (std::uint64_t i = 0; i < size; ++i) {
      std::string item = reader.read_string();
      const std::uint64_t count = reader.read_u64();
      items.emplace_back(std::move(item), count);
    }
    const std::string problem = result.set_items(std::move(items));
    if (!problem.empty()) reader.fail("heavy_hitters: " + problem);
    return result;
  }
  [[nodiscard]] std::string to_bytes() const {
    serialization::binary_writer writer;
    write(writer);
    return writer.finish(type_tag, type_version);
  }
  static heavy_hitters from_bytes(std::string_view bytes) {
    serialization::binary_reader reader(bytes, type_tag, type_version);
    heavy_hitters result = read(reader);
    reader.expect_end();
    return result;
  }

  /// {"type": "heavy_hitters", "version": 1, "capacity", "total_weight", "max_error",
  ///  "items": [[item, count], ...] sorted by item}.
  [[nodiscard]] json::value to_json() const {
    json::value out = json::value::object();
    out["type"] = "heavy_hitters";
    out["version"] = static_cast<int>(type_version);
    out["capacity"] = detail::u64_to_json(capacity_);
    out["total_weight"] = detail::u64_to_json(total_weight_);
    out["max_error"] = detail::u64_to_json(max_error_);
    json::value items = json::value::array();
    for (const auto& [item, count] : sorted_items()) {
      json::value pair = json::value::array();
      pair.push_back(json::value(item));
      pair.push_back(detail::u64_to_json(count));
      items.push_back(std::move(pair));
    }
    out["items"] = std::move(items);
    return out;
  }
  static heavy_hitters from_json(const json::value& value) {
    detail::check_json_header(value, "heavy_hitters", type_version);
    const char* what = "heavy_hitters";
    const std::uint64_t capacity = detail::u64_from_json(value.at("capacity"), what);
    if (capacity < 1 || capacity > max_capacity) {
      throw format_error("cannot load heavy_hitters from JSON: capacity " +
                         std::to_string(capacity) + " is outside [1, 16777216]");
    }
    heavy_hitters result(static_cast<std::size_t>(capacity));
    result.total_weight_ = detail::u64_from_json(value.at("total_weight"), what);
    result.max_error_ = detail::u64_from_json(value.at("max_error"), what);
    const auto& array = value.at("items").as_array();
    if (array.size() > 2 * capacity) {
      throw format_error("cannot load heavy_hitters from JSON: " + std::to_string(array.size()) +
                         " counters, more than 2 * capacity");
    }
    std::vector<std::pair<std::string, std::uint64_t>> items;
    items.reserve(array.size());
    for (const auto& entry : array) {
      const auto& pair = entry.as_array();
      if (pair.size() != 2) {
        throw format_error("cannot load heavy_hitters from JSON: an item is not an [item, count] pair");
      }
      items.emplace_back(pair[0].as_string(), detail::u64_from_json(pair[1], what));
    }
    const std::string problem = result.set_items(std::move(items));
    if (!problem.empty()) throw format_error("cannot load heavy_hitters from JSON: " + problem);
    return result;
  }

 private:
  // std::string keys: lookups by string_view build a key (C++17 has no heterogeneous lookup
  // for unordered_map); short strings stay in the small-string buffer.
  using key_type = std::string;
  struct key_hash {
    std::size_t operator()(const std::string& s) const {
      return static_cast<std::size_t>(hash_bytes(s));
    }
  };

  void add_total(std::uint64_t weight) {
    if (weight > UINT64_MAX - total_weight_) {
      throw invalid_argument("heavy_hitters: the total weight overflows 2^64 - 1");
    }
    total_weight_ += weight;
  }

  // Subtracts the (capacity + 1)-th largest counter from all and drops the non-positive ones.
  void reduce() {
    if (counters_.size() <= capacity_) return;
    std::vector<std::uint64_t> counts;
    counts.reserve(counters_.size());
    for (const auto& entry : counters_) counts.push_back(entry.second);
    std::nth_element(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(capacity_),
                     counts.end(), std::greater<>());
    const std::uint64_t delta = counts[capacity_];
    max_error_ += delta;
    for (auto it = counters_.begin(); it != counters_.end();) {
      if (it->second <= delta) {
        it = counters_.erase(it);
      } else {
        it->second -= delta;
        ++it;
      }
    }
  }

  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> sorted_items() const {
    std::vector<std::pair<std::string, std::uint64_t>> items(counters_.begin(), counters_.end());
    std::sort(items.begin(), items.end());
    return items;
  }

  // Installs loaded counters after checking the invariants; returns what is wrong, if anything.
  std::string set_items(std::vector<std::pair<std::string, std::uint64_t>> items) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0 && !(items[i - 1].first < items[i].first)) {
        return "items are not sorted and unique (at item " + std::to_string(i) + ")";
      }
      if (items[i].second == 0) return "item " + std::to_string(i) + " has a zero count";
      if (items[i].second > total_weight_ - sum) {
        return "the counters sum to more than the total weight " + std::to_string(total_weight_);
      }
      sum += items[i].second;
    }
    // Each reduction removed at least (capacity + 1) * delta of weight.
    const std::uint64_t removed = total_weight_ - sum;
    if (max_error_ > removed / (capacity_ + 1)) {
      return "the error " + std::to_string(max_error_) +
             " is inconsistent with the weight removed by reductions (" + std::to_string(removed) +
             ")";
    }
    if (max_error_ == 0 && removed != 0) {
      return "the counters sum to " + std::to_string(sum) + ", not the total weight " +
             std::to_string(total_weight_);
    }
    counters_.clear();
    counters_.reserve(items.size());
    for (auto& [item, count] : items) counters_.emplace(std::move(item), count);
    return {};
  }

  std::size_t capacity_;
  std::uint64_t total_weight_ = 0;
  std::uint64_t max_error_ = 0;
  std::unordered_map<std::string, std::uint64_t, key_hash> counters_;
};

}  // namespace shiftguard::validate::sketch
