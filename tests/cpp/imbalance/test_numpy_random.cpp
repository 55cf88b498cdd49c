// Tests of shiftguard/imbalance/numpy_random.hpp: draws equal to numpy.random.RandomState's
// (values printed by NumPy 2, in the comments).

#include <cstdint>
#include <random>
#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/imbalance/numpy_random.hpp"

using shiftguard::imbalance::numpy_random_state;
using values = std::vector<std::int64_t>;

TEST_CASE("numpy_random_state reproduces RandomState") {
  // np.random.RandomState(42).permutation(10)
  numpy_random_state a(42);
  CHECK(a.permutation(10) == values{8, 1, 5, 0, 7, 2, 9, 4, 3, 6});
  // RandomState(42).choice(10, 4, replace=False)
  numpy_random_state b(42);
  CHECK(b.choice(10, 4, false) == values{8, 1, 5, 0});
  // RandomState(7).choice(1000, 5, replace=True), then .choice(3, 6, replace=True)
  numpy_random_state c(7);
  CHECK(c.choice(1000, 5, true) == values{175, 196, 537, 502, 579});
  CHECK(c.choice(3, 6, true) == values{0, 1, 2, 0, 1, 2});
  // RandomState(2**32 - 1).permutation(6)
  numpy_random_state d(4294967295U);
  CHECK(d.permutation(6) == values{1, 4, 5, 0, 2, 3});
  // RandomState(0).randint(0, 2**32, dtype=uint64) is the first raw word: std::mt19937(0)()
  numpy_random_state e(0);
  std::mt19937 reference(0);
  CHECK(e.next_u32() == reference());
  CHECK(e.next_u32() == reference());
  // ... then RandomState(0).choice(10**6, 3, replace=True) after that word
  numpy_random_state f(0);
  f.next_u32();
  CHECK(f.choice(1000000, 3, true) == values{305711, 435829, 117952});
}

TEST_CASE("numpy_random_state state round trip and bad input") {
  numpy_random_state a(3);
  a.permutation(50);
  numpy_random_state b(a.key(), a.position());
  CHECK(a.choice(100, 10, true) == b.choice(100, 10, true));
  CHECK_THROWS_AS(numpy_random_state(a.key(), 625), shiftguard::invalid_argument);
  CHECK_THROWS_AS(a.choice(3, 4, false), shiftguard::invalid_argument);
  CHECK_THROWS_AS(a.choice(0, 1, true), shiftguard::invalid_argument);
  CHECK(a.choice(0, 0, true).empty());
}
