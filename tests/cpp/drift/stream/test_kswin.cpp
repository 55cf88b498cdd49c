// Tests of shiftguard/drift/stream/kswin.hpp. Oracle: river 0.26.1's drift.KSWIN
// (golden/stream_golden.hpp).

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "drift/stream/golden/stream_golden.hpp"
#include "drift/stream/stream_fixtures.hpp"
#include "shiftguard/drift/stream/kswin.hpp"

namespace stream = shiftguard::drift::stream;
using stream_fixtures::detections;

TEST_CASE("kswin matches river's detections for a seed") {
  const auto data = stream_fixtures::golden_stream();
  stream::kswin_options options;
  options.seed = 1;
  stream::kswin seeded(options);
  CHECK(detections(seeded, data) == stream_golden::kswin_seed_1);
  options.seed = 9;
  options.window_size = 400;
  options.stat_size = 40;
  stream::kswin large(options);
  CHECK(detections(large, data) == stream_golden::kswin_seed_9_large_window);
}

TEST_CASE("kswin window, reset and save/load") {
  const auto data = stream_fixtures::golden_stream();
  stream::kswin_options options;
  options.seed = 1;
  options.window_size = 10;
  options.stat_size = 3;
  stream::kswin detector(options, {1.0, 2.0, 3.0});
  CHECK(detector.window() == std::vector<double>{1.0, 2.0, 3.0});
  for (int i = 0; i < 12; ++i) detector.update(static_cast<double>(i));
  CHECK(detector.window().size() == 10);
  CHECK(detector.window().front() == 2.0);

  stream::kswin_options standard;
  standard.seed = 1;
  stream::kswin original(standard);
  const std::vector<double> head(data.begin(), data.begin() + 550);
  const std::vector<double> tail(data.begin() + 550, data.end());
  detections(original, head);
  const std::string state = original.save();
  auto restored = stream::kswin::load(state);
  CHECK(restored.window() == original.window());
  CHECK(detections(restored, tail) == detections(original, tail));
  for (std::size_t cut = 0; cut < state.size(); cut += 7) {
    CHECK_THROWS_AS(stream::kswin::load(state.substr(0, cut)), shiftguard::format_error);
  }
  original.reset();
  CHECK(original.window().empty());
  CHECK(original.n_seen() == 0);
}

TEST_CASE("kswin options are validated") {
  stream::kswin_options options;
  options.alpha = 1.0;
  CHECK_THROWS_WITH_AS(stream::kswin{options}, doctest::Contains("alpha"),
                       shiftguard::invalid_argument);
  options = {};
  options.window_size = 50;
  CHECK_THROWS_WITH_AS(stream::kswin{options}, doctest::Contains("window_size"),
                       shiftguard::invalid_argument);
  options = {};
  options.stat_size = 0;
  CHECK_THROWS_WITH_AS(stream::kswin{options}, doctest::Contains("stat_size"),
                       shiftguard::invalid_argument);
}
