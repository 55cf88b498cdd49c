#pragma once

// Streams shared by the stream-detector tests: the stream of golden/make_stream_golden.py,
// rebuilt from Python's random.Random(2024).random() draws.

#include <vector>

#include "shiftguard/core/rng.hpp"

namespace stream_fixtures {

// random.Random.random(): 53 bits from two 32-bit draws.
inline double python_uniform(shiftguard::python_random& rng) {
  const double high = static_cast<double>(rng.next_u32() >> 5);
  const double low = static_cast<double>(rng.next_u32() >> 6);
  return (high * 67108864.0 + low) * (1.0 / 9007199254740992.0);
}

inline std::vector<double> golden_stream() {
  shiftguard::python_random rng(2024);
  std::vector<double> stream;
  for (int i = 0; i < 600; ++i) stream.push_back(python_uniform(rng));
  for (int i = 0; i < 600; ++i) stream.push_back(2.0 * python_uniform(rng) + 1.0);
  for (int i = 0; i < 800; ++i) stream.push_back(python_uniform(rng));
  return stream;
}

template <class Detector>
std::vector<long long> detections(Detector& detector, const std::vector<double>& stream) {
  std::vector<long long> found;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    if (detector.update(stream[i]).drift_detected()) found.push_back(static_cast<long long>(i));
  }
  return found;
}

template <class Indices>
std::vector<long long> as_long(const Indices& indices) {
  return std::vector<long long>(indices.begin(), indices.end());
}

}  // namespace stream_fixtures
