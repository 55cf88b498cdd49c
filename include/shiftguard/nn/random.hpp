#pragma once

// The random stream of the trainer: xoshiro256** seeded through splitmix64 (core/rng.hpp).
// Fully specified (no std:: distributions, whose output differs between standard libraries),
// so a seed gives the same initial weights, shuffles and dropout masks on every platform.

#include <cstdint>

#include "shiftguard/core/rng.hpp"

namespace shiftguard::nn {

/// xoshiro256** (Blackman and Vigna), seeded from a 64-bit seed by splitmix64.
class random_stream {
 public:
  explicit random_stream(std::uint64_t seed = 0) : engine_(seed) {}

  /// Stream number `index` derived from `seed` (independent streams for tasks or purposes).
  static random_stream derived(std::uint64_t seed, std::uint64_t index) {
    std::uint64_t x = seed ^ (golden_gamma * (index + 1));
    return random_stream(splitmix64(x));
  }

  std::uint64_t next_u64() { return engine_.next(); }

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() { return engine_.uniform(); }

  /// Uniform integer in [0, n), n >= 1 (modulo with rejection of the incomplete last range).
  std::uint64_t below(std::uint64_t n) { return engine_.below(n); }

 private:
  xoshiro256ss engine_;
};

}  // namespace shiftguard::nn
