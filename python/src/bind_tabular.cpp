// Bindings of shiftguard::drift::tabular_drift_detector (TabularDetectorFloat64/32). The
// Python class shiftguard.drift.TabularDrift owns argument checking, pandas input, category
// encoding and the result object.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/drift/tabular.hpp"

namespace py = pybind11;

namespace shiftguard::python {

namespace {

drift::tabular_drift_options make_tabular_options(
    const std::vector<index>& categorical_columns, const std::map<index, std::string>& tests,
    double p_val, const std::string& correction, const std::string& policy, int n_bins,
    double epsilon, double min_effect_size, const std::map<index, double>& min_effect_sizes,
    const std::map<index, double>& thresholds, bool calibrate, int n_bootstraps, int n_threads,
    std::uint64_t seed) {
  drift::tabular_drift_options options;
  options.categorical_columns = categorical_columns;
  for (const auto& entry : tests) {
    options.tests[entry.first] = drift::tabular_test_from_string(entry.second);
  }
  options.p_val = p_val;
  options.correction_method = drift::correction_from_string(correction);
  options.nan_handling = drift::nan_policy_from_string(policy);
  options.n_bins = n_bins;
  options.epsilon = epsilon;
  options.min_effect_size = min_effect_size;
  options.min_effect_sizes = min_effect_sizes;
  options.thresholds = thresholds;
  options.calibrate = calibrate;
  options.n_bootstraps = n_bootstraps;
  options.n_threads = n_threads;
  options.seed = seed;
  return options;
}

py::dict tabular_result_dict(const drift::tabular_drift_result& r) {
  py::dict out;
  out["is_drift"] = r.is_drift;
  out["correction"] = drift::to_string(r.correction_method);
  out["p_val"] = r.p_val;
  out["family_threshold"] = r.family_threshold;
  out["family_size"] = r.family_size;
  std::vector<std::string> tests;
  std::vector<std::string> effect_names;
  for (const auto test : r.tests) {
    tests.emplace_back(drift::to_string(test));
    effect_names.emplace_back(drift::effect_size_name(test));
  }
  out["tests"] = tests;
  out["effect_size_names"] = effect_names;
  out["statistics"] = to_numpy(r.statistics);
  out["p_values"] = to_numpy(r.p_values);
  out["corrected_p_values"] = to_numpy(r.corrected_p_values);
  out["thresholds"] = to_numpy(r.thresholds);
  out["is_p_value_threshold"] = to_numpy(r.is_p_value_threshold);
  out["effect_sizes"] = to_numpy(r.effect_sizes);
  out["min_effect_sizes"] = to_numpy(r.min_effect_sizes);
  out["significant"] = to_numpy(r.significant);
  out["test_drift"] = to_numpy(r.test_drift);
  out["missing_drift"] = to_numpy(r.missing_drift);
  out["feature_drift"] = to_numpy(r.feature_drift);
  out["missing_fraction_reference"] = to_numpy(r.missing_fraction_reference);
  out["missing_fraction_current"] = to_numpy(r.missing_fraction_current);
  out["missing_statistics"] = to_numpy(r.missing_statistics);
  out["missing_p_values"] = to_numpy(r.missing_p_values);
  out["n_reference"] = to_numpy(r.n_reference);
  out["n_current"] = to_numpy(r.n_current);
  out["unseen_categories"] = r.unseen_categories;
  out["reasons"] = r.reasons;
  return out;
}

template <class Scalar>
void bind_tabular_detector(py::module_& module, const char* name) {
  using detector = drift::tabular_drift_detector<Scalar>;
  py::class_<detector>(module, name)
      .def(py::init([](const py::array& x_ref, const std::vector<index>& categorical_columns,
                       const std::map<index, std::string>& tests, double p_val,
                       const std::string& correction, const std::string& policy, int n_bins,
                       double epsilon, double min_effect_size,
                       const std::map<index, double>& min_effect_sizes,
                       const std::map<index, double>& thresholds, bool calibrate,
                       int n_bootstraps, int n_threads, std::uint64_t seed) {
             auto options = make_tabular_options(categorical_columns, tests, p_val, correction,
                                                 policy, n_bins, epsilon, min_effect_size,
                                                 min_effect_sizes, thresholds, calibrate,
                                                 n_bootstraps, n_threads, seed);
             const py::array array = viewable<Scalar>(x_ref, "x_ref");
             const auto view = matrix_view<Scalar>(array, "x_ref");
             py::gil_scoped_release release;
             return new detector(view, std::move(options));
           }),
           py::arg("x_ref"), py::arg("categorical_columns") = std::vector<index>{},
           py::arg("tests") = std::map<index, std::string>{}, py::arg("p_val") = 0.05,
           py::arg("correction") = "bonferroni", py::arg("nan_policy") = "raise",
           py::arg("n_bins") = 10, py::arg("epsilon") = 1e-4, py::arg("min_effect_size") = 0.0,
           py::arg("min_effect_sizes") = std::map<index, double>{},
           py::arg("thresholds") = std::map<index, double>{}, py::arg("calibrate") = false,
           py::arg("n_bootstraps") = 200, py::arg("n_threads") = 0, py::arg("seed") = 0)
      .def(
          "predict",
          [](const detector& self, const py::array& x) {
            const py::array array = viewable<Scalar>(x, "x");
            const auto view = matrix_view<Scalar>(array, "x");
            drift::tabular_drift_result result;
            {
              py::gil_scoped_release release;
              result = self.predict(view);
            }
            return tabular_result_dict(result);
          },
          py::arg("x"))
      .def("save", [](const detector& self) { return py::bytes(self.save()); })
      .def_static(
          "load",
          [](const py::bytes& data) {
            const std::string bytes = data;
            py::gil_scoped_release release;
            return detector::load(bytes);
          },
          py::arg("data"))
      .def_property_readonly("n_features", &detector::n_features)
      .def_property_readonly("n_reference", &detector::n_reference)
      .def_property_readonly("tests",
                             [](const detector& self) {
                               std::vector<std::string> out;
                               for (index c = 0; c < self.n_features(); ++c) {
                                 out.emplace_back(drift::to_string(self.test_of(c)));
                               }
                               return out;
                             })
      .def_property_readonly("categorical_columns",
                             [](const detector& self) {
                               std::vector<index> out;
                               for (index c = 0; c < self.n_features(); ++c) {
                                 if (self.is_categorical(c)) out.push_back(c);
                               }
                               return out;
                             })
      .def(
          "sorted_reference",
          [](const detector& self, index feature) {
            return to_numpy(self.sorted_reference(feature));
          },
          py::arg("feature"));
}

}  // namespace

void bind_tabular(py::module_& module) {
  bind_tabular_detector<double>(module, "TabularDetectorFloat64");
  bind_tabular_detector<float>(module, "TabularDetectorFloat32");
}

}  // namespace shiftguard::python
