#pragma once

// Matrix aliases and small enums shared by every area. Data is samples x features.

#include <cstdint>
#include <vector>

#include <Eigen/Core>

namespace shiftguard {

using index = Eigen::Index;

/// Dense column-major matrix of Scalar (samples x features).
template <class Scalar>
using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

/// Dense column vector of Scalar.
template <class Scalar>
using vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

/// std::vector whose buffer is aligned as Eigen's own allocations are (32 bytes when built
/// with AVX). Vectorised Eigen expressions over a Map of such a buffer split it into the same
/// scalar head and packet body on every run, so their rounding does not depend on where the
/// heap put the buffer (with FMA the head and the body round differently).
template <class Scalar>
using aligned_vector = std::vector<Scalar, Eigen::aligned_allocator<Scalar>>;

/// Read-only view of a matrix with arbitrary (positive) strides. A NumPy array in C order
/// is seen through this view without a copy: its inner stride (between rows) is the number
/// of columns and its outer stride (between columns) is 1.
template <class Scalar>
using strided_matrix_view = Eigen::Map<const matrix<Scalar>, Eigen::Unaligned,
                                       Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>>;

/// Read-only view of a vector with an arbitrary (positive) stride.
template <class Scalar>
using strided_vector_view =
    Eigen::Map<const vector<Scalar>, Eigen::Unaligned, Eigen::InnerStride<Eigen::Dynamic>>;

/// What to do with missing values (NaN) and infinities in the input.
enum class nan_policy {
  raise,  ///< throw shiftguard::invalid_argument naming the argument, row and column
  omit,   ///< drop the non-finite values and test what remains
};

}  // namespace shiftguard
