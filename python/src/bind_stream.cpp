// Bindings of the real-valued stream detectors Page–Hinkley, KSWIN and CUSUM (ADWIN, the
// binary detectors and online MMD have files of their own).

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "shiftguard/drift/stream/cusum.hpp"
#include "shiftguard/drift/stream/kswin.hpp"
#include "shiftguard/drift/stream/page_hinkley.hpp"
#include "stream_binding.hpp"

namespace shiftguard::python {

namespace {

// NaN in an option means "not given": None in Python.
py::object optional_value(double value) {
  return std::isnan(value) ? py::none() : py::cast(value);
}

}  // namespace

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

  bind_stream_detector<stream::kswin>(module, "KSWIN",
                                      [](const stream::kswin_options& options) {
                                        py::dict out;
                                        out["alpha"] = options.alpha;
                                        out["window_size"] = options.window_size;
                                        out["stat_size"] = options.stat_size;
                                        out["seed"] = options.seed;
                                        return out;
                                      })
      .def(py::init([](double alpha, std::int64_t window_size, std::int64_t stat_size,
                       std::uint64_t seed, const std::vector<double>& window,
                       const std::string& policy) {
             stream::kswin_options options;
             options.alpha = alpha;
             options.window_size = window_size;
             options.stat_size = stat_size;
             options.seed = seed;
             options.nan_handling = drift::nan_policy_from_string(policy);
             return stream::kswin(options, window);
           }),
           py::arg("alpha"), py::arg("window_size"), py::arg("stat_size"), py::arg("seed"),
           py::arg("window"), py::arg("nan_policy"))
      .def_property_readonly("n_seen", &stream::kswin::n_seen)
      .def_property_readonly("p_value", &stream::kswin::p_value)
      .def_property_readonly("window", &stream::kswin::window);

  bind_stream_detector<stream::cusum>(module, "CUSUM",
                                      [](const stream::cusum_options& options) {
                                        py::dict out;
                                        out["target"] = optional_value(options.target);
                                        out["std"] = optional_value(options.std);
                                        out["burn_in"] = options.burn_in;
                                        out["k"] = options.k;
                                        out["h"] = options.h;
                                        out["mode"] = stream::to_string(options.mode);
                                        return out;
                                      })
      .def(py::init([](const py::object& target, const py::object& std, std::int64_t burn_in,
                       double k, double h, const std::string& mode, const std::string& policy) {
             stream::cusum_options options;
             if (!target.is_none()) options.target = target.cast<double>();
             if (!std.is_none()) options.std = std.cast<double>();
             options.burn_in = burn_in;
             options.k = k;
             options.h = h;
             options.mode = stream::ph_mode_from_string(mode);
             options.nan_handling = drift::nan_policy_from_string(policy);
             return stream::cusum(options);
           }),
           py::arg("target"), py::arg("std"), py::arg("burn_in"), py::arg("k"), py::arg("h"),
           py::arg("mode"), py::arg("nan_policy"))
      .def_property_readonly("n_seen", &stream::cusum::n_seen)
      .def_property_readonly("sum_up", &stream::cusum::sum_up)
      .def_property_readonly("sum_down", &stream::cusum::sum_down)
      .def_property_readonly("target_in_use", &stream::cusum::target)
      .def_property_readonly("std_in_use", &stream::cusum::std_dev);
}

}  // namespace shiftguard::python
