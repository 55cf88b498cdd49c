// Tests of shiftguard/imbalance/neighbors.hpp against a brute-force loop that sorts every
// reference row by (directly computed distance, Index).

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/imbalance/neighbors.hpp"

namespace imbalance = shiftguard::imbalance;
using Index = Eigen::Index;
using shiftguard::matrix;

namespace {

template <class Scalar>
matrix<Scalar> neighbor_test_data(Index rows, Index cols, unsigned seed, int levels = 0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int> level(0, std::max(levels - 1, 0));
  matrix<Scalar> x(rows, cols);
  for (Index i = 0; i < x.size(); ++i) {
    x.data()[i] = static_cast<Scalar>(levels > 0 ? level(rng) : normal(rng));
  }
  return x;
}

// Brute force: all rows sorted by (distance, index), self left out when asked.
template <class Scalar>
void brute_force(const matrix<Scalar>& query, const matrix<Scalar>& reference, Index k,
                 bool exclude_self, imbalance::index_matrix& indices,
                 matrix<double>& distances) {
  indices.resize(query.rows(), k);
  distances.resize(query.rows(), k);
  for (Index q = 0; q < query.rows(); ++q) {
    std::vector<std::pair<double, Index>> all;
    for (Index r = 0; r < reference.rows(); ++r) {
      if (exclude_self && r == q) continue;
      double total = 0;
      for (Index j = 0; j < reference.cols(); ++j) {
        const double d = static_cast<double>(query(q, j)) - static_cast<double>(reference(r, j));
        total += d * d;
      }
      all.emplace_back(total, r);
    }
    std::sort(all.begin(), all.end());
    for (Index j = 0; j < k; ++j) {
      indices(q, j) = all[static_cast<std::size_t>(j)].second;
      distances(q, j) = std::sqrt(all[static_cast<std::size_t>(j)].first);
    }
  }
}

}  // namespace

TEST_CASE_TEMPLATE("kneighbors equals a brute-force sort by (distance, index)", Scalar, float,
                   double) {
  for (const int levels : {0, 3}) {  // continuous data, and data full of duplicates and ties
    const auto reference = neighbor_test_data<Scalar>(300, 4, 11 + levels, levels);
    const auto query = neighbor_test_data<Scalar>(70, 4, 29 + levels, levels);
    imbalance::index_matrix expected_indices;
    matrix<double> expected_distances;
    imbalance::kneighbors_options options;
    options.block_bytes = 4096;  // many small blocks
    brute_force(query, reference, 7, false, expected_indices, expected_distances);
    auto result = imbalance::kneighbors(query, reference, 7, options);
    CHECK(result.indices == expected_indices);
    CHECK((result.distances.template cast<double>() - expected_distances).cwiseAbs().maxCoeff() <
          1e-5);

    options.exclude_self = true;
    brute_force(reference, reference, 5, true, expected_indices, expected_distances);
    result = imbalance::kneighbors(reference, reference, 5, options);
    CHECK(result.indices == expected_indices);
    CHECK((result.distances.template cast<double>() - expected_distances).cwiseAbs().maxCoeff() <
          1e-5);
  }
}

TEST_CASE("kneighbors: duplicates are at distance exactly 0, ties by smaller Index") {
  matrix<double> x(5, 2);
  x << 1, 1, 0, 0, 1, 1, 1, 1, 5, 5;
  imbalance::kneighbors_options options;
  options.exclude_self = true;
  const auto result = imbalance::kneighbors(x, x, 2, options);
  CHECK(result.indices(0, 0) == 2);
  CHECK(result.indices(0, 1) == 3);
  CHECK(result.distances(0, 0) == 0.0);
  CHECK(result.indices(2, 0) == 0);
  CHECK(result.indices(2, 1) == 3);
  CHECK(result.indices(3, 0) == 0);
  CHECK(result.indices(3, 1) == 2);
}

TEST_CASE("kneighbors: large offsets do not break exact ties") {
  // |x|^2 + |y|^2 - 2xy loses the small differences next to 1e4; the exact recheck keeps them.
  matrix<double> x(6, 3);
  x << 1e4, 1e4, 1e4, 1e4 + 1e-3, 1e4, 1e4, 1e4, 1e4, 1e4, 1e4 + 2e-3, 1e4, 1e4, 1e4 - 1e-3,
      1e4, 1e4, 1e4, 1e4 + 1e-3, 1e4;
  imbalance::index_matrix expected_indices;
  matrix<double> expected_distances;
  brute_force<double>(x, x, 5, true, expected_indices, expected_distances);
  imbalance::kneighbors_options options;
  options.exclude_self = true;
  const auto result = imbalance::kneighbors(x, x, 5, options);
  CHECK(result.indices == expected_indices);
}

TEST_CASE("kneighbors does not depend on the thread count, and views strided input") {
  const auto reference = neighbor_test_data<double>(2000, 5, 3);
  imbalance::kneighbors_options options;
  options.exclude_self = true;
  options.block_bytes = 1 << 16;
  options.n_threads = 1;
  const auto one = imbalance::kneighbors(reference, reference, 4, options);
  options.n_threads = 4;
  const auto four = imbalance::kneighbors(reference, reference, 4, options);
  CHECK(one.indices == four.indices);
  CHECK(one.distances == four.distances);
  // Row-major data seen through a strided map (as the bindings pass C-order NumPy arrays).
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major =
      reference;
  const shiftguard::strided_matrix_view<double> view(
      row_major.data(), row_major.rows(), row_major.cols(),
      Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(1, row_major.cols()));
  const auto strided = imbalance::kneighbors(view, view, 4, options);
  CHECK(strided.indices == one.indices);
}

TEST_CASE("kneighbors buffer is bounded by the block size, not n x n") {
  imbalance::kneighbors_options options;
  CHECK(imbalance::kneighbors_buffer_bytes<double>(100000, options) <= options.block_bytes);
  CHECK(imbalance::kneighbors_buffer_bytes<double>(100, options) == 1024 * 100 * sizeof(float));
}

TEST_CASE("kneighbors bad input") {
  const auto x = neighbor_test_data<double>(10, 3, 1);
  const auto y = neighbor_test_data<double>(10, 2, 1);
  CHECK_THROWS_AS(imbalance::kneighbors(x, y, 2), shiftguard::shape_error);
  CHECK_THROWS_WITH_AS(imbalance::kneighbors(x, x, 11), doctest::Contains("n_neighbors"),
                       shiftguard::invalid_argument);
  imbalance::kneighbors_options options;
  options.exclude_self = true;
  CHECK_THROWS_WITH_AS(imbalance::kneighbors(x, x, 10, options),
                       doctest::Contains("excluding each row itself"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_AS(imbalance::kneighbors(x, x, 0), shiftguard::invalid_argument);
  matrix<double> bad = x;
  bad(3, 1) = std::nan("");
  CHECK_THROWS_WITH_AS(imbalance::kneighbors(bad, x, 2), doctest::Contains("NaN"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_AS(imbalance::kneighbors(x.topRows(3), x, 2, options), shiftguard::shape_error);
}

TEST_CASE_TEMPLATE("kneighbors_of_rows equals the full search restricted to those rows", Scalar,
                   float, double) {
  const auto reference = neighbor_test_data<Scalar>(200, 3, 5, 4);  // with duplicates
  imbalance::kneighbors_options options;
  options.exclude_self = true;
  options.block_bytes = 2048;
  const auto full = imbalance::kneighbors(reference, reference, 6, options);
  const std::vector<Index> rows{3, 199, 0, 50, 50, 17};
  const auto subset = imbalance::kneighbors_of_rows(reference, rows, 6, options);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CHECK(subset.indices.row(static_cast<Index>(i)) == full.indices.row(rows[i]));
    CHECK(subset.distances.row(static_cast<Index>(i)) == full.distances.row(rows[i]));
  }
  CHECK_THROWS_AS(imbalance::kneighbors_of_rows(reference, std::vector<Index>{200}, 2),
                  shiftguard::invalid_argument);
}
