// Tests of shiftguard/drift/univariate/common.hpp: the walk over distinct values, sample
// preparation, compensated sums, method names.

#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/drift/univariate/common.hpp"

namespace drift = shiftguard::drift;

TEST_CASE("for_each_distinct visits every distinct value once with both counts") {
  const std::vector<double> ref = {1.0, 1.0, 2.0, 5.0};
  const std::vector<double> cur = {0.0, 1.0, 5.0, 5.0, 6.0};
  std::vector<std::tuple<double, long, long>> seen;
  drift::detail::for_each_distinct(ref.data(), 4, cur.data(), 5, [&](double value, long r, long c) {
    seen.emplace_back(value, r, c);
  });
  const std::vector<std::tuple<double, long, long>> expected = {
      {0.0, 0, 1}, {1.0, 2, 1}, {2.0, 1, 0}, {5.0, 1, 2}, {6.0, 0, 1}};
  CHECK(seen == expected);
}

TEST_CASE("prepare_sample drops or rejects non-finite values and sorts") {
  Eigen::VectorXd values(5);
  values << 3.0, std::numeric_limits<double>::quiet_NaN(), -0.0, 1.0,
      -std::numeric_limits<double>::infinity();
  const auto omitted =
      drift::detail::prepare_sample(values, shiftguard::nan_policy::omit, "t", "x", 2);
  CHECK(omitted == std::vector<double>{0.0, 1.0, 3.0});
  CHECK_FALSE(std::signbit(omitted[0]));  // -0.0 becomes +0.0
  const auto unsorted =
      drift::detail::prepare_sample(values, shiftguard::nan_policy::omit, "t", "x", 2, false);
  CHECK(unsorted == std::vector<double>{3.0, 0.0, 1.0});
  CHECK_THROWS_WITH_AS(
      drift::detail::prepare_sample(values, shiftguard::nan_policy::raise, "t", "x", 2),
      doctest::Contains("t: x contains NaN at index 1"), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(
      drift::detail::prepare_sample(values, shiftguard::nan_policy::omit, "t", "x", 4),
      doctest::Contains("t: x needs at least 4 finite values, got 3"),
      shiftguard::invalid_argument);
}

TEST_CASE("test_method names") {
  CHECK(drift::test_method_from_string("auto") == drift::test_method::automatic);
  CHECK(drift::test_method_from_string("asymp") == drift::test_method::asymptotic);
  CHECK(std::string(drift::to_string(drift::test_method::exact)) == "exact");
  CHECK_THROWS_AS(drift::test_method_from_string("Exact"), shiftguard::invalid_argument);
}
