// Bindings of the online MMD detector.

#include "stream_binding.hpp"

namespace shiftguard::python {

void bind_stream_mmd(py::module_& module) { static_cast<void>(module); }

}  // namespace shiftguard::python
