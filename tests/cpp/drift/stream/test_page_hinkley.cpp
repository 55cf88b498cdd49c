// Tests of shiftguard/drift/stream/page_hinkley.hpp and, through it, the shared stream API of
// stream/common.hpp. Oracle: river 0.26.1's drift.PageHinkley (golden/stream_golden.hpp).

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <doctest/doctest.h>

#include "drift/stream/golden/stream_golden.hpp"
#include "drift/stream/stream_fixtures.hpp"
#include "shiftguard/drift/stream/page_hinkley.hpp"

namespace stream = shiftguard::drift::stream;
using stream_fixtures::as_long;
using stream_fixtures::detections;

TEST_CASE("page_hinkley matches river's detections") {
  const auto data = stream_fixtures::golden_stream();
  stream::page_hinkley standard;
  CHECK(detections(standard, data) == stream_golden::page_hinkley_default);
  stream::page_hinkley_options options;
  options.threshold = 5.0;
  options.min_instances = 10;
  stream::page_hinkley sensitive(options);
  CHECK(detections(sensitive, data) == stream_golden::page_hinkley_sensitive);
}

TEST_CASE("update_many equals update, for vectors and Eigen expressions") {
  const auto data = stream_fixtures::golden_stream();
  stream::page_hinkley batched;
  const Eigen::Map<const Eigen::VectorXd> view(data.data(), static_cast<Eigen::Index>(data.size()));
  const auto events = batched.update_many(view);
  CHECK(as_long(events.drift_indices) == stream_golden::page_hinkley_default);
  CHECK(events.warning_indices.empty());
  // A float expression with a stride: every other value, negated twice.
  stream::page_hinkley strided_a;
  stream::page_hinkley strided_b;
  const Eigen::Map<const Eigen::VectorXd, 0, Eigen::InnerStride<2>> every_other(
      data.data(), static_cast<Eigen::Index>(data.size() / 2));
  const auto from_expression = strided_a.update_many(-(-every_other));
  std::vector<double> copied;
  for (std::size_t i = 0; i < data.size(); i += 2) copied.push_back(data[i]);
  CHECK(as_long(from_expression.drift_indices) == detections(strided_b, copied));
}

TEST_CASE("non-finite values: raise with the position, or omit") {
  stream::page_hinkley detector;
  detector.update(1.0);
  const std::string before = detector.save();
  const std::vector<double> bad = {1.0, 2.0, std::numeric_limits<double>::quiet_NaN()};
  CHECK_THROWS_WITH_AS(detector.update_many(bad.data(), 3), doctest::Contains("values[2] is NaN"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(detector.update(-std::numeric_limits<double>::infinity()),
                       doctest::Contains("x is infinite"), shiftguard::invalid_argument);
  CHECK(detector.save() == before);  // nothing was processed

  stream::page_hinkley_options options;
  options.nan_handling = shiftguard::nan_policy::omit;
  stream::page_hinkley omitting(options);
  const auto events = omitting.update_many(bad.data(), 3);
  CHECK(events.drift_indices.empty());
  CHECK(omitting.n_seen() == 2);
}

TEST_CASE("page_hinkley options are validated") {
  auto make = [](auto change) {
    stream::page_hinkley_options options;
    change(options);
    return stream::page_hinkley(options);
  };
  CHECK_THROWS_WITH_AS(make([](auto& o) { o.delta = -1; }), doctest::Contains("delta"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(make([](auto& o) { o.threshold = -1; }), doctest::Contains("threshold"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(make([](auto& o) { o.alpha = 0; }), doctest::Contains("alpha"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(make([](auto& o) { o.min_instances = 0; }),
                       doctest::Contains("min_instances"), shiftguard::invalid_argument);
  CHECK_THROWS_AS(stream::ph_mode_from_string("sideways"), shiftguard::invalid_argument);
}

TEST_CASE("page_hinkley save/load continues identically; bad states are rejected") {
  const auto data = stream_fixtures::golden_stream();
  const std::vector<double> head(data.begin(), data.begin() + 900);
  const std::vector<double> tail(data.begin() + 900, data.end());
  stream::page_hinkley original;
  original.update_many(head.data(), static_cast<Eigen::Index>(head.size()));
  const std::string state = original.save();
  auto restored = stream::page_hinkley::load(state);
  CHECK(restored.save() == state);
  CHECK(detections(restored, tail) == detections(original, tail));

  for (std::size_t cut = 0; cut < state.size(); ++cut) {
    CHECK_THROWS_AS(stream::page_hinkley::load(state.substr(0, cut)), shiftguard::format_error);
  }
  for (std::size_t position = 0; position < state.size(); ++position) {
    std::string corrupted = state;
    corrupted[position] = static_cast<char>(corrupted[position] ^ 1);
    CHECK_THROWS_AS(stream::page_hinkley::load(corrupted), shiftguard::format_error);
  }
}

TEST_CASE("a saved state with out-of-range options fails to load as a format error") {
  // A well-formed container whose options are invalid (as a buggy or hostile writer makes).
  shiftguard::serialization::binary_writer writer;
  writer.write_u8(0);
  writer.write_bool(false);
  writer.write_bool(false);
  writer.write_i64(30);
  writer.write_f64(-5.0);  // delta < 0
  for (int i = 0; i < 2; ++i) writer.write_f64(1.0);
  writer.write_u8(0);
  writer.write_i64(0);
  for (int i = 0; i < 5; ++i) writer.write_f64(0.0);
  const auto data = writer.finish(stream::page_hinkley::type_tag, 1);
  CHECK_THROWS_WITH_AS(stream::page_hinkley::load(data), doctest::Contains("delta"),
                       shiftguard::format_error);
}
