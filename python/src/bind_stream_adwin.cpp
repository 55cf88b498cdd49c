// Bindings of ADWIN.

#include "stream_binding.hpp"

namespace shiftguard::python {

void bind_stream_adwin(py::module_& module) { static_cast<void>(module); }

}  // namespace shiftguard::python
