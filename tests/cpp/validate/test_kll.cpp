// Tests of shiftguard/validate/sketch/kll.hpp. Oracle: exact ranks from the sorted input
// (std::sort in the test). The rank-error bound is checked by seeded simulation.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/core/json.hpp"
#include "shiftguard/validate/sketch/kll.hpp"

namespace sk = shiftguard::validate::sketch;

namespace {

// Rank error of the answer v to quantile q against the sorted data: 0 when q*n lies in
// [#items < v, #items <= v], else the distance to that interval, over n.
double quantile_rank_error(const std::vector<double>& sorted, double q, double v) {
  const double n = static_cast<double>(sorted.size());
  const double below = static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
  const double at_or_below = static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
  const double target = q * n;
  if (target < below) return (below - target) / n;
  if (target > at_or_below) return (target - at_or_below) / n;
  return 0.0;
}

}  // namespace

TEST_CASE("kll: smoke: quantiles of a normal sample within the bound") {
  std::mt19937_64 generator(1);
  std::normal_distribution<double> normal;
  std::vector<double> x(100000);
  for (auto& v : x) v = normal(generator);
  sk::kll_sketch sketch(200, 0);
  sketch.update(x.data(), x.size());
  std::vector<double> sorted = x;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sketch.count() == x.size());
  CHECK(sketch.quantile(0) == sorted.front());
  CHECK(sketch.quantile(1) == sorted.back());
  for (double q = 0.01; q < 1; q += 0.01) {
    CHECK(quantile_rank_error(sorted, q, sketch.quantile(q)) <= sketch.normalized_rank_error());
  }
  std::uint64_t total = 0;
  for (const auto& [item, weight] : sketch.sorted_view()) total += weight;
  CHECK(total == sketch.count());
  CHECK(sk::kll_sketch::from_bytes(sketch.to_bytes()) == sketch);
  CHECK(sk::kll_sketch::from_json(shiftguard::json::parse(sketch.to_json().dump())) == sketch);
}
