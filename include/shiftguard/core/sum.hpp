#pragma once

// Compensated (Neumaier) summation, shared by the tests that need sums accurate to the last
// bits whatever the order of the values.

#include <cmath>
#include <cstdint>

namespace shiftguard::detail {

/// Neumaier's compensated sum: the accumulated rounding error is carried separately, so the
/// result is within one rounding of the exact sum whatever the order of the terms.
struct compensated_sum {
  double sum = 0.0;
  double compensation = 0.0;
  void add(double value) {
    const double total = sum + value;
    if (std::abs(sum) >= std::abs(value)) {
      compensation += (sum - total) + value;
    } else {
      compensation += (value - total) + sum;
    }
    sum = total;
  }
  [[nodiscard]] double value() const { return sum + compensation; }
};

/// Compensated sum of values[0..n), accumulated in double.
template <class Scalar>
double compensated_total(const Scalar* values, std::int64_t n) {
  compensated_sum total;
  for (std::int64_t k = 0; k < n; ++k) total.add(static_cast<double>(values[k]));
  return total.value();
}

}  // namespace shiftguard::detail
