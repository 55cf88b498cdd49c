// Tests of shiftguard/imbalance/under_sampling.hpp against the samplers' definitions coded
// here as plain loops over all pairs of rows (the Python tests compare with
// imbalanced-learn itself).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/imbalance/under_sampling.hpp"

namespace imbalance = shiftguard::imbalance;
using Index = Eigen::Index;
using shiftguard::matrix;
using rows_t = std::vector<std::int64_t>;

namespace {

struct toy_problem {
  matrix<double> x;
  imbalance::label_vector y;
};

toy_problem make_problem(Index n, unsigned seed, std::vector<double> weights) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::discrete_distribution<int> label(weights.begin(), weights.end());
  toy_problem p{matrix<double>(n, 3), imbalance::label_vector(static_cast<std::size_t>(n))};
  for (Index i = 0; i < n; ++i) {
    const int c = label(rng);
    p.y[static_cast<std::size_t>(i)] = c;
    for (Index j = 0; j < 3; ++j) p.x(i, j) = normal(rng) + (j == 0 ? 1.5 * c : 0.0);
  }
  return p;
}

double distance(const matrix<double>& x, Index a, Index b) { return (x.row(a) - x.row(b)).norm(); }

// Other rows sorted by (distance, index).
std::vector<Index> neighbours_of(const matrix<double>& x, Index row) {
  std::vector<Index> order;
  for (Index r = 0; r < x.rows(); ++r)
    if (r != row) order.push_back(r);
  std::stable_sort(order.begin(), order.end(),
                   [&](Index a, Index b) { return distance(x, row, a) < distance(x, row, b); });
  return order;
}

}  // namespace

TEST_CASE("tomek_links equals the pairwise definition") {
  const auto p = make_problem(300, 1, {0.3, 0.7});
  const imbalance::resolved_strategy majority{{1, 0}};
  const auto result = imbalance::tomek_links(p.x, p.y, majority);
  rows_t expected;
  Index links = 0;
  for (Index i = 0; i < p.x.rows(); ++i) {
    const Index j = neighbours_of(p.x, i)[0];
    const bool link = p.y[static_cast<std::size_t>(i)] != p.y[static_cast<std::size_t>(j)] &&
                      neighbours_of(p.x, j)[0] == i;
    links += link;
    if (!(link && p.y[static_cast<std::size_t>(i)] == 1)) expected.push_back(i);
  }
  CHECK(links > 0);
  CHECK(result.kept == expected);
}

TEST_CASE("edited_nearest_neighbours (all, mode) equals the definition") {
  const auto p = make_problem(250, 2, {0.2, 0.3, 0.5});
  const imbalance::resolved_strategy targeted{{1, 0}, {2, 0}};
  for (const auto kind : {imbalance::enn_kind::all, imbalance::enn_kind::mode}) {
    const auto kept = imbalance::edited_nearest_neighbours(p.x, p.y, targeted, 3, kind, 2);
    rows_t expected;
    for (std::int64_t c = 0; c < 3; ++c) {
      for (Index i = 0; i < p.x.rows(); ++i) {
        if (p.y[static_cast<std::size_t>(i)] != c) continue;
        bool keep = true;
        if (c != 0) {
          const auto order = neighbours_of(p.x, i);
          std::vector<int> votes(3, 0);
          for (int j = 0; j < 3; ++j) ++votes[static_cast<std::size_t>(p.y[static_cast<std::size_t>(order[static_cast<std::size_t>(j)])])];
          keep = kind == imbalance::enn_kind::all
                     ? votes[static_cast<std::size_t>(c)] == 3
                     : std::max_element(votes.begin(), votes.end()) - votes.begin() == c;
        }
        if (keep) expected.push_back(i);
      }
    }
    CHECK(kept == expected);
    CHECK(kept.size() < static_cast<std::size_t>(p.x.rows()));
  }
}

TEST_CASE("near_miss version 1, 2, 3 equal the definitions") {
  const auto p = make_problem(200, 3, {0.15, 0.85});
  std::vector<Index> minority;
  std::vector<Index> majority;
  for (Index i = 0; i < p.x.rows(); ++i) (p.y[static_cast<std::size_t>(i)] == 0 ? minority : majority).push_back(i);
  const auto keep = static_cast<std::int64_t>(minority.size());
  const imbalance::resolved_strategy strategy{{1, keep}};
  // sorted distances from a majority row to every minority row
  const auto to_minority = [&](Index row) {
    std::vector<double> d;
    for (const Index m : minority) d.push_back(distance(p.x, row, m));
    std::sort(d.begin(), d.end());
    return d;
  };
  for (const int version : {1, 2, 3}) {
    imbalance::near_miss_options options;
    options.version = version;
    const auto result = imbalance::near_miss(p.x, p.y, strategy, options);
    std::vector<Index> candidates = majority;
    if (version == 3) {
      std::vector<Index> around;
      for (const Index m : minority) {
        std::vector<Index> order = majority;
        std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
          return distance(p.x, m, a) < distance(p.x, m, b);
        });
        around.insert(around.end(), order.begin(), order.begin() + 3);
      }
      std::sort(around.begin(), around.end());
      around.erase(std::unique(around.begin(), around.end()), around.end());
      candidates = around;
    }
    std::vector<double> score;
    for (const Index row : candidates) {
      const auto d = to_minority(row);
      score.push_back(version == 2 ? d[d.size() - 1] + d[d.size() - 2] + d[d.size() - 3]
                                   : d[0] + d[1] + d[2]);
    }
    std::vector<std::size_t> order(candidates.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return version == 3 ? score[a] > score[b] : score[a] < score[b];
    });
    rows_t expected(minority.begin(), minority.end());
    for (std::size_t i = 0; i < std::min<std::size_t>(order.size(), static_cast<std::size_t>(keep)); ++i) {
      expected.push_back(candidates[order[i]]);
    }
    CHECK(result.kept == expected);
    CHECK(result.short_classes.empty() == (candidates.size() >= static_cast<std::size_t>(keep)));
  }
}

TEST_CASE("random samplers: counts, classes, and the RandomState draw") {
  const auto p = make_problem(100, 4, {0.3, 0.7});
  std::vector<Index> minority;
  std::vector<Index> majority;
  for (Index i = 0; i < p.x.rows(); ++i) (p.y[static_cast<std::size_t>(i)] == 0 ? minority : majority).push_back(i);
  imbalance::numpy_random_state random(0);
  const auto kept = imbalance::random_under_sampling(
      p.y, {{1, static_cast<std::int64_t>(minority.size())}}, random);
  CHECK(kept.size() == 2 * minority.size());
  CHECK(std::equal(minority.begin(), minority.end(), kept.begin()));
  // the majority rows are RandomState(0).permutation(n_majority)[:n_minority]
  imbalance::numpy_random_state again(0);
  const auto permutation = again.permutation(static_cast<std::int64_t>(majority.size()));
  for (std::size_t i = 0; i < minority.size(); ++i) {
    CHECK(kept[minority.size() + i] == majority[static_cast<std::size_t>(permutation[i])]);
  }
  imbalance::numpy_random_state over_random(5);
  const auto extra = static_cast<std::int64_t>(majority.size() - minority.size());
  const auto over = imbalance::random_over_sampling(p.y, {{0, extra}}, over_random);
  CHECK(over.size() == static_cast<std::size_t>(p.x.rows() + extra));
  for (std::size_t i = static_cast<std::size_t>(p.x.rows()); i < over.size(); ++i) {
    CHECK(p.y[static_cast<std::size_t>(over[i])] == 0);
  }
  CHECK_THROWS_AS(imbalance::random_under_sampling(p.y, {{2, 1}}, random),
                  shiftguard::invalid_argument);
  CHECK_THROWS_AS(imbalance::tomek_links(p.x, imbalance::label_vector(3, 0), {{1, 0}}),
                  shiftguard::shape_error);
  CHECK_THROWS_AS(imbalance::edited_nearest_neighbours(p.x, p.y, {{1, 0}}, 100),
                  shiftguard::invalid_argument);
  imbalance::near_miss_options bad;
  bad.version = 4;
  CHECK_THROWS_AS(imbalance::near_miss(p.x, p.y, {{1, 5}}, bad), shiftguard::invalid_argument);
}
