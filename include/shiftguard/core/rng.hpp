#pragma once

// The random-number primitives every seeded shiftguard computation builds on.
//
// * mix64 / splitmix64 (Steele, Lea and Flood 2014): a bijective 64-bit mix and the counter
//   generator built on it; used to derive independent streams from (seed, task index) and as a
//   hash finaliser.
// * xoshiro256** (Blackman and Vigna 2018), seeded through splitmix64: the general-purpose
//   stream. below_by_rejection: a uniform integer in [0, n) without modulo bias.
// All of them are fully specified here (no std:: distributions, whose output differs between
// standard libraries), so a seed gives the same numbers on every platform.
//
// python_random reproduces CPython's `random.Random` draw for draw: the Mersenne Twister
// MT19937 seeded from an integer the way CPython seeds it (init_by_array over the 32-bit
// words of |seed|), getrandbits(k) for k <= 32, randbelow(n), and sample(range(n), k).
// Detectors whose reference implementation is a Python library (river's KSWIN) use it so
// that a given seed selects the same values; the whole state is a fixed-size value (no heap)
// and can be saved and restored.

#include <array>
#include <cstdint>

#include "shiftguard/core/errors.hpp"

namespace shiftguard {

/// Increment of the splitmix64 counter: 2^64 divided by the golden ratio, made odd.
inline constexpr std::uint64_t golden_gamma = 0x9E3779B97F4A7C15ULL;

/// The splitmix64 output function: a bijective, well-mixed function of 64 bits.
inline constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// One splitmix64 step: advances `state` by golden_gamma and returns the mix of it.
inline std::uint64_t splitmix64(std::uint64_t& state) { return mix64(state += golden_gamma); }

/// Uniform integer in [0, n), n >= 1, from 64-bit draws of `next()`: the draws in the
/// incomplete last range [2^64 - 2^64 mod n, 2^64) are rejected, the rest taken modulo n.
template <class Next>
std::uint64_t below_by_rejection(Next&& next, std::uint64_t n) {
  const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
  std::uint64_t value = next();
  while (value >= limit) value = next();
  return value % n;
}

/// xoshiro256** whose four state words are successive splitmix64 outputs from
/// `splitmix_state`.
class xoshiro256ss {
 public:
  explicit xoshiro256ss(std::uint64_t splitmix_state = 0) {
    for (auto& word : state_) word = splitmix64(splitmix_state);
  }

  /// The generator with the given four state words (not all zero), as in the reference code.
  static xoshiro256ss from_state(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2,
                                 std::uint64_t s3) {
    if ((s0 | s1 | s2 | s3) == 0) throw invalid_argument("xoshiro256ss: the state must not be all zero");
    xoshiro256ss out;
    out.state_[0] = s0;
    out.state_[1] = s1;
    out.state_[2] = s2;
    out.state_[3] = s3;
    return out;
  }

  std::uint64_t next() {
    const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform integer in [0, n), n >= 1 (below_by_rejection).
  std::uint64_t below(std::uint64_t n) {
    return below_by_rejection([this] { return next(); }, n);
  }

 private:
  static std::uint64_t rotate_left(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4]{};
};

/// MT19937 with CPython's integer seeding and sampling.
class python_random {
 public:
  static constexpr int state_size = 624;

  explicit python_random(std::uint64_t seed = 0) { seed_from(seed); }

  /// Reseeds as `random.Random(seed)` does for a non-negative integer seed.
  void seed_from(std::uint64_t seed) {
    std::uint32_t key[2];
    int key_length = 0;
    key[key_length++] = static_cast<std::uint32_t>(seed);
    if ((seed >> 32) != 0) key[key_length++] = static_cast<std::uint32_t>(seed >> 32);
    init_by_array(key, key_length);
  }

  /// The next 32 random bits (MT19937's genrand_int32).
  std::uint32_t next_u32() {
    if (position_ >= state_size) twist();
    std::uint32_t y = state_[static_cast<std::size_t>(position_++)];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
  }

  /// `getrandbits(bits)` for 1 <= bits <= 32.
  std::uint32_t get_bits(int bits) { return next_u32() >> (32 - bits); }

  /// `_randbelow(n)`: uniform in [0, n) by rejection, n in [1, 2^32).
  std::uint32_t below(std::uint32_t n) {
    int bits = 0;
    for (std::uint32_t v = n; v != 0; v >>= 1) ++bits;
    std::uint32_t r = get_bits(bits);
    while (r >= n) r = get_bits(bits);
    return r;
  }

  /// `sample(range(n), k)`, the same draws in the same order as CPython: its pool method for
  /// small populations and its rejection-with-a-seen-set method for large ones. `workspace`
  /// must have room for n values and `out` for k.
  void sample_range(std::uint32_t n, std::uint32_t k, std::uint32_t* workspace,
                    std::uint32_t* out) {
    if (k > n) throw invalid_argument("python_random::sample_range: sample larger than population");
    if (n <= pool_method_limit(k)) {
      for (std::uint32_t i = 0; i < n; ++i) workspace[i] = i;
      for (std::uint32_t i = 0; i < k; ++i) {
        const std::uint32_t j = below(n - i);
        out[i] = workspace[j];
        workspace[j] = workspace[n - i - 1];
      }
      return;
    }
    for (std::uint32_t i = 0; i < n; ++i) workspace[i] = 0;  // 1 = already selected
    for (std::uint32_t i = 0; i < k; ++i) {
      std::uint32_t j = below(n);
      while (workspace[j] != 0) j = below(n);
      workspace[j] = 1;
      out[i] = j;
    }
  }

  /// Largest population for which CPython's sample() uses the pool method for k draws.
  static std::uint64_t pool_method_limit(std::uint32_t k) {
    std::uint64_t set_size = 21;
    if (k > 5) {
      // 4 ** ceil(log(3k, 4)), computed on integers.
      std::uint64_t power = 1;
      while (power < 3ULL * k) power *= 4;
      set_size += power;
    }
    return set_size;
  }

  /// The raw state (for serialization): 624 words and the position in them.
  [[nodiscard]] const std::array<std::uint32_t, state_size>& state() const { return state_; }
  [[nodiscard]] int position() const { return position_; }
  /// Restores a state saved from state()/position(); throws invalid_argument when the
  /// position is out of range.
  void set_state(const std::array<std::uint32_t, state_size>& state, int position) {
    if (position < 0 || position > state_size) {
      throw invalid_argument("python_random: state position out of range");
    }
    state_ = state;
    position_ = position;
  }

 private:
  void init_genrand(std::uint32_t seed) {
    state_[0] = seed;
    for (int i = 1; i < state_size; ++i) {
      const std::uint32_t previous = state_[static_cast<std::size_t>(i - 1)];
      state_[static_cast<std::size_t>(i)] =
          1812433253U * (previous ^ (previous >> 30)) + static_cast<std::uint32_t>(i);
    }
    position_ = state_size;
  }

  void init_by_array(const std::uint32_t* key, int key_length) {
    init_genrand(19650218U);
    int i = 1;
    int j = 0;
    for (int k = state_size > key_length ? state_size : key_length; k > 0; --k) {
      const std::uint32_t previous = state_[static_cast<std::size_t>(i - 1)];
      state_[static_cast<std::size_t>(i)] =
          (state_[static_cast<std::size_t>(i)] ^ ((previous ^ (previous >> 30)) * 1664525U)) +
          key[j] + static_cast<std::uint32_t>(j);
      ++i;
      ++j;
      if (i >= state_size) {
        state_[0] = state_[state_size - 1];
        i = 1;
      }
      if (j >= key_length) j = 0;
    }
    for (int k = state_size - 1; k > 0; --k) {
      const std::uint32_t previous = state_[static_cast<std::size_t>(i - 1)];
      state_[static_cast<std::size_t>(i)] =
          (state_[static_cast<std::size_t>(i)] ^ ((previous ^ (previous >> 30)) * 1566083941U)) -
          static_cast<std::uint32_t>(i);
      ++i;
      if (i >= state_size) {
        state_[0] = state_[state_size - 1];
        i = 1;
      }
    }
    state_[0] = 0x80000000U;
    position_ = state_size;
  }

  void twist() {
    constexpr int m = 397;
    constexpr std::uint32_t upper = 0x80000000U;
    constexpr std::uint32_t lower = 0x7fffffffU;
    constexpr std::uint32_t matrix_a = 0x9908b0dfU;
    for (int i = 0; i < state_size; ++i) {
      const std::uint32_t y = (state_[static_cast<std::size_t>(i)] & upper) |
                              (state_[static_cast<std::size_t>((i + 1) % state_size)] & lower);
      state_[static_cast<std::size_t>(i)] =
          state_[static_cast<std::size_t>((i + m) % state_size)] ^ (y >> 1) ^
          ((y & 1U) != 0 ? matrix_a : 0U);
    }
    position_ = 0;
  }

  std::array<std::uint32_t, state_size> state_{};
  int position_ = state_size;
};

}  // namespace shiftguard
