#pragma once

// 64-bit hashes for the distinct-count and heavy-hitter sketches.
//
// mix64 is a bijective finalizer (xor-shift / multiply rounds with the constants of the
// SplitMix64 generator, Steele, Lea and Flood 2014): every input bit affects every output
// bit with probability close to 1/2, which is what HyperLogLog needs from its hash (its
// register index is taken from the top bits, its rank from the leading zeros of the rest).
//
// hash_double maps equal doubles to equal hashes: -0.0 and 0.0 hash alike, and every NaN
// payload hashes to one value. hash_bytes walks the bytes in little-endian 8-byte words
// (independent of the host's byte order), folds each mixed word into the state, and finishes
// with the length and one more mix, so strings that differ in any byte or in length differ in
// hash with probability about 1 - 2^-64.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "shiftguard/core/rng.hpp"

namespace shiftguard::validate::sketch {

namespace detail {

// SplitMix64's increment and output function (a bijection of 64-bit words with full
// avalanche), shared with every seeded stream of the library.
using shiftguard::golden_gamma;
using shiftguard::mix64;

inline constexpr std::uint64_t rotate_left(std::uint64_t x, int bits) {
  return (x << bits) | (x >> (64 - bits));
}

/// Reads `count` (<= 8) bytes as a little-endian word, whatever the host byte order.
inline std::uint64_t load_le(const unsigned char* bytes, std::size_t count) {
  std::uint64_t word = 0;
  for (std::size_t i = 0; i < count; ++i) word |= static_cast<std::uint64_t>(bytes[i]) << (8 * i);
  return word;
}

}  // namespace detail

/// Hash of a 64-bit integer (a seeded mix64).
inline constexpr std::uint64_t hash_u64(std::uint64_t x, std::uint64_t seed = 0) {
  return detail::mix64(x + detail::golden_gamma * (seed + 1));
}

/// Hash of a double: equal values hash alike (-0.0 as 0.0, every NaN as one value).
inline std::uint64_t hash_double(double x) {
  if (x == 0.0) x = 0.0;  // -0.0 -> +0.0
  std::uint64_t bits = 0;
  if (std::isnan(x)) {
    bits = 0x7FF8000000000000ULL;  // the canonical quiet NaN
  } else {
    std::memcpy(&bits, &x, sizeof bits);
  }
  return hash_u64(bits, 0x5D0B1E);
}

/// Hash of a byte string (for example UTF-8 text), with an optional seed.
inline std::uint64_t hash_bytes(std::string_view s, std::uint64_t seed = 0) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t size = s.size();
  std::uint64_t state = detail::mix64(seed ^ 0x243F6A8885A308D3ULL);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    if constexpr (true) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      std::memcpy(&word, bytes + i, 8);
#else
      word = detail::load_le(bytes + i, 8);
#endif
    }
    state = detail::rotate_left(state ^ detail::mix64(word), 29) * detail::golden_gamma;
  }
  if (i < size) {
    const std::uint64_t word = detail::load_le(bytes + i, size - i);
    state = detail::rotate_left(state ^ detail::mix64(word ^ 0xA5A5A5A5A5A5A5A5ULL), 29) *
            detail::golden_gamma;
  }
  return detail::mix64(state ^ (static_cast<std::uint64_t>(size) * 0xC2B2AE3D27D4EB4FULL));
}

}  // namespace shiftguard::validate::sketch
