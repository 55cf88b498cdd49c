// Tests of the pruned searches of tomek_links() and edited_nearest_neighbours()
// (shiftguard/imbalance/under_sampling.hpp): on overlapping classes (many rows certified by
// the cheap bounds, many left to the full search), several seeds, multiclass, float and
// double, with exact duplicates, the results equal the definitions coded here as plain
// loops over all pairs of rows (distances accumulated in double, ties by smaller index).

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/imbalance/under_sampling.hpp"

namespace imbalance = shiftguard::imbalance;
using Index = Eigen::Index;
using shiftguard::matrix;
using rows_t = std::vector<std::int64_t>;

namespace {

template <class Scalar>
struct pruned_problem {
  matrix<Scalar> x;
  imbalance::label_vector y;
};

// Overlapping Gaussian classes (centres 1.2 apart along the first axis) in 4 dimensions,
// with a few rows duplicated (same class and another class).
template <class Scalar>
pruned_problem<Scalar> make_overlapping(Index n, unsigned seed, std::vector<double> weights) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::discrete_distribution<int> label(weights.begin(), weights.end());
  const auto n_classes = static_cast<int>(weights.size());
  pruned_problem<Scalar> p{matrix<Scalar>(n, 4), imbalance::label_vector(static_cast<std::size_t>(n))};
  for (Index i = 0; i < n; ++i) {
    const int c = label(rng);
    p.y[static_cast<std::size_t>(i)] = c;
    for (Index j = 0; j < 4; ++j) p.x(i, j) = static_cast<Scalar>(normal(rng) + (j == 0 ? 1.2 * c : 0.0));
  }
  for (Index i = 0; i < 6; ++i) {  // duplicates: row 10i+5 copies row 10i
    p.x.row(10 * i + 5) = p.x.row(10 * i);
    if (i % 2 == 0) p.y[static_cast<std::size_t>(10 * i + 5)] = (p.y[static_cast<std::size_t>(10 * i)] + 1) % n_classes;
  }
  return p;
}

template <class Scalar>
double squared(const matrix<Scalar>& x, Index a, Index b) {
  double total = 0.0;
  for (Index j = 0; j < x.cols(); ++j) {
    const double d = static_cast<double>(x(a, j)) - static_cast<double>(x(b, j));
    total += d * d;
  }
  return total;
}

// Other rows sorted by (exact distance, index).
template <class Scalar>
std::vector<Index> neighbours_of(const matrix<Scalar>& x, Index row) {
  std::vector<std::pair<double, Index>> order;
  for (Index r = 0; r < x.rows(); ++r)
    if (r != row) order.emplace_back(squared(x, row, r), r);
  std::sort(order.begin(), order.end());
  std::vector<Index> out;
  for (const auto& item : order) out.push_back(item.second);
  return out;
}

template <class Scalar>
void check_tomek(const pruned_problem<Scalar>& p, const imbalance::resolved_strategy& strategy) {
  const auto result = imbalance::tomek_links(p.x, p.y, strategy, 2);
  const Index n = p.x.rows();
  std::vector<Index> nearest(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) nearest[static_cast<std::size_t>(i)] = neighbours_of(p.x, i)[0];
  rows_t expected;
  Index links = 0;
  for (Index i = 0; i < n; ++i) {
    const auto j = nearest[static_cast<std::size_t>(i)];
    const bool link = p.y[static_cast<std::size_t>(i)] != p.y[static_cast<std::size_t>(j)] &&
                      nearest[static_cast<std::size_t>(j)] == i;
    links += link;
    CHECK(result.in_link[static_cast<std::size_t>(i)] == link);
    const auto computed = result.nearest[static_cast<std::size_t>(i)];
    CHECK((computed == -1 || computed == j));
    if (link) CHECK(computed == j);
    if (!(link && strategy.count(p.y[static_cast<std::size_t>(i)]) > 0)) expected.push_back(i);
  }
  CHECK(links > 5);
  CHECK(result.kept == expected);
}

template <class Scalar>
void check_enn(const pruned_problem<Scalar>& p, const imbalance::resolved_strategy& strategy,
               Index k, Index n_classes) {
  const Index n = p.x.rows();
  std::vector<std::vector<Index>> order(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = neighbours_of(p.x, i);
  for (const auto kind : {imbalance::enn_kind::all, imbalance::enn_kind::mode}) {
    const auto kept = imbalance::edited_nearest_neighbours(p.x, p.y, strategy, k, kind, 2);
    rows_t expected;
    for (std::int64_t c = 0; c < n_classes; ++c) {
      for (Index i = 0; i < n; ++i) {
        if (p.y[static_cast<std::size_t>(i)] != c) continue;
        bool keep = true;
        if (strategy.count(c) > 0) {
          std::vector<int> votes(static_cast<std::size_t>(n_classes), 0);
          for (Index j = 0; j < k; ++j)
            ++votes[static_cast<std::size_t>(p.y[static_cast<std::size_t>(order[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)])])];
          keep = kind == imbalance::enn_kind::all
                     ? votes[static_cast<std::size_t>(c)] == k
                     : std::max_element(votes.begin(), votes.end()) - votes.begin() == c;
        }
        if (keep) expected.push_back(i);
      }
    }
    CHECK(kept == expected);
    CHECK(kept.size() < static_cast<std::size_t>(n));
  }
  // the data exercise both paths: many targeted rows have k rows of their class strictly
  // closer than any other class (certifiable), many do not (left to the full search)
  Index targeted = 0;
  Index certifiable = 0;
  for (Index i = 0; i < n; ++i) {
    const auto c = p.y[static_cast<std::size_t>(i)];
    if (strategy.count(c) == 0) continue;
    ++targeted;
    const auto& row_order = order[static_cast<std::size_t>(i)];
    Index same = 0;
    for (const Index r : row_order) {
      if (p.y[static_cast<std::size_t>(r)] != c) break;
      ++same;
    }
    const bool strictly = same >= k && (same == n - 1 || squared(p.x, i, row_order[static_cast<std::size_t>(k - 1)]) <
                                                           squared(p.x, i, row_order[static_cast<std::size_t>(same)]));
    certifiable += strictly;
  }
  CHECK(certifiable * 5 > targeted);
  CHECK((targeted - certifiable) * 10 > targeted);
}

}  // namespace

TEST_CASE_TEMPLATE("pruned tomek_links equals the pairwise definition", Scalar, double, float) {
  for (const unsigned seed : {11u, 12u, 13u}) {
    const auto two = make_overlapping<Scalar>(500, seed, {0.2, 0.8});
    check_tomek(two, {{1, 0}});
    check_tomek(two, {{0, 0}, {1, 0}});
    const auto three = make_overlapping<Scalar>(600, seed + 10, {0.1, 0.3, 0.6});
    check_tomek(three, {{2, 0}});
    check_tomek(three, {{0, 0}, {1, 0}});
    check_tomek(three, {{0, 0}, {1, 0}, {2, 0}});
  }
}

TEST_CASE("pruned tomek_links: one class has no links; bad input still throws") {
  auto p = make_overlapping<double>(50, 3, {1.0});
  const auto result = imbalance::tomek_links(p.x, p.y, {{0, 0}});
  CHECK(result.kept.size() == 50);
  p.x(7, 2) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(imbalance::tomek_links(p.x, p.y, {{0, 0}}), shiftguard::invalid_argument);
  auto q = make_overlapping<double>(50, 3, {0.5, 0.5});
  q.x(7, 2) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(imbalance::tomek_links(q.x, q.y, {{0, 0}}), shiftguard::invalid_argument);
  CHECK_THROWS_AS(imbalance::edited_nearest_neighbours(q.x, q.y, {{0, 0}}), shiftguard::invalid_argument);
}

TEST_CASE_TEMPLATE("pruned edited_nearest_neighbours equals the definition", Scalar, double, float) {
  for (const unsigned seed : {21u, 22u, 23u}) {
    const auto two = make_overlapping<Scalar>(700, seed, {0.15, 0.85});
    for (const Index k : {1, 3, 5}) check_enn(two, {{1, 0}}, k, 2);
    check_enn(two, {{0, 0}, {1, 0}}, 3, 2);
    const auto three = make_overlapping<Scalar>(600, seed + 10, {0.1, 0.3, 0.6});
    check_enn(three, {{1, 0}, {2, 0}}, 3, 3);
    check_enn(three, {{0, 0}, {1, 0}, {2, 0}}, 1, 3);
  }
}
