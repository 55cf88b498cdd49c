// shiftguard._core_nn_avx: the network trainer of bind_nn.cpp compiled with -mavx -mfma, for
// CPUs that have both (shiftguard.nn picks it at import, else uses shiftguard._core). Its
// classes are module-local, and shiftguard errors are translated to the exception classes of
// shiftguard._core, so the Python layer sees the same errors from either module.

#include <pybind11/pybind11.h>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/version.hpp"

namespace py = pybind11;

namespace shiftguard::python {
void bind_nn_into(py::module_& module, bool local);
}

PYBIND11_MODULE(_core_nn_avx, module) {
  module.doc() = "The network trainer of shiftguard._core built for AVX+FMA CPUs (internal)";
  module.attr("__version__") = shiftguard::version;
  py::module_::import("shiftguard._core");  // the exception classes live there
  py::register_local_exception_translator([](std::exception_ptr pointer) {
    const auto raise = [](const char* name, const char* message) {
      const py::object kind = py::module_::import("shiftguard._core").attr(name);
      PyErr_SetString(kind.ptr(), message);
    };
    try {
      if (pointer) std::rethrow_exception(pointer);
    } catch (const shiftguard::invalid_argument& e) {
      raise("InvalidArgumentError", e.what());
    } catch (const shiftguard::shape_error& e) {
      raise("ShapeError", e.what());
    } catch (const shiftguard::format_error& e) {
      raise("FormatError", e.what());
    } catch (const shiftguard::type_error& e) {
      raise("DTypeError", e.what());
    } catch (const shiftguard::error& e) {
      raise("Error", e.what());
    }
  });
  shiftguard::python::bind_nn_into(module, true);
}
