// Tests of shiftguard/core/sort.hpp. Oracle: std::sort.

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/core/sort.hpp"

TEST_CASE_TEMPLATE("radix sort equals std::sort", Scalar, float, double) {
  std::mt19937_64 rng(42);
  for (std::size_t n : {0u, 1u, 7u, 511u, 512u, 5000u, 100000u}) {
    std::vector<Scalar> values(n);
    std::normal_distribution<double> normal(0.0, 1e3);
    for (auto& v : values) v = static_cast<Scalar>(normal(rng));
    if (n > 10) {
      values[3] = std::numeric_limits<Scalar>::infinity();
      values[4] = -std::numeric_limits<Scalar>::infinity();
      values[5] = Scalar(0);
      values[6] = std::numeric_limits<Scalar>::denorm_min();
      values[7] = -std::numeric_limits<Scalar>::max();
      values[8] = values[9];  // a tie
    }
    auto expected = values;
    std::sort(expected.begin(), expected.end());
    shiftguard::detail::sort_floats(values);
    CHECK(values == expected);
  }
}

TEST_CASE("radix sort of a constant array and of rounded data with many ties") {
  std::vector<double> constant(2000, 3.25);
  shiftguard::detail::sort_floats(constant);
  CHECK(std::all_of(constant.begin(), constant.end(), [](double v) { return v == 3.25; }));
  std::mt19937 rng(1);
  std::vector<double> ties(5000);
  for (auto& v : ties) v = static_cast<double>(static_cast<int>(rng() % 17)) - 8.0;
  auto expected = ties;
  std::sort(expected.begin(), expected.end());
  shiftguard::detail::sort_floats(ties);
  CHECK(ties == expected);
}

TEST_CASE("order-preserving keys") {
  using shiftguard::detail::order_preserving_key;
  CHECK(order_preserving_key(-1.0) < order_preserving_key(-0.5));
  CHECK(order_preserving_key(-0.5) < order_preserving_key(0.0));
  CHECK(order_preserving_key(0.0) < order_preserving_key(1e-300));
  CHECK(shiftguard::detail::value_from_key<double>(order_preserving_key(-2.5)) == -2.5);
}
