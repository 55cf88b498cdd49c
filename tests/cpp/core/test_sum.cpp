// Tests of shiftguard/core/sum.hpp. Oracle: sums worked out by hand, exact in binary.

#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/core/sum.hpp"

TEST_CASE_TEMPLATE("compensated_total is exact where a plain sum is not", Scalar, float, double) {
  const std::vector<Scalar> values = {Scalar(1e7), Scalar(0.5), Scalar(-1e7), Scalar(0.5)};
  CHECK(shiftguard::detail::compensated_total(values.data(), 4) == 1.0);
  const std::vector<double> large = {1e16, 1.0, -1e16, 1.0};
  double plain = 0.0;
  for (const double value : large) plain += value;
  CHECK(plain != 2.0);
  CHECK(shiftguard::detail::compensated_total(large.data(), 4) == 2.0);
}

TEST_CASE("compensated_sum gives the same total whatever the order of the terms") {
  const std::vector<double> forward = {1e16, 3.0, -1e16, 1.0, 0.25};
  shiftguard::detail::compensated_sum a;
  shiftguard::detail::compensated_sum b;
  for (const double value : forward) a.add(value);
  for (auto it = forward.rbegin(); it != forward.rend(); ++it) b.add(*it);
  CHECK(a.value() == 4.25);
  CHECK(b.value() == 4.25);
  shiftguard::detail::compensated_sum empty;
  CHECK(empty.value() == 0.0);
}
