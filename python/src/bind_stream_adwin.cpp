// Bindings of ADWIN.

#include <cstdint>
#include <string>

#include "shiftguard/drift/stream/adwin.hpp"
#include "stream_binding.hpp"

namespace shiftguard::python {

void bind_stream_adwin(py::module_& module) {
  bind_stream_detector<stream::adwin>(module, "ADWIN",
                                      [](const stream::adwin_options& options) {
                                        py::dict out;
                                        out["delta"] = options.delta;
                                        out["clock"] = options.clock;
                                        out["max_buckets"] = options.max_buckets;
                                        out["min_window_length"] = options.min_window_length;
                                        out["grace_period"] = options.grace_period;
                                        return out;
                                      })
      .def(py::init([](double delta, std::int64_t clock, std::int64_t max_buckets,
                       std::int64_t min_window_length, std::int64_t grace_period,
                       const std::string& policy) {
             stream::adwin_options options;
             options.delta = delta;
             options.clock = clock;
             options.max_buckets = max_buckets;
             options.min_window_length = min_window_length;
             options.grace_period = grace_period;
             options.nan_handling = drift::nan_policy_from_string(policy);
             return stream::adwin(options);
           }),
           py::arg("delta") = 0.002, py::arg("clock") = 32, py::arg("max_buckets") = 5,
           py::arg("min_window_length") = 5, py::arg("grace_period") = 10,
           py::arg("nan_policy") = "raise")
      .def_property_readonly("width", &stream::adwin::width)
      .def_property_readonly("total", &stream::adwin::total)
      .def_property_readonly("variance", &stream::adwin::variance)
      .def_property_readonly("estimation", &stream::adwin::estimation)
      .def_property_readonly("n_detections", &stream::adwin::n_detections)
      .def_property_readonly("n_bucket_rows", &stream::adwin::n_bucket_rows);
}

}  // namespace shiftguard::python
