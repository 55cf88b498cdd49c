// Tests of shiftguard/drift/univariate.hpp: the two-sample Kolmogorov-Smirnov test.
// Oracle: SciPy, through golden values made by golden/make_ks_2samp_golden.py.

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "drift/golden/ks_2samp_golden.hpp"
#include "shiftguard/drift/univariate.hpp"

namespace drift = shiftguard::drift;

namespace {
void check_p_value(double actual, double expected) {
  if (expected > 1e-300) {
    CHECK(std::abs(actual - expected) <= 1e-8 * expected);
  } else {
    CHECK(actual <= 1e-300);
  }
}
}  // namespace

TEST_CASE_TEMPLATE("ks_2samp matches SciPy on small samples (exact distribution)", Scalar, float,
                   double) {
  for (const auto& c : ks_golden::data_cases) {
    // Cast to Scalar: float data keeps its order and ties, so results only change where
    // two doubles collapse to one float; the golden data is far from that.
    Eigen::Matrix<Scalar, Eigen::Dynamic, 1> ref(static_cast<Eigen::Index>(c.ref.size()));
    Eigen::Matrix<Scalar, Eigen::Dynamic, 1> cur(static_cast<Eigen::Index>(c.cur.size()));
    for (std::size_t k = 0; k < c.ref.size(); ++k) ref[static_cast<Eigen::Index>(k)] = static_cast<Scalar>(c.ref[k]);
    for (std::size_t k = 0; k < c.cur.size(); ++k) cur[static_cast<Eigen::Index>(k)] = static_cast<Scalar>(c.cur[k]);
    const auto result = drift::ks_2samp(ref, cur, c.alt);
    CAPTURE(c.ref.size());
    CAPTURE(c.cur.size());
    const std::string alt_name = drift::to_string(c.alt);
    CAPTURE(alt_name);
    CHECK(std::abs(result.statistic - c.statistic) <= 1e-10);
    check_p_value(result.p_value, c.p_value);
  }
}

TEST_CASE("ks_2samp_p_value matches SciPy for large samples (asymptotic) and mid sizes") {
  for (const auto& c : ks_golden::size_cases) {
    double d = c.raw_statistic;
    drift::ks_method used{};
    const double p = drift::ks_2samp_p_value(c.n1, c.n2, d, c.alt, drift::ks_method::automatic, &used);
    CAPTURE(c.n1);
    CAPTURE(c.n2);
    CAPTURE(c.raw_statistic);
    const std::string alt_name = drift::to_string(c.alt);
    CAPTURE(alt_name);
    CHECK(std::abs(d - c.statistic) <= 1e-10);
    check_p_value(p, c.p_value);
  }
}

TEST_CASE("ks_2samp: identical samples give statistic 0 and p-value 1") {
  Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(50, -1.0, 1.0);
  const auto result = drift::ks_2samp(x, x);
  CHECK(result.statistic == 0.0);
  CHECK(result.p_value == 1.0);
}

TEST_CASE("ks_2samp: disjoint samples give statistic 1") {
  Eigen::VectorXd a = Eigen::VectorXd::LinSpaced(30, 0.0, 1.0);
  Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(40, 2.0, 3.0);
  const auto two = drift::ks_2samp(a, b);
  CHECK(two.statistic == 1.0);
  // P(D = 1) = 2 / C(70, 30) for the two-sided exact test.
  CHECK(two.p_value > 0.0);
  CHECK(two.p_value < 1e-18);
  const auto less = drift::ks_2samp(a, b, drift::alternative::less);
  CHECK(less.statistic == 0.0);
  CHECK(less.p_value == 1.0);
  const auto greater = drift::ks_2samp(a, b, drift::alternative::greater);
  CHECK(greater.statistic == 1.0);
  CHECK(greater.statistic_sign == 1);
}

TEST_CASE("ks_2samp: location and sign of the statistic") {
  Eigen::VectorXd a(4), b(4);
  a << 1.0, 2.0, 3.0, 4.0;
  b << 3.5, 4.5, 5.5, 6.5;
  const auto result = drift::ks_2samp(a, b);
  // F - G reaches 3/4 at x = 3 (three reference values <= 3, none current).
  CHECK(result.statistic == doctest::Approx(0.75));
  CHECK(result.statistic_location == 3.0);
  CHECK(result.statistic_sign == 1);
}

TEST_CASE("ks_2samp: bad input is rejected with a clear message") {
  Eigen::VectorXd ok = Eigen::VectorXd::LinSpaced(10, 0.0, 1.0);
  Eigen::VectorXd one(1);
  one << 0.5;
  Eigen::VectorXd empty(0);
  CHECK_THROWS_AS(drift::ks_2samp(one, ok), shiftguard::invalid_argument);
  CHECK_THROWS_WITH(drift::ks_2samp(ok, empty), doctest::Contains("cur needs at least 2"));
  Eigen::VectorXd with_nan = ok;
  with_nan[3] = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(drift::ks_2samp(with_nan, ok), doctest::Contains("ref contains NaN at index 3"),
                       shiftguard::invalid_argument);
  Eigen::VectorXd with_inf = ok;
  with_inf[0] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(drift::ks_2samp(ok, with_inf), doctest::Contains("cur contains an infinite value"));
  // omit drops the non-finite values and tests the rest
  Eigen::VectorXd rest = ok.tail(9);
  const auto omitted = drift::ks_2samp(with_inf, ok, drift::alternative::two_sided,
                                       drift::ks_method::automatic, shiftguard::nan_policy::omit);
  const auto direct = drift::ks_2samp(rest, ok);
  CHECK(omitted.statistic == direct.statistic);
  CHECK(omitted.p_value == direct.p_value);
  Eigen::MatrixXd matrix(3, 3);
  matrix.setZero();
  CHECK_THROWS_AS(drift::ks_2samp(matrix, ok), shiftguard::shape_error);
  double d = 0.5;
  CHECK_THROWS_AS(drift::ks_2samp_p_value(0, 5, d, drift::alternative::two_sided,
                                          drift::ks_method::automatic),
                  shiftguard::invalid_argument);
  double bad_d = 1.5;
  CHECK_THROWS_WITH(drift::ks_2samp_p_value(5, 5, bad_d, drift::alternative::two_sided,
                                            drift::ks_method::automatic),
                    doctest::Contains("statistic d must be in [0, 1]"));
  CHECK_THROWS_WITH(drift::alternative_from_string("sideways"), doctest::Contains("alternative must be"));
  CHECK_THROWS_WITH(drift::ks_method_from_string("fast"), doctest::Contains("method must be"));
}

TEST_CASE("ks_2samp: explicit methods") {
  Eigen::VectorXd a = Eigen::VectorXd::LinSpaced(200, 0.0, 1.0);
  Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(150, 0.1, 1.1);
  const auto exact = drift::ks_2samp(a, b, drift::alternative::two_sided, drift::ks_method::exact);
  const auto asymp = drift::ks_2samp(a, b, drift::alternative::two_sided, drift::ks_method::asymptotic);
  CHECK(exact.method == drift::ks_method::exact);
  CHECK(asymp.method == drift::ks_method::asymptotic);
  // The two agree roughly at these sizes.
  CHECK(std::abs(std::log(exact.p_value) - std::log(asymp.p_value)) < 0.5);
}
