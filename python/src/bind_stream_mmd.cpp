// Bindings of the online MMD detector: OnlineMMDFloat64 and OnlineMMDFloat32. Arrays reach
// C++ as strided Eigen views (no copy for either memory order); the GIL is released around
// the calibration (construction) and update_many.

#include <cstdint>
#include <string>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "numpy_view.hpp"
#include "shiftguard/drift/stream/online_mmd.hpp"
#include "stream_binding.hpp"

namespace shiftguard::python {

namespace {

// A new C-order (rows x cols) NumPy array holding `values`.
template <class Scalar>
py::array_t<Scalar> to_numpy_matrix(const matrix<Scalar>& values) {
  py::array_t<Scalar> out({static_cast<py::ssize_t>(values.rows()),
                           static_cast<py::ssize_t>(values.cols())});
  auto view = out.template mutable_unchecked<2>();
  for (index r = 0; r < values.rows(); ++r) {
    for (index c = 0; c < values.cols(); ++c) view(r, c) = values(r, c);
  }
  return out;
}

template <class Scalar>
void bind_online_mmd(py::module_& module, const char* name) {
  using detector = stream::online_mmd_detector<Scalar>;
  py::class_<detector>(module, name)
      .def(py::init([](const py::array& x_ref, double ert, std::int64_t window_size,
                       std::int64_t n_bootstraps, double sigma, std::uint64_t seed,
                       int n_threads, const std::string& policy) {
             stream::online_mmd_options options;
             options.ert = ert;
             options.window_size = window_size;
             options.n_bootstraps = n_bootstraps;
             options.sigma = sigma;
             options.seed = seed;
             options.n_threads = n_threads;
             options.nan_handling = drift::nan_policy_from_string(policy);
             const py::array array = viewable<Scalar>(x_ref, "x_ref");
             const auto view = matrix_view<Scalar>(array, "x_ref");
             py::gil_scoped_release release;
             return new detector(view, options);
           }),
           py::arg("x_ref"), py::arg("ert"), py::arg("window_size"),
           py::arg("n_bootstraps") = 1000, py::arg("sigma") = 0.0, py::arg("seed") = 0,
           py::arg("n_threads") = 0, py::arg("nan_policy") = "raise")
      .def(
          "update",
          [](detector& self, const py::array& x) {
            const py::array array = viewable<Scalar>(x, "x");
            self.update(vector_view<Scalar>(array, "x"));
          },
          py::arg("x"))
      .def(
          "update_many",
          [](detector& self, const py::array& x) {
            const py::array array = viewable<Scalar>(x, "x");
            const auto view = matrix_view<Scalar>(array, "x");
            stream::stream_events events;
            {
              py::gil_scoped_release release;
              events = self.update_many(view);
            }
            return py::make_tuple(index_array(events.drift_indices),
                                  index_array(events.warning_indices));
          },
          py::arg("x"))
      .def("reset", &detector::reset)
      .def_property_readonly("drift_detected", &detector::drift_detected)
      .def_property_readonly("warning_detected", &detector::warning_detected)
      .def_property_readonly("test_stat", &detector::test_stat)
      .def_property_readonly("threshold", &detector::threshold)
      .def_property_readonly("t", &detector::t)
      .def_property_readonly("sigma", &detector::sigma)
      .def_property_readonly("n_features", &detector::n_features)
      .def_property_readonly("n_reference", &detector::n_reference)
      .def_property_readonly("window_count", &detector::window_count)
      .def_property_readonly("thresholds",
                             [](const detector& self) { return to_numpy(self.thresholds()); })
      .def_property_readonly(
          "reference",
          [](const detector& self) { return to_numpy_matrix(self.reference()); })
      .def_property_readonly(
          "window",
          [](const detector& self) { return to_numpy_matrix(self.window()); })
      .def("save", [](const detector& self) { return py::bytes(self.save()); })
      .def_static("load",
                  [](const py::bytes& data) {
                    const std::string bytes = data;
                    return detector::load(bytes);
                  })
      .def("params", [](const detector& self) {
        const auto& options = self.options();
        py::dict out;
        out["ert"] = options.ert;
        out["window_size"] = options.window_size;
        out["n_bootstraps"] = options.n_bootstraps;
        out["sigma"] = options.sigma;
        out["seed"] = options.seed;
        out["n_threads"] = options.n_threads;
        out["nan_policy"] = stream::detail::nan_policy_name(options.nan_handling);
        return out;
      });
}

}  // namespace

void bind_stream_mmd(py::module_& module) {
  bind_online_mmd<double>(module, "OnlineMMDFloat64");
  bind_online_mmd<float>(module, "OnlineMMDFloat32");
}

}  // namespace shiftguard::python
