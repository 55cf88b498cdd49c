#pragma once

// Sorting of floating-point samples. Large arrays use a least-significant-digit radix sort
// on the IEEE-754 bit pattern (mapped so that unsigned order equals numeric order), which
// is several times faster than a comparison sort for the sample sizes drift tests see.
// Inputs must be free of NaN; -0.0 should be normalised to +0.0 by the caller if ties
// between the two zeros matter (they compare equal, and the radix order keeps them adjacent).

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace shiftguard::detail {

template <class Scalar>
struct float_bits;
template <>
struct float_bits<float> {
  using type = std::uint32_t;
};
template <>
struct float_bits<double> {
  using type = std::uint64_t;
};

/// Maps a float to an unsigned key whose unsigned order is the float's numeric order.
template <class Scalar>
inline typename float_bits<Scalar>::type order_preserving_key(Scalar value) {
  using key_type = typename float_bits<Scalar>::type;
  constexpr key_type sign_bit = key_type{1} << (sizeof(key_type) * 8 - 1);
  key_type bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return (bits & sign_bit) ? ~bits : (bits | sign_bit);
}

template <class Scalar>
inline Scalar value_from_key(typename float_bits<Scalar>::type key) {
  using key_type = typename float_bits<Scalar>::type;
  constexpr key_type sign_bit = key_type{1} << (sizeof(key_type) * 8 - 1);
  const key_type bits = (key & sign_bit) ? (key & ~sign_bit) : ~key;
  Scalar value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

/// Sorts `values` ascending. `scratch` is resized as needed and may be reused across calls
/// to avoid allocations.
template <class Scalar>
void sort_floats(std::vector<Scalar>& values,
                 std::vector<typename float_bits<Scalar>::type>& scratch) {
  static_assert(std::is_floating_point_v<Scalar>, "sort_floats sorts float or double");
  using key_type = typename float_bits<Scalar>::type;
  const std::size_t n = values.size();
  if (n < 512) {
    std::sort(values.begin(), values.end());
    return;
  }
  constexpr int digit_bits = 8;
  constexpr int n_passes = static_cast<int>(sizeof(key_type));
  constexpr std::size_t n_buckets = std::size_t{1} << digit_bits;

  std::vector<key_type> keys(n);
  scratch.resize(n);
  std::vector<std::array<std::size_t, n_buckets>> histograms(n_passes);
  for (auto& histogram : histograms) histogram.fill(0);
  for (std::size_t i = 0; i < n; ++i) {
    key_type key = order_preserving_key(values[i]);
    keys[i] = key;
    for (int pass = 0; pass < n_passes; ++pass) {
      ++histograms[pass][(key >> (pass * digit_bits)) & (n_buckets - 1)];
    }
  }
  key_type* source = keys.data();
  key_type* target = scratch.data();
  for (int pass = 0; pass < n_passes; ++pass) {
    auto& histogram = histograms[pass];
    const key_type first_digit = (source[0] >> (pass * digit_bits)) & (n_buckets - 1);
    if (histogram[first_digit] == n) continue;  // every key shares this digit: nothing to do
    std::size_t offset = 0;
    for (auto& count : histogram) {
      const std::size_t c = count;
      count = offset;
      offset += c;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const key_type key = source[i];
      target[histogram[(key >> (pass * digit_bits)) & (n_buckets - 1)]++] = key;
    }
    std::swap(source, target);
  }
  for (std::size_t i = 0; i < n; ++i) values[i] = value_from_key<Scalar>(source[i]);
}

template <class Scalar>
void sort_floats(std::vector<Scalar>& values) {
  std::vector<typename float_bits<Scalar>::type> scratch;
  sort_floats(values, scratch);
}

}  // namespace shiftguard::detail
