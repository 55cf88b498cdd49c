// Tests of shiftguard/validate/sketch/kll.hpp. Oracle: exact ranks from the sorted input
// (std::sort in the test). The documented rank-error bound eps(k) is checked by seeded
// simulation: over many seeds and input orders, at most 1% of single-quantile errors exceed
// eps(k) (tolerance: 2% of the queries, the binomial 99.9% quantile for these counts), and no
// error exceeds 2 eps(k). SHIFTGUARD_LONG_TESTS=1 runs ten times as many seeds.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/core/json.hpp"
#include "shiftguard/validate/sketch/kll.hpp"

namespace sk = shiftguard::validate::sketch;

namespace {

bool long_tests() { return std::getenv("SHIFTGUARD_LONG_TESTS") != nullptr; }

// Rank error of the answer v to quantile q against the sorted data: 0 when q*n lies in
// [#items < v, #items <= v], else the distance to that interval, over n.
double quantile_rank_error(const std::vector<double>& sorted, double q, double v) {
  const double n = static_cast<double>(sorted.size());
  const double below =
      static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
  const double at_or_below =
      static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
  const double target = q * n;
  if (target < below) return (below - target) / n;
  if (target > at_or_below) return (target - at_or_below) / n;
  return 0.0;
}

double true_rank(const std::vector<double>& sorted, double x) {
  return static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), x) - sorted.begin()) /
         static_cast<double>(sorted.size());
}

struct error_summary {
  std::size_t n_queries = 0;
  std::size_t n_over = 0;  // errors above eps
  double largest = 0.0;
};

// Sketches `x` and accumulates the rank errors of 99 quantiles and 99 ranks.
void measure(const std::vector<double>& x, const std::vector<double>& sorted, int k,
             std::uint64_t seed, error_summary& summary) {
  sk::kll_sketch sketch(k, seed);
  sketch.update(x.data(), x.size());
  const double eps = sketch.normalized_rank_error();
  std::vector<double> qs;
  for (int i = 1; i < 100; ++i) qs.push_back(i / 100.0);
  const auto answers = sketch.quantiles(qs);
  for (std::size_t i = 0; i < qs.size(); ++i) {
    const double error = quantile_rank_error(sorted, qs[i], answers[i]);
    const double probe = sorted[static_cast<std::size_t>(qs[i] * static_cast<double>(sorted.size()))];
    const double rank_error = std::abs(sketch.rank(probe) - true_rank(sorted, probe));
    summary.n_queries += 2;
    summary.n_over += (error > eps ? 1 : 0) + (rank_error > eps ? 1 : 0);
    summary.largest = std::max({summary.largest, error / eps, rank_error / eps});
  }
}

std::vector<double> input(const std::string& kind, std::size_t n, std::mt19937_64& generator) {
  std::vector<double> x(n);
  if (kind == "random") {
    std::uniform_real_distribution<double> uniform(-5.0, 5.0);
    for (auto& v : x) v = uniform(generator);
  } else if (kind == "sorted" || kind == "reversed") {
    for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<double>(i) * 0.25;
    if (kind == "reversed") std::reverse(x.begin(), x.end());
  } else if (kind == "ties") {  // 20 distinct values, heavily tied, random order
    std::geometric_distribution<int> geometric(0.2);
    for (auto& v : x) v = std::min(geometric(generator), 19);
  } else {  // lognormal: a long right tail
    std::lognormal_distribution<double> lognormal(0.0, 2.0);
    for (auto& v : x) v = lognormal(generator);
  }
  return x;
}

}  // namespace

TEST_CASE("kll: rank error within the documented bound, seeded simulation") {
  const int n_seeds = long_tests() ? 400 : 40;
  const std::size_t n = 100000;
  for (const int k : {50, 200}) {
    for (const std::string kind : {"random", "sorted", "reversed", "ties", "lognormal"}) {
      error_summary summary;
      for (int seed = 0; seed < n_seeds; ++seed) {
        std::mt19937_64 generator(static_cast<std::uint64_t>(seed) * 7919 + k);
        const auto x = input(kind, n, generator);
        std::vector<double> sorted = x;
        std::sort(sorted.begin(), sorted.end());
        measure(x, sorted, k, static_cast<std::uint64_t>(seed), summary);
      }
      const double fraction = static_cast<double>(summary.n_over) / summary.n_queries;
      INFO("k " << k << " input " << kind << ": " << summary.n_over << " of " << summary.n_queries
                << " errors above eps; largest " << summary.largest << " eps");
      MESSAGE("k " << k << " input " << kind << ": " << summary.n_over << " of "
                    << summary.n_queries << " errors above eps; largest " << summary.largest
                    << " eps");
      CHECK(fraction <= 0.02);
      CHECK(summary.largest <= 2.0);
    }
  }
}

TEST_CASE("kll: large stream (sampler engaged) stays within the bound") {
  const std::size_t n = long_tests() ? 20000000 : 3000000;
  std::mt19937_64 generator(5);
  std::normal_distribution<double> normal(10.0, 3.0);
  std::vector<double> x(n);
  for (auto& v : x) v = normal(generator);
  std::vector<double> sorted = x;
  std::sort(sorted.begin(), sorted.end());
  error_summary summary;
  for (std::uint64_t seed = 0; seed < 4; ++seed) measure(x, sorted, 200, seed, summary);
  sk::kll_sketch sketch(200, 0);
  sketch.update(x.data(), x.size());
  CHECK(sketch.entry_level() > 0);
  INFO(summary.n_over << " of " << summary.n_queries << " above eps; largest " << summary.largest);
  CHECK(static_cast<double>(summary.n_over) / summary.n_queries <= 0.02);
  CHECK(summary.largest <= 2.0);
  CHECK(sketch.retained() < 3 * 200 + 3 * sketch.n_levels() + 34);
}

TEST_CASE("kll: constant input, exact extremes, empty sketch, non-finite values") {
  sk::kll_sketch sketch(32, 1);
  std::vector<double> x(50000, 2.5);
  x[10] = std::numeric_limits<double>::quiet_NaN();
  x[20] = std::numeric_limits<double>::infinity();
  x[30] = -std::numeric_limits<double>::infinity();
  sketch.update(x.data(), x.size());
  CHECK(sketch.count() == 49997);
  CHECK(sketch.quantile(0.0) == 2.5);
  CHECK(sketch.quantile(0.37) == 2.5);
  CHECK(sketch.quantile(1.0) == 2.5);
  CHECK(sketch.rank(2.5) == 1.0);
  CHECK(sketch.rank(2.4) == 0.0);
  sk::kll_sketch empty;
  CHECK(empty.empty());
  CHECK(std::isnan(empty.quantile(0.5)));
  CHECK(std::isnan(empty.rank(0.0)));
  CHECK(std::isnan(empty.min()));
  CHECK(empty.sorted_view().empty());
  CHECK_THROWS_WITH_AS((void)sketch.quantile(1.5), doctest::Contains("q must be in [0, 1], got 1.5"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_AS((void)sketch.quantile(std::nan("")), shiftguard::invalid_argument);
  CHECK_THROWS_AS((void)sketch.quantiles({0.5, -0.1}), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS((void)sketch.rank(std::nan("")), doctest::Contains("must not be NaN"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(sk::kll_sketch(7), doctest::Contains("k must be in [8, 65535], got 7"),
                       shiftguard::invalid_argument);
}

TEST_CASE_TEMPLATE("kll: batch, strided and value-by-value updates give the same sketch", Scalar,
                   float, double) {
  std::mt19937_64 generator(3);
  std::normal_distribution<double> normal;
  std::vector<Scalar> x(300000);
  for (auto& v : x) v = static_cast<Scalar>(normal(generator));
  x[5] = std::numeric_limits<Scalar>::quiet_NaN();
  sk::kll_sketch batch(100, 9), single(100, 9), strided(100, 9), every_other(100, 9);
  batch.update(x.data(), x.size());
  for (const Scalar v : x) single.update(static_cast<double>(v));
  CHECK(batch == single);
  CHECK(batch.count() == x.size() - 1);
  CHECK(batch.min() == static_cast<double>(*std::min_element(x.begin() + 6, x.end())));
  strided.update(x.data(), x.size() / 2, 2);
  for (std::size_t i = 0; i < x.size(); i += 2) every_other.update(static_cast<double>(x[i]));
  CHECK(strided == every_other);
  std::uint64_t total = 0;
  for (const auto& entry : batch.sorted_view()) total += entry.second;
  CHECK(total == batch.count());
  CHECK(batch.retained() < 3 * 100 + 3 * batch.n_levels() + 34);
}

TEST_CASE("kll: merges of random splits stay within the bound; count, min, max exact") {
  const std::size_t n = 200000;
  std::mt19937_64 generator(17);
  std::exponential_distribution<double> exponential(0.5);
  std::vector<double> x(n);
  for (auto& v : x) v = exponential(generator);
  std::vector<double> sorted = x;
  std::sort(sorted.begin(), sorted.end());
  const int k = 200;
  error_summary summary;
  for (int trial = 0; trial < (long_tests() ? 100 : 10); ++trial) {
    std::vector<sk::kll_sketch> parts;
    std::size_t start = 0;
    while (start < n) {
      const std::size_t size = std::min<std::size_t>(n - start, 1 + generator() % 40000);
      parts.emplace_back(k, static_cast<std::uint64_t>(trial * 1000 + parts.size()));
      parts.back().update(x.data() + start, size);
      start += size;
    }
    while (parts.size() > 1) {
      const std::size_t i = generator() % (parts.size() - 1);
      if (generator() % 2 == 0) {
        parts[i].merge(parts[i + 1]);
      } else {
        parts[i + 1].merge(parts[i]);
        parts[i] = parts[i + 1];
      }
      parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
    const auto& merged = parts[0];
    CHECK(merged.count() == n);
    CHECK(merged.min() == sorted.front());
    CHECK(merged.max() == sorted.back());
    std::uint64_t total = 0;
    for (const auto& entry : merged.sorted_view()) total += entry.second;
    CHECK(total == n);
    CHECK(merged.retained() < 3 * k + 3 * merged.n_levels() + 34);
    const double eps = merged.normalized_rank_error();
    for (int i = 1; i < 100; ++i) {
      const double error = quantile_rank_error(sorted, i / 100.0, merged.quantile(i / 100.0));
      ++summary.n_queries;
      summary.n_over += error > eps ? 1 : 0;
      summary.largest = std::max(summary.largest, error / eps);
    }
  }
  INFO(summary.n_over << " of " << summary.n_queries << " above eps; largest " << summary.largest);
  CHECK(static_cast<double>(summary.n_over) / summary.n_queries <= 0.02);
  CHECK(summary.largest <= 2.0);
  sk::kll_sketch a(200, 1), b(100, 1);
  CHECK_THROWS_WITH_AS(a.merge(b), doctest::Contains("k differs"), shiftguard::invalid_argument);
  sk::kll_sketch self(200, 1);
  self.update(x.data(), 1000);
  self.merge(self);
  CHECK(self.count() == 2000);
}

TEST_CASE("kll: binary and JSON round trips; a loaded sketch continues identically") {
  std::mt19937_64 generator(23);
  std::normal_distribution<double> normal;
  std::vector<double> x(400000);
  for (auto& v : x) v = normal(generator);
  sk::kll_sketch sketch(64, 4);
  sketch.update(x.data(), 250001);  // a block of the sampler in progress
  const std::string bytes = sketch.to_bytes();
  auto loaded = sk::kll_sketch::from_bytes(bytes);
  CHECK(loaded == sketch);
  CHECK(loaded.to_bytes() == bytes);
  auto from_json = sk::kll_sketch::from_json(shiftguard::json::parse(sketch.to_json().dump()));
  CHECK(from_json == sketch);
  sketch.update(x.data() + 250001, x.size() - 250001);
  loaded.update(x.data() + 250001, x.size() - 250001);
  from_json.update(x.data() + 250001, x.size() - 250001);
  CHECK(loaded == sketch);
  CHECK(from_json == sketch);
  CHECK(sk::kll_sketch::from_bytes(sk::kll_sketch().to_bytes()) == sk::kll_sketch());
}

TEST_CASE("kll: truncated, corrupted or inconsistent data fails with format_error") {
  sk::kll_sketch sketch(16, 2);
  for (int i = 0; i < 5000; ++i) sketch.update(std::sin(i * 0.37));
  const std::string bytes = sketch.to_bytes();
  for (std::size_t cut = 0; cut < bytes.size(); cut += 11) {
    CHECK_THROWS_AS((void)sk::kll_sketch::from_bytes(bytes.substr(0, cut)), shiftguard::format_error);
  }
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 4;
  CHECK_THROWS_WITH_AS((void)sk::kll_sketch::from_bytes(flipped), doctest::Contains("checksum"),
                       shiftguard::format_error);
  const auto good = sketch.to_json();
  const auto load = [](const shiftguard::json::value& value) {
    return sk::kll_sketch::from_json(value);
  };
  auto wrong_count = good;
  wrong_count["count"] = sketch.count() + 1;
  CHECK_THROWS_WITH_AS((void)load(wrong_count), doctest::Contains("weights sum to"),
                       shiftguard::format_error);
  auto bad_k = good;
  bad_k["k"] = 4;
  CHECK_THROWS_WITH_AS((void)load(bad_k), doctest::Contains("k 4 is outside"), shiftguard::format_error);
  auto outside = good;
  outside["max"] = 0.5;
  CHECK_THROWS_WITH_AS((void)load(outside), doctest::Contains("outside [min, max]"),
                       shiftguard::format_error);
  // Swap two items of a sorted level (the top level has at least two).
  auto unsorted = good;
  auto& levels = unsorted["levels"].as_array();
  auto& top = levels.back().as_array();
  REQUIRE(top.size() >= 2);
  std::swap(top[0], top[1]);
  CHECK_THROWS_WITH_AS((void)load(unsorted), doctest::Contains("not sorted"),
                       shiftguard::format_error);
  auto non_finite = good;
  non_finite["levels"].as_array().back().as_array()[0] = "NaN";
  CHECK_THROWS_WITH_AS((void)load(non_finite), doctest::Contains("non-finite"),
                       shiftguard::format_error);
  auto wrong_type = good;
  wrong_type["type"] = "hyperloglog";
  CHECK_THROWS_AS((void)load(wrong_type), shiftguard::format_error);
  auto newer = good;
  newer["version"] = 2;
  CHECK_THROWS_WITH_AS((void)load(newer), doctest::Contains("version 2 is not supported"),
                       shiftguard::format_error);
  // Too many items for the capacity: append copies of the maximum to the top level, fixing
  // the count so that only the capacity check can fail.
  auto overfull = good;
  auto& top_level = overfull["levels"].as_array().back().as_array();
  const std::size_t h = overfull["levels"].as_array().size() - 1;
  for (int i = 0; i < 200; ++i) top_level.push_back(shiftguard::json::value(top_level.back().as_number()));
  overfull["count"] = sketch.count() + (std::uint64_t{200} << h);
  CHECK_THROWS_WITH_AS((void)load(overfull), doctest::Contains("over the capacity"),
                       shiftguard::format_error);
}

TEST_CASE("kll: the branch-free sort of compactions agrees with std::sort") {
  std::mt19937_64 generator(31);
  for (const std::size_t n : {0, 1, 2, 23, 24, 25, 100, 333, 5000}) {
    for (int pattern = 0; pattern < 5; ++pattern) {
      std::vector<double> x(n);
      for (std::size_t i = 0; i < n; ++i) {
        switch (pattern) {
          case 0: x[i] = std::normal_distribution<double>()(generator); break;
          case 1: x[i] = static_cast<double>(i); break;                        // sorted
          case 2: x[i] = static_cast<double>(n - i); break;                    // reversed
          case 3: x[i] = 7.0; break;                                           // constant
          default: x[i] = static_cast<double>(generator() % 3); break;        // heavy ties
        }
      }
      std::vector<double> expected = x;
      std::sort(expected.begin(), expected.end());
      sk::detail::sort_doubles(x.data(), x.size());
      CHECK(x == expected);
    }
  }
}
