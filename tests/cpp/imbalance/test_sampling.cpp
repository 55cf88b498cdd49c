// Tests of shiftguard/imbalance/sampling.hpp: the resolved strategies are those printed by
// imblearn.utils.check_sampling_strategy 0.14.2 for the same class counts (values in the
// comments), and the errors are raised where imbalanced-learn raises.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/imbalance/sampling.hpp"

namespace imbalance = shiftguard::imbalance;
using imbalance::resolve_sampling_strategy;
using imbalance::sampling_strategy;
using imbalance::sampling_type;
using resolved = imbalance::resolved_strategy;

TEST_CASE("sampling_strategy names") {
  const std::vector<std::int64_t> counts{10, 20, 30};
  const auto over = sampling_type::over_sampling;
  const auto under = sampling_type::under_sampling;
  const auto clean = sampling_type::clean_sampling;
  // check_sampling_strategy('auto', y, 'over-sampling') -> {0: 20, 1: 10}
  CHECK(resolve_sampling_strategy(sampling_strategy::named("auto"), counts, over) ==
        resolved{{0, 20}, {1, 10}});
  CHECK(resolve_sampling_strategy(sampling_strategy::named("minority"), counts, over) ==
        resolved{{0, 20}});
  CHECK(resolve_sampling_strategy(sampling_strategy::named("not minority"), counts, over) ==
        resolved{{1, 10}, {2, 0}});
  CHECK(resolve_sampling_strategy(sampling_strategy::named("all"), counts, over) ==
        resolved{{0, 20}, {1, 10}, {2, 0}});
  CHECK(resolve_sampling_strategy(sampling_strategy::named("auto"), counts, under) ==
        resolved{{1, 10}, {2, 10}});
  CHECK(resolve_sampling_strategy(sampling_strategy::named("majority"), counts, under) ==
        resolved{{2, 10}});
  CHECK(resolve_sampling_strategy(sampling_strategy::named("not majority"), counts, clean) ==
        resolved{{0, 10}, {1, 10}});
  CHECK_THROWS_WITH_AS(resolve_sampling_strategy(sampling_strategy::named("majority"), counts,
                                                 over),
                       doctest::Contains("'majority' cannot be used for over-sampling"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(resolve_sampling_strategy(sampling_strategy::named("minority"), counts,
                                                 clean),
                       doctest::Contains("'minority' cannot be used for cleaning"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(resolve_sampling_strategy(sampling_strategy::named("foo"), counts, over),
                       doctest::Contains("got 'foo'"), shiftguard::invalid_argument);
  // ties go to the smallest class: counts {10, 10, 5, 5} -> majority 0, minority 2
  const std::vector<std::int64_t> tied{10, 10, 5, 5};
  CHECK(resolve_sampling_strategy(sampling_strategy::named("auto"), tied, over) ==
        resolved{{1, 0}, {2, 5}, {3, 5}});
  CHECK(resolve_sampling_strategy(sampling_strategy::named("majority"), tied, under) ==
        resolved{{0, 5}});
  CHECK(resolve_sampling_strategy(sampling_strategy::named("minority"), tied, over) ==
        resolved{{2, 5}});
}

TEST_CASE("sampling_strategy ratios (binary only)") {
  const std::vector<std::int64_t> counts{3, 10};
  // over 0.4 -> {0: 1}; 0.33 -> error (int(0.3) = 0); under 0.31 -> {1: 9}; 0.25 error
  CHECK(resolve_sampling_strategy(sampling_strategy::ratio(0.4), counts,
                                  sampling_type::over_sampling) == resolved{{0, 1}});
  CHECK_THROWS_WITH_AS(resolve_sampling_strategy(sampling_strategy::ratio(0.33), counts,
                                                 sampling_type::over_sampling),
                       doctest::Contains("increase the ratio"), shiftguard::invalid_argument);
  CHECK(resolve_sampling_strategy(sampling_strategy::ratio(0.31), counts,
                                  sampling_type::under_sampling) == resolved{{1, 9}});
  CHECK(resolve_sampling_strategy(sampling_strategy::ratio(0.29), counts,
                                  sampling_type::under_sampling) == resolved{{1, 10}});
  CHECK_THROWS_AS(resolve_sampling_strategy(sampling_strategy::ratio(0.25), counts,
                                            sampling_type::under_sampling),
                  shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(resolve_sampling_strategy(sampling_strategy::ratio(1.5), counts,
                                                 sampling_type::over_sampling),
                       doctest::Contains("(0, 1], got 1.5"), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(resolve_sampling_strategy(sampling_strategy::ratio(0.5),
                                                 std::vector<std::int64_t>{3, 4, 5},
                                                 sampling_type::over_sampling),
                       doctest::Contains("only for binary"), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(resolve_sampling_strategy(sampling_strategy::ratio(0.5), counts,
                                                 sampling_type::clean_sampling),
                       doctest::Contains("cleaning samplers take no ratio"),
                       shiftguard::invalid_argument);
}

TEST_CASE("sampling_strategy dicts and lists") {
  const std::vector<std::int64_t> counts{10, 20, 30};
  const std::vector<std::string> names{"cat", "dog", "eel"};
  CHECK(resolve_sampling_strategy(sampling_strategy::targets({{0, 15}}), counts,
                                  sampling_type::over_sampling) == resolved{{0, 5}});
  CHECK(resolve_sampling_strategy(sampling_strategy::targets({{0, 5}}), counts,
                                  sampling_type::under_sampling) == resolved{{0, 5}});
  CHECK_THROWS_WITH_AS(resolve_sampling_strategy(sampling_strategy::targets({{0, 5}}), counts,
                                                 sampling_type::over_sampling, &names),
                       doctest::Contains("class cat, which has 10"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(resolve_sampling_strategy(sampling_strategy::targets({{0, 15}}), counts,
                                                 sampling_type::under_sampling),
                       doctest::Contains("target <= the class size"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(resolve_sampling_strategy(sampling_strategy::targets({{0, -1}}), counts,
                                                 sampling_type::under_sampling),
                       doctest::Contains("negative"), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(resolve_sampling_strategy(sampling_strategy::targets({{5, 3}}), counts,
                                                 sampling_type::under_sampling),
                       doctest::Contains("not present"), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(resolve_sampling_strategy(sampling_strategy::targets({{0, 3}}), counts,
                                                 sampling_type::clean_sampling),
                       doctest::Contains("list of the classes"), shiftguard::invalid_argument);
  CHECK(resolve_sampling_strategy(sampling_strategy::classes({1, 0}), counts,
                                  sampling_type::clean_sampling) == resolved{{0, 10}, {1, 10}});
  CHECK_THROWS_WITH_AS(resolve_sampling_strategy(sampling_strategy::classes({0}), counts,
                                                 sampling_type::over_sampling),
                       doctest::Contains("only for cleaning"), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(resolve_sampling_strategy(sampling_strategy::named("auto"),
                                                 std::vector<std::int64_t>{7},
                                                 sampling_type::over_sampling),
                       doctest::Contains("at least 2 classes"), shiftguard::invalid_argument);
}

TEST_CASE("neighbours within a small class: error naming the class, or shrink") {
  CHECK(imbalance::neighbors_within_class(10, 5, "cat", false) == 5);
  CHECK(imbalance::neighbors_within_class(6, 5, "cat", false) == 5);
  CHECK_THROWS_WITH_AS(imbalance::neighbors_within_class(4, 5, "cat", false),
                       doctest::Contains("class cat has 4 samples, fewer than k_neighbors + 1 = 6"),
                       shiftguard::invalid_argument);
  CHECK(imbalance::neighbors_within_class(4, 5, "cat", true) == 3);
  CHECK_THROWS_WITH_AS(imbalance::neighbors_within_class(1, 5, "cat", true),
                       doctest::Contains("at least 2 samples"), shiftguard::invalid_argument);
  CHECK_THROWS_AS(imbalance::neighbors_within_class(10, 0, "cat", false),
                  shiftguard::invalid_argument);
}
