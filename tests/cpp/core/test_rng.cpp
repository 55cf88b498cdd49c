// Tests of shiftguard/core/rng.hpp. Oracle: CPython's random module (values printed by
// random.Random(seed).getrandbits(32) and .sample(range(n), k)).

#include <array>
#include <cstdint>
#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/core/rng.hpp"

TEST_CASE("python_random reproduces random.Random's 32-bit draws") {
  shiftguard::python_random rng(5);
  CHECK(rng.next_u32() == 2675342405U);
  CHECK(rng.next_u32() == 1097127993U);
  CHECK(rng.next_u32() == 3185950873U);

  shiftguard::python_random wide(1099511627779ULL);  // 2**40 + 3: a two-word key
  CHECK(wide.next_u32() == 943978446U);
  CHECK(wide.next_u32() == 261273136U);

  shiftguard::python_random zero(0);
  std::uint32_t last = 0;
  for (int i = 0; i < 625; ++i) last = zero.next_u32();  // crosses one twist
  CHECK(last == 2229104038U);
}

TEST_CASE("python_random::sample_range follows both of CPython's sampling methods") {
  std::vector<std::uint32_t> workspace(970);
  std::array<std::uint32_t, 30> out{};
  shiftguard::python_random small(1);
  small.sample_range(70, 5, workspace.data(), out.data());  // k <= 5, n > 21: seen-set method
  CHECK(std::vector<std::uint32_t>(out.begin(), out.begin() + 5) ==
        std::vector<std::uint32_t>{17, 8, 32, 15, 63});
  shiftguard::python_random large(1);
  large.sample_range(970, 30, workspace.data(), out.data());
  CHECK(std::vector<std::uint32_t>(out.begin(), out.begin() + 5) ==
        std::vector<std::uint32_t>{137, 582, 867, 821, 782});
  CHECK(shiftguard::python_random::pool_method_limit(30) == 277);
  CHECK_THROWS_AS(small.sample_range(3, 4, workspace.data(), out.data()),
                  shiftguard::invalid_argument);
}

TEST_CASE("python_random state can be saved and restored") {
  shiftguard::python_random rng(11);
  for (int i = 0; i < 700; ++i) rng.next_u32();
  shiftguard::python_random copy(0);
  copy.set_state(rng.state(), rng.position());
  for (int i = 0; i < 1000; ++i) REQUIRE(copy.next_u32() == rng.next_u32());
  CHECK_THROWS_AS(copy.set_state(rng.state(), 625), shiftguard::invalid_argument);
}

TEST_CASE("splitmix64 and xoshiro256** follow the reference generators") {
  // splitmix64 seeded with 1234567: the published test vector of the reference C code.
  std::uint64_t state = 1234567;
  const std::uint64_t expected[] = {6457827717110365317ULL, 3203168211198807973ULL,
                                    9817491932198370423ULL, 4593380528125082431ULL,
                                    16408922859458223821ULL};
  for (std::uint64_t value : expected) CHECK(shiftguard::splitmix64(state) == value);
  CHECK(shiftguard::mix64(0) == 0);
  // xoshiro256** from the state {1, 2, 3, 4}: its first outputs, computed by hand from the
  // definition (the first is rotl(2 * 5, 7) * 9 = 11520).
  auto engine = shiftguard::xoshiro256ss::from_state(1, 2, 3, 4);
  CHECK(engine.next() == 11520ULL);
  CHECK(engine.next() == 0ULL);
  CHECK(engine.next() == 1509978240ULL);
  CHECK(engine.next() == 1215971899390074240ULL);
  CHECK_THROWS_AS(shiftguard::xoshiro256ss::from_state(0, 0, 0, 0), shiftguard::invalid_argument);
  // below_by_rejection stays in range and hits every value
  shiftguard::xoshiro256ss uniform(7);
  int seen[5] = {};
  for (int i = 0; i < 1000; ++i) {
    const auto value = uniform.below(5);
    REQUIRE(value < 5);
    ++seen[value];
  }
  for (int count : seen) CHECK(count > 150);
}
