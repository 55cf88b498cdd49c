// Bindings of the numeric two-sample tests of shiftguard/drift/univariate/ and of the
// special functions behind their p-values. Arrays are viewed without copies (numpy_view.hpp);
// the GIL is released around every computation. The finite values are gathered (and sorted)
// here with the same helper the C++ overloads use, so that error messages name the Python
// arguments (x, y; a, b; samples[i]).

#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/core/special.hpp"
#include "shiftguard/drift/univariate.hpp"

namespace py = pybind11;

namespace shiftguard::python {

namespace {

bool is_float32(const py::array& array) { return has_dtype<float>(array); }

template <class Scalar>
py::tuple cramer_von_mises_typed(const py::array& x, const py::array& y,
                                 const drift::cramer_von_mises_options& options) {
  const py::array x_array = viewable<Scalar>(x, "x");
  const py::array y_array = viewable<Scalar>(y, "y");
  const auto x_view = vector_view<Scalar>(x_array, "x");
  const auto y_view = vector_view<Scalar>(y_array, "y");
  drift::cramer_von_mises_result result;
  {
    py::gil_scoped_release release;
    const auto x_sorted =
        drift::detail::prepare_sample(x_view, options.nan_handling, "cramervonmises_2samp", "x", 2);
    const auto y_sorted =
        drift::detail::prepare_sample(y_view, options.nan_handling, "cramervonmises_2samp", "y", 2);
    result = drift::cramer_von_mises_sorted(x_sorted.data(), static_cast<index>(x_sorted.size()),
                                            y_sorted.data(), static_cast<index>(y_sorted.size()),
                                            options);
  }
  return py::make_tuple(result.statistic, result.p_value, drift::to_string(result.method),
                        result.rms_cdf_distance);
}

template <class Scalar>
py::tuple mann_whitney_typed(const py::array& x, const py::array& y,
                             const drift::mann_whitney_options& options) {
  const py::array x_array = viewable<Scalar>(x, "x");
  const py::array y_array = viewable<Scalar>(y, "y");
  const auto x_view = vector_view<Scalar>(x_array, "x");
  const auto y_view = vector_view<Scalar>(y_array, "y");
  drift::mann_whitney_result result;
  {
    py::gil_scoped_release release;
    const auto x_sorted =
        drift::detail::prepare_sample(x_view, options.nan_handling, "mannwhitneyu", "x", 1);
    const auto y_sorted =
        drift::detail::prepare_sample(y_view, options.nan_handling, "mannwhitneyu", "y", 1);
    result =
        drift::mann_whitney_sorted(x_sorted.data(), static_cast<index>(x_sorted.size()),
                                   y_sorted.data(), static_cast<index>(y_sorted.size()), options);
  }
  return py::make_tuple(result.statistic, result.p_value, drift::to_string(result.method),
                        result.common_language_effect_size, result.rank_biserial, result.z,
                        result.has_ties);
}

template <class Scalar>
py::tuple welch_t_typed(const py::array& x, const py::array& y,
                        const drift::welch_t_options& options) {
  const py::array x_array = viewable<Scalar>(x, "a");
  const py::array y_array = viewable<Scalar>(y, "b");
  const auto x_view = vector_view<Scalar>(x_array, "a");
  const auto y_view = vector_view<Scalar>(y_array, "b");
  drift::welch_t_result result;
  {
    py::gil_scoped_release release;
    const auto a_values =
        drift::detail::prepare_sample(x_view, options.nan_handling, "ttest_welch", "a", 2, false);
    const auto b_values =
        drift::detail::prepare_sample(y_view, options.nan_handling, "ttest_welch", "b", 2, false);
    result = drift::welch_t_sorted(a_values.data(), static_cast<index>(a_values.size()),
                                   b_values.data(), static_cast<index>(b_values.size()), options);
  }
  return py::make_tuple(result.statistic, result.p_value, result.df, result.mean_difference,
                        result.cohens_d, result.standard_error);
}

template <class Scalar>
py::tuple anderson_darling_typed(const std::vector<py::array>& samples,
                                 const drift::anderson_darling_options& options) {
  std::vector<py::array> arrays;
  std::vector<strided_vector_view<Scalar>> views;
  arrays.reserve(samples.size());
  views.reserve(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const std::string name = "samples[" + std::to_string(i) + "]";
    arrays.push_back(viewable<Scalar>(samples[i], name.c_str()));
    views.push_back(vector_view<Scalar>(arrays.back(), name.c_str()));
  }
  drift::anderson_darling_result result;
  {
    py::gil_scoped_release release;
    result = drift::anderson_darling_ksamp(views, options);
  }
  py::array_t<double> critical(7);
  std::copy(result.critical_values.begin(), result.critical_values.end(), critical.mutable_data());
  return py::make_tuple(result.statistic, result.p_value, critical, drift::to_string(result.bound),
                        drift::to_string(result.variant), result.rms_cdf_distance);
}

/// Evaluates one special function elementwise over three broadcast float64 arrays (used by
/// the test suite to compare with SciPy over many random arguments).
py::array_t<double> special_elementwise(const std::string& name, const py::array_t<double>& a,
                                        const py::array_t<double>& b,
                                        const py::array_t<double>& c) {
  const py::ssize_t size = a.size();
  if (b.size() != size || c.size() != size || a.ndim() != 1 || b.ndim() != 1 || c.ndim() != 1) {
    throw shape_error("special: a, b and c must be 1-D arrays of the same length");
  }
  using function = double (*)(double, double, double);
  function f = nullptr;
  if (name == "normal_cdf") {
    f = [](double x, double, double) { return special::normal_cdf(x); };
  } else if (name == "normal_sf") {
    f = [](double x, double, double) { return special::normal_sf(x); };
  } else if (name == "gamma_p") {
    f = [](double s, double x, double) { return special::gamma_p(s, x); };
  } else if (name == "gamma_q") {
    f = [](double s, double x, double) { return special::gamma_q(s, x); };
  } else if (name == "incomplete_beta") {
    f = [](double s, double t, double x) { return special::incomplete_beta(s, t, x); };
  } else if (name == "chi2_sf") {
    f = [](double x, double dof, double) { return special::chi2_sf(x, dof); };
  } else if (name == "t_sf") {
    f = [](double t, double dof, double) { return special::t_sf(t, dof); };
  } else if (name == "t_sf_two_sided") {
    f = [](double t, double dof, double) { return special::t_sf_two_sided(t, dof); };
  } else if (name == "f_sf") {
    f = [](double x, double d1, double d2) { return special::f_sf(x, d1, d2); };
  } else if (name == "binomial_sf") {
    f = [](double k, double n, double p) {
      return special::binomial_sf(static_cast<std::int64_t>(k), static_cast<std::int64_t>(n), p);
    };
  } else {
    throw invalid_argument("special: unknown function '" + name + "'");
  }
  py::array_t<double> out(size);
  const double* a_data = a.data();
  const double* b_data = b.data();
  const double* c_data = c.data();
  double* out_data = out.mutable_data();
  {
    py::gil_scoped_release release;
    for (py::ssize_t k = 0; k < size; ++k) out_data[k] = f(a_data[k], b_data[k], c_data[k]);
  }
  return out;
}

}  // namespace

void bind_univariate(py::module_& module) {
  module.def(
      "cramervonmises_2samp",
      [](const py::array& x, const py::array& y, const std::string& method,
         const std::string& policy) {
        drift::cramer_von_mises_options options;
        options.method = drift::test_method_from_string(method);
        options.nan_handling = drift::nan_policy_from_string(policy);
        return is_float32(x) ? cramer_von_mises_typed<float>(x, y, options)
                             : cramer_von_mises_typed<double>(x, y, options);
      },
      py::arg("x"), py::arg("y"), py::arg("method") = "auto", py::arg("nan_policy") = "raise",
      "Two-sample Cramer-von Mises test; returns (statistic, p_value, method, rms_cdf_distance)");
  module.def(
      "anderson_ksamp",
      [](const std::vector<py::array>& samples, const std::string& variant,
         const std::string& policy) {
        drift::anderson_darling_options options;
        options.variant = drift::anderson_darling_variant_from_string(variant);
        options.nan_handling = drift::nan_policy_from_string(policy);
        const bool single = !samples.empty() && is_float32(samples.front());
        return single ? anderson_darling_typed<float>(samples, options)
                      : anderson_darling_typed<double>(samples, options);
      },
      py::arg("samples"), py::arg("variant") = "midrank", py::arg("nan_policy") = "raise",
      "k-sample Anderson-Darling test; returns (statistic, p_value, critical_values, bound, "
      "variant, rms_cdf_distance)");
  module.def(
      "mannwhitneyu",
      [](const py::array& x, const py::array& y, bool use_continuity, const std::string& alt,
         const std::string& method, const std::string& policy) {
        drift::mann_whitney_options options;
        options.use_continuity = use_continuity;
        options.alternative_hypothesis = drift::alternative_from_string(alt);
        options.method = drift::test_method_from_string(method);
        options.nan_handling = drift::nan_policy_from_string(policy);
        return is_float32(x) ? mann_whitney_typed<float>(x, y, options)
                             : mann_whitney_typed<double>(x, y, options);
      },
      py::arg("x"), py::arg("y"), py::arg("use_continuity") = true,
      py::arg("alternative") = "two-sided", py::arg("method") = "auto",
      py::arg("nan_policy") = "raise",
      "Mann-Whitney U test; returns (statistic, p_value, method, cles, rank_biserial, z, "
      "has_ties)");
  module.def(
      "ttest_welch",
      [](const py::array& a, const py::array& b, const std::string& alt,
         const std::string& policy) {
        drift::welch_t_options options;
        options.alternative_hypothesis = drift::alternative_from_string(alt);
        options.nan_handling = drift::nan_policy_from_string(policy);
        return is_float32(a) ? welch_t_typed<float>(a, b, options)
                             : welch_t_typed<double>(a, b, options);
      },
      py::arg("a"), py::arg("b"), py::arg("alternative") = "two-sided",
      py::arg("nan_policy") = "raise",
      "Welch's t-test; returns (statistic, p_value, df, mean_difference, cohens_d, "
      "standard_error)");
  module.def("special_elementwise", &special_elementwise, py::arg("name"), py::arg("a"),
             py::arg("b"), py::arg("c"),
             "Evaluates a function of shiftguard/core/special.hpp elementwise (for tests)");
}

}  // namespace shiftguard::python
