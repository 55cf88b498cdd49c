// Tests of shiftguard/drift/stream/cusum.hpp. Oracle: the recursions worked by hand on short
// streams, and a direct loop over the definition.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "drift/stream/stream_fixtures.hpp"
#include "shiftguard/drift/stream/cusum.hpp"

namespace stream = shiftguard::drift::stream;
using stream_fixtures::detections;

TEST_CASE("cusum sums follow the tabular recursion") {
  stream::cusum_options options;
  options.target = 10.0;
  options.std = 2.0;
  options.k = 0.5;
  options.h = 1.9;
  stream::cusum detector(options);
  detector.update(13.0);  // z = 1.5: up = 1.0, down = 0
  CHECK(detector.sum_up() == doctest::Approx(1.0));
  CHECK(detector.sum_down() == 0.0);
  CHECK_FALSE(detector.drift_detected());
  detector.update(12.0);  // z = 1: up = 1.5
  CHECK(detector.sum_up() == doctest::Approx(1.5));
  CHECK_FALSE(detector.drift_detected());
  detector.update(14.0);  // z = 2: up = 3.0 > 1.9
  CHECK(detector.drift_detected());
  detector.update(4.0);  // resets first, then z = -3: down = 2.5
  CHECK(detector.sum_up() == 0.0);
  CHECK(detector.sum_down() == doctest::Approx(2.5));
  CHECK(detector.drift_detected());
}

TEST_CASE("cusum estimates target and std from the burn-in") {
  stream::cusum_options options;
  options.burn_in = 4;
  stream::cusum detector(options);
  for (const double x : {1.0, 2.0, 3.0, 4.0}) detector.update(x);
  CHECK(detector.target() == doctest::Approx(2.5));
  CHECK(detector.std_dev() == doctest::Approx(std::sqrt(5.0 / 3.0)));
  CHECK(detector.sum_up() == 0.0);
  // Modes: an increase is invisible to a chart that watches decreases.
  options.mode = stream::ph_mode::down;
  options.target = 0.0;
  options.std = 1.0;
  stream::cusum down(options);
  std::vector<double> rising(100, 3.0);
  CHECK(detections(down, rising).empty());
}

TEST_CASE("cusum agrees with a direct loop and save/load continues identically") {
  const auto data = stream_fixtures::golden_stream();
  stream::cusum_options options;
  options.target = 0.5;
  options.std = 0.3;
  stream::cusum detector(options);
  const auto found = detections(detector, data);
  std::vector<long long> expected;
  double up = 0.0;
  double down = 0.0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const double z = (data[i] - 0.5) / 0.3;
    up = std::max(0.0, up + z - 0.5);
    down = std::max(0.0, down - z - 0.5);
    if (up > 5.0 || down > 5.0) {
      expected.push_back(static_cast<long long>(i));
      up = down = 0.0;
    }
  }
  CHECK(found == expected);
  CHECK_FALSE(found.empty());

  stream::cusum estimating;
  const std::vector<double> head(data.begin(), data.begin() + 20);  // mid burn-in
  const std::vector<double> tail(data.begin() + 20, data.end());
  detections(estimating, head);
  auto restored = stream::cusum::load(estimating.save());
  CHECK(detections(restored, tail) == detections(estimating, tail));
}

TEST_CASE("cusum options are validated") {
  auto make = [](auto change) {
    stream::cusum_options options;
    change(options);
    return stream::cusum(options);
  };
  CHECK_THROWS_WITH_AS(make([](auto& o) { o.std = 0.0; }), doctest::Contains("std"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(make([](auto& o) { o.h = -1.0; }), doctest::Contains("h must"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(make([](auto& o) { o.k = -0.5; }), doctest::Contains("k must"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(make([](auto& o) { o.burn_in = 1; }), doctest::Contains("burn_in"),
                       shiftguard::invalid_argument);
}
