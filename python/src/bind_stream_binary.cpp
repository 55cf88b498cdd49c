// Bindings of the binary error-stream detectors DDM, EDDM, HDDM_A and HDDM_W.

#include "stream_binding.hpp"

namespace shiftguard::python {

void bind_stream_binary(py::module_& module) { static_cast<void>(module); }

}  // namespace shiftguard::python
