// Tests of shiftguard/imbalance/over_sampling.hpp. Oracles: brute-force neighbours computed
// here by a direct double loop (no GEMM), the defining segment property of every synthetic
// sample, the danger rule and ADASYN's per-sample counts recomputed from those neighbours,
// bitwise equality across thread counts, and the neighbour search of neighbors.hpp.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/imbalance/neighbors.hpp"
#include "shiftguard/imbalance/over_sampling.hpp"

namespace imbalance = shiftguard::imbalance;
using Eigen::Index;
using shiftguard::matrix;

namespace {

struct data_set {
  matrix<double> x;
  imbalance::label_array y;
};

// Two overlapping Gaussian blobs: n_major of label 0 around 0, n_minor of label 1 around 1.
data_set blobs(Index n_major, Index n_minor, Index n_features, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  data_set d;
  d.x.resize(n_major + n_minor, n_features);
  d.y.resize(n_major + n_minor);
  for (Index r = 0; r < n_major + n_minor; ++r) {
    const bool minor = r >= n_major;
    d.y(r) = minor ? 1 : 0;
    for (Index c = 0; c < n_features; ++c) d.x(r, c) = normal(rng) + (minor ? 1.0 : 0.0);
  }
  return d;
}

// k nearest rows of `query` among `pool` (itself excluded), by a direct loop.
std::vector<Index> brute_neighbors(const matrix<double>& x, Index query,
                                   const std::vector<Index>& pool, Index k) {
  std::vector<std::pair<double, Index>> all;
  for (const Index r : pool) {
    if (r == query) continue;
    all.emplace_back((x.row(query) - x.row(r)).squaredNorm(), r);
  }
  std::sort(all.begin(), all.end());
  std::vector<Index> out;
  for (Index j = 0; j < k; ++j) out.push_back(all[static_cast<std::size_t>(j)].second);
  return out;
}

std::vector<Index> rows_of(const imbalance::label_array& y, std::int64_t label) {
  std::vector<Index> rows;
  for (Index i = 0; i < y.size(); ++i)
    if (y(i) == label) rows.push_back(i);
  return rows;
}

std::vector<Index> all_rows(Index n) {
  std::vector<Index> rows(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) rows[static_cast<std::size_t>(i)] = i;
  return rows;
}

template <class Scalar>
void check_on_segments(const matrix<double>& x, const imbalance::synthetic_samples<Scalar>& s,
                       double tolerance) {
  for (Index j = 0; j < s.x.rows(); ++j) {
    const auto slot = static_cast<std::size_t>(j);
    const double gap = s.gap[slot];
    REQUIRE(gap >= 0.0);
    REQUIRE(gap < 1.0);
    const auto expected =
        (x.row(s.seed_index[slot]) + gap * (x.row(s.neighbor_index[slot]) -
                                            x.row(s.seed_index[slot])))
            .eval();
    REQUIRE((s.x.row(j).template cast<double>() - expected).cwiseAbs().maxCoeff() <=
            tolerance);
  }
}

}  // namespace

TEST_CASE_TEMPLATE("smote: samples lie on segments to one of the k nearest class neighbours",
                   Scalar, float, double) {
  const auto data = blobs(200, 30, 3, 7);
  const matrix<Scalar> x = data.x.cast<Scalar>();
  const matrix<double> x_double = x.template cast<double>();
  imbalance::over_sampling_options options;
  options.seed = 3;
  const auto s = imbalance::smote(x, data.y, {{1, 170}}, options);
  REQUIRE(s.x.rows() == 170);
  CHECK(s.k_used.at(1) == 5);
  const auto minority = rows_of(data.y, 1);
  for (Index j = 0; j < s.x.rows(); ++j) {
    const auto slot = static_cast<std::size_t>(j);
    CHECK(s.y[slot] == 1);
    CHECK(data.y(s.seed_index[slot]) == 1);
    const auto nn = brute_neighbors(x_double, s.seed_index[slot], minority, 5);
    CHECK(std::find(nn.begin(), nn.end(), s.neighbor_index[slot]) != nn.end());
  }
  check_on_segments(x_double, s, std::is_same_v<Scalar, float> ? 1e-5 : 1e-12);
  // Every seed of the class is used when there are many more samples than seeds.
  std::vector<Index> seeds = s.seed_index;
  std::sort(seeds.begin(), seeds.end());
  seeds.erase(std::unique(seeds.begin(), seeds.end()), seeds.end());
  CHECK(seeds.size() == minority.size());
}

TEST_CASE("smote: same bits for 1 and 2 threads, different for another seed") {
  const auto data = blobs(300, 40, 4, 11);
  imbalance::over_sampling_options one;
  one.n_threads = 1;
  one.seed = 5;
  imbalance::over_sampling_options two = one;
  two.n_threads = 2;
  const auto a = imbalance::smote(data.x, data.y, {{1, 2000}}, one);
  const auto b = imbalance::smote(data.x, data.y, {{1, 2000}}, two);
  CHECK(a.x == b.x);
  CHECK(a.seed_index == b.seed_index);
  CHECK(a.neighbor_index == b.neighbor_index);
  two.seed = 6;
  const auto c = imbalance::smote(data.x, data.y, {{1, 2000}}, two);
  CHECK(!(a.x == c.x));
}

TEST_CASE("smote: gaps are uniform on [0, 1) and pairs uniform (seeded simulation)") {
  const auto data = blobs(100, 20, 2, 13);
  imbalance::over_sampling_options options;
  options.seed = 21;
  const Index n = 20000;
  const auto s = imbalance::smote(data.x, data.y, {{1, n}}, options);
  double mean = 0.0;
  for (const double g : s.gap) mean += g;
  mean /= static_cast<double>(n);
  // Standard error of the mean of U(0,1) over 20000 draws: 0.002; tolerance 5 s.e.
  CHECK(std::abs(mean - 0.5) < 0.01);
  std::vector<int> per_seed(static_cast<std::size_t>(data.x.rows()), 0);
  for (const Index r : s.seed_index) ++per_seed[static_cast<std::size_t>(r)];
  // 20 seeds, expected 1000 each, s.d. about 31: all within 6 s.d.
  for (const Index r : rows_of(data.y, 1)) CHECK(std::abs(per_seed[static_cast<std::size_t>(r)] - 1000) < 190);
}

TEST_CASE("smote: several classes in label order; zero targets skipped") {
  auto data = blobs(120, 30, 2, 17);
  for (Index i = 120; i < 135; ++i) data.y(i) = 7;  // classes 0 (120), 1 (15), 7 (15)
  const auto s = imbalance::smote(data.x, data.y, {{0, 0}, {1, 10}, {7, 4}});
  REQUIRE(s.x.rows() == 14);
  for (Index j = 0; j < 10; ++j) CHECK(s.y[static_cast<std::size_t>(j)] == 1);
  for (Index j = 10; j < 14; ++j) CHECK(s.y[static_cast<std::size_t>(j)] == 7);
  for (Index j = 0; j < 14; ++j) {
    const auto slot = static_cast<std::size_t>(j);
    CHECK(data.y(s.seed_index[slot]) == s.y[slot]);
    CHECK(data.y(s.neighbor_index[slot]) == s.y[slot]);
  }
}

TEST_CASE("smote: bad input names the argument and the value") {
  auto data = blobs(50, 4, 2, 19);
  CHECK_THROWS_WITH_AS(imbalance::smote(data.x, data.y, {{1, 10}}),
                       doctest::Contains("class 1 has 4 samples, fewer than k_neighbors + 1 = 6"),
                       shiftguard::invalid_argument);
  imbalance::over_sampling_options adapt;
  adapt.adapt_k_neighbors = true;
  const auto s = imbalance::smote(data.x, data.y, {{1, 10}}, adapt);
  CHECK(s.k_used.at(1) == 3);
  imbalance::label_array one_class = imbalance::label_array::Zero(data.x.rows());
  CHECK_THROWS_WITH_AS(imbalance::smote(data.x, one_class, {{0, 10}}),
                       doctest::Contains("at least 2 classes, got 1"),
                       shiftguard::invalid_argument);
  matrix<double> with_nan = data.x;
  with_nan(3, 1) = std::nan("");
  CHECK_THROWS_WITH_AS(imbalance::smote(with_nan, data.y, {{1, 10}}, adapt),
                       doctest::Contains("NaN at row 3, column 1"), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(imbalance::smote(data.x, data.y, {{9, 10}}),
                       doctest::Contains("class 9"), shiftguard::invalid_argument);
  imbalance::over_sampling_options zero_k;
  zero_k.k_neighbors = 0;
  CHECK_THROWS_WITH_AS(imbalance::smote(data.x, data.y, {{1, 10}}, zero_k),
                       doctest::Contains("k_neighbors must be >= 1, got 0"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_AS(imbalance::smote(data.x, data.y.head(10), {{1, 10}}), shiftguard::shape_error);
}

TEST_CASE("borderline_smote: seeds are exactly the danger samples; kinds 1 and 2") {
  const auto data = blobs(300, 40, 2, 23);
  const auto minority = rows_of(data.y, 1);
  const auto everyone = all_rows(data.x.rows());
  std::vector<Index> expected_danger;
  for (const Index r : minority) {
    const auto nn = brute_neighbors(data.x, r, everyone, 10);
    Index n_other = 0;
    for (const Index j : nn) n_other += data.y(j) != 1 ? 1 : 0;
    if (n_other >= 5 && n_other < 10) expected_danger.push_back(r);
  }
  REQUIRE(!expected_danger.empty());
  REQUIRE(expected_danger.size() < minority.size());
  imbalance::borderline_options options;
  options.seed = 2;
  const auto one = imbalance::borderline_smote(data.x, data.y, {{1, 260}}, options);
  CHECK(one.danger_indices.at(1) == expected_danger);
  REQUIRE(one.samples.x.rows() == 260);
  check_on_segments(data.x, one.samples, 1e-12);
  for (std::size_t j = 0; j < 260; ++j) {
    const Index seed = one.samples.seed_index[j];
    CHECK(std::binary_search(expected_danger.begin(), expected_danger.end(), seed));
    const auto nn = brute_neighbors(data.x, seed, minority, 5);
    CHECK(std::find(nn.begin(), nn.end(), one.samples.neighbor_index[j]) != nn.end());
  }
  options.kind = imbalance::borderline_kind::borderline_2;
  const auto two = imbalance::borderline_smote(data.x, data.y, {{1, 2000}}, options);
  REQUIRE(two.samples.x.rows() == 2000);
  check_on_segments(data.x, two.samples, 1e-12);
  int towards_other = 0;
  for (std::size_t j = 0; j < 2000; ++j) {
    const Index seed = two.samples.seed_index[j];
    const Index neighbor = two.samples.neighbor_index[j];
    const auto nn = brute_neighbors(data.x, seed, everyone, 5);
    CHECK(std::find(nn.begin(), nn.end(), neighbor) != nn.end());
    if (data.y(neighbor) != 1) {
      ++towards_other;
      CHECK(two.samples.gap[j] < 0.5);
    }
  }
  CHECK(towards_other > 0);
}

TEST_CASE("borderline_smote: a class without danger samples gets none") {
  // Well separated blobs: no minority sample has a majority neighbour.
  auto data = blobs(100, 20, 2, 29);
  for (Index r = 100; r < 120; ++r) data.x.row(r).array() += 50.0;
  const auto result = imbalance::borderline_smote(data.x, data.y, {{1, 80}});
  CHECK(result.samples.x.rows() == 0);
  CHECK(result.danger_indices.empty());
}

TEST_CASE("adasyn: per-sample counts follow the majority share among neighbours") {
  const auto data = blobs(300, 40, 2, 31);
  const auto minority = rows_of(data.y, 1);
  const auto everyone = all_rows(data.x.rows());
  std::vector<double> ratio;
  double total = 0.0;
  for (const Index r : minority) {
    const auto nn = brute_neighbors(data.x, r, everyone, 5);
    double n_other = 0.0;
    for (const Index j : nn) n_other += data.y(j) != 1 ? 1.0 : 0.0;
    ratio.push_back(n_other / 5.0);
    total += n_other / 5.0;
  }
  const auto result = imbalance::adasyn(data.x, data.y, {{1, 260}});
  const auto& counts = result.samples_per_seed.at(1);
  Index sum = 0;
  for (std::size_t i = 0; i < minority.size(); ++i) {
    CHECK(counts[i] == static_cast<Index>(std::nearbyint(ratio[i] / total * 260.0)));
    sum += counts[i];
  }
  REQUIRE(result.samples.x.rows() == sum);
  check_on_segments(data.x, result.samples, 1e-12);
  std::vector<Index> seen(static_cast<std::size_t>(data.x.rows()), 0);
  for (const Index r : result.samples.seed_index) ++seen[static_cast<std::size_t>(r)];
  for (std::size_t i = 0; i < minority.size(); ++i) CHECK(seen[static_cast<std::size_t>(minority[i])] == counts[i]);
  for (std::size_t j = 0; j < result.samples.seed_index.size(); ++j) {
    const auto nn = brute_neighbors(data.x, result.samples.seed_index[j], minority, 5);
    CHECK(std::find(nn.begin(), nn.end(), result.samples.neighbor_index[j]) != nn.end());
  }
}

TEST_CASE("adasyn: no neighbour of another class is an error") {
  auto data = blobs(100, 20, 2, 37);
  for (Index r = 100; r < 120; ++r) data.x.row(r).array() += 50.0;
  CHECK_THROWS_WITH_AS(imbalance::adasyn(data.x, data.y, {{1, 80}}),
                       doctest::Contains("class 1 belongs to another class"),
                       shiftguard::invalid_argument);
}

TEST_CASE("smote_nc: categories come from the seed's neighbours under the mixed distance") {
  const auto data = blobs(150, 25, 2, 41);
  std::mt19937_64 rng(43);
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> codes(data.x.rows(), 2);
  for (Index r = 0; r < codes.rows(); ++r) {
    codes(r, 0) = static_cast<std::int64_t>(rng() % 3);
    codes(r, 1) = static_cast<std::int64_t>(rng() % 4);
  }
  imbalance::over_sampling_options options;
  options.seed = 8;
  const auto result = imbalance::smote_nc(data.x, codes, data.y, {{1, 125}}, options);
  REQUIRE(result.samples.x.rows() == 125);
  REQUIRE(result.categorical.rows() == 125);
  const auto minority = rows_of(data.y, 1);
  // Oracle for the median std: population std per feature, median of two = mean.
  std::vector<double> stds;
  for (Index c = 0; c < 2; ++c) {
    double mean = 0.0;
    for (const Index r : minority) mean += data.x(r, c);
    mean /= static_cast<double>(minority.size());
    double sq = 0.0;
    for (const Index r : minority) sq += (data.x(r, c) - mean) * (data.x(r, c) - mean);
    stds.push_back(std::sqrt(sq / static_cast<double>(minority.size())));
  }
  const double median = 0.5 * (stds[0] + stds[1]);
  CHECK(result.median_std.at(1) == doctest::Approx(median).epsilon(1e-12));
  check_on_segments(data.x, result.samples, 1e-12);
  for (Index j = 0; j < 125; ++j) {
    const Index seed = result.samples.seed_index[static_cast<std::size_t>(j)];
    std::vector<std::pair<double, Index>> all;
    for (const Index r : minority) {
      if (r == seed) continue;
      double dist = (data.x.row(seed) - data.x.row(r)).squaredNorm();
      for (Index c = 0; c < 2; ++c) dist += codes(seed, c) != codes(r, c) ? median * median : 0.0;
      all.emplace_back(dist, r);
    }
    std::sort(all.begin(), all.end());
    std::vector<Index> nn;
    for (int n = 0; n < 5; ++n) nn.push_back(all[static_cast<std::size_t>(n)].second);
    CHECK(std::find(nn.begin(), nn.end(), result.samples.neighbor_index[static_cast<std::size_t>(j)]) != nn.end());
    for (Index c = 0; c < 2; ++c) {
      std::vector<int> votes(4, 0);
      for (const Index r : nn) ++votes[static_cast<std::size_t>(codes(r, c))];
      const int most = *std::max_element(votes.begin(), votes.end());
      CHECK(votes[static_cast<std::size_t>(result.categorical(j, c))] == most);
    }
  }
  options.n_threads = 1;
  const auto again = imbalance::smote_nc(data.x, codes, data.y, {{1, 125}}, options);
  CHECK(again.samples.x == result.samples.x);
  CHECK(again.categorical == result.categorical);
}

TEST_CASE_TEMPLATE("nearest_rows: same neighbours and order as neighbors.hpp, duplicates included",
                   Scalar, float, double) {
  // Data with exact duplicates and repeated distances (integer grid), where the order of
  // ties matters.
  std::mt19937_64 rng(47);
  matrix<Scalar> x(300, 3);
  for (Index r = 0; r < x.rows(); ++r)
    for (Index c = 0; c < x.cols(); ++c) x(r, c) = static_cast<Scalar>(rng() % 4);
  std::vector<Index> queries;
  std::vector<Index> everyone = all_rows(x.rows());
  for (Index r = 0; r < x.rows(); r += 7) queries.push_back(r);
  namespace d = imbalance::detail::over_sampling;
  // Queries among all rows: kneighbors with k + 1 minus the query itself.
  const auto mine = d::nearest_rows(x, queries, everyone, 6, 2);
  matrix<Scalar> query_data(static_cast<Index>(queries.size()), 3);
  for (std::size_t q = 0; q < queries.size(); ++q) query_data.row(static_cast<Index>(q)) = x.row(queries[q]);
  const auto theirs = imbalance::kneighbors(query_data, x, 7);
  for (std::size_t q = 0; q < queries.size(); ++q) {
    std::vector<Index> expected;
    for (Index j = 0; j < 7; ++j) {
      const auto row = static_cast<Index>(theirs.indices(static_cast<Index>(q), j));
      if (row != queries[q]) expected.push_back(row);
    }
    expected.resize(6);
    for (Index j = 0; j < 6; ++j) CHECK(mine(static_cast<Index>(q), j) == expected[static_cast<std::size_t>(j)]);
  }
  // A set against itself: kneighbors with exclude_self.
  const auto within = d::nearest_rows(x, everyone, everyone, 5, 1);
  imbalance::kneighbors_options self;
  self.exclude_self = true;
  const auto reference = imbalance::kneighbors(x, x, 5, self);
  for (Index r = 0; r < x.rows(); ++r)
    for (Index j = 0; j < 5; ++j) CHECK(within(r, j) == reference.indices(r, j));
}
