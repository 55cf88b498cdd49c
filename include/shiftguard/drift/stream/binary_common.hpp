#pragma once

// Running statistics shared by the binary error-stream detectors (DDM, EDDM, HDDM_A,
// HDDM_W), written so that they round exactly as river's stats.Mean, stats.Var and
// stats.EWMean do: detection indices equal river's only if every intermediate value does.
// Also the checks their loaders apply to saved fields. Users never touch these.

#include <cmath>
#include <cstdint>
#include <string>

#include "shiftguard/core/serialization.hpp"
#include "shiftguard/drift/stream/common.hpp"

namespace shiftguard::drift::stream::detail {

/// Running mean with unit weights (river's stats.Mean): `mean += (1 / n) * (x - mean)`.
struct running_mean {
  std::int64_t count = 0;
  double mean = 0.0;

  /// The number of values as river holds it (a float).
  [[nodiscard]] double n() const { return static_cast<double>(count); }

  void update(double x) {
    ++count;
    mean += (1.0 / n()) * (x - mean);
  }
};

/// Welford's running variance with ddof = 1 (river's stats.Var).
struct running_variance {
  running_mean mean;
  double sum_of_squares = 0.0;  ///< sum of (x - previous mean) * (x - new mean)

  void update(double x) {
    const double previous = mean.mean;
    mean.update(x);
    sum_of_squares += (x - previous) * (x - mean.mean);
  }

  [[nodiscard]] double variance() const {
    return mean.n() > 1.0 ? sum_of_squares / (mean.n() - 1.0) : 0.0;
  }
};

/// Exponentially weighted mean (river's stats.EWMean): the first value starts it, then
/// `mean = fading * x + (1 - fading) * mean`.
struct ew_mean {
  double value = 0.0;
  bool started = false;

  void update(double x, double fading) {
    if (started) {
      value = fading * x + (1.0 - fading) * value;
    } else {
      value = x;
      started = true;
    }
  }
};

/// Reads a double that must be finite and lie in [low, high].
inline double read_bounded(serialization::binary_reader& reader, const char* name, double low,
                           double high) {
  const double value = reader.read_f64();
  if (!(std::isfinite(value) && value >= low && value <= high)) {
    reader.fail(std::string(name) + " is out of range (" + std::to_string(value) + ")");
  }
  return value;
}

inline void write_running_mean(serialization::binary_writer& writer, const running_mean& mean) {
  writer.write_u64(static_cast<std::uint64_t>(mean.count));
  writer.write_f64(mean.mean);
}

/// Reads a running mean whose values lay in [low, high] (so must its mean).
inline running_mean read_running_mean(serialization::binary_reader& reader, const char* name,
                                      double low, double high) {
  running_mean mean;
  mean.count = read_count(reader, name);
  mean.mean = read_bounded(reader, name, low, high);
  if (mean.count == 0 && mean.mean != 0.0) {
    reader.fail(std::string(name) + " has a mean but no values");
  }
  return mean;
}

}  // namespace shiftguard::drift::stream::detail
