// Tests of shiftguard/validate/sketch/heavy_hitters.hpp. Oracle: exact counts kept in a
// std::map in the test; the Misra-Gries guarantee estimate in [true - max_error, true] with
// max_error <= total / (capacity + 1).

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/core/json.hpp"
#include "shiftguard/validate/sketch/heavy_hitters.hpp"

namespace sk = shiftguard::validate::sketch;

namespace {

// Zipf-like stream: item i with probability proportional to 1 / (i + 1).
std::vector<std::string> zipf_stream(std::size_t n, int n_items, std::uint64_t seed) {
  std::vector<double> weights(static_cast<std::size_t>(n_items));
  for (int i = 0; i < n_items; ++i) weights[static_cast<std::size_t>(i)] = 1.0 / (i + 1);
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  std::mt19937_64 generator(seed);
  std::vector<std::string> stream(n);
  for (auto& s : stream) s = "v" + std::to_string(pick(generator));
  return stream;
}

void check_guarantee(const sk::heavy_hitters& sketch, const std::map<std::string, std::uint64_t>& truth,
                     std::uint64_t total) {
  CHECK(sketch.total_weight() == total);
  CHECK(sketch.max_error() <= total / (sketch.capacity() + 1));
  for (const auto& [item, count] : truth) {
    const std::uint64_t estimate = sketch.estimate(item);
    CHECK(estimate <= count);
    CHECK(estimate + sketch.max_error() >= count);
  }
}

}  // namespace

TEST_CASE("heavy_hitters: exact below capacity") {
  sk::heavy_hitters sketch(10);
  std::map<std::string, std::uint64_t> truth;
  std::mt19937_64 generator(1);
  for (int i = 0; i < 5000; ++i) {
    const std::string item = "c" + std::to_string(generator() % 10);
    const std::uint64_t weight = 1 + generator() % 3;
    sketch.update(item, weight);
    truth[item] += weight;
  }
  CHECK(sketch.max_error() == 0);
  for (const auto& [item, count] : truth) CHECK(sketch.estimate(item) == count);
  const auto top = sketch.top(3);
  REQUIRE(top.size() == 3);
  CHECK(top[0].second >= top[1].second);
  CHECK(top[1].second >= top[2].second);
  CHECK(sketch.top(100).size() == 10);
}

TEST_CASE("heavy_hitters: the error bound holds above capacity, and for merges") {
  for (const std::size_t capacity : {1, 5, 32}) {
    const auto stream = zipf_stream(20000, 500, capacity);
    sk::heavy_hitters whole(capacity), left(capacity), right(capacity);
    std::map<std::string, std::uint64_t> truth;
    for (std::size_t i = 0; i < stream.size(); ++i) {
      whole.update(stream[i]);
      (i % 2 == 0 ? left : right).update(stream[i], 1);
      ++truth[stream[i]];
    }
    check_guarantee(whole, truth, stream.size());
    CHECK(whole.max_error() > 0);
    sk::heavy_hitters lr = left, rl = right;
    lr.merge(right);
    rl.merge(left);
    CHECK(lr == rl);  // commutative exactly
    check_guarantee(lr, truth, stream.size());
    // The most frequent item (v0, about 15% of the stream, v1 about 7%) comes first once the
    // error bound (total / 33 = 3%) is smaller than the gap.
    if (capacity == 32) {
      REQUIRE(!whole.top(1).empty());
      REQUIRE(!lr.top(1).empty());
      CHECK(whole.top(1)[0].first == "v0");
      CHECK(lr.top(1)[0].first == "v0");
    }
  }
}

TEST_CASE("heavy_hitters: top orders ties by item; weights; bad capacity and merges") {
  sk::heavy_hitters sketch(8);
  sketch.update("b", 5);
  sketch.update("a", 5);
  sketch.update("c", 7);
  sketch.update("d", 0);  // no-op
  const auto top = sketch.top(3);
  CHECK(top[0] == std::make_pair(std::string("c"), std::uint64_t{7}));
  CHECK(top[1] == std::make_pair(std::string("a"), std::uint64_t{5}));
  CHECK(top[2] == std::make_pair(std::string("b"), std::uint64_t{5}));
  CHECK(sketch.size() == 3);
  CHECK_THROWS_WITH_AS(sk::heavy_hitters(0), doctest::Contains("capacity must be in"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(sketch.merge(sk::heavy_hitters(9)), doctest::Contains("capacities differ"),
                       shiftguard::invalid_argument);
  sk::heavy_hitters self = sketch;
  self.merge(self);
  CHECK(self.estimate("c") == 14);
}

TEST_CASE("heavy_hitters: round trips and corrupted data") {
  const auto stream = zipf_stream(3000, 100, 9);
  sk::heavy_hitters sketch(6);
  for (const auto& s : stream) sketch.update(s);
  const std::string bytes = sketch.to_bytes();
  CHECK(sk::heavy_hitters::from_bytes(bytes) == sketch);
  CHECK(sk::heavy_hitters::from_bytes(bytes).to_bytes() == bytes);
  CHECK(sk::heavy_hitters::from_json(shiftguard::json::parse(sketch.to_json().dump())) == sketch);
  for (std::size_t cut = 0; cut < bytes.size(); cut += 5) {
    CHECK_THROWS_AS((void)sk::heavy_hitters::from_bytes(bytes.substr(0, cut)),
                    shiftguard::format_error);
  }
  auto value = sketch.to_json();
  value["total_weight"] = 1;
  CHECK_THROWS_WITH_AS((void)sk::heavy_hitters::from_json(value),
                       doctest::Contains("more than the total weight"), shiftguard::format_error);
  auto unsorted = sketch.to_json();
  auto& items = unsorted["items"].as_array();
  std::swap(items[0], items[1]);
  CHECK_THROWS_WITH_AS((void)sk::heavy_hitters::from_json(unsorted), doctest::Contains("not sorted"),
                       shiftguard::format_error);
  auto error = sketch.to_json();
  error["max_error"] = 1000000;
  CHECK_THROWS_AS((void)sk::heavy_hitters::from_json(error), shiftguard::format_error);
}
