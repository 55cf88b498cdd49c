// shiftguard._core: the compiled half of the Python package. It stays thin: it converts
// arrays, releases the GIL around compute and translates exceptions; argument checking,
// docstrings and result objects live in the pure-Python package.

#include <pybind11/pybind11.h>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/version.hpp"

namespace py = pybind11;

namespace shiftguard::python {
void bind_drift(py::module_& module);
void bind_stream(py::module_& module);
void bind_stream_adwin(py::module_& module);
void bind_stream_binary(py::module_& module);
void bind_stream_mmd(py::module_& module);
void bind_scores(py::module_& module);
void bind_univariate(py::module_& module);
void bind_reduce(py::module_& module);
void bind_multivariate(py::module_& module);
void bind_tabular(py::module_& module);
void bind_imbalance_shift(py::module_& module);
void bind_imbalance_resample(py::module_& module);
void bind_imbalance_smote(py::module_& module);
void bind_imbalance_weights(py::module_& module);
void bind_nn(py::module_& module);
void bind_validate_tensor(py::module_& module);
void bind_validate_profile(py::module_& module);
void bind_validate_sketch(py::module_& module);
void bind_validate_schema(py::module_& module);
void bind_validate_integrity(py::module_& module);
}

PYBIND11_MODULE(_core, module) {
  module.doc() = "Compiled core of shiftguard (use the shiftguard package, not this module)";
  module.attr("__version__") = shiftguard::version;

  // Exceptions are translated once, here. Every shiftguard::error becomes a subclass of
  // ValueError (shiftguard.Error), except type_error, which becomes a TypeError.
  auto base = py::register_exception<shiftguard::error>(module, "Error", PyExc_ValueError);
  py::register_exception<shiftguard::invalid_argument>(module, "InvalidArgumentError", base);
  py::register_exception<shiftguard::shape_error>(module, "ShapeError", base);
  py::register_exception<shiftguard::format_error>(module, "FormatError", base);
  py::register_exception<shiftguard::type_error>(module, "DTypeError", PyExc_TypeError);

  shiftguard::python::bind_drift(module);
  shiftguard::python::bind_stream(module);
  shiftguard::python::bind_stream_adwin(module);
  shiftguard::python::bind_stream_binary(module);
  shiftguard::python::bind_stream_mmd(module);
  shiftguard::python::bind_scores(module);
  shiftguard::python::bind_univariate(module);
  shiftguard::python::bind_reduce(module);
  shiftguard::python::bind_multivariate(module);
  shiftguard::python::bind_tabular(module);
  shiftguard::python::bind_imbalance_shift(module);
  shiftguard::python::bind_imbalance_resample(module);
  shiftguard::python::bind_imbalance_smote(module);
  shiftguard::python::bind_imbalance_weights(module);
  shiftguard::python::bind_nn(module);
  shiftguard::python::bind_validate_tensor(module);
  shiftguard::python::bind_validate_profile(module);
  shiftguard::python::bind_validate_sketch(module);
  shiftguard::python::bind_validate_schema(module);
  shiftguard::python::bind_validate_integrity(module);
}
