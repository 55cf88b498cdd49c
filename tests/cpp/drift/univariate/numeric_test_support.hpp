#pragma once

// Helpers shared by the tests of shiftguard/drift/univariate/*.hpp: the golden cases as
// sorted and unsorted vectors of the scalar under test, and SciPy-agreement checks.

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Core>

#include "golden/numeric_tests_golden.hpp"

namespace shiftguard::test {

template <class Scalar>
struct golden_samples {
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> x;  // in the order SciPy saw them
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> y;
  std::vector<Scalar> x_sorted;
  std::vector<Scalar> y_sorted;
};

template <class Scalar>
golden_samples<Scalar> samples_of(const numeric_golden::numeric_case& golden) {
  golden_samples<Scalar> out;
  out.x.resize(golden.n_x);
  out.y.resize(golden.n_y);
  for (long i = 0; i < golden.n_x; ++i) out.x(i) = static_cast<Scalar>(golden.x[i]);
  for (long i = 0; i < golden.n_y; ++i) out.y(i) = static_cast<Scalar>(golden.y[i]);
  out.x_sorted.assign(out.x.data(), out.x.data() + golden.n_x);
  out.y_sorted.assign(out.y.data(), out.y.data() + golden.n_y);
  std::sort(out.x_sorted.begin(), out.x_sorted.end());
  std::sort(out.y_sorted.begin(), out.y_sorted.end());
  return out;
}

/// Relative agreement (1e-8 by default) or, for values SciPy computes as 1 - cdf, an
/// absolute floor below which its own rounding dominates.
inline bool close_to_scipy(double ours, double scipy_value, double rtol = 1e-8, double atol = 0.0) {
  if (std::isnan(scipy_value)) return std::isnan(ours);
  const double difference = std::fabs(ours - scipy_value);
  if (scipy_value <= 1e-300) return ours <= 1e-290;
  return difference <= rtol * std::fabs(scipy_value) || difference <= atol;
}

}  // namespace shiftguard::test
