// Tests of shiftguard/validate/sketch/hash.hpp. Oracles: exact equality classes of doubles
// (-0.0 == 0.0, all NaNs alike) and bit statistics of the mix (avalanche: flipping one input
// bit flips each output bit with probability 1/2, checked over seeded samples with a
// binomial tolerance).

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>

#include <doctest/doctest.h>

#include "shiftguard/validate/sketch/hash.hpp"

namespace sk = shiftguard::validate::sketch;

TEST_CASE("hash_double: equal doubles hash alike") {
  CHECK(sk::hash_double(0.0) == sk::hash_double(-0.0));
  const double nan1 = std::numeric_limits<double>::quiet_NaN();
  const double nan2 = -std::nan("123");
  CHECK(sk::hash_double(nan1) == sk::hash_double(nan2));
  CHECK(sk::hash_double(1.0) != sk::hash_double(-1.0));
  CHECK(sk::hash_double(1.0) != sk::hash_double(std::nextafter(1.0, 2.0)));
  CHECK(sk::hash_double(std::numeric_limits<double>::infinity()) !=
        sk::hash_double(-std::numeric_limits<double>::infinity()));
}

TEST_CASE("hash_bytes: deterministic, seed- and length-sensitive, no collisions on a sample") {
  CHECK(sk::hash_bytes("abc") == sk::hash_bytes(std::string("abc")));
  CHECK(sk::hash_bytes("abc") != sk::hash_bytes("abc", 1));
  CHECK(sk::hash_bytes("a") != sk::hash_bytes(std::string("a\0", 2)));
  CHECK(sk::hash_bytes("") != sk::hash_bytes(std::string("\0", 1)));
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 100000; ++i) seen.insert(sk::hash_bytes("item-" + std::to_string(i)));
  CHECK(seen.size() == 100000);
  // Words and tails: strings of length 0..40 that differ only in their last byte.
  for (std::size_t length = 1; length <= 40; ++length) {
    std::string a(length, 'x');
    std::string b = a;
    b.back() = 'y';
    CHECK(sk::hash_bytes(a) != sk::hash_bytes(b));
  }
}

TEST_CASE("hash mix: avalanche within a binomial tolerance") {
  // For 2000 random inputs and each of 64 input bits, flipping the bit flips each output bit
  // with probability 1/2: the count over 2000 trials lies within 5 sigma (sigma = sqrt(500)).
  std::mt19937_64 generator(7);
  constexpr int trials = 2000;
  for (int input_bit = 0; input_bit < 64; input_bit += 7) {
    int flips[64] = {};
    for (int t = 0; t < trials; ++t) {
      const std::uint64_t x = generator();
      const std::uint64_t d = sk::hash_u64(x) ^ sk::hash_u64(x ^ (std::uint64_t{1} << input_bit));
      for (int b = 0; b < 64; ++b) flips[b] += static_cast<int>((d >> b) & 1U);
    }
    for (int b = 0; b < 64; ++b) {
      CHECK(std::abs(flips[b] - trials / 2) < 5 * std::sqrt(trials / 4.0));
    }
  }
}

TEST_CASE("hash_double: top bits are uniform over consecutive integers") {
  // HyperLogLog takes its register index from the top bits: 2^16 consecutive integers spread
  // over 16 buckets with a chi-square statistic below its 99.9% quantile (15 dof: 37.7).
  int buckets[16] = {};
  constexpr int n = 1 << 16;
  for (int i = 0; i < n; ++i) ++buckets[sk::hash_double(static_cast<double>(i)) >> 60];
  double chi2 = 0;
  for (const int c : buckets) chi2 += (c - n / 16.0) * (c - n / 16.0) / (n / 16.0);
  CHECK(chi2 < 37.7);
}
