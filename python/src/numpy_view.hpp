#pragma once

// Conversion of NumPy arrays to Eigen views without copying. A C-order array reaches C++
// as a column-major Map whose inner stride (between rows) is the row length; an F-order
// array as a plain column-major Map. Only arrays with negative or unaligned strides are
// copied first.

#include <string>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/types.hpp"

namespace shiftguard::python {

namespace py = pybind11;

/// True when `array` holds native-order elements of type Scalar. Compares the type number and
/// the byte order, not the identity of the dtype object: an array unpickled in another process
/// (Dask, multiprocessing, joblib workers) carries an equal dtype that is a different object.
template <class Scalar>
bool has_dtype(const py::array& array) {
  const py::dtype dtype = array.dtype();
  if (dtype.num() != py::dtype::of<Scalar>().num()) return false;
  const char order = dtype.byteorder();
  constexpr char native = PY_BIG_ENDIAN ? '>' : '<';
  return order == '=' || order == '|' || order == native;
}

/// Returns `array` itself when its strides can be viewed, otherwise a C-contiguous copy.
/// Throws type_error unless the dtype is exactly Scalar.
template <class Scalar>
py::array viewable(const py::array& array, const char* name) {
  if (!has_dtype<Scalar>(array)) {
    throw type_error(std::string(name) + " must have dtype " +
                     std::string(py::str(py::dtype::of<Scalar>())) + ", got " +
                     std::string(py::str(array.dtype())));
  }
  for (py::ssize_t axis = 0; axis < array.ndim(); ++axis) {
    const py::ssize_t stride = array.strides(axis);
    if (stride < 0 || stride % static_cast<py::ssize_t>(sizeof(Scalar)) != 0) {
      return py::array_t<Scalar, py::array::c_style | py::array::forcecast>::ensure(array);
    }
  }
  return array;
}

/// Eigen view of a 2-D array (samples x features). `array` must come from viewable().
template <class Scalar>
strided_matrix_view<Scalar> matrix_view(const py::array& array, const char* name) {
  if (array.ndim() != 2) {
    throw shape_error(std::string(name) + " must be 2-D (samples x features), got " +
                      std::to_string(array.ndim()) + "-D");
  }
  const auto item = static_cast<py::ssize_t>(sizeof(Scalar));
  return strided_matrix_view<Scalar>(
      static_cast<const Scalar*>(array.data()), array.shape(0), array.shape(1),
      Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(array.strides(1) / item,
                                                    array.strides(0) / item));
}

/// Eigen view of a 1-D array. `array` must come from viewable().
template <class Scalar>
strided_vector_view<Scalar> vector_view(const py::array& array, const char* name) {
  if (array.ndim() != 1) {
    throw shape_error(std::string(name) + " must be 1-D, got " + std::to_string(array.ndim()) +
                      "-D");
  }
  const auto item = static_cast<py::ssize_t>(sizeof(Scalar));
  return strided_vector_view<Scalar>(static_cast<const Scalar*>(array.data()), array.shape(0),
                                     Eigen::InnerStride<Eigen::Dynamic>(array.strides(0) / item));
}

/// Copies a std::vector into a new 1-D NumPy array.
template <class T>
py::array_t<T> to_numpy(const std::vector<T>& values) {
  py::array_t<T> out(static_cast<py::ssize_t>(values.size()));
  std::copy(values.begin(), values.end(), out.mutable_data());
  return out;
}

inline py::array_t<bool> to_numpy(const std::vector<bool>& values) {
  py::array_t<bool> out(static_cast<py::ssize_t>(values.size()));
  auto* data = out.mutable_data();
  for (std::size_t k = 0; k < values.size(); ++k) data[k] = values[k];
  return out;
}

}  // namespace shiftguard::python
