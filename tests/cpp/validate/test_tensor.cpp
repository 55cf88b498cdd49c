// Tests of shiftguard/validate/tensor.hpp against direct loops over the logical indices.

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xstrided_view.hpp>
#include <xtensor/xview.hpp>

#include "shiftguard/validate/tensor.hpp"

namespace validate = shiftguard::validate;

namespace {

// N x H x W x C batch of normal values (floating T) or uniform integers in [lo, hi].
template <class T>
xt::xarray<T> image_batch(std::size_t n, std::size_t h, std::size_t w, std::size_t c,
                          std::uint64_t seed, double mean = 0.5, double scale = 0.2) {
  std::mt19937_64 rng(seed);
  xt::xarray<T> batch = xt::zeros<T>({n, h, w, c});
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<int> uniform(0, 255);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::size_t channel = i % c;
    if constexpr (std::is_floating_point_v<T>) {
      batch.data()[i] = static_cast<T>(mean + 0.1 * channel + scale * normal(rng));
    } else {
      batch.data()[i] = static_cast<T>(uniform(rng) / (channel + 1));
    }
  }
  return batch;
}

// Reference statistics by a plain loop over logical indices (long double sums).
struct direct_stats {
  std::vector<double> mean, std, spread;
  std::uint64_t n_nan = 0;
};

template <class E>
direct_stats direct(const E& batch, std::size_t channel_axis) {
  const auto& shape = batch.shape();
  const std::size_t n = shape[0];
  const std::size_t channels = shape[channel_axis];
  std::vector<long double> sum(channels, 0), sum_sq(channels, 0);
  std::vector<std::vector<long double>> sample_sum(n, std::vector<long double>(channels, 0));
  std::vector<std::vector<std::uint64_t>> sample_count(n, std::vector<std::uint64_t>(channels, 0));
  std::vector<std::uint64_t> count(channels, 0);
  direct_stats out;
  xt::xarray<double> values = xt::cast<double>(batch);  // evaluated copy, logical order
  std::vector<std::size_t> index(shape.size(), 0);
  for (std::size_t flat = 0; flat < values.size(); ++flat) {
    std::size_t rest = flat;
    for (std::size_t a = shape.size(); a-- > 0;) {
      index[a] = rest % shape[a];
      rest /= shape[a];
    }
    const double v = values.data()[flat];
    if (!std::isfinite(v)) {
      out.n_nan += std::isnan(v);
      continue;
    }
    const std::size_t c = index[channel_axis];
    sum[c] += v;
    sum_sq[c] += static_cast<long double>(v) * v;
    ++count[c];
    sample_sum[index[0]][c] += v;
    ++sample_count[index[0]][c];
  }
  for (std::size_t c = 0; c < channels; ++c) {
    const long double m = sum[c] / count[c];
    out.mean.push_back(static_cast<double>(m));
    out.std.push_back(static_cast<double>(std::sqrt(sum_sq[c] / count[c] - m * m)));
    long double s = 0, s2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const long double mi = sample_sum[i][c] / sample_count[i][c];
      s += mi;
      s2 += mi * mi;
    }
    out.spread.push_back(static_cast<double>(std::sqrt((s2 - s * s / n) / (n - 1))));
  }
  return out;
}

bool has_kind(const std::vector<validate::tensor_anomaly>& anomalies, const std::string& kind) {
  for (const auto& a : anomalies)
    if (a.kind == kind) return true;
  return false;
}

const validate::tensor_anomaly& find_kind(const std::vector<validate::tensor_anomaly>& anomalies,
                                          const std::string& kind) {
  for (const auto& a : anomalies)
    if (a.kind == kind) return a;
  FAIL("no anomaly of kind " << kind);
  return anomalies.front();
}

}  // namespace

TEST_CASE_TEMPLATE("per-channel statistics equal a direct loop, for any layout", T, float, double,
                   std::uint8_t, std::int32_t) {
  const auto batch = image_batch<T>(37, 5, 6, 3, 11);
  const auto expected = direct(batch, 3);
  const double tolerance = std::is_same_v<T, float> ? 1e-6 : 1e-10;
  auto check = [&](const auto& view, std::size_t channel_axis) {
    validate::tensor_summary_options options;
    options.channel_axis = static_cast<int>(channel_axis);
    const auto s = validate::summarize_tensor(view, options);
    const auto e = direct(view, channel_axis);
    REQUIRE(s.n_channels == static_cast<std::int64_t>(e.mean.size()));
    for (std::size_t c = 0; c < e.mean.size(); ++c) {
      CHECK(s.channel_mean[c] == doctest::Approx(e.mean[c]).epsilon(tolerance));
      CHECK(s.channel_std[c] == doctest::Approx(e.std[c]).epsilon(tolerance));
      CHECK(s.channel_mean_spread[c] == doctest::Approx(e.spread[c]).epsilon(tolerance));
    }
    CHECK(s.blank_samples.empty());
    return s;
  };
  const auto plain = check(batch, 3);
  for (std::size_t c = 0; c < 3; ++c) {
    CHECK(plain.channel_mean[c] == doctest::Approx(expected.mean[c]).epsilon(tolerance));
  }
  // Channels first (N x C x H x W) through a transposed view: same numbers, channel axis 1.
  const auto nchw = xt::transpose(batch, {0, 3, 1, 2});
  const auto t = check(nchw, 1);
  for (std::size_t c = 0; c < 3; ++c) {
    CHECK(t.channel_mean[c] == doctest::Approx(plain.channel_mean[c]).epsilon(1e-12));
  }
  // A strided slice: every other sample, reversed rows, a crop of the columns.
  const auto sliced = xt::strided_view(
      batch, {xt::range(1, 37, 2), xt::range(4, xt::placeholders::_, -1), xt::range(1, 5), xt::all()});
  check(sliced, 3);
  // Through tensor_view on the raw buffer with explicit (here C-order) strides.
  const auto raw = validate::tensor_view(batch.data(), {37, 5, 6, 3}, {90, 18, 3, 1});
  const auto r = check(raw, 3);
  CHECK(r.channel_mean == plain.channel_mean);
}

TEST_CASE("tensor_view reads negative and zero strides in place") {
  std::vector<double> buffer(24);
  for (std::size_t i = 0; i < buffer.size(); ++i) buffer[i] = static_cast<double>(i);
  // Samples reversed: element (0, j) is buffer[(3 - 0) * 6 + j].
  const auto reversed = validate::tensor_view(buffer.data() + 18, {4, 6}, {-6, 1});
  validate::tensor_summary_options options;
  options.minimum = 5.5;
  options.maximum = 100;
  const auto s = validate::summarize_tensor(reversed, options);
  CHECK(s.channel_mean[0] == doctest::Approx(11.5));
  CHECK(s.out_of_range_samples == std::vector<std::int64_t>{3});  // buffer[0..5] is the last sample
  CHECK(s.n_below == 6);
  // A zero stride repeats one row: every sample equals buffer[0..6).
  const auto repeated = validate::tensor_view(buffer.data(), {5, 6}, {0, 1});
  const auto r = validate::summarize_tensor(repeated);
  CHECK(r.channel_mean[0] == doctest::Approx(2.5));
  CHECK(r.channel_mean_spread[0] == 0.0);
  CHECK(r.n_samples == 5);
}

TEST_CASE("NaN, infinity, range and blank samples are found at their indices") {
  auto batch = image_batch<float>(20, 4, 4, 3, 3);
  auto reference = image_batch<float>(50, 4, 4, 3, 4);
  validate::tensor_infer_options infer;
  infer.range_margin = 0.5;
  const auto schema = validate::infer_tensor_schema(reference, infer);
  CHECK(schema.shape == std::vector<std::int64_t>{-1, 4, 4, 3});
  CHECK(schema.dtype == "float32");
  CHECK(schema.channel_axis == 3);
  CHECK(validate::validate_tensor(batch, schema).empty());

  batch(2, 1, 1, 0) = std::numeric_limits<float>::quiet_NaN();
  batch(9, 0, 3, 2) = std::numeric_limits<float>::quiet_NaN();
  batch(9, 1, 3, 2) = std::numeric_limits<float>::quiet_NaN();
  batch(5, 3, 3, 1) = -std::numeric_limits<float>::infinity();
  batch(7, 0, 0, 0) = 1e6f;
  batch(11, 2, 0, 1) = -50.0f;
  xt::view(batch, 14) = 0.25f;  // blank
  const auto anomalies = validate::validate_tensor(batch, schema);
  const auto& nan = find_kind(anomalies, "nan");
  CHECK(nan.samples == std::vector<std::int64_t>{2, 9});
  CHECK(nan.count == 2);
  CHECK(nan.message.find("3 NaN values in 2 samples") != std::string::npos);
  CHECK(nan.severity == "error");
  CHECK(find_kind(anomalies, "infinite").samples == std::vector<std::int64_t>{5});
  const auto& range = find_kind(anomalies, "out_of_range");
  CHECK(range.samples == std::vector<std::int64_t>{7, 11});
  CHECK(range.message.find("1 below, 1 above") != std::string::npos);
  CHECK(find_kind(anomalies, "blank_sample").samples == std::vector<std::int64_t>{14});
  // Same anomalies whatever the thread count.
  for (int threads : {1, 2, 3}) {
    validate::tensor_validate_options options;
    options.n_threads = threads;
    const auto again = validate::validate_tensor(batch, schema, options);
    REQUIRE(again.size() == anomalies.size());
    for (std::size_t k = 0; k < again.size(); ++k) CHECK(again[k].message == anomalies[k].message);
  }
  // Allowing NaN and infinity silences those two.
  auto lenient = schema;
  lenient.allow_nan = true;
  lenient.allow_infinite = true;
  const auto fewer = validate::validate_tensor(batch, lenient);
  CHECK_FALSE(has_kind(fewer, "nan"));
  CHECK_FALSE(has_kind(fewer, "infinite"));
  CHECK(has_kind(fewer, "out_of_range"));
}

TEST_CASE("blank by epsilon, shape, dtype and too few samples") {
  auto batch = image_batch<double>(10, 3, 3, 2, 5);
  xt::view(batch, 4) = 0.5 + 1e-4 * xt::view(image_batch<double>(1, 3, 3, 2, 6), 0);
  validate::tensor_infer_options infer;
  infer.channel_axis = std::nullopt;
  infer.blank_epsilon = 1e-3;
  infer.range_margin = 1.0;
  const auto schema = validate::infer_tensor_schema(batch, infer);
  CHECK_FALSE(schema.channel_axis.has_value());
  CHECK(schema.channel_mean.size() == 1);
  const auto blank = validate::validate_tensor(batch, schema);
  CHECK(find_kind(blank, "blank_sample").samples == std::vector<std::int64_t>{4});

  const auto other = image_batch<float>(3, 3, 4, 2, 1);
  const auto anomalies = validate::validate_tensor(other, schema);
  CHECK(find_kind(anomalies, "shape").message.find("axis 2 has size 4, expected 3") !=
        std::string::npos);
  CHECK(find_kind(anomalies, "dtype").message == "batch has dtype float32, the schema expects float64");
  auto strict = schema;
  strict.min_samples = 5;
  CHECK(has_kind(validate::validate_tensor(other, strict), "too_few_samples"));
  const xt::xarray<double> flat = xt::zeros<double>({4, 18});
  CHECK(find_kind(validate::validate_tensor(flat, schema), "shape").message.find("2 axes") !=
        std::string::npos);
}

TEST_CASE("channel mean and std drift against the reference") {
  const auto reference = image_batch<double>(200, 4, 4, 3, 21);
  validate::tensor_infer_options infer;
  infer.infer_range = false;
  const auto schema = validate::infer_tensor_schema(reference, infer);
  CHECK(std::isinf(schema.minimum));
  const auto same = image_batch<double>(100, 4, 4, 3, 22);
  CHECK(validate::validate_tensor(same, schema).empty());
  auto shifted = same;
  xt::view(shifted, xt::all(), xt::all(), xt::all(), 1) += 0.05;
  auto scaled = same;
  xt::view(scaled, xt::all(), xt::all(), xt::all(), 2) *= 1.5;
  const auto a = validate::validate_tensor(shifted, schema);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == "channel_mean");
  CHECK(a[0].channel == 1);
  const auto b = validate::validate_tensor(scaled, schema);
  CHECK(has_kind(b, "channel_std"));
  CHECK(find_kind(b, "channel_std").channel == 2);
}

TEST_CASE("bad input") {
  const xt::xarray<double> scalar = 1.0;
  CHECK_THROWS_AS(validate::summarize_tensor(scalar), shiftguard::shape_error);
  const xt::xarray<double> one = xt::zeros<double>({1, 3});
  CHECK_THROWS_WITH_AS(validate::infer_tensor_schema(one), doctest::Contains("at least 2 samples"),
                       shiftguard::shape_error);
  const xt::xarray<double> batch = xt::zeros<double>({4, 3});
  validate::tensor_infer_options infer;
  infer.channel_axis = 2;
  CHECK_THROWS_WITH_AS(validate::infer_tensor_schema(batch, infer),
                       doctest::Contains("channel_axis 2 is out of range"),
                       shiftguard::invalid_argument);
  infer.channel_axis = 0;
  CHECK_THROWS_AS(validate::infer_tensor_schema(batch, infer), shiftguard::invalid_argument);
  validate::tensor_schema schema;
  schema.minimum = 2;
  schema.maximum = 1;
  CHECK_THROWS_WITH_AS(validate::validate_tensor(batch, schema),
                       doctest::Contains("schema.minimum must be <= schema.maximum"),
                       shiftguard::invalid_argument);
  schema = {};
  schema.channel_mean = {0.0};
  CHECK_THROWS_WITH_AS(validate::validate_tensor(batch, schema),
                       doctest::Contains("same length"), shiftguard::invalid_argument);
  schema = {};
  schema.mean_tolerance = 0;
  CHECK_THROWS_AS(validate::validate_tensor(batch, schema), shiftguard::invalid_argument);
  CHECK_THROWS_AS(validate::tensor_view(batch.data(), {4, 3}, {3}), shiftguard::shape_error);
  // Empty batches are not an error: the shape check and min_samples speak for them.
  const xt::xarray<double> empty = xt::zeros<double>({0, 3});
  validate::tensor_schema any;
  CHECK(has_kind(validate::validate_tensor(empty, any), "too_few_samples"));
}

TEST_CASE("many channels: bounded partials, same result for any thread count") {
  // N x F with one channel per feature: 300 samples x 40000 channels.
  const std::size_t n = 300, f = 40000;
  std::vector<double> buffer(n * f);
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (auto& v : buffer) v = normal(rng);
  const auto batch = validate::tensor_view(buffer.data(), {n, f}, {static_cast<std::ptrdiff_t>(f), 1});
  validate::tensor_summary_options options;
  options.channel_axis = 1;
  options.n_threads = 1;
  const auto one = validate::summarize_tensor(batch, options);
  options.n_threads = 2;
  const auto two = validate::summarize_tensor(batch, options);
  CHECK(one.channel_mean == two.channel_mean);
  CHECK(one.channel_std == two.channel_std);
  for (std::size_t c : {std::size_t{0}, std::size_t{12345}, f - 1}) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += buffer[i * f + c];
    CHECK(one.channel_mean[c] == doctest::Approx(sum / n).epsilon(1e-12));
  }
}
