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
#include "shiftguard/core/types.hpp"

namespace shiftguard::imbalance::detail {

/// splitmix64 step (Steele, Lea and Flood 2014).
inline std::uint64_t shift_splitmix64(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Random stream number `stream` of `seed` (xoshiro256**, seeded through splitmix64), so
/// that each parallel task draws its own numbers whatever thread runs it.
class shift_stream {
 public:
  shift_stream(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t mix = seed ^ (0x6a09e667f3bcc909ULL * (stream + 1));
    for (auto& word : state_) word = shift_splitmix64(mix);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotate(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotate(state_[3], 45);
    return result;
  }

  /// Uniform integer in [0, n), n >= 1 (modulo with rejection of the biased tail).
  index below(index n) {
    const auto bound = static_cast<std::uint64_t>(n);
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % bound);
    while (true) {
      const std::uint64_t x = next();
      if (x < limit) return static_cast<index>(x % bound);
    }
  }

 private:
  static std::uint64_t rotate(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4]{};
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
