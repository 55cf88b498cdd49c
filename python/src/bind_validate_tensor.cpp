// Bindings of the N-d batch validation (shiftguard/validate/tensor.hpp). A NumPy array of any
// supported dtype and any strides (slices, transposes, negative or zero strides) reaches C++ as
// an xtensor adaptor over its own buffer (xt::adapt, no copy); compute runs with the GIL
// released. Schemas travel as dicts; the Python layer (shiftguard.validate._tensor) owns the
// TensorSchema class, argument checking and the report.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/validate/tensor.hpp"

namespace shiftguard::python {

namespace py = pybind11;

namespace {

template <class T, class Body>
auto call_with_view(const py::array& array, const char* name, Body&& body) {
  const auto item = static_cast<py::ssize_t>(sizeof(T));
  std::vector<std::size_t> shape(static_cast<std::size_t>(array.ndim()));
  std::vector<std::ptrdiff_t> strides(static_cast<std::size_t>(array.ndim()));
  for (py::ssize_t axis = 0; axis < array.ndim(); ++axis) {
    const py::ssize_t stride = array.strides(axis);
    if (stride % item != 0) {
      throw type_error(std::string(name) + " has a stride of " + std::to_string(stride) +
                       " bytes on axis " + std::to_string(axis) +
                       ", not a multiple of its item size " + std::to_string(item));
    }
    shape[static_cast<std::size_t>(axis)] = static_cast<std::size_t>(array.shape(axis));
    strides[static_cast<std::size_t>(axis)] = stride / item;
  }
  const auto view =
      validate::tensor_view<T>(static_cast<const T*>(array.data()), shape, strides);
  py::gil_scoped_release release;
  return body(view);
}

bool little_endian() {
  const std::uint16_t probe = 1;
  return *reinterpret_cast<const unsigned char*>(&probe) == 1;
}

// Calls body(view) with an xtensor adaptor of `array` for its element type.
template <class Body>
auto with_tensor(const py::array& array, const char* name, Body&& body) {
  const char kind = array.dtype().kind();
  const auto size = array.dtype().itemsize();
  const char order = array.dtype().byteorder();
  if ((order == '>' && little_endian()) || (order == '<' && !little_endian())) {
    throw type_error(std::string(name) + " must be in native byte order, got dtype " +
                     std::string(py::str(array.dtype())));
  }
  if (kind == 'f' && size == 4) return call_with_view<float>(array, name, body);
  if (kind == 'f' && size == 8) return call_with_view<double>(array, name, body);
  if (kind == 'u' && size == 1) return call_with_view<std::uint8_t>(array, name, body);
  if (kind == 'u' && size == 2) return call_with_view<std::uint16_t>(array, name, body);
  if (kind == 'u' && size == 4) return call_with_view<std::uint32_t>(array, name, body);
  if (kind == 'u' && size == 8) return call_with_view<std::uint64_t>(array, name, body);
  if (kind == 'i' && size == 1) return call_with_view<std::int8_t>(array, name, body);
  if (kind == 'i' && size == 2) return call_with_view<std::int16_t>(array, name, body);
  if (kind == 'i' && size == 4) return call_with_view<std::int32_t>(array, name, body);
  if (kind == 'i' && size == 8) return call_with_view<std::int64_t>(array, name, body);
  if (kind == 'b' && size == 1) return call_with_view<bool>(array, name, body);
  throw type_error(std::string(name) +
                   " must have dtype float32, float64, bool or an integer type, got " +
                   std::string(py::str(array.dtype())));
}

std::optional<int> optional_axis(const py::object& axis) {
  if (axis.is_none()) return std::nullopt;
  return axis.cast<int>();
}

py::object axis_object(const std::optional<int>& axis) {
  return axis ? py::object(py::int_(*axis)) : py::object(py::none());
}

py::dict summary_dict(const validate::tensor_summary& s) {
  py::dict out;
  out["shape"] = s.shape;
  out["n_samples"] = s.n_samples;
  out["values_per_sample"] = s.values_per_sample;
  out["channel_axis"] = axis_object(s.channel_axis);
  out["n_channels"] = s.n_channels;
  out["n_nan"] = s.n_nan;
  out["n_infinite"] = s.n_infinite;
  out["n_below"] = s.n_below;
  out["n_above"] = s.n_above;
  out["minimum"] = s.minimum;
  out["maximum"] = s.maximum;
  out["channel_count"] = s.channel_count;
  out["channel_mean"] = s.channel_mean;
  out["channel_std"] = s.channel_std;
  out["channel_min"] = s.channel_min;
  out["channel_max"] = s.channel_max;
  out["channel_mean_spread"] = s.channel_mean_spread;
  out["nan_samples"] = s.nan_samples;
  out["infinite_samples"] = s.infinite_samples;
  out["out_of_range_samples"] = s.out_of_range_samples;
  out["blank_samples"] = s.blank_samples;
  return out;
}

py::dict schema_dict(const validate::tensor_schema& schema) {
  py::dict out;
  out["shape"] = schema.shape;
  out["dtype"] = schema.dtype;
  out["channel_axis"] = axis_object(schema.channel_axis);
  out["allow_nan"] = schema.allow_nan;
  out["allow_infinite"] = schema.allow_infinite;
  out["minimum"] = schema.minimum;
  out["maximum"] = schema.maximum;
  out["channel_mean"] = schema.channel_mean;
  out["channel_std"] = schema.channel_std;
  out["channel_mean_spread"] = schema.channel_mean_spread;
  out["reference_samples"] = schema.reference_samples;
  out["mean_tolerance"] = schema.mean_tolerance;
  out["std_tolerance"] = schema.std_tolerance;
  out["check_blank"] = schema.check_blank;
  out["blank_epsilon"] = schema.blank_epsilon;
  out["min_samples"] = schema.min_samples;
  return out;
}

validate::tensor_schema schema_from(const py::dict& d) {
  validate::tensor_schema schema;
  schema.shape = d["shape"].cast<std::vector<std::int64_t>>();
  schema.dtype = d["dtype"].cast<std::string>();
  schema.channel_axis = optional_axis(d["channel_axis"]);
  schema.allow_nan = d["allow_nan"].cast<bool>();
  schema.allow_infinite = d["allow_infinite"].cast<bool>();
  schema.minimum = d["minimum"].cast<double>();
  schema.maximum = d["maximum"].cast<double>();
  schema.channel_mean = d["channel_mean"].cast<std::vector<double>>();
  schema.channel_std = d["channel_std"].cast<std::vector<double>>();
  schema.channel_mean_spread = d["channel_mean_spread"].cast<std::vector<double>>();
  schema.reference_samples = d["reference_samples"].cast<std::int64_t>();
  schema.mean_tolerance = d["mean_tolerance"].cast<double>();
  schema.std_tolerance = d["std_tolerance"].cast<double>();
  schema.check_blank = d["check_blank"].cast<bool>();
  schema.blank_epsilon = d["blank_epsilon"].cast<double>();
  schema.min_samples = d["min_samples"].cast<std::int64_t>();
  return schema;
}

}  // namespace

void bind_validate_tensor(py::module_& module) {
  module.def(
      "tensor_summary",
      [](const py::array& batch, const py::object& channel_axis, double minimum, double maximum,
         bool check_blank, double blank_epsilon, int n_threads) {
        validate::tensor_summary_options options;
        options.channel_axis = optional_axis(channel_axis);
        options.minimum = minimum;
        options.maximum = maximum;
        options.check_blank = check_blank;
        options.blank_epsilon = blank_epsilon;
        options.n_threads = n_threads;
        const auto summary = with_tensor(batch, "batch", [&](const auto& view) {
          return validate::summarize_tensor(view, options);
        });
        return summary_dict(summary);
      },
      py::arg("batch"), py::arg("channel_axis"), py::arg("minimum"), py::arg("maximum"),
      py::arg("check_blank"), py::arg("blank_epsilon"), py::arg("n_threads") = 0);

  module.def(
      "tensor_infer_schema",
      [](const py::array& reference, const py::object& channel_axis,
         const std::vector<int>& wildcard_axes, double range_margin, bool infer_range,
         double mean_tolerance, double std_tolerance, bool check_blank, double blank_epsilon,
         int n_threads) {
        validate::tensor_infer_options options;
        options.channel_axis = optional_axis(channel_axis);
        options.wildcard_axes = wildcard_axes;
        options.range_margin = range_margin;
        options.infer_range = infer_range;
        options.mean_tolerance = mean_tolerance;
        options.std_tolerance = std_tolerance;
        options.check_blank = check_blank;
        options.blank_epsilon = blank_epsilon;
        options.n_threads = n_threads;
        const auto schema = with_tensor(reference, "reference", [&](const auto& view) {
          return validate::infer_tensor_schema(view, options);
        });
        return schema_dict(schema);
      },
      py::arg("reference"), py::arg("channel_axis"), py::arg("wildcard_axes"),
      py::arg("range_margin"), py::arg("infer_range"), py::arg("mean_tolerance"),
      py::arg("std_tolerance"), py::arg("check_blank"), py::arg("blank_epsilon"),
      py::arg("n_threads") = 0);

  module.def(
      "tensor_validate",
      [](const py::array& batch, const py::dict& schema_fields, const std::string& dtype,
         std::size_t max_samples_listed, int n_threads) {
        const auto schema = schema_from(schema_fields);
        validate::tensor_validate_options options;
        options.dtype = dtype;
        options.max_samples_listed = max_samples_listed;
        options.n_threads = n_threads;
        const auto anomalies = with_tensor(batch, "batch", [&](const auto& view) {
          return validate::validate_tensor(view, schema, options);
        });
        py::list out;
        for (const auto& a : anomalies) {
          py::dict d;
          d["kind"] = a.kind;
          d["severity"] = a.severity;
          d["message"] = a.message;
          d["channel"] = a.channel;
          d["samples"] = a.samples;
          d["count"] = a.count;
          out.append(d);
        }
        return out;
      },
      py::arg("batch"), py::arg("schema"), py::arg("dtype") = std::string(),
      py::arg("max_samples_listed") = 1000, py::arg("n_threads") = 0);
}

}  // namespace shiftguard::python
