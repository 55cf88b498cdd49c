#pragma once

// The random stream of the trainer: xoshiro256** seeded through splitmix64. Fully specified
// here (no std:: distributions, whose output differs between standard libraries), so a seed
// gives the same initial weights, shuffles and dropout masks on every platform.

#include <cstdint>

namespace shiftguard::nn {

/// xoshiro256** (Blackman and Vigna), seeded from a 64-bit seed by splitmix64.
class random_stream {
 public:
  explicit random_stream(std::uint64_t seed = 0) {
    std::uint64_t x = seed;
    for (auto& word : state_) word = splitmix64(x);
  }

  /// Stream number `index` derived from `seed` (independent streams for tasks or purposes).
  static random_stream derived(std::uint64_t seed, std::uint64_t index) {
    std::uint64_t x = seed ^ (0x9E3779B97F4A7C15ULL * (index + 1));
    return random_stream(splitmix64(x));
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  /// Uniform integer in [0, n), n >= 1 (modulo with rejection of the incomplete last range).
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
    for (;;) {
      const std::uint64_t x = next_u64();
      if (x < limit) return x % n;
    }
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  std::uint64_t state_[4]{};
};

}  // namespace shiftguard::nn
