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

namespace detail {

// Python exception types registered in module.cpp, looked up once (see bind_fast_step).
struct stream_exception_types {
  PyObject* invalid_argument = nullptr;
  PyObject* error = nullptr;
};

inline stream_exception_types& exception_types() {
  static stream_exception_types types;
  return types;
}

// `step(x)`: one value, called from Python's per-value loop. pybind11's general dispatcher
// costs more than the update itself (about 150 ns against river's 100 ns for a PyO3 call),
// so this one method is a plain METH_O C function: it converts x with PyFloat_AsDouble
// (floats, ints, bools, NumPy scalars; anything else raises TypeError) and returns the new
// state as a small int: 1 = warning, 2 = drift, 3 = both, 0 = neither.
template <class Detector>
PyObject* fast_step(PyObject* self, PyObject* argument) {
  const double x = PyFloat_AsDouble(argument);
  if (x == -1.0 && PyErr_Occurred() != nullptr) return nullptr;
  try {
    auto& detector = py::handle(self).cast<Detector&>();
    detector.update(x);
    return PyLong_FromLong((detector.drift_detected() ? 2 : 0) +
                           (detector.warning_detected() ? 1 : 0));
  } catch (const shiftguard::invalid_argument& failure) {
    PyErr_SetString(exception_types().invalid_argument, failure.what());
  } catch (const shiftguard::error& failure) {
    PyErr_SetString(exception_types().error, failure.what());
  } catch (const std::exception& failure) {
    PyErr_SetString(PyExc_RuntimeError, failure.what());
  }
  return nullptr;
}

template <class Detector>
void bind_fast_step(py::class_<Detector>& cls, py::module_& module) {
  auto& types = exception_types();
  if (types.error == nullptr) {
    types.invalid_argument = module.attr("InvalidArgumentError").ptr();
    types.error = module.attr("Error").ptr();
  }
  static PyMethodDef definition = {
      "step", reinterpret_cast<PyCFunction>(&fast_step<Detector>), METH_O,
      "step(x) -> int: process one value; returns 2 * drift_detected + warning_detected"};
  PyObject* descriptor =
      PyDescr_NewMethod(reinterpret_cast<PyTypeObject*>(cls.ptr()), &definition);
  if (descriptor == nullptr) throw py::error_already_set();
  const int status = PyObject_SetAttrString(cls.ptr(), "step", descriptor);
  Py_DECREF(descriptor);
  if (status != 0) throw py::error_already_set();
}

}  // namespace detail

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
  detail::bind_fast_step(cls, module);
  return cls;
}

}  // namespace shiftguard::python
