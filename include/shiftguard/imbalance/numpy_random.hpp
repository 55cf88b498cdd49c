#pragma once

// NumPy's legacy generator, numpy.random.RandomState, reproduced draw for draw for what the
// random samplers use: MT19937 seeded from a 32-bit integer (init_genrand, which is what
// RandomState(seed) does and also what std::mt19937(seed) does), or restored from the state
// RandomState.get_state() returns (624 key words and a position); bounded integers by masked
// rejection (random_interval, the legacy randint); permutation (Fisher-Yates from the end)
// and choice with and without replacement as RandomState.choice draws them. With the same
// seed, the random samplers therefore pick the same rows as imbalanced-learn.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "shiftguard/core/errors.hpp"

namespace shiftguard::imbalance {

/// MT19937 with numpy.random.RandomState's seeding and bounded draws.
class numpy_random_state {
 public:
  static constexpr int state_size = 624;

  /// RandomState(seed) for 0 <= seed < 2^32.
  explicit numpy_random_state(std::uint32_t seed = 0) {
    std::uint32_t value = seed;
    for (int pos = 0; pos < state_size; ++pos) {
      key_[static_cast<std::size_t>(pos)] = value;
      value = 1812433253U * (value ^ (value >> 30)) + static_cast<std::uint32_t>(pos) + 1U;
    }
    position_ = state_size;
  }

  /// The state RandomState.get_state() reports: key words and position (0..624).
  numpy_random_state(const std::array<std::uint32_t, state_size>& key, int position)
      : key_(key), position_(position) {
    if (position < 0 || position > state_size) {
      throw invalid_argument("random state position must be in [0, 624], got " +
                             std::to_string(position));
    }
  }

  const std::array<std::uint32_t, state_size>& key() const { return key_; }
  int position() const { return position_; }

  /// Next 32 random bits.
  std::uint32_t next_u32() {
    if (position_ >= state_size) twist();
    std::uint32_t y = key_[static_cast<std::size_t>(position_++)];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
  }

  /// Next 64 random bits (two 32-bit draws, high word first).
  std::uint64_t next_u64() {
    const std::uint64_t high = next_u32();
    return (high << 32) | next_u32();
  }

  /// Uniform integer in [0, max] by masked rejection (NumPy's random_interval).
  std::uint64_t interval(std::uint64_t max) {
    if (max == 0) return 0;
    std::uint64_t mask = max;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    mask |= mask >> 32;
    std::uint64_t value = 0;
    if (max <= 0xffffffffULL) {
      while ((value = (next_u32() & mask)) > max) {
      }
    } else {
      while ((value = (next_u64() & mask)) > max) {
      }
    }
    return value;
  }

  /// RandomState.permutation(n).
  std::vector<std::int64_t> permutation(std::int64_t n) {
    std::vector<std::int64_t> values(static_cast<std::size_t>(n > 0 ? n : 0));
    for (std::int64_t i = 0; i < n; ++i) values[static_cast<std::size_t>(i)] = i;
    for (std::int64_t i = n - 1; i >= 1; --i) {
      const auto j = static_cast<std::int64_t>(interval(static_cast<std::uint64_t>(i)));
      std::swap(values[static_cast<std::size_t>(i)], values[static_cast<std::size_t>(j)]);
    }
    return values;
  }

  /// RandomState.choice(population, size, replace): indices into [0, population).
  std::vector<std::int64_t> choice(std::int64_t population, std::int64_t size, bool replace) {
    if (size < 0) throw invalid_argument("size must be >= 0, got " + std::to_string(size));
    if (population <= 0 && size > 0) {
      throw invalid_argument("cannot choose " + std::to_string(size) +
                             " values from an empty population");
    }
    if (replace) {
      std::vector<std::int64_t> out(static_cast<std::size_t>(size));
      for (auto& value : out) {
        value = static_cast<std::int64_t>(interval(static_cast<std::uint64_t>(population - 1)));
      }
      return out;
    }
    if (size > population) {
      throw invalid_argument("cannot choose " + std::to_string(size) + " values without "
                             "replacement from a population of " + std::to_string(population));
    }
    auto out = permutation(population);
    out.resize(static_cast<std::size_t>(size));
    return out;
  }

 private:
  void twist() {
    constexpr std::uint32_t upper = 0x80000000U;
    constexpr std::uint32_t lower = 0x7fffffffU;
    constexpr std::uint32_t matrix_a = 0x9908b0dfU;
    constexpr int shift = 397;
    for (int i = 0; i < state_size; ++i) {
      const std::uint32_t y = (key_[static_cast<std::size_t>(i)] & upper) |
                              (key_[static_cast<std::size_t>((i + 1) % state_size)] & lower);
      key_[static_cast<std::size_t>(i)] =
          key_[static_cast<std::size_t>((i + shift) % state_size)] ^ (y >> 1) ^
          ((y & 1U) != 0 ? matrix_a : 0U);
    }
    position_ = 0;
  }

  std::array<std::uint32_t, state_size> key_{};
  int position_ = state_size;
};

}  // namespace shiftguard::imbalance
