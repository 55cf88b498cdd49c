// Streaming detectors make no heap allocation per update once warmed up (issue: "no heap
// allocation per update after warm-up"). A program of its own, because it interposes malloc
// to count allocations; not built in sanitizer builds.

#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <random>
#include <vector>

#include "shiftguard/drift/stream.hpp"
#include "support/counting_allocator.hpp"

namespace stream = shiftguard::drift::stream;

namespace {

std::vector<double> shifting_stream(bool binary) {
  std::mt19937_64 engine(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> values(200000);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const bool shifted = (i / 20000) % 2 == 1;
    values[i] = binary ? (uniform(engine) < (shifted ? 0.4 : 0.1) ? 1.0 : 0.0)
                       : normal(engine) + (shifted ? 2.0 : 0.0);
  }
  return values;
}

// Processes the first half (warm-up), then counts allocations over the second half, in
// which the detector must also have fired (so resets are covered).
template <class Detector>
void check_no_allocation(Detector detector, bool binary) {
  const auto values = shifting_stream(binary);
  const std::size_t half = values.size() / 2;
  for (std::size_t i = 0; i < half; ++i) detector.update(values[i]);
  const std::size_t before = counting_allocator::allocations;
  std::size_t fired = 0;
  for (std::size_t i = half; i < values.size(); ++i) {
    if (detector.update(values[i]).drift_detected()) ++fired;
  }
  const std::size_t allocations = counting_allocator::allocations - before;
  CHECK(allocations == 0);
  CHECK(fired > 0);
}

}  // namespace

TEST_CASE("the counting allocator sees allocations") {
  const std::size_t before = counting_allocator::allocations;
  const std::vector<double> values(100, 1.0);
  CHECK(counting_allocator::allocations > before);
  CHECK(counting_allocator::live_bytes >= 100 * sizeof(double));
}

TEST_CASE("page_hinkley does not allocate per update") {
  check_no_allocation(stream::page_hinkley{}, false);
}

TEST_CASE("kswin does not allocate per update") {
  stream::kswin_options options;
  options.seed = 3;
  check_no_allocation(stream::kswin{options}, false);
}

TEST_CASE("cusum does not allocate per update") { check_no_allocation(stream::cusum{}, false); }

TEST_CASE("adwin does not allocate per update once its rows exist") {
  check_no_allocation(stream::adwin{}, false);
}

TEST_CASE("binary detectors do not allocate per update") {
  check_no_allocation(stream::ddm{}, true);
  check_no_allocation(stream::eddm{}, true);
  check_no_allocation(stream::hddm_a{}, true);
  check_no_allocation(stream::hddm_w{}, true);
}
