// Tests of the umbrella header shiftguard/drift/stream.hpp: every stream detector is a plain
// value type (copies are independent) and separate instances run concurrently on separate
// threads with the same results as one after another (no shared or global state).

#include <algorithm>
#include <thread>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>

#include "drift/stream/stream_fixtures.hpp"
#include "shiftguard/drift/stream.hpp"

namespace stream = shiftguard::drift::stream;

namespace {

std::vector<double> as_errors(const std::vector<double>& values) {
  std::vector<double> errors;
  errors.reserve(values.size());
  for (const double x : values) errors.push_back(x > 0.8 ? 1.0 : 0.0);
  return errors;
}

template <class Detector>
void check_value_semantics_and_threads(const Detector& prototype, const std::vector<double>& data) {
  static_assert(std::is_copy_constructible_v<Detector>);
  static_assert(std::is_nothrow_move_constructible_v<Detector>);
  Detector serial = prototype;
  const auto expected = stream_fixtures::detections(serial, data);

  // update_many (which some detectors run in blocks) equals value-by-value updates, also
  // when the stream arrives in uneven batches.
  Detector batched = prototype;
  std::vector<long long> from_batches;
  std::size_t offset = 0;
  for (std::size_t size : {1U, 7U, 31U, 32U, 33U, 100U, 5000U}) {
    size = std::min(size, data.size() - offset);
    const auto events = batched.update_many(data.data() + offset, static_cast<Eigen::Index>(size));
    for (const auto position : events.drift_indices) {
      from_batches.push_back(static_cast<long long>(offset) + position);
    }
    offset += size;
  }
  CHECK(from_batches == expected);
  CHECK(batched.save() == serial.save());

  // A copy made mid-stream continues on its own.
  Detector original = prototype;
  const std::vector<double> head(data.begin(), data.begin() + 700);
  const std::vector<double> tail(data.begin() + 700, data.end());
  stream_fixtures::detections(original, head);
  Detector copy = original;
  CHECK(stream_fixtures::detections(copy, tail) == stream_fixtures::detections(original, tail));

  constexpr int n_threads = 4;
  std::vector<std::vector<long long>> found(n_threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < n_threads; ++t) {
    threads.emplace_back([&, t] {
      Detector detector = prototype;
      for (int round = 0; round < 5; ++round) {
        detector.reset();
        found[static_cast<std::size_t>(t)] = stream_fixtures::detections(detector, data);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : found) CHECK(result == expected);
}

}  // namespace

TEST_CASE("stream detectors are value types usable from many threads") {
  const auto data = stream_fixtures::golden_stream();
  const auto errors = as_errors(data);
  CHECK_FALSE(errors.empty());
  check_value_semantics_and_threads(stream::page_hinkley{}, data);
  stream::kswin_options kswin_options;
  kswin_options.seed = 5;
  check_value_semantics_and_threads(stream::kswin{kswin_options}, data);
  check_value_semantics_and_threads(stream::cusum{}, data);
  check_value_semantics_and_threads(stream::adwin{}, data);
  check_value_semantics_and_threads(stream::ddm{}, errors);
  check_value_semantics_and_threads(stream::eddm{}, errors);
  check_value_semantics_and_threads(stream::hddm_a{}, errors);
  check_value_semantics_and_threads(stream::hddm_w{}, errors);
}
