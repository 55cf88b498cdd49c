// Bindings of shiftguard/drift/{correction,reduce,classifier}.hpp: multiple-testing
// corrections, PCA, Gaussian random projection and the classifier two-sample test. Matrices
// come in as strided views of the NumPy arrays (no copy) and go out as new arrays.

#include <cstdint>
#include <string>
#include <vector>

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/drift/classifier.hpp"
#include "shiftguard/drift/correction.hpp"
#include "shiftguard/drift/reduce.hpp"

namespace py = pybind11;

namespace shiftguard::python {

namespace {

py::dict correction_dict(const std::vector<double>& p_values, double alpha,
                         const std::string& method) {
  const auto method_value = drift::correction_from_string(method);
  const auto result = drift::apply_correction(p_values, alpha, method_value);
  py::dict out;
  out["corrected_p_values"] = to_numpy(result.corrected_p_values);
  out["threshold"] = result.threshold;
  out["rejected"] = to_numpy(result.rejected);
  out["any_rejected"] = result.any_rejected;
  out["method"] = drift::to_string(result.method);
  std::vector<std::int64_t> ranks(result.ranks.begin(), result.ranks.end());
  out["ranks"] = to_numpy(ranks);
  out["step_thresholds"] = to_numpy(result.step_thresholds);
  py::list reasons;
  py::list explanations;
  for (std::size_t k = 0; k < p_values.size(); ++k) {
    reasons.append(drift::to_string(result.reasons[k]));
    explanations.append(drift::explain(result, k, p_values));
  }
  out["reasons"] = reasons;
  out["explanations"] = explanations;
  out["decisive_rank"] = static_cast<std::int64_t>(result.decisive_rank);
  return out;
}

template <class Scalar>
void bind_pca(py::module_& module, const char* name) {
  using model = drift::pca<Scalar>;
  py::class_<model>(module, name)
      .def(py::init<index, int>(), py::arg("n_components") = 0, py::arg("n_threads") = 0)
      .def(
          "fit",
          [](model& self, const py::array& x) {
            const py::array array = viewable<Scalar>(x, "x");
            const auto view = matrix_view<Scalar>(array, "x");
            py::gil_scoped_release release;
            self.fit(view);
          },
          py::arg("x"))
      .def(
          "transform",
          [](const model& self, const py::array& x) {
            const py::array array = viewable<Scalar>(x, "x");
            const auto view = matrix_view<Scalar>(array, "x");
            matrix<Scalar> out;
            {
              py::gil_scoped_release release;
              out = self.transform(view);
            }
            return out;
          },
          py::arg("x"))
      .def_property_readonly("fitted", &model::fitted)
      .def_property_readonly("n_components", &model::n_components)
      .def_property_readonly("n_features", &model::n_features)
      .def_property_readonly("components", [](const model& self) { return self.components(); })
      .def_property_readonly("mean", [](const model& self) { return self.mean(); })
      .def_property_readonly("explained_variance",
                             [](const model& self) { return self.explained_variance(); })
      .def_property_readonly("explained_variance_ratio",
                             [](const model& self) { return self.explained_variance_ratio(); })
      .def_property_readonly("singular_values",
                             [](const model& self) { return self.singular_values(); })
      .def("save", [](const model& self) { return py::bytes(self.save()); })
      .def_static(
          "load", [](const py::bytes& data) { return model::load(std::string(data)); },
          py::arg("data"));
}

template <class Scalar>
void bind_projection(py::module_& module, const char* name) {
  using model = drift::gaussian_random_projection<Scalar>;
  py::class_<model>(module, name)
      .def(py::init<index, std::uint64_t, int>(), py::arg("n_components"), py::arg("seed") = 0,
           py::arg("n_threads") = 0)
      .def(
          "fit", [](model& self, index n_features) { self.fit(n_features); },
          py::arg("n_features"))
      .def(
          "transform",
          [](const model& self, const py::array& x) {
            const py::array array = viewable<Scalar>(x, "x");
            const auto view = matrix_view<Scalar>(array, "x");
            matrix<Scalar> out;
            {
              py::gil_scoped_release release;
              out = self.transform(view);
            }
            return out;
          },
          py::arg("x"))
      .def_property_readonly("fitted", &model::fitted)
      .def_property_readonly("n_components", &model::n_components)
      .def_property_readonly("n_features", &model::n_features)
      .def_property_readonly("seed", &model::seed)
      .def_property_readonly("components", [](const model& self) { return self.components(); })
      .def("save", [](const model& self) { return py::bytes(self.save()); })
      .def_static(
          "load", [](const py::bytes& data) { return model::load(std::string(data)); },
          py::arg("data"));
}

template <class Scalar>
py::dict classifier_test_typed(const py::array& scores, const py::array& labels,
                               const std::string& test, double decision_threshold,
                               const std::string& alt) {
  const auto test_value = drift::classifier_test_from_string(test);
  const auto alt_value = drift::alternative_from_string(alt);
  const py::array score_array = viewable<Scalar>(scores, "scores");
  const auto score_view = vector_view<Scalar>(score_array, "scores");
  const py::array label_array = viewable<std::int64_t>(labels, "labels");
  const auto label_view = vector_view<std::int64_t>(label_array, "labels");
  drift::classifier_test_result result;
  {
    py::gil_scoped_release release;
    result = drift::classifier_two_sample_test(score_view, label_view, test_value,
                                               decision_threshold, alt_value);
  }
  py::dict out;
  out["p_value"] = result.p_value;
  out["statistic"] = result.statistic;
  out["accuracy"] = result.accuracy;
  out["chance_rate"] = result.chance_rate;
  out["auc"] = result.auc;
  out["n_correct"] = result.n_correct;
  out["n_reference"] = result.n_reference;
  out["n_current"] = result.n_current;
  out["test"] = drift::to_string(result.test);
  return out;
}

}  // namespace

void bind_reduce(py::module_& module) {
  module.def("apply_correction", &correction_dict, py::arg("p_values"), py::arg("alpha"),
             py::arg("method"),
             "Multiple-testing correction; returns a dict of adjusted p-values and decisions");
  bind_pca<double>(module, "PCAFloat64");
  bind_pca<float>(module, "PCAFloat32");
  bind_projection<double>(module, "GaussianRandomProjectionFloat64");
  bind_projection<float>(module, "GaussianRandomProjectionFloat32");
  module.def("johnson_lindenstrauss_min_dim", &drift::johnson_lindenstrauss_min_dim,
             py::arg("n_samples"), py::arg("eps") = 0.1);
  module.def(
      "classifier_two_sample_test",
      [](const py::array& scores, const py::array& labels, const std::string& test,
         double decision_threshold, const std::string& alt) {
        if (has_dtype<float>(scores)) {
          return classifier_test_typed<float>(scores, labels, test, decision_threshold, alt);
        }
        return classifier_test_typed<double>(scores, labels, test, decision_threshold, alt);
      },
      py::arg("scores"), py::arg("labels"), py::arg("test") = "binomial",
      py::arg("decision_threshold") = 0.5, py::arg("alternative") = "greater");
}

}  // namespace shiftguard::python
