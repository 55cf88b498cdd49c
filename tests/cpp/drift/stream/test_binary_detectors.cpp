// Tests of the binary error-stream detectors (drift/stream/ddm.hpp, eddm.hpp, hddm_a.hpp,
// hddm_w.hpp). Oracle: river 0.26.1's drift.binary detectors, through the positions in
// golden/binary_golden.hpp (made by golden/make_binary_golden.py); the Python tests compare
// with river directly on many more streams.

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "golden/binary_golden.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/drift/stream/ddm.hpp"
#include "shiftguard/drift/stream/eddm.hpp"
#include "shiftguard/drift/stream/hddm_a.hpp"
#include "shiftguard/drift/stream/hddm_w.hpp"

namespace stream = shiftguard::drift::stream;
using position = shiftguard::index;

namespace {

// The option lists the golden cases' `setting` indexes (same order as the generator).
const std::vector<stream::ddm_options> ddm_settings = {stream::ddm_options{},
                                                       stream::ddm_options{10, 1.5, 2.5}};
const std::vector<stream::eddm_options> eddm_settings = {stream::eddm_options{},
                                                         stream::eddm_options{30, 0.8, 0.75}};
const std::vector<stream::hddm_a_options> hddm_a_settings = {
    stream::hddm_a_options{}, stream::hddm_a_options{0.001, 0.005, true}};
const std::vector<stream::hddm_w_options> hddm_w_settings = {
    stream::hddm_w_options{}, stream::hddm_w_options{0.001, 0.005, 0.05, true}};

Eigen::VectorXd as_vector(const std::vector<double>& values) {
  return Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<position>(values.size()));
}

std::vector<double> golden_stream(const std::string& name) {
  for (const auto& spec : shiftguard::test::binary_golden_streams) {
    if (name == spec.name) return shiftguard::test::binary_golden_stream(spec);
  }
  FAIL("no golden stream " << name);
  return {};
}

// Positions after one update at a time.
template <class Detector>
stream::stream_events run_one_by_one(Detector& detector, const std::vector<double>& values) {
  stream::stream_events events;
  for (std::size_t i = 0; i < values.size(); ++i) {
    detector.update(values[i]);
    if (detector.drift_detected()) events.drift_indices.push_back(static_cast<position>(i));
    if (detector.warning_detected()) events.warning_indices.push_back(static_cast<position>(i));
  }
  return events;
}

std::vector<std::int64_t> as_int64(const std::vector<position>& positions) {
  return {positions.begin(), positions.end()};
}

template <class Detector, class Options>
void check_golden(const shiftguard::test::binary_golden_case& golden, const Options& options) {
  const auto values = golden_stream(golden.stream);
  Detector batched(options);
  const auto events = batched.update_many(as_vector(values));
  CHECK(as_int64(events.drift_indices) == golden.drift_indices);
  CHECK(as_int64(events.warning_indices) == golden.warning_indices);
  Detector single(options);
  const auto one_by_one = run_one_by_one(single, values);
  CHECK(one_by_one.drift_indices == events.drift_indices);
  CHECK(one_by_one.warning_indices == events.warning_indices);
  CHECK(single.save() == batched.save());
}

// A state with valid container, flags and options but chosen fields, to check that the
// loader rejects impossible values (the checksum is right, so only validation can).
std::string craft_state(
    const char* tag, const std::function<void(shiftguard::serialization::binary_writer&)>& body) {
  shiftguard::serialization::binary_writer writer;
  writer.write_u8(0);  // nan_policy raise
  writer.write_bool(false);
  writer.write_bool(false);
  body(writer);
  return writer.finish(tag, 1);
}

template <class Detector>
void check_truncation_and_corruption(Detector detector, const std::vector<double>& values) {
  detector.update_many(as_vector(values));
  const std::string bytes = detector.save();
  CHECK_NOTHROW(Detector::load(bytes));
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    CHECK_THROWS_AS(Detector::load(bytes.substr(0, length)), shiftguard::format_error);
  }
  for (std::size_t position = 0; position < bytes.size(); ++position) {
    std::string corrupted = bytes;
    corrupted[position] = static_cast<char>(corrupted[position] ^ 0x5A);
    CHECK_THROWS_AS(Detector::load(corrupted), shiftguard::format_error);
  }
  CHECK_THROWS_AS(Detector::load(bytes + '\0'), shiftguard::format_error);
}

template <class Detector>
void check_save_load_continuation(const typename Detector::options_type& options,
                                  const std::vector<double>& values) {
  for (std::size_t split : {std::size_t{0}, std::size_t{1}, std::size_t{500}, std::size_t{1017},
                            values.size() - 1, values.size()}) {
    const std::vector<double> head(values.begin(), values.begin() + static_cast<long>(split));
    const std::vector<double> tail(values.begin() + static_cast<long>(split), values.end());
    Detector original(options);
    original.update_many(as_vector(head));
    Detector restored = Detector::load(original.save());
    CHECK(restored.drift_detected() == original.drift_detected());
    CHECK(restored.warning_detected() == original.warning_detected());
    const auto expected = original.update_many(as_vector(tail));
    const auto continued = restored.update_many(as_vector(tail));
    CHECK(continued.drift_indices == expected.drift_indices);
    CHECK(continued.warning_indices == expected.warning_indices);
    CHECK(restored.save() == original.save());
  }
}

template <class Detector>
void check_value_checks(Detector detector) {
  detector.update_many(as_vector({0, 1, 1, 0}));
  const std::string before = detector.save();
  for (double bad : {0.5, 2.0, -1.0}) {
    CHECK_THROWS_WITH_AS(detector.update(bad),
                         doctest::Contains("an error stream takes only 0 (correct) and 1"),
                         shiftguard::invalid_argument);
    CHECK_THROWS_WITH_AS(detector.update_many(as_vector({0, 1, bad, 1})),
                         doctest::Contains("values[2] is"), shiftguard::invalid_argument);
  }
  CHECK_THROWS_WITH_AS(detector.update(2.0), doctest::Contains("x is 2"),
                       shiftguard::invalid_argument);
  CHECK(detector.save() == before);  // rejected batches change nothing

  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(detector.update(nan), doctest::Contains("x is NaN"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(detector.update_many(as_vector({0, 1, 1, -HUGE_VAL})),
                       doctest::Contains("values[3] is infinite"), shiftguard::invalid_argument);
  CHECK(detector.save() == before);

  auto options = detector.options();
  options.nan_handling = shiftguard::nan_policy::omit;
  Detector lenient(options);
  Detector plain(options);
  const auto events = lenient.update_many(as_vector({1, nan, 0, 1, HUGE_VAL, 0}));
  plain.update_many(as_vector({1, 0, 1, 0}));
  lenient.update(nan);
  CHECK(events.drift_indices.empty());
  CHECK(lenient.save() == plain.save());
  CHECK(Detector::load(lenient.save()).options().nan_handling == shiftguard::nan_policy::omit);
}

}  // namespace

TEST_CASE("binary detectors give river's drift and warning positions") {
  for (const auto& golden : shiftguard::test::binary_golden_cases) {
    const std::string name = golden.detector;
    const auto setting = static_cast<std::size_t>(golden.setting);
    CAPTURE(name);
    CAPTURE(golden.setting);
    CAPTURE(golden.stream);
    if (name == "ddm") check_golden<stream::ddm>(golden, ddm_settings.at(setting));
    if (name == "eddm") check_golden<stream::eddm>(golden, eddm_settings.at(setting));
    if (name == "hddm_a") check_golden<stream::hddm_a>(golden, hddm_a_settings.at(setting));
    if (name == "hddm_w") check_golden<stream::hddm_w>(golden, hddm_w_settings.at(setting));
  }
}

TEST_CASE_TEMPLATE("binary detectors take 0/1 values of any numeric type in update_many", Scalar,
                   float, double, int) {
  const auto values = golden_stream("rise");
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> typed(static_cast<position>(values.size()));
  for (position i = 0; i < typed.size(); ++i) {
    typed(i) = static_cast<Scalar>(values[static_cast<std::size_t>(i)]);
  }
  stream::hddm_w typed_detector;
  stream::hddm_w reference;
  CHECK(typed_detector.update_many(typed).drift_indices ==
        reference.update_many(as_vector(values)).drift_indices);
  CHECK(typed_detector.save() == reference.save());
}

TEST_CASE("binary detectors on small streams") {
  SUBCASE("DDM: an error after a run of correct predictions past warm_start is drift") {
    stream::ddm detector(stream::ddm_options{5, 2.0, 3.0});
    for (int i = 0; i < 20; ++i) CHECK_FALSE(detector.update(0).drift_detected());
    CHECK(std::isnan(detector.p_min()) == false);
    CHECK(detector.p_min() == 0.0);
    CHECK(detector.update(1).drift_detected());
    CHECK_FALSE(detector.warning_detected());  // drift clears the warning
    CHECK(detector.n_seen() == 21);
    detector.update(0);  // starts afresh
    CHECK(detector.n_seen() == 1);
    CHECK_FALSE(detector.drift_detected());
    CHECK(std::isnan(detector.p_min()));
  }
  SUBCASE("DDM: nothing before warm_start") {
    stream::ddm detector(stream::ddm_options{30, 2.0, 3.0});
    const auto events = detector.update_many(as_vector(std::vector<double>(30, 1.0)));
    CHECK(events.drift_indices.empty());
    CHECK(events.warning_indices.empty());
    CHECK(detector.error_rate() == 1.0);
  }
  SUBCASE("EDDM: the distances between errors") {
    stream::eddm detector;
    detector.update_many(as_vector({0, 1, 0, 0, 1, 1}));  // distances 2, 3, 1
    CHECK(detector.n_seen() == 6);
    CHECK(detector.n_errors() == 3);
    CHECK(detector.mean_distance() == doctest::Approx(2.0));
    CHECK(detector.std_distance() == doctest::Approx(1.0));
    CHECK(detector.max_level() == -1.0);
  }
  SUBCASE("HDDM_A and HDDM_W: error rates") {
    stream::hddm_a hddm_a;
    hddm_a.update_many(as_vector({1, 0, 0, 0}));
    CHECK(hddm_a.n_seen() == 4);
    CHECK(hddm_a.error_rate() == 0.25);
    stream::hddm_w hddm_w(stream::hddm_w_options{0.001, 0.005, 0.5, false});
    hddm_w.update(1);
    CHECK(hddm_w.error_rate() == 1.0);  // the first value starts the weighted mean
    hddm_w.update(0);
    CHECK(hddm_w.error_rate() == 0.5);
    hddm_w.reset();
    CHECK(hddm_w.error_rate() == 0.0);
  }
  SUBCASE("no errors, no events") {
    const Eigen::VectorXd zeros = Eigen::VectorXd::Zero(3000);
    CHECK(stream::ddm().update_many(zeros).drift_indices.empty());
    CHECK(stream::eddm().update_many(zeros).drift_indices.empty());
    CHECK(stream::hddm_a(stream::hddm_a_options{0.001, 0.005, true})
              .update_many(zeros)
              .drift_indices.empty());
    CHECK(stream::hddm_w(stream::hddm_w_options{0.001, 0.005, 0.05, true})
              .update_many(zeros)
              .drift_indices.empty());
  }
}

TEST_CASE("binary detectors warn before they signal drift on a rising error rate") {
  // The error rate goes from 10 % to 50 % at position 1000.
  const auto values = golden_stream("rise");
  const std::vector<double> after_change(values.begin() + 1000, values.end());
  auto check = [&](auto detector) {
    const auto events = detector.update_many(as_vector(after_change));
    REQUIRE_FALSE(events.drift_indices.empty());
    REQUIRE_FALSE(events.warning_indices.empty());
    CHECK(events.warning_indices.front() < events.drift_indices.front());
  };
  // warm the detectors on the low error rate first
  auto warmed = [&](auto detector) {
    detector.update_many(as_vector(std::vector<double>(values.begin(), values.begin() + 1000)));
    detector.reset();
    detector.update_many(
        as_vector(std::vector<double>(values.begin() + 500, values.begin() + 1000)));
    return detector;
  };
  check(warmed(stream::ddm()));
  check(warmed(stream::eddm(stream::eddm_options{30, 0.8, 0.75})));
  check(warmed(stream::hddm_a()));
  check(warmed(stream::hddm_w()));
}

TEST_CASE("binary detectors: save mid-stream, load, identical continuation") {
  const auto values = golden_stream("rise");
  check_save_load_continuation<stream::ddm>(stream::ddm_options{}, values);
  check_save_load_continuation<stream::eddm>(stream::eddm_options{30, 0.8, 0.75}, values);
  check_save_load_continuation<stream::hddm_a>(stream::hddm_a_options{0.001, 0.005, true}, values);
  check_save_load_continuation<stream::hddm_w>(stream::hddm_w_options{0.001, 0.005, 0.1, true},
                                               values);
}

TEST_CASE("binary detectors: truncated or corrupted states throw format_error") {
  const auto values = golden_stream("gradual");
  check_truncation_and_corruption(stream::ddm(), values);
  check_truncation_and_corruption(stream::eddm(), values);
  check_truncation_and_corruption(stream::hddm_a(), values);
  check_truncation_and_corruption(stream::hddm_w(), values);
  // a state of another detector
  CHECK_THROWS_WITH_AS(stream::ddm::load(stream::eddm().save()),
                       doctest::Contains("holds a 'drift.stream.eddm'"), shiftguard::format_error);
}

TEST_CASE("binary detectors: impossible saved values throw format_error") {
  using writer = shiftguard::serialization::binary_writer;
  const auto nan = std::numeric_limits<double>::quiet_NaN();
  const auto inf = std::numeric_limits<double>::infinity();
  auto ddm_state = [&](std::int64_t warm_start, double threshold, std::uint64_t count, double rate,
                       double p_min, double s_min, double ps_min) {
    return craft_state("drift.stream.ddm", [=](writer& w) {
      w.write_i64(warm_start);
      w.write_f64(2.0);
      w.write_f64(threshold);
      w.write_u64(count);
      w.write_f64(rate);
      w.write_f64(p_min);
      w.write_f64(s_min);
      w.write_f64(ps_min);
    });
  };
  CHECK_NOTHROW(stream::ddm::load(ddm_state(30, 3.0, 10, 0.5, nan, nan, inf)));
  CHECK_NOTHROW(stream::ddm::load(ddm_state(30, 3.0, 40, 0.5, 0.25, 0.125, 0.375)));
  CHECK_THROWS_WITH_AS(stream::ddm::load(ddm_state(-1, 3.0, 10, 0.5, nan, nan, inf)),
                       doctest::Contains("warm_start"), shiftguard::format_error);
  CHECK_THROWS_WITH_AS(stream::ddm::load(ddm_state(30, -3.0, 10, 0.5, nan, nan, inf)),
                       doctest::Contains("drift_threshold"), shiftguard::format_error);
  CHECK_THROWS_AS(stream::ddm::load(ddm_state(30, 3.0, 10, 1.5, nan, nan, inf)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::ddm::load(ddm_state(30, 3.0, 10, nan, nan, nan, inf)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::ddm::load(ddm_state(30, 3.0, ~0ULL, 0.5, nan, nan, inf)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::ddm::load(ddm_state(30, 3.0, 40, 0.5, nan, nan, inf)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::ddm::load(ddm_state(30, 3.0, 40, 0.5, 0.25, 0.125, 0.5)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::ddm::load(ddm_state(30, 3.0, 10, 0.5, 0.25, 0.125, 0.375)),
                  shiftguard::format_error);

  auto eddm_state = [&](double alpha, std::uint64_t n, std::uint64_t last_error,
                        std::uint64_t n_errors, std::uint64_t n_distances, double mean,
                        double sum_of_squares, double max_level) {
    return craft_state("drift.stream.eddm", [=](writer& w) {
      w.write_i64(30);
      w.write_f64(alpha);
      w.write_f64(0.9);
      w.write_u64(n);
      w.write_u64(last_error);
      w.write_u64(n_errors);
      w.write_u64(n_distances);
      w.write_f64(mean);
      w.write_f64(sum_of_squares);
      w.write_f64(max_level);
    });
  };
  CHECK_NOTHROW(stream::eddm::load(eddm_state(0.95, 10, 9, 3, 3, 3.0, 2.0, -1.0)));
  CHECK_THROWS_WITH_AS(stream::eddm::load(eddm_state(0.8, 10, 9, 3, 3, 3.0, 2.0, -1.0)),
                       doctest::Contains("alpha must be greater than or equal to beta"),
                       shiftguard::format_error);
  CHECK_THROWS_AS(stream::eddm::load(eddm_state(0.95, 10, 11, 3, 3, 3.0, 2.0, -1.0)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::eddm::load(eddm_state(0.95, 10, 9, 11, 11, 3.0, 2.0, -1.0)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::eddm::load(eddm_state(0.95, 10, 9, 3, 4, 3.0, 2.0, -1.0)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::eddm::load(eddm_state(0.95, 10, 9, 3, 3, 3.0, -2.0, -1.0)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::eddm::load(eddm_state(0.95, 10, 9, 3, 3, 3.0, 2.0, -inf)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::eddm::load(eddm_state(0.95, 10, 0, 3, 3, 3.0, 2.0, -1.0)),
                  shiftguard::format_error);

  auto hddm_a_state = [&](double confidence, std::uint64_t n, std::uint64_t n_increase,
                          std::uint64_t n_decrease, double mean) {
    return craft_state("drift.stream.hddm_a", [=](writer& w) {
      w.write_f64(confidence);
      w.write_f64(0.005);
      w.write_bool(true);
      w.write_u64(n);
      w.write_f64(mean);
      w.write_u64(n_increase);
      w.write_f64(mean);
      w.write_u64(n_decrease);
      w.write_f64(mean);
    });
  };
  CHECK_NOTHROW(stream::hddm_a::load(hddm_a_state(0.001, 10, 4, 10, 0.5)));
  CHECK_THROWS_WITH_AS(stream::hddm_a::load(hddm_a_state(1.5, 10, 4, 10, 0.5)),
                       doctest::Contains("drift_confidence"), shiftguard::format_error);
  CHECK_THROWS_AS(stream::hddm_a::load(hddm_a_state(0.001, 10, 11, 10, 0.5)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::hddm_a::load(hddm_a_state(0.001, 10, 0, 10, 0.5)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::hddm_a::load(hddm_a_state(0.001, 10, 4, 10, -0.5)),
                  shiftguard::format_error);

  auto hddm_w_state = [&](double lambda, bool started, double mean, double condition,
                          double increase_cutpoint) {
    return craft_state("drift.stream.hddm_w", [=](writer& w) {
      w.write_f64(0.001);
      w.write_f64(0.005);
      w.write_f64(lambda);
      w.write_bool(false);
      for (int sample = 0; sample < 5; ++sample) {
        w.write_bool(started);
        w.write_f64(mean);
        w.write_f64(condition);
      }
      w.write_f64(increase_cutpoint);
      w.write_f64(started ? 0.1 : -inf);
    });
  };
  CHECK_NOTHROW(stream::hddm_w::load(hddm_w_state(0.05, false, 0.0, 1.0, inf)));
  CHECK_NOTHROW(stream::hddm_w::load(hddm_w_state(0.05, true, 0.3, 0.2, 0.5)));
  CHECK_THROWS_WITH_AS(stream::hddm_w::load(hddm_w_state(0.0, true, 0.3, 0.2, 0.5)),
                       doctest::Contains("lambda_val"), shiftguard::format_error);
  CHECK_THROWS_AS(stream::hddm_w::load(hddm_w_state(0.05, false, 0.3, 1.0, inf)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::hddm_w::load(hddm_w_state(0.05, true, 0.3, 0.0, 0.5)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::hddm_w::load(hddm_w_state(0.05, true, 1.5, 0.2, 0.5)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::hddm_w::load(hddm_w_state(0.05, true, 0.3, 0.2, inf)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::hddm_w::load(hddm_w_state(0.05, true, 0.3, 0.2, nan)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(stream::hddm_w::load(hddm_w_state(0.05, false, 0.0, 1.0, 0.5)),
                  shiftguard::format_error);
}

TEST_CASE("binary detectors: bad options throw invalid_argument naming the parameter") {
  using shiftguard::invalid_argument;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(stream::ddm(stream::ddm_options{-1, 2.0, 3.0}),
                       doctest::Contains("warm_start"), invalid_argument);
  CHECK_THROWS_WITH_AS(stream::ddm(stream::ddm_options{30, -2.0, 3.0}),
                       doctest::Contains("warning_threshold"), invalid_argument);
  CHECK_THROWS_WITH_AS(stream::ddm(stream::ddm_options{30, 2.0, nan}),
                       doctest::Contains("drift_threshold"), invalid_argument);
  CHECK_NOTHROW(stream::ddm(stream::ddm_options{0, 0.0, 0.0}));

  CHECK_THROWS_WITH_AS(stream::eddm(stream::eddm_options{-5, 0.95, 0.9}),
                       doctest::Contains("warm_start"), invalid_argument);
  CHECK_THROWS_WITH_AS(stream::eddm(stream::eddm_options{30, 1.2, 0.9}), doctest::Contains("alpha"),
                       invalid_argument);
  CHECK_THROWS_WITH_AS(stream::eddm(stream::eddm_options{30, 0.95, 0.0}), doctest::Contains("beta"),
                       invalid_argument);
  CHECK_THROWS_WITH_AS(stream::eddm(stream::eddm_options{30, 0.8, 0.9}),
                       doctest::Contains("alpha must be greater than or equal to beta"),
                       invalid_argument);
  CHECK_NOTHROW(stream::eddm(stream::eddm_options{0, 1.0, 1.0}));

  CHECK_THROWS_WITH_AS(stream::hddm_a(stream::hddm_a_options{0.0, 0.005, false}),
                       doctest::Contains("drift_confidence"), invalid_argument);
  CHECK_THROWS_WITH_AS(stream::hddm_a(stream::hddm_a_options{0.001, 1.0, false}),
                       doctest::Contains("warning_confidence"), invalid_argument);
  CHECK_THROWS_WITH_AS(stream::hddm_w(stream::hddm_w_options{nan, 0.005, 0.05, false}),
                       doctest::Contains("drift_confidence"), invalid_argument);
  CHECK_THROWS_WITH_AS(stream::hddm_w(stream::hddm_w_options{0.001, -0.005, 0.05, false}),
                       doctest::Contains("warning_confidence"), invalid_argument);
  CHECK_THROWS_WITH_AS(stream::hddm_w(stream::hddm_w_options{0.001, 0.005, 0.0, false}),
                       doctest::Contains("lambda_val"), invalid_argument);
  CHECK_THROWS_WITH_AS(stream::hddm_w(stream::hddm_w_options{0.001, 0.005, 1.5, false}),
                       doctest::Contains("lambda_val"), invalid_argument);
  CHECK_NOTHROW(stream::hddm_w(stream::hddm_w_options{0.001, 0.005, 1.0, false}));
}

TEST_CASE("binary detectors reject values other than 0 and 1 and follow the NaN policy") {
  check_value_checks(stream::ddm());
  check_value_checks(stream::eddm());
  check_value_checks(stream::hddm_a());
  check_value_checks(stream::hddm_w());
}
