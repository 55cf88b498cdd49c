// Bindings of the real-valued stream detectors Page–Hinkley, KSWIN and CUSUM (ADWIN, the
// binary detectors and online MMD have files of their own).

#include <cstdint>
#include <string>

#include "shiftguard/drift/stream/page_hinkley.hpp"
#include "stream_binding.hpp"

namespace shiftguard::python {

void bind_stream(py::module_& module) {
  bind_stream_detector<stream::page_hinkley>(
      module, "PageHinkley",
      [](const stream::page_hinkley_options& options) {
        py::dict out;
        out["min_instances"] = options.min_instances;
        out["delta"] = options.delta;
        out["threshold"] = options.threshold;
        out["alpha"] = options.alpha;
        out["mode"] = stream::to_string(options.mode);
        return out;
      })
      .def(py::init([](std::int64_t min_instances, double delta, double threshold, double alpha,
                       const std::string& mode, const std::string& policy) {
             stream::page_hinkley_options options;
             options.min_instances = min_instances;
             options.delta = delta;
             options.threshold = threshold;
             options.alpha = alpha;
             options.mode = stream::ph_mode_from_string(mode);
             options.nan_handling = drift::nan_policy_from_string(policy);
             return stream::page_hinkley(options);
           }),
           py::arg("min_instances"), py::arg("delta"), py::arg("threshold"), py::arg("alpha"),
           py::arg("mode"), py::arg("nan_policy"))
      .def_property_readonly("n_seen", &stream::page_hinkley::n_seen)
      .def_property_readonly("mean", &stream::page_hinkley::mean);
}

}  // namespace shiftguard::python
