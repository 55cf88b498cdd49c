#pragma once

// Internals shared by label_shift.hpp and covariate_shift.hpp: seeded per-task random
// streams, input checks with messages that name the argument, and fixed-order block sums.

#include <cmath>
#include <cstdint>
#include <utility>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/rng.hpp"
#include "shiftguard/core/types.hpp"

namespace shiftguard::imbalance::detail {

/// Random stream number `stream` of `seed` (xoshiro256**, seeded through splitmix64), so
/// that each parallel task draws its own numbers whatever thread runs it.
class shift_stream {
 public:
  shift_stream(std::uint64_t seed, std::uint64_t stream)
      : engine_(seed ^ (0x6a09e667f3bcc909ULL * (stream + 1))) {}

  std::uint64_t next() { return engine_.next(); }

  /// Uniform integer in [0, n), n >= 1 (modulo with rejection of the biased tail).
  index below(index n) { return static_cast<index>(engine_.below(static_cast<std::uint64_t>(n))); }

 private:
  xoshiro256ss engine_;
};

/// A seeded permutation of 0..n-1 (Fisher-Yates on stream `stream` of `seed`).
inline std::vector<index> shift_permutation(index n, std::uint64_t seed, std::uint64_t stream) {
  std::vector<index> order(static_cast<std::size_t>(n));
  for (index k = 0; k < n; ++k) order[static_cast<std::size_t>(k)] = k;
  shift_stream random(seed, stream);
  for (index k = n - 1; k > 0; --k) {
    const index j = random.below(k + 1);
    std::swap(order[static_cast<std::size_t>(k)], order[static_cast<std::size_t>(j)]);
  }
  return order;
}

/// Throws invalid_argument naming the first non-finite entry of `x`.
template <class Derived>
void shift_check_finite(const Eigen::DenseBase<Derived>& x, const char* name) {
  for (index col = 0; col < x.cols(); ++col) {
    for (index row = 0; row < x.rows(); ++row) {
      const double value = static_cast<double>(x.coeff(row, col));
      if (!std::isfinite(value)) {
        std::ostringstream message;
        message << name << " contains " << (std::isnan(value) ? "NaN" : "an infinite value")
                << " at row " << row << ", column " << col;
        throw invalid_argument(message.str());
      }
    }
  }
}

/// Throws shape_error unless `x` has at least `min_rows` rows and one column.
template <class Derived>
void shift_check_shape(const Eigen::DenseBase<Derived>& x, index min_rows, const char* name) {
  if (x.cols() < 1) {
    throw shape_error(std::string(name) + " must have at least one column, got 0");
  }
  if (x.rows() < min_rows) {
    throw shape_error(std::string(name) + " must have at least " + std::to_string(min_rows) +
                      " rows (samples), got " + std::to_string(x.rows()));
  }
}

}  // namespace shiftguard::imbalance::detail
