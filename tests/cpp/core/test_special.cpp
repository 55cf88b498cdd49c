// Tests of shiftguard/core/special.hpp against SciPy's values (golden/special_golden.hpp, made
// by golden/make_special_golden.py), limits, identities and bad input.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <doctest/doctest.h>

#include "golden/special_golden.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/special.hpp"

namespace {

namespace sp = shiftguard::special;
using shiftguard::test::special_function;

// Agreement with SciPy: 1e-12 relative (golden values are all above 1e-300), except for the
// incomplete beta function (and the t and F tails built on it) with a shape parameter of 1e4 or
// more, where the continued fraction near the mode keeps about 1e-11 (worst seen: 7e-12, at
// I_x(1e5, 3.7) near x = a / (a + b)).
double tolerance_for(const shiftguard::test::special_golden_row& row) {
  const bool beta_based =
      row.function == special_function::incomplete_beta || row.function == special_function::t_sf ||
      row.function == special_function::t_sf_two_sided || row.function == special_function::f_sf;
  const bool large_shape = row.b >= 1e4 ||
                           (row.function == special_function::incomplete_beta && row.a >= 1e4) ||
                           (row.function == special_function::f_sf && row.c >= 1e4);
  return beta_based && large_shape ? 1e-11 : 1e-12;
}

double evaluate(const shiftguard::test::special_golden_row& row) {
  switch (row.function) {
    case special_function::normal_sf:
      return sp::normal_sf(row.a);
    case special_function::normal_cdf:
      return sp::normal_cdf(row.a);
    case special_function::gamma_p:
      return sp::gamma_p(row.a, row.b);
    case special_function::gamma_q:
      return sp::gamma_q(row.a, row.b);
    case special_function::incomplete_beta:
      return sp::incomplete_beta(row.a, row.b, row.c);
    case special_function::chi2_sf:
      return sp::chi2_sf(row.a, row.b);
    case special_function::t_sf:
      return sp::t_sf(row.a, row.b);
    case special_function::t_sf_two_sided:
      return sp::t_sf_two_sided(row.a, row.b);
    case special_function::f_sf:
      return sp::f_sf(row.a, row.b, row.c);
    case special_function::binomial_sf:
      return sp::binomial_sf(static_cast<std::int64_t>(row.a), static_cast<std::int64_t>(row.b),
                             row.c);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

TEST_CASE("special functions match SciPy to 1e-12 relative (1e-11 for beta shapes >= 1e4)") {
  int checked = 0;
  double worst = 0.0;
  for (const auto& row : shiftguard::test::special_golden) {
    const double ours = evaluate(row);
    const double error = std::fabs(ours - row.value) / row.value;
    if (error > worst) worst = error;
    CAPTURE(static_cast<int>(row.function));
    CAPTURE(row.a);
    CAPTURE(row.b);
    CAPTURE(row.c);
    CAPTURE(ours);
    CAPTURE(row.value);
    CHECK(error <= tolerance_for(row));
    ++checked;
  }
  MESSAGE("rows: " << checked << ", worst relative error: " << worst);
  CHECK(checked > 3000);
}

TEST_CASE("special functions: limits and identities") {
  CHECK(sp::normal_cdf(0.0) == 0.5);
  CHECK(sp::normal_sf(37.0) > 1e-300);  // 5.7e-300
  CHECK(sp::normal_sf(40.0) == 0.0);    // 3.7e-350 underflows
  CHECK(sp::gamma_p(2.0, 0.0) == 0.0);
  CHECK(sp::gamma_q(2.0, 0.0) == 1.0);
  CHECK(sp::gamma_q(2.0, std::numeric_limits<double>::infinity()) == 0.0);
  CHECK(sp::incomplete_beta(2.0, 3.0, 0.0) == 0.0);
  CHECK(sp::incomplete_beta(2.0, 3.0, 1.0) == 1.0);
  CHECK(sp::chi2_sf(0.0, 3.0) == 1.0);
  CHECK(sp::chi2_sf(-1.0, 3.0) == 1.0);
  CHECK(sp::t_sf(0.0, 5.0) == 0.5);
  CHECK(sp::t_sf_two_sided(0.0, 5.0) == 1.0);
  CHECK(sp::t_sf(std::numeric_limits<double>::infinity(), 5.0) == 0.0);
  CHECK(sp::t_sf(-std::numeric_limits<double>::infinity(), 5.0) == 1.0);
  CHECK(sp::f_sf(0.0, 2.0, 3.0) == 1.0);
  CHECK(sp::f_sf(std::numeric_limits<double>::infinity(), 2.0, 3.0) == 0.0);
  CHECK(sp::binomial_sf(0, 10, 0.3) == 1.0);
  CHECK(sp::binomial_sf(-3, 10, 0.3) == 1.0);
  CHECK(sp::binomial_sf(11, 10, 0.3) == 0.0);
  CHECK(sp::binomial_sf(1, 10, 0.0) == 0.0);
  CHECK(sp::binomial_sf(10, 10, 1.0) == 1.0);
  // Exact closed forms.
  CHECK(sp::binomial_sf(10, 10, 0.5) == doctest::Approx(std::ldexp(1.0, -10)).epsilon(1e-14));
  CHECK(sp::chi2_sf(3.0, 2.0) == doctest::Approx(std::exp(-1.5)).epsilon(1e-14));
  CHECK(sp::t_sf(1.0, 1.0) == doctest::Approx(0.25).epsilon(1e-14));  // Cauchy
  // dof = inf is the normal distribution.
  CHECK(sp::t_sf(1.3, std::numeric_limits<double>::infinity()) == sp::normal_sf(1.3));
  // P + Q = 1 and t symmetry.
  for (double a : {0.5, 3.0, 40.0, 2e4}) {
    for (double x : {0.1 * a, a, 3.0 * a}) {
      CHECK(sp::gamma_p(a, x) + sp::gamma_q(a, x) == doctest::Approx(1.0).epsilon(1e-14));
    }
  }
  for (double t : {0.3, 2.0, 7.0}) {
    CHECK(sp::t_sf(-t, 9.0) == doctest::Approx(1.0 - sp::t_sf(t, 9.0)).epsilon(1e-14));
    CHECK(sp::t_sf_two_sided(-t, 9.0) == doctest::Approx(2.0 * sp::t_sf(t, 9.0)).epsilon(1e-14));
  }
}

TEST_CASE("special functions: NaN in, NaN out; bad parameters throw naming them") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::isnan(sp::normal_sf(nan)));
  CHECK(std::isnan(sp::gamma_p(nan, 1.0)));
  CHECK(std::isnan(sp::chi2_sf(nan, 1.0)));
  CHECK(std::isnan(sp::t_sf(nan, 3.0)));
  CHECK(std::isnan(sp::f_sf(1.0, nan, 3.0)));
  CHECK(std::isnan(sp::binomial_sf(1, 3, nan)));
  CHECK_THROWS_WITH_AS(sp::gamma_p(0.0, 1.0), doctest::Contains("a must be positive"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(sp::gamma_q(1.0, -1.0), doctest::Contains("x must be non-negative"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(sp::incomplete_beta(1.0, -2.0, 0.5), doctest::Contains("b must be positive"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(sp::incomplete_beta(1.0, 2.0, 1.5),
                       doctest::Contains("x must lie in [0, 1]"), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(sp::chi2_sf(1.0, 0.0), doctest::Contains("dof must be positive"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(sp::t_sf(1.0, -1.0), doctest::Contains("dof must be positive"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(sp::f_sf(1.0, 1.0, 0.0), doctest::Contains("d2 must be positive"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(sp::binomial_sf(1, -1, 0.5), doctest::Contains("n must be non-negative"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(sp::binomial_sf(1, 4, 1.5), doctest::Contains("p must lie in [0, 1]"),
                       shiftguard::invalid_argument);
}
