#pragma once

// Input checks applied once at the public boundary (never in inner loops). Each check
// throws a shiftguard::error subclass whose message names the argument and the value.

#include <cmath>
#include <sstream>
#include <string>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/types.hpp"

namespace shiftguard::checks {

/// Throws invalid_argument unless `value` lies in the open interval (low, high).
inline void open_interval(double value, double low, double high, const char* name) {
  if (!(value > low && value < high)) {
    std::ostringstream message;
    message << name << " must be in (" << low << ", " << high << "), got " << value;
    throw invalid_argument(message.str());
  }
}

/// Throws invalid_argument unless `value` is finite and at least `low` (closed bound).
inline void at_least(double value, double low, const char* name) {
  if (!(value >= low) || !std::isfinite(value)) {
    std::ostringstream message;
    message << name << " must be a finite number >= " << low << ", got " << value;
    throw invalid_argument(message.str());
  }
}

/// Throws invalid_argument unless `value` is finite and strictly greater than `low`.
inline void greater_than(double value, double low, const char* name) {
  if (!(value > low) || !std::isfinite(value)) {
    std::ostringstream message;
    message << name << " must be a finite number > " << low << ", got " << value;
    throw invalid_argument(message.str());
  }
}

/// Throws invalid_argument unless the integer `value` is at least `low`.
inline void count_at_least(long long value, long long low, const char* name) {
  if (value < low) {
    throw invalid_argument(std::string(name) + " must be >= " + std::to_string(low) + ", got " +
                           std::to_string(value));
  }
}

/// Throws shape_error unless the matrix has at least `min_rows` rows and at least one column.
template <class Derived>
void min_shape(const Eigen::DenseBase<Derived>& x, index min_rows, const char* name) {
  if (x.cols() < 1) {
    throw shape_error(std::string(name) + " must have at least one column (feature), got 0");
  }
  if (x.rows() < min_rows) {
    std::ostringstream message;
    message << name << " must have at least " << min_rows << " rows (samples), got " << x.rows();
    throw shape_error(message.str());
  }
}

/// Throws shape_error unless `x` has `n_features` columns.
template <class Derived>
void n_columns(const Eigen::DenseBase<Derived>& x, index n_features, const char* name) {
  if (x.cols() != n_features) {
    std::ostringstream message;
    message << name << " has " << x.cols() << " columns but the detector was fitted on "
            << n_features << " features";
    throw shape_error(message.str());
  }
}

/// Throws invalid_argument naming the first non-finite entry (row, column) of `x`.
template <class Derived>
void all_finite(const Eigen::DenseBase<Derived>& x, const char* name) {
  for (index col = 0; col < x.cols(); ++col) {
    for (index row = 0; row < x.rows(); ++row) {
      const auto value = x.coeff(row, col);
      if (!std::isfinite(static_cast<double>(value))) {
        std::ostringstream message;
        message << name << " contains " << (std::isnan(static_cast<double>(value)) ? "NaN" : "an infinite value")
                << " at row " << row << ", column " << col
                << " (use nan_policy='omit' to drop non-finite values)";
        throw invalid_argument(message.str());
      }
    }
  }
}

}  // namespace shiftguard::checks
