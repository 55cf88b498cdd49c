#pragma once

// Pieces shared by the rank and moment two-sample tests of drift/univariate/: one walk over
// the distinct values of two (or k) sorted samples, which gives every rank statistic in O(n)
// after sorting, and the preparation of unsorted Eigen input (non-finite values handled by
// nan_policy, then sorted) for the convenience overloads.
//
// This header does not include drift/univariate.hpp (which includes the tests at its end,
// and they include this header), so that any of them can be included first.

#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/sort.hpp"
#include "shiftguard/core/sum.hpp"
#include "shiftguard/core/types.hpp"

namespace shiftguard::drift {

/// How a rank test computes its p-value (scipy's method= strings "auto", "exact",
/// "asymptotic").
enum class test_method {
  automatic,   ///< the rule of the SciPy function the test follows
  exact,       ///< exact null distribution (small samples)
  asymptotic,  ///< large-sample approximation
};

inline const char* to_string(test_method value) {
  switch (value) {
    case test_method::automatic:
      return "auto";
    case test_method::exact:
      return "exact";
    case test_method::asymptotic:
      return "asymptotic";
  }
  return "?";
}

/// Parses "auto", "exact" or "asymptotic" (SciPy's spellings; "asymp" also accepted).
inline test_method test_method_from_string(const std::string& name) {
  if (name == "auto") return test_method::automatic;
  if (name == "exact") return test_method::exact;
  if (name == "asymptotic" || name == "asymp") return test_method::asymptotic;
  throw invalid_argument("method must be 'auto', 'exact' or 'asymptotic', got '" + name + "'");
}

}  // namespace shiftguard::drift

namespace shiftguard::drift::detail {

/// Calls visit(value, n_ref_equal, n_cur_equal) once per distinct value of the union of
/// two ascending samples, in ascending order.
template <class Scalar, class Visit>
void for_each_distinct(const Scalar* ref, index n_ref, const Scalar* cur, index n_cur,
                       Visit&& visit) {
  index i = 0;
  index j = 0;
  while (i < n_ref || j < n_cur) {
    const Scalar value = (j >= n_cur || (i < n_ref && ref[i] <= cur[j])) ? ref[i] : cur[j];
    const index i_start = i;
    const index j_start = j;
    while (i < n_ref && ref[i] == value) ++i;
    while (j < n_cur && cur[j] == value) ++j;
    visit(value, i - i_start, j - j_start);
  }
}

/// Checks the arguments of a *_sorted entry point: sizes at least `minimum`, non-null data.
template <class Scalar>
void check_sorted_samples(const char* test, const Scalar* ref, index n_ref, const Scalar* cur,
                          index n_cur, index minimum) {
  if (n_ref < minimum || n_cur < minimum) {
    throw invalid_argument(std::string(test) + ": each sample needs at least " +
                           std::to_string(minimum) + " values, got n_ref=" + std::to_string(n_ref) +
                           ", n_cur=" + std::to_string(n_cur));
  }
  if (ref == nullptr || cur == nullptr) {
    throw invalid_argument(std::string(test) + ": sample data must not be null");
  }
}

/// Checks that `values` is a vector expression, copies its finite values (nan_policy),
/// requires at least `minimum` of them and (unless `sort` is false) sorts them ascending.
template <class Derived>
std::vector<typename Derived::Scalar> prepare_sample(const Eigen::DenseBase<Derived>& values,
                                                     nan_policy policy, const char* test,
                                                     const char* name, index minimum,
                                                     bool sort = true) {
  using Scalar = typename Derived::Scalar;
  static_assert(std::is_floating_point_v<Scalar>, "two-sample tests need float or double samples");
  if (values.rows() != 1 && values.cols() != 1) {
    throw shape_error(std::string(test) + ": " + name + " must be a vector, got a " +
                      std::to_string(values.rows()) + "x" + std::to_string(values.cols()) +
                      " matrix");
  }
  std::vector<Scalar> out;
  out.reserve(static_cast<std::size_t>(values.size()));
  for (index k = 0; k < values.size(); ++k) {
    const Scalar value = static_cast<Scalar>(values.derived().coeff(k));
    if (std::isfinite(value)) {
      out.push_back(value + Scalar(0));  // -0.0 becomes +0.0
    } else if (policy == nan_policy::raise) {
      throw invalid_argument(std::string(test) + ": " + name + " contains " +
                             (std::isnan(value) ? "NaN" : "an infinite value") + " at index " +
                             std::to_string(k) +
                             " (use nan_policy omit to drop non-finite values)");
    }
  }
  if (static_cast<index>(out.size()) < minimum) {
    throw invalid_argument(std::string(test) + ": " + name + " needs at least " +
                           std::to_string(minimum) + " finite values, got " +
                           std::to_string(out.size()));
  }
  if (sort) shiftguard::detail::sort_floats(out);
  return out;
}

using shiftguard::detail::compensated_total;

}  // namespace shiftguard::drift::detail
