// Tests of shiftguard/drift/stream/adwin.hpp. Oracles: hand-computed histograms and sums,
// river 0.26.1's drift.ADWIN on regenerated streams (golden/make_adwin_golden.py), and
// seeded simulation.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "drift/stream/golden/adwin_golden.hpp"
#include "shiftguard/drift/stream/adwin.hpp"
#include "shiftguard/drift/stream/page_hinkley.hpp"

namespace stream = shiftguard::drift::stream;
using stream::adwin;
using stream::adwin_options;

namespace {

std::vector<double> golden_stream(const adwin_golden::golden_case& golden) {
  std::uint64_t state = golden.seed;
  std::vector<double> values;
  for (const auto& segment : golden.segments) {
    for (std::int64_t i = 0; i < segment.length; ++i) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      const double u = static_cast<double>(state >> 11) * 0x1p-53;
      values.push_back(segment.binary ? (u < segment.offset ? 1.0 : 0.0)
                                      : segment.offset + segment.scale * (u - 0.5));
    }
  }
  return values;
}

std::vector<double> normal_stream(std::size_t n, unsigned seed, double mean, double sd = 1.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(mean, sd);
  std::vector<double> values(n);
  for (auto& value : values) value = normal(rng);
  return values;
}

std::vector<shiftguard::index> detections(adwin& detector, const std::vector<double>& values) {
  std::vector<shiftguard::index> found;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (detector.update(values[i]).drift_detected()) {
      found.push_back(static_cast<shiftguard::index>(i));
    }
  }
  return found;
}

std::string expect_option_error(const adwin_options& options) {
  try {
    adwin detector(options);
  } catch (const shiftguard::invalid_argument& error) {
    return error.what();
  }
  return "no error";
}

// A container whose payload is written field by field, for states the detector cannot make.
struct raw_state {
  shiftguard::serialization::binary_writer writer;
  raw_state() {
    writer.write_u8(0);         // nan policy raise
    writer.write_bool(false);   // drift flag
    writer.write_bool(false);   // warning flag
    writer.write_f64(0.002);    // delta
    writer.write_i64(32);       // clock
    writer.write_i64(2);        // max_buckets
    writer.write_i64(5);        // min_window_length
    writer.write_i64(10);       // grace_period
    writer.write_i64(0);        // tick
    writer.write_i64(0);        // n_detections
  }
  void row(const std::vector<double>& totals) {
    writer.write_u64(totals.size());
    for (double t : totals) writer.write_f64(t);
    for (std::size_t i = 0; i < totals.size(); ++i) writer.write_f64(0.0);
  }
  [[nodiscard]] std::string bytes() const { return writer.finish(adwin::type_tag, 1); }
};

}  // namespace

TEST_CASE("adwin: width, total, variance and estimation of a short stream") {
  adwin detector;
  CHECK(detector.width() == 0);
  CHECK(detector.estimation() == 0.0);
  for (double x : {1.0, 2.0, 3.0, 4.0, 5.0}) detector.update(x);
  CHECK(detector.width() == 5);
  CHECK(detector.total() == 15.0);
  CHECK(detector.variance() == 10.0);  // sum of squared deviations from 3
  CHECK(detector.estimation() == 3.0);
  CHECK_FALSE(detector.drift_detected());
  CHECK(detector.n_detections() == 0);
}

TEST_CASE("adwin: the exponential histogram merges as worked out by hand") {
  adwin_options options;
  options.max_buckets = 2;
  adwin detector(options);
  // 1, 2, 3 -> row 0 overflows: [3] and row 1 [1+2]; 4, 5 -> row 0 [3, 4, 5] overflows:
  // row 0 [5], row 1 [3, 7]; 6, 7 -> row 0 [5, 6, 7] overflows: row 0 [7], row 1 [3, 7, 11]
  // overflows: row 1 [11], row 2 [10].
  const std::vector<std::size_t> rows = {1, 1, 2, 2, 2, 2, 3};
  const std::vector<std::int64_t> buckets = {1, 2, 2, 3, 3, 4, 3};
  for (int i = 0; i < 7; ++i) {
    detector.update(i + 1.0);
    CHECK(detector.n_bucket_rows() == rows[static_cast<std::size_t>(i)]);
    CHECK(detector.n_buckets() == buckets[static_cast<std::size_t>(i)]);
  }
  CHECK(detector.width() == 7);
  CHECK(detector.total() == 28.0);
  CHECK(detector.variance() == doctest::Approx(28.0));  // sum of (i - 4)^2
}

TEST_CASE("adwin: width and total after N values of a stationary stream") {
  adwin detector;
  const auto values = normal_stream(10000, 7, 2.0);
  double sum = 0.0;
  double sum_squares = 0.0;
  for (double x : values) {
    detector.update(x);
    sum += x;
  }
  const double mean = sum / 10000.0;
  for (double x : values) sum_squares += (x - mean) * (x - mean);
  CHECK(detector.n_detections() == 0);
  CHECK(detector.width() == 10000);
  CHECK(detector.total() == doctest::Approx(sum).epsilon(1e-12));
  CHECK(detector.variance() == doctest::Approx(sum_squares).epsilon(1e-9));
  CHECK(detector.estimation() == doctest::Approx(mean).epsilon(1e-12));
}

TEST_CASE("adwin: no drift on constant and stationary streams") {
  adwin constant;
  for (int i = 0; i < 5000; ++i) REQUIRE_FALSE(constant.update(1.0).drift_detected());
  CHECK(constant.width() == 5000);
  CHECK(constant.variance() == 0.0);

  adwin stationary;
  CHECK(detections(stationary, normal_stream(50000, 11, 0.0)).empty());
}

TEST_CASE("adwin: an abrupt shift is detected, then the detector starts afresh") {
  auto values = normal_stream(2000, 3, 0.0);
  const auto shifted = normal_stream(1000, 4, 3.0);
  values.insert(values.end(), shifted.begin(), shifted.end());
  adwin detector;
  const auto found = detections(detector, values);
  REQUIRE_FALSE(found.empty());
  CHECK(found.front() >= 2000);
  CHECK(found.front() < 2100);

  adwin again;
  for (shiftguard::index i = 0; i <= found.front(); ++i) {
    again.update(values[static_cast<std::size_t>(i)]);
  }
  REQUIRE(again.drift_detected());
  CHECK(again.n_detections() == 1);
  CHECK(again.width() < 2000 + 100);  // the old part was dropped
  again.update(3.0);
  CHECK_FALSE(again.drift_detected());
  CHECK(again.n_detections() == 0);
  CHECK(again.width() == 1);
  CHECK(again.total() == 3.0);
}

TEST_CASE("adwin: river's detections and final statistics on regenerated streams") {
  for (const auto& golden : adwin_golden::cases) {
    CAPTURE(golden.name);
    adwin_options options;
    options.delta = golden.settings.delta;
    options.clock = golden.settings.clock;
    options.max_buckets = golden.settings.max_buckets;
    options.min_window_length = golden.settings.min_window_length;
    options.grace_period = golden.settings.grace_period;
    adwin detector(options);
    const auto found = detections(detector, golden_stream(golden));
    CHECK(found == golden.drift_indices);
    CHECK(static_cast<double>(detector.width()) == golden.width);
    CHECK(detector.total() == golden.total);  // bit for bit
    CHECK(detector.variance() == golden.variance);
  }
}

TEST_CASE("adwin: river's golden detections also through update_many in uneven batches") {
  // update_many inserts the values between two tests as one block and prunes the split test
  // with a bound; the results must still be river's, bit for bit.
  for (const auto& golden : adwin_golden::cases) {
    CAPTURE(golden.name);
    adwin_options options;
    options.delta = golden.settings.delta;
    options.clock = golden.settings.clock;
    options.max_buckets = golden.settings.max_buckets;
    options.min_window_length = golden.settings.min_window_length;
    options.grace_period = golden.settings.grace_period;
    adwin detector(options);
    const auto values = golden_stream(golden);
    std::vector<shiftguard::index> found;
    std::size_t start = 0;
    for (std::size_t batch = 1; start < values.size(); batch = batch * 7 % 1000 + 1) {
      const std::size_t length = std::min(batch, values.size() - start);
      const auto events =
          detector.update_many(values.data() + start, static_cast<shiftguard::index>(length));
      for (const auto at : events.drift_indices) {
        found.push_back(static_cast<shiftguard::index>(start) + at);
      }
      start += length;
    }
    CHECK(found == golden.drift_indices);
    CHECK(static_cast<double>(detector.width()) == golden.width);
    CHECK(detector.total() == golden.total);  // bit for bit
    CHECK(detector.variance() == golden.variance);
  }
}

TEST_CASE("adwin: update_many matches update bit for bit on hard streams and settings") {
  // Huge offsets (cancellation in the split test), tiny and huge scales, integers, constant
  // segments; clock 1, a single bucket per row, short and long minimum windows.
  std::mt19937_64 rng(20240611);
  std::normal_distribution<double> normal(0.0, 1.0);
  const std::size_t n = 30000;
  for (int kind = 0; kind < 6; ++kind) {
    std::vector<double> values(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double shift = (i / 4000) % 2 == 1 ? 1.0 : 0.0;
      const double x = normal(rng);
      switch (kind) {
        case 0: values[i] = 1e9 + x + shift; break;
        case 1: values[i] = 1e15 + x + 8.0 * shift; break;
        case 2: values[i] = (x + shift) * 1e-300; break;
        case 3: values[i] = (x + shift) * 1e300; break;
        case 4: values[i] = std::round(10.0 * (x + shift)); break;
        default: values[i] = shift > 0.0 ? 0.1 : 0.7; break;
      }
    }
    for (int setting = 0; setting < 4; ++setting) {
      CAPTURE(kind);
      CAPTURE(setting);
      adwin_options options;
      if (setting == 1) options.clock = 1;
      if (setting == 2) options.max_buckets = 1;
      if (setting == 3) {
        options.min_window_length = 1;
        options.clock = 5;
        options.max_buckets = 40;
      }
      adwin one_by_one(options);
      std::vector<shiftguard::index> expected;
      for (std::size_t i = 0; i < n; ++i) {
        if (one_by_one.update(values[i]).drift_detected()) {
          expected.push_back(static_cast<shiftguard::index>(i));
        }
      }
      adwin batched(options);
      const auto events = batched.update_many(values.data(), static_cast<shiftguard::index>(n));
      CHECK(events.drift_indices == expected);
      CHECK(batched.width() == one_by_one.width());
      CHECK(batched.total() == one_by_one.total());
      CHECK(batched.variance() == one_by_one.variance());
      CHECK(batched.save() == one_by_one.save());
    }
  }
}

TEST_CASE_TEMPLATE("adwin: update_many equals update value by value", Scalar, float, double) {
  const auto golden = adwin_golden::cases[1];
  const auto values = golden_stream(golden);
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> batch(static_cast<Eigen::Index>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i) {
    batch(static_cast<Eigen::Index>(i)) = static_cast<Scalar>(values[i]);
  }
  adwin_options options;
  options.clock = 1;
  adwin one_by_one(options);
  std::vector<shiftguard::index> expected;
  for (Eigen::Index i = 0; i < batch.size(); ++i) {
    if (one_by_one.update(static_cast<double>(batch(i))).drift_detected()) expected.push_back(i);
  }
  adwin batched(options);
  const auto events = batched.update_many(batch);
  CHECK(events.drift_indices == expected);
  CHECK(events.warning_indices.empty());
  CHECK_FALSE(expected.empty());
  CHECK(batched.width() == one_by_one.width());
  CHECK(batched.total() == one_by_one.total());
  CHECK(batched.variance() == one_by_one.variance());
}

TEST_CASE("adwin: save mid-stream, load, and both continue identically") {
  auto values = normal_stream(3000, 21, 0.0);
  const auto shifted = normal_stream(3000, 22, 0.8);
  values.insert(values.end(), shifted.begin(), shifted.end());
  for (std::size_t cut : {0UL, 1UL, 77UL, 2500UL, 3100UL}) {
    CAPTURE(cut);
    adwin_options options;
    options.clock = 3;
    options.nan_handling = shiftguard::nan_policy::omit;
    adwin original(options);
    for (std::size_t i = 0; i < cut; ++i) original.update(values[i]);
    const std::string bytes = original.save();
    adwin restored = adwin::load(bytes);
    CHECK(restored.save() == bytes);
    CHECK(restored.options().nan_handling == shiftguard::nan_policy::omit);
    CHECK(restored.options().clock == 3);
    const std::vector<double> rest(values.begin() + static_cast<std::ptrdiff_t>(cut),
                                   values.end());
    const auto expected = detections(original, rest);
    CHECK(detections(restored, rest) == expected);
    CHECK(restored.width() == original.width());
    CHECK(restored.total() == original.total());
    CHECK(restored.variance() == original.variance());
  }
}

TEST_CASE("adwin: a state saved right after a drift keeps the flag and restarts next") {
  adwin_options options;
  options.clock = 1;
  adwin detector(options);
  for (int i = 0; i < 200; ++i) detector.update(0.0);
  while (!detector.update(10.0).drift_detected()) {
  }
  adwin restored = adwin::load(detector.save());
  CHECK(restored.drift_detected());
  CHECK(restored.n_detections() == 1);
  CHECK(restored.width() == detector.width());
  restored.update(1.0);
  CHECK(restored.width() == 1);
  CHECK(restored.n_detections() == 0);
}

TEST_CASE("adwin: truncated or corrupted states throw format_error") {
  adwin_options options;
  options.max_buckets = 3;
  adwin detector(options);
  for (double x : normal_stream(500, 5, 1.0)) detector.update(x);
  const std::string bytes = detector.save();
  REQUIRE(detector.n_bucket_rows() > 3);
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    CAPTURE(length);
    CHECK_THROWS_AS(adwin::load(bytes.substr(0, length)), shiftguard::format_error);
  }
  for (std::size_t position = 0; position < bytes.size(); ++position) {
    CAPTURE(position);
    std::string corrupted = bytes;
    corrupted[position] = static_cast<char>(corrupted[position] ^ 0x5A);
    CHECK_THROWS_AS(adwin::load(corrupted), shiftguard::format_error);
  }
  CHECK_THROWS_AS(adwin::load(bytes + "x"), shiftguard::format_error);
}

TEST_CASE("adwin: states with a valid checksum but impossible contents throw format_error") {
  const auto message_of = [](const std::string& bytes) {
    try {
      adwin::load(bytes);
    } catch (const shiftguard::format_error& error) {
      return std::string(error.what());
    }
    return std::string("loaded");
  };
  {  // consistent: width 1 + 2 * 2 = 5 with rows [1], [a, b]
    raw_state state;
    state.writer.write_i64(5);
    state.writer.write_f64(5.0);
    state.writer.write_f64(0.0);
    state.writer.write_u64(2);
    state.row({1.0});
    state.row({2.0, 2.0});
    CHECK(message_of(state.bytes()) == "loaded");
  }
  {  // width does not match the buckets
    raw_state state;
    state.writer.write_i64(6);
    state.writer.write_f64(5.0);
    state.writer.write_f64(0.0);
    state.writer.write_u64(2);
    state.row({1.0});
    state.row({2.0, 2.0});
    CHECK(message_of(state.bytes()).find("width") != std::string::npos);
  }
  {  // a row holds more than max_buckets buckets
    raw_state state;
    state.writer.write_i64(3);
    state.writer.write_f64(3.0);
    state.writer.write_f64(0.0);
    state.writer.write_u64(1);
    state.row({1.0, 1.0, 1.0});
    CHECK(message_of(state.bytes()).find("row 0") != std::string::npos);
  }
  {  // an empty last row
    raw_state state;
    state.writer.write_i64(2);
    state.writer.write_f64(2.0);
    state.writer.write_f64(0.0);
    state.writer.write_u64(2);
    state.row({1.0, 1.0});
    state.row({});
    CHECK(message_of(state.bytes()).find("row 1") != std::string::npos);
  }
  {  // too many rows
    raw_state state;
    state.writer.write_i64(0);
    state.writer.write_f64(0.0);
    state.writer.write_f64(0.0);
    state.writer.write_u64(1000000);
    CHECK(message_of(state.bytes()).find("rows") != std::string::npos);
  }
  {  // a row count far beyond the data
    raw_state state;
    state.writer.write_i64(1);
    state.writer.write_f64(1.0);
    state.writer.write_f64(0.0);
    state.writer.write_u64(1);
    state.writer.write_u64(std::numeric_limits<std::uint64_t>::max());
    CHECK(message_of(state.bytes()).find("row 0") != std::string::npos);
  }
  {  // options out of range
    shiftguard::serialization::binary_writer writer;
    writer.write_u8(0);
    writer.write_bool(false);
    writer.write_bool(false);
    writer.write_f64(1.5);  // delta
    for (std::int64_t option : {32, 5, 5, 10}) writer.write_i64(option);
    CHECK(message_of(writer.finish(adwin::type_tag, 1)).find("delta") != std::string::npos);
  }
  // payload ends after n_detections
  CHECK(message_of(raw_state().bytes()).find("payload ends") != std::string::npos);
  // a different detector's state
  CHECK(message_of(stream::page_hinkley().save()).find("page_hinkley") != std::string::npos);
}

TEST_CASE("adwin: bad options throw invalid_argument naming the parameter") {
  const auto check = [](adwin_options options, const char* name) {
    CAPTURE(name);
    CHECK(expect_option_error(options).find(name) != std::string::npos);
  };
  adwin_options options;
  for (double delta : {0.0, 1.0, -0.1, 2.0, std::nan("")}) {
    options = {};
    options.delta = delta;
    check(options, "delta");
  }
  options = {};
  options.clock = 0;
  check(options, "clock");
  options.clock = std::int64_t{1} << 31;
  check(options, "clock");
  options = {};
  options.max_buckets = 0;
  check(options, "max_buckets");
  options.max_buckets = (std::int64_t{1} << 20) + 1;
  check(options, "max_buckets");
  options = {};
  options.min_window_length = 0;
  check(options, "min_window_length");
  options = {};
  options.grace_period = -1;
  check(options, "grace_period");
  options = {};
  options.clock = 1;
  options.max_buckets = 1;
  options.min_window_length = 1;
  options.grace_period = 0;
  CHECK(expect_option_error(options) == "no error");
}

TEST_CASE("adwin: non-finite values raise with their position or are omitted") {
  adwin raising;
  raising.update(1.0);
  try {
    raising.update(std::nan(""));
    FAIL("no exception");
  } catch (const shiftguard::invalid_argument& error) {
    CHECK(std::string(error.what()).find("x is NaN") != std::string::npos);
  }
  Eigen::VectorXd batch(4);
  batch << 1.0, 2.0, std::numeric_limits<double>::infinity(), 3.0;
  try {
    raising.update_many(batch);
    FAIL("no exception");
  } catch (const shiftguard::invalid_argument& error) {
    CHECK(std::string(error.what()).find("values[2] is infinite") != std::string::npos);
  }
  CHECK(raising.width() == 1);  // nothing of the bad batch was processed

  adwin_options options;
  options.nan_handling = shiftguard::nan_policy::omit;
  adwin omitting(options);
  omitting.update_many(batch);
  omitting.update(std::nan(""));
  CHECK(omitting.width() == 3);
  CHECK(omitting.total() == 6.0);
}

TEST_CASE("adwin: memory grows with the logarithm of the window") {
  adwin detector;
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::size_t rows_at_1000 = 0;
  for (int i = 1; i <= 1000000; ++i) {
    detector.update(uniform(rng));
    if (i == 1000) rows_at_1000 = detector.n_bucket_rows();
  }
  REQUIRE(detector.width() == 1000000);
  // 5 buckets of each size 1, 2, 4, ...: about log2(1e6 / 5) rows.
  const auto rows = detector.n_bucket_rows();
  CHECK(rows >= 17);
  CHECK(rows <= 19);
  CHECK(rows_at_1000 <= 8);
  CHECK(detector.allocated_bucket_rows() == rows);
  CHECK(detector.n_buckets() <= 5 * static_cast<std::int64_t>(rows));
  // The serialized state is as small as the histogram.
  CHECK(detector.save().size() < 200 + 16 * 5 * rows + 8 * rows);
  // reset keeps the storage: no allocation when the window grows again
  detector.reset();
  CHECK(detector.width() == 0);
  CHECK(detector.n_bucket_rows() == 1);
  CHECK(detector.allocated_bucket_rows() == rows);
}

TEST_CASE("adwin: reset forgets everything but the options") {
  adwin_options options;
  options.delta = 0.01;
  adwin detector(options);
  for (double x : normal_stream(300, 1, 4.0)) detector.update(x);
  detector.reset();
  CHECK(detector.width() == 0);
  CHECK(detector.total() == 0.0);
  CHECK(detector.variance() == 0.0);
  CHECK(detector.n_detections() == 0);
  CHECK_FALSE(detector.drift_detected());
  CHECK(detector.options().delta == 0.01);
  CHECK(detector.save() == adwin(options).save());
}
