// Bindings of the binary error-stream detectors DDM, EDDM, HDDM_A and HDDM_W.

#include <cstdint>
#include <string>

#include "shiftguard/drift/stream/ddm.hpp"
#include "shiftguard/drift/stream/eddm.hpp"
#include "shiftguard/drift/stream/hddm_a.hpp"
#include "shiftguard/drift/stream/hddm_w.hpp"
#include "stream_binding.hpp"

namespace shiftguard::python {

namespace {

void bind_ddm(py::module_& module) {
  using stream::ddm;
  bind_stream_detector<ddm>(module, "DDM",
                            [](const stream::ddm_options& options) {
                              py::dict out;
                              out["warm_start"] = options.warm_start;
                              out["warning_threshold"] = options.warning_threshold;
                              out["drift_threshold"] = options.drift_threshold;
                              return out;
                            })
      .def(py::init([](std::int64_t warm_start, double warning_threshold, double drift_threshold,
                       const std::string& policy) {
             stream::ddm_options options;
             options.warm_start = warm_start;
             options.warning_threshold = warning_threshold;
             options.drift_threshold = drift_threshold;
             options.nan_handling = drift::nan_policy_from_string(policy);
             return ddm(options);
           }),
           py::arg("warm_start"), py::arg("warning_threshold"), py::arg("drift_threshold"),
           py::arg("nan_policy"))
      .def_property_readonly("n_seen", &ddm::n_seen)
      .def_property_readonly("error_rate", &ddm::error_rate)
      .def_property_readonly("p_min", &ddm::p_min)
      .def_property_readonly("s_min", &ddm::s_min);
}

void bind_eddm(py::module_& module) {
  using stream::eddm;
  bind_stream_detector<eddm>(module, "EDDM",
                             [](const stream::eddm_options& options) {
                               py::dict out;
                               out["warm_start"] = options.warm_start;
                               out["alpha"] = options.alpha;
                               out["beta"] = options.beta;
                               return out;
                             })
      .def(py::init(
               [](std::int64_t warm_start, double alpha, double beta, const std::string& policy) {
                 stream::eddm_options options;
                 options.warm_start = warm_start;
                 options.alpha = alpha;
                 options.beta = beta;
                 options.nan_handling = drift::nan_policy_from_string(policy);
                 return eddm(options);
               }),
           py::arg("warm_start"), py::arg("alpha"), py::arg("beta"), py::arg("nan_policy"))
      .def_property_readonly("n_seen", &eddm::n_seen)
      .def_property_readonly("n_errors", &eddm::n_errors)
      .def_property_readonly("mean_distance", &eddm::mean_distance)
      .def_property_readonly("std_distance", &eddm::std_distance)
      .def_property_readonly("max_level", &eddm::max_level);
}

void bind_hddm_a(py::module_& module) {
  using stream::hddm_a;
  bind_stream_detector<hddm_a>(module, "HDDM_A",
                               [](const stream::hddm_a_options& options) {
                                 py::dict out;
                                 out["drift_confidence"] = options.drift_confidence;
                                 out["warning_confidence"] = options.warning_confidence;
                                 out["two_sided_test"] = options.two_sided_test;
                                 return out;
                               })
      .def(py::init([](double drift_confidence, double warning_confidence, bool two_sided_test,
                       const std::string& policy) {
             stream::hddm_a_options options;
             options.drift_confidence = drift_confidence;
             options.warning_confidence = warning_confidence;
             options.two_sided_test = two_sided_test;
             options.nan_handling = drift::nan_policy_from_string(policy);
             return hddm_a(options);
           }),
           py::arg("drift_confidence"), py::arg("warning_confidence"), py::arg("two_sided_test"),
           py::arg("nan_policy"))
      .def_property_readonly("n_seen", &hddm_a::n_seen)
      .def_property_readonly("error_rate", &hddm_a::error_rate);
}

void bind_hddm_w(py::module_& module) {
  using stream::hddm_w;
  bind_stream_detector<hddm_w>(module, "HDDM_W",
                               [](const stream::hddm_w_options& options) {
                                 py::dict out;
                                 out["drift_confidence"] = options.drift_confidence;
                                 out["warning_confidence"] = options.warning_confidence;
                                 out["lambda_val"] = options.lambda_val;
                                 out["two_sided_test"] = options.two_sided_test;
                                 return out;
                               })
      .def(py::init([](double drift_confidence, double warning_confidence, double lambda_val,
                       bool two_sided_test, const std::string& policy) {
             stream::hddm_w_options options;
             options.drift_confidence = drift_confidence;
             options.warning_confidence = warning_confidence;
             options.lambda_val = lambda_val;
             options.two_sided_test = two_sided_test;
             options.nan_handling = drift::nan_policy_from_string(policy);
             return hddm_w(options);
           }),
           py::arg("drift_confidence"), py::arg("warning_confidence"), py::arg("lambda_val"),
           py::arg("two_sided_test"), py::arg("nan_policy"))
      .def_property_readonly("error_rate", &hddm_w::error_rate);
}

}  // namespace

void bind_stream_binary(py::module_& module) {
  bind_ddm(module);
  bind_eddm(module);
  bind_hddm_a(module);
  bind_hddm_w(module);
}

}  // namespace shiftguard::python
