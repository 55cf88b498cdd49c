// Bindings of the mergeable sketches (shiftguard/validate/sketch/*.hpp): KLL quantiles,
// HyperLogLog, heavy hitters, moments, and the hashes. 1-D float32/float64 arrays reach C++
// as strided pointers (no copy), updates run with the GIL released. The Python layer
// (shiftguard.validate._sketch) owns argument checking, docstrings and pickling.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/core/json.hpp"
#include "shiftguard/validate/sketch/hash.hpp"
#include "shiftguard/validate/sketch/heavy_hitters.hpp"
#include "shiftguard/validate/sketch/hyperloglog.hpp"
#include "shiftguard/validate/sketch/kll.hpp"
#include "shiftguard/validate/sketch/moments.hpp"

namespace shiftguard::python {

namespace {

namespace sk = shiftguard::validate::sketch;

// Calls sketch.update(pointer, n, stride) on a 1-D float32/float64 array, GIL released.
template <class Sketch>
void update_array(Sketch& sketch, const py::array& array, const char* name) {
  if (array.ndim() != 1) {
    throw shape_error(std::string(name) + " must be 1-D, got " + std::to_string(array.ndim()) +
                      "-D");
  }
  const auto run = [&](auto tag) {
    using Scalar = decltype(tag);
    const py::array kept = viewable<Scalar>(array, name);
    const auto* data = static_cast<const Scalar*>(kept.data());
    const auto n = static_cast<std::size_t>(kept.shape(0));
    const auto stride = static_cast<std::ptrdiff_t>(kept.strides(0) / sizeof(Scalar));
    py::gil_scoped_release release;
    sketch.update(data, n, stride);
  };
  if (has_dtype<double>(array)) return run(double{});
  if (has_dtype<float>(array)) return run(float{});
  throw type_error(std::string(name) + " must have dtype float32 or float64, got " +
                   std::string(py::str(array.dtype())));
}

template <class Sketch>
py::bytes to_bytes(const Sketch& sketch) {
  return py::bytes(sketch.to_bytes());
}

template <class Sketch>
Sketch from_bytes(const py::bytes& data) {
  return Sketch::from_bytes(std::string(data));
}

template <class Sketch>
std::string to_json(const Sketch& sketch) {
  return sketch.to_json().dump();
}

template <class Sketch>
Sketch from_json(const std::string& text) {
  return Sketch::from_json(json::parse(text));
}

}  // namespace

void bind_validate_sketch(py::module_& module) {
  module.def("hash_double", &sk::hash_double, py::arg("x"));
  module.def(
      "hash_bytes",
      [](const py::bytes& data, std::uint64_t seed) {
        return sk::hash_bytes(std::string_view(data), seed);
      },
      py::arg("data"), py::arg("seed") = 0);

  py::class_<sk::kll_sketch>(module, "KllSketch")
      .def(py::init<int, std::uint64_t>(), py::arg("k"), py::arg("seed"))
      .def(
          "update_array",
          [](sk::kll_sketch& s, const py::array& values) { update_array(s, values, "values"); },
          py::arg("values"))
      .def(
          "update_value", [](sk::kll_sketch& s, double x) { s.update(x); }, py::arg("x"))
      .def("merge", &sk::kll_sketch::merge, py::arg("other"),
           py::call_guard<py::gil_scoped_release>())
      .def("copy", [](const sk::kll_sketch& s) { return sk::kll_sketch(s); })
      .def_property_readonly("count", &sk::kll_sketch::count)
      .def_property_readonly("min", &sk::kll_sketch::min)
      .def_property_readonly("max", &sk::kll_sketch::max)
      .def_property_readonly("k", &sk::kll_sketch::k)
      .def_property_readonly("seed", &sk::kll_sketch::seed)
      .def_property_readonly("n_levels", &sk::kll_sketch::n_levels)
      .def_property_readonly("retained", &sk::kll_sketch::retained)
      .def_property_readonly("normalized_rank_error",
                             py::overload_cast<>(&sk::kll_sketch::normalized_rank_error, py::const_))
      .def("quantile", &sk::kll_sketch::quantile, py::arg("q"))
      .def(
          "quantiles",
          [](const sk::kll_sketch& s, const std::vector<double>& qs) {
            return to_numpy(s.quantiles(qs));
          },
          py::arg("qs"))
      .def("rank", &sk::kll_sketch::rank, py::arg("x"))
      .def(
          "ranks",
          [](const sk::kll_sketch& s, const std::vector<double>& xs) {
            std::vector<double> out(xs.size());
            for (std::size_t i = 0; i < xs.size(); ++i) out[i] = s.rank(xs[i]);
            return to_numpy(out);
          },
          py::arg("xs"))
      .def("sorted_view",
           [](const sk::kll_sketch& s) {
             const auto view = s.sorted_view();
             std::vector<double> items(view.size());
             std::vector<std::uint64_t> weights(view.size());
             for (std::size_t i = 0; i < view.size(); ++i) {
               items[i] = view[i].first;
               weights[i] = view[i].second;
             }
             return py::make_tuple(to_numpy(items), to_numpy(weights));
           })
      .def("to_bytes", &to_bytes<sk::kll_sketch>)
      .def_static("from_bytes", &from_bytes<sk::kll_sketch>, py::arg("data"))
      .def("to_json", &to_json<sk::kll_sketch>)
      .def_static("from_json", &from_json<sk::kll_sketch>, py::arg("text"));

  py::class_<sk::hyperloglog>(module, "HyperLogLogSketch")
      .def(py::init<int>(), py::arg("precision"))
      .def(
          "update_array",
          [](sk::hyperloglog& s, const py::array& values) { update_array(s, values, "values"); },
          py::arg("values"))
      .def(
          "update_strings",
          [](sk::hyperloglog& s, const std::vector<std::string>& items) {
            py::gil_scoped_release release;
            for (const auto& item : items) s.update(std::string_view(item));
          },
          py::arg("items"))
      .def(
          "add_hashes",
          [](sk::hyperloglog& s, const py::array_t<std::uint64_t, py::array::forcecast>& hashes) {
            const auto view = hashes.unchecked<1>();
            py::gil_scoped_release release;
            for (py::ssize_t i = 0; i < view.shape(0); ++i) s.add_hash(view(i));
          },
          py::arg("hashes"))
      .def("merge", &sk::hyperloglog::merge, py::arg("other"))
      .def("copy", [](const sk::hyperloglog& s) { return sk::hyperloglog(s); })
      .def_property_readonly("precision", &sk::hyperloglog::precision)
      .def_property_readonly("relative_error", &sk::hyperloglog::relative_error)
      .def("estimate", &sk::hyperloglog::estimate)
      .def("registers",
           [](const sk::hyperloglog& s) { return to_numpy(s.registers()); })
      .def("to_bytes", &to_bytes<sk::hyperloglog>)
      .def_static("from_bytes", &from_bytes<sk::hyperloglog>, py::arg("data"))
      .def("to_json", &to_json<sk::hyperloglog>)
      .def_static("from_json", &from_json<sk::hyperloglog>, py::arg("text"));

  py::class_<sk::heavy_hitters>(module, "HeavyHittersSketch")
      .def(py::init<std::size_t>(), py::arg("capacity"))
      .def(
          "update_strings",
          [](sk::heavy_hitters& s, const std::vector<std::string>& items,
             const std::vector<std::uint64_t>& weights) {
            if (!weights.empty() && weights.size() != items.size()) {
              throw shape_error("weights has " + std::to_string(weights.size()) +
                                " entries but values has " + std::to_string(items.size()));
            }
            py::gil_scoped_release release;
            for (std::size_t i = 0; i < items.size(); ++i) {
              s.update(items[i], weights.empty() ? 1 : weights[i]);
            }
          },
          py::arg("items"), py::arg("weights"))
      .def("merge", &sk::heavy_hitters::merge, py::arg("other"))
      .def("copy", [](const sk::heavy_hitters& s) { return sk::heavy_hitters(s); })
      .def("top", &sk::heavy_hitters::top, py::arg("n"))
      .def("estimate", &sk::heavy_hitters::estimate, py::arg("item"))
      .def_property_readonly("total_weight", &sk::heavy_hitters::total_weight)
      .def_property_readonly("max_error", &sk::heavy_hitters::max_error)
      .def_property_readonly("capacity", &sk::heavy_hitters::capacity)
      .def_property_readonly("size", &sk::heavy_hitters::size)
      .def("to_bytes", &to_bytes<sk::heavy_hitters>)
      .def_static("from_bytes", &from_bytes<sk::heavy_hitters>, py::arg("data"))
      .def("to_json", &to_json<sk::heavy_hitters>)
      .def_static("from_json", &from_json<sk::heavy_hitters>, py::arg("text"));

  py::class_<sk::moments>(module, "MomentsSketch")
      .def(py::init<>())
      .def(
          "update_array",
          [](sk::moments& s, const py::array& values) { update_array(s, values, "values"); },
          py::arg("values"))
      .def("merge", &sk::moments::merge, py::arg("other"))
      .def("copy", [](const sk::moments& s) { return sk::moments(s); })
      .def_property_readonly("count", &sk::moments::count)
      .def_property_readonly("mean", &sk::moments::mean)
      .def_property_readonly("sum", &sk::moments::sum)
      .def_property_readonly("m2", &sk::moments::m2)
      .def_property_readonly("min", &sk::moments::min)
      .def_property_readonly("max", &sk::moments::max)
      .def("variance", &sk::moments::variance, py::arg("ddof"))
      .def("to_bytes", &to_bytes<sk::moments>)
      .def_static("from_bytes", &from_bytes<sk::moments>, py::arg("data"))
      .def("to_json", &to_json<sk::moments>)
      .def_static("from_json", &from_json<sk::moments>, py::arg("text"));
}

}  // namespace shiftguard::python
