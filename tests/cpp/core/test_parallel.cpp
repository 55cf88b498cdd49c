// Tests of shiftguard/core/parallel.hpp and shiftguard/core/checks.hpp.

#include <limits>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/parallel.hpp"

TEST_CASE("parallel_for_ranges covers every index exactly once") {
  for (int threads : {1, 2, 4}) {
    std::vector<int> hits(1000, 0);
    shiftguard::parallel_for_ranges(1000, threads, 7, [&](Eigen::Index begin, Eigen::Index end) {
      for (Eigen::Index i = begin; i < end; ++i) hits[static_cast<std::size_t>(i)] += 1;
    });
    for (int h : hits) CHECK(h == 1);
  }
  CHECK_THROWS_AS(shiftguard::resolve_thread_count(-1), shiftguard::invalid_argument);
  CHECK(shiftguard::resolve_thread_count(3) == 3);
  CHECK(shiftguard::resolve_thread_count(0) >= 1);
}

TEST_CASE("checks name the argument") {
  Eigen::MatrixXd x(2, 2);
  x << 1, 2, 3, std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(shiftguard::checks::all_finite(x, "x_ref"),
                       doctest::Contains("x_ref contains NaN at row 1, column 1"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(shiftguard::checks::min_shape(x, 3, "x"),
                       doctest::Contains("x must have at least 3 rows"), shiftguard::shape_error);
  CHECK_THROWS_WITH(shiftguard::checks::open_interval(2.0, 0.0, 1.0, "p_val"),
                    doctest::Contains("p_val must be in (0, 1), got 2"));
  CHECK_NOTHROW(shiftguard::checks::open_interval(0.5, 0.0, 1.0, "p_val"));
}
