// Bindings of the exact k-nearest-neighbour search (shiftguard/imbalance/neighbors.hpp).
// float32 and float64 arrays reach C++ as strided Eigen views (no copy for either memory
// order); the search runs with the GIL released. Registered from bind_imbalance_resample.cpp.

#include <cstdint>
#include <string>
#include <utility>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "numpy_view.hpp"
#include "shiftguard/imbalance/neighbors.hpp"

namespace shiftguard::python {

namespace {

template <class Scalar>
py::tuple kneighbors_typed(const py::array& reference, const py::object& query, index k,
                           bool exclude_self, int n_threads, std::size_t block_bytes) {
  const py::array kept_reference = viewable<Scalar>(reference, "X");
  const auto reference_view = matrix_view<Scalar>(kept_reference, "X");
  imbalance::kneighbors_options options;
  options.exclude_self = exclude_self;
  options.n_threads = n_threads;
  if (block_bytes > 0) options.block_bytes = block_bytes;
  imbalance::kneighbors_result<Scalar> result;
  if (query.is_none()) {
    py::gil_scoped_release release;
    result = imbalance::kneighbors(reference_view, reference_view, k, options);
  } else {
    const py::array kept_query = viewable<Scalar>(py::array(query), "query");
    const auto query_view = matrix_view<Scalar>(kept_query, "query");
    py::gil_scoped_release release;
    result = imbalance::kneighbors(query_view, reference_view, k, options);
  }
  py::array_t<Scalar> distances({result.distances.rows(), result.distances.cols()});
  py::array_t<std::int64_t> indices({result.indices.rows(), result.indices.cols()});
  std::copy(result.distances.data(), result.distances.data() + result.distances.size(),
            distances.mutable_data());
  std::copy(result.indices.data(), result.indices.data() + result.indices.size(),
            indices.mutable_data());
  return py::make_tuple(distances, indices);
}

}  // namespace

void bind_imbalance_neighbors(py::module_& module) {
  module.def(
      "kneighbors",
      [](const py::array& reference, const py::object& query, index k, bool exclude_self,
         int n_threads, std::size_t block_bytes) {
        if (has_dtype<float>(reference)) {
          return kneighbors_typed<float>(reference, query, k, exclude_self, n_threads,
                                         block_bytes);
        }
        if (has_dtype<double>(reference)) {
          return kneighbors_typed<double>(reference, query, k, exclude_self, n_threads,
                                          block_bytes);
        }
        throw type_error("X must have dtype float32 or float64, got " +
                         std::string(py::str(reference.dtype())));
      },
      py::arg("reference"), py::arg("query"), py::arg("k"), py::arg("exclude_self"),
      py::arg("n_threads") = 0, py::arg("block_bytes") = 0,
      "Exact k nearest neighbours: (distances, indices), ties by smaller index.");
  module.def(
      "kneighbors_buffer_bytes",
      [](index n_ref, std::size_t block_bytes, bool single) {
        imbalance::kneighbors_options options;
        if (block_bytes > 0) options.block_bytes = block_bytes;
        return single ? imbalance::kneighbors_buffer_bytes<float>(n_ref, options)
                      : imbalance::kneighbors_buffer_bytes<double>(n_ref, options);
      },
      py::arg("n_ref"), py::arg("block_bytes") = 0, py::arg("single") = false,
      "Bytes of one task's distance buffer for n_ref reference rows.");
}

}  // namespace shiftguard::python
