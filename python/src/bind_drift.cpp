// Bindings of shiftguard::drift.

#include <string>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/drift.hpp"

namespace py = pybind11;

namespace shiftguard::python {

namespace {

py::tuple ks_result_tuple(const drift::ks_result& result) {
  return py::make_tuple(result.statistic, result.p_value, result.statistic_location,
                        result.statistic_sign, drift::to_string(result.method));
}

template <class Scalar>
py::tuple ks_2samp_typed(const py::array& ref, const py::array& cur, const std::string& alt,
                         const std::string& method, const std::string& policy) {
  const auto alt_value = drift::alternative_from_string(alt);
  const auto method_value = drift::ks_method_from_string(method);
  const auto policy_value = drift::nan_policy_from_string(policy);
  const py::array ref_array = viewable<Scalar>(ref, "ref");
  const py::array cur_array = viewable<Scalar>(cur, "cur");
  const auto ref_view = vector_view<Scalar>(ref_array, "ref");
  const auto cur_view = vector_view<Scalar>(cur_array, "cur");
  drift::ks_result result;
  {
    py::gil_scoped_release release;
    result = drift::ks_2samp(ref_view, cur_view, alt_value, method_value, policy_value);
  }
  return ks_result_tuple(result);
}

drift::ks_drift_options make_options(double p_val, const std::string& correction,
                                     const std::string& alt, const std::string& method,
                                     const std::string& policy, int n_threads) {
  drift::ks_drift_options options;
  options.p_val = p_val;
  options.correction_method = drift::correction_from_string(correction);
  options.alternative_hypothesis = drift::alternative_from_string(alt);
  options.method = drift::ks_method_from_string(method);
  options.nan_handling = drift::nan_policy_from_string(policy);
  options.n_threads = n_threads;
  return options;
}

template <class Scalar>
void bind_ks_detector(py::module_& module, const char* name) {
  using detector = drift::ks_drift_detector<Scalar>;
  py::class_<detector>(module, name)
      .def(py::init([](const py::array& x_ref, double p_val, const std::string& correction,
                       const std::string& alt, const std::string& method,
                       const std::string& policy, int n_threads) {
             const auto options = make_options(p_val, correction, alt, method, policy, n_threads);
             const py::array array = viewable<Scalar>(x_ref, "x_ref");
             const auto view = matrix_view<Scalar>(array, "x_ref");
             py::gil_scoped_release release;
             return new detector(view, options);
           }),
           py::arg("x_ref"), py::arg("p_val") = 0.05, py::arg("correction") = "bonferroni",
           py::arg("alternative") = "two-sided", py::arg("method") = "auto",
           py::arg("nan_policy") = "raise", py::arg("n_threads") = 0)
      .def(
          "predict",
          [](const detector& self, const py::array& x) {
            const py::array array = viewable<Scalar>(x, "x");
            const auto view = matrix_view<Scalar>(array, "x");
            drift::ks_drift_result result;
            {
              py::gil_scoped_release release;
              result = self.predict(view);
            }
            py::dict out;
            out["is_drift"] = result.is_drift;
            out["statistics"] = to_numpy(result.statistics);
            out["p_values"] = to_numpy(result.p_values);
            out["corrected_p_values"] = to_numpy(result.corrected_p_values);
            out["feature_drift"] = to_numpy(result.feature_drift);
            out["n_reference"] = to_numpy(result.n_reference);
            out["n_current"] = to_numpy(result.n_current);
            out["threshold"] = result.threshold;
            out["correction"] = drift::to_string(result.correction_method);
            out["explanations"] = result.explanations;
            return out;
          },
          py::arg("x"))
      .def_property_readonly("n_features", &detector::n_features)
      .def_property_readonly("n_reference", &detector::n_reference)
      .def(
          "sorted_reference",
          [](const detector& self, index feature) { return to_numpy(self.sorted_reference(feature)); },
          py::arg("feature"));
}

}  // namespace

void bind_drift(py::module_& module) {
  module.def(
      "ks_2samp",
      [](const py::array& ref, const py::array& cur, const std::string& alt,
         const std::string& method, const std::string& policy) {
        if (has_dtype<float>(ref)) {
          return ks_2samp_typed<float>(ref, cur, alt, method, policy);
        }
        return ks_2samp_typed<double>(ref, cur, alt, method, policy);
      },
      py::arg("ref"), py::arg("cur"), py::arg("alternative") = "two-sided",
      py::arg("method") = "auto", py::arg("nan_policy") = "raise",
      "Two-sample KS test; returns (statistic, p_value, location, sign, method)");
  module.def(
      "ks_2samp_p_value",
      [](std::int64_t n1, std::int64_t n2, double d, const std::string& alt,
         const std::string& method) {
        drift::ks_method used = drift::ks_method::automatic;
        const double p = drift::ks_2samp_p_value(n1, n2, d, drift::alternative_from_string(alt),
                                                 drift::ks_method_from_string(method), &used);
        return py::make_tuple(d, p, drift::to_string(used));
      },
      py::arg("n1"), py::arg("n2"), py::arg("d"), py::arg("alternative") = "two-sided",
      py::arg("method") = "auto");
  module.def("kolmogorov_two_sided_sf", &drift::detail::kolmogorov_two_sided_sf, py::arg("n"),
             py::arg("d"), "scipy.stats.kstwo.sf(d, n)");
  module.def("smirnov_sf", &drift::detail::smirnov_sf, py::arg("n"), py::arg("d"),
             "scipy.special.smirnov(n, d)");
  bind_ks_detector<double>(module, "KSDetectorFloat64");
  bind_ks_detector<float>(module, "KSDetectorFloat32");
}

}  // namespace shiftguard::python
