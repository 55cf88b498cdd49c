#pragma once

// The methods every streaming detector binding shares (update, update_many, reset, the two
// flags, save/load, params). A detector's own binding adds only its constructor and any
// read-only properties of its state.

#include <cstdint>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "shiftguard/drift/stream/common.hpp"
#include "shiftguard/drift/univariate.hpp"

namespace py = pybind11;

namespace shiftguard::python {

namespace stream = drift::stream;

inline py::array_t<std::int64_t> index_array(const std::vector<index>& positions) {
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(positions.size()));
  std::copy(positions.begin(), positions.end(), out.mutable_data());
  return out;
}

// The methods every stream detector shares. `params` returns the constructor arguments
// (the Python names) as a dict, so the Python class can be rebuilt from a loaded state.
template <class Detector, class Params>
py::class_<Detector> bind_stream_detector(py::module_& module, const char* name, Params params) {
  py::class_<Detector> cls(module, name);
  cls.def("update", [](Detector& detector, double x) { detector.update(x); }, py::arg("x"))
      .def(
          "update_many",
          [](Detector& detector, const py::array_t<double, py::array::c_style>& values) {
            if (values.ndim() != 1) {
              throw shape_error("values must be one-dimensional, got " +
                                std::to_string(values.ndim()) + " dimensions");
            }
            stream::stream_events events;
            {
              py::gil_scoped_release release;
              events = detector.update_many(values.data(), values.size());
            }
            return py::make_tuple(index_array(events.drift_indices),
                                  index_array(events.warning_indices));
          },
          py::arg("values"))
      .def("reset", &Detector::reset)
      .def_property_readonly("drift_detected", &Detector::drift_detected)
      .def_property_readonly("warning_detected", &Detector::warning_detected)
      .def("save", [](const Detector& detector) { return py::bytes(detector.save()); })
      .def_static("load",
                  [](const py::bytes& data) {
                    const std::string bytes = data;
                    return Detector::load(bytes);
                  })
      .def("params", [params](const Detector& detector) {
        py::dict out = params(detector.options());
        out["nan_policy"] = stream::detail::nan_policy_name(detector.options().nan_handling);
        return out;
      });
  return cls;
}

}  // namespace shiftguard::python
