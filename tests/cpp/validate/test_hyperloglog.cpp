// Tests of shiftguard/validate/sketch/hyperloglog.hpp. Oracles: the exact number of distinct
// values (the inputs are distinct by construction), the standard error 1.04 / sqrt(m) of
// Flajolet et al. (2007) with a 3-sigma tolerance over seeded sets, and register-wise
// equality of the sketch of a union with the merge of the parts.

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/core/json.hpp"
#include "shiftguard/validate/sketch/hyperloglog.hpp"

namespace sk = shiftguard::validate::sketch;

TEST_CASE("hyperloglog: estimates within 3 sigma over sizes 10 .. 1e6") {
  const bool long_run = std::getenv("SHIFTGUARD_LONG_TESTS") != nullptr;
  const std::vector<std::size_t> sizes = {10, 100, 1000, 5000, 10000, 12000, 20000, 50000,
                                          100000, 1000000};
  for (const int precision : {10, 12, 14}) {
    for (const std::size_t n : sizes) {
      if (n == 1000000 && precision != 12 && !long_run) continue;
      sk::hyperloglog sketch(precision);
      std::mt19937_64 generator(n * 31 + static_cast<std::size_t>(precision));
      const double offset = static_cast<double>(generator() % 1000000);
      for (std::size_t i = 0; i < n; ++i) sketch.update(offset + static_cast<double>(i) * 0.5);
      const double sigma = sketch.relative_error() * static_cast<double>(n);
      INFO("precision " << precision << " n " << n << " estimate " << sketch.estimate());
      CHECK(std::abs(sketch.estimate() - static_cast<double>(n)) <= 3 * sigma + 1);
    }
  }
}

TEST_CASE("hyperloglog: merge equals the sketch of the union, register for register") {
  std::mt19937_64 generator(11);
  sk::hyperloglog a(12), b(12), both(12);
  for (int i = 0; i < 30000; ++i) {
    const std::string item = "user-" + std::to_string(generator() % 50000);
    (i % 3 == 0 ? a : b).update(item);
    both.update(item);
  }
  sk::hyperloglog ab = a, ba = b;
  ab.merge(b);
  ba.merge(a);
  CHECK(ab == both);
  CHECK(ba == both);
  sk::hyperloglog self = a;
  self.merge(a);
  CHECK(self == a);
  CHECK_THROWS_WITH_AS(a.merge(sk::hyperloglog(10)), doctest::Contains("precisions differ"),
                       shiftguard::invalid_argument);
}

TEST_CASE_TEMPLATE("hyperloglog: batch update skips NaN and equals value-by-value", Scalar, float,
                   double) {
  std::vector<Scalar> x(5000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<Scalar>(i % 1000);
  x[3] = std::numeric_limits<Scalar>::quiet_NaN();
  sk::hyperloglog batch, single;
  batch.update(x.data(), x.size());
  for (const Scalar v : x) single.update(static_cast<double>(v));
  CHECK(batch == single);
  CHECK(batch.estimate() == doctest::Approx(1000).epsilon(0.05));
  sk::hyperloglog strided;
  strided.update(x.data(), x.size() / 2, 2);  // the even values 0, 2, ..., 998: 500 distinct
  CHECK(strided.estimate() == doctest::Approx(500).epsilon(0.06));
}

TEST_CASE("hyperloglog: bad precision, round trips, corrupted data") {
  CHECK_THROWS_WITH_AS(sk::hyperloglog(3), doctest::Contains("precision must be in [4, 18], got 3"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_AS(sk::hyperloglog(19), shiftguard::invalid_argument);
  sk::hyperloglog sketch(8);
  for (int i = 0; i < 2000; ++i) sketch.update(static_cast<double>(i));
  const std::string bytes = sketch.to_bytes();
  CHECK(sk::hyperloglog::from_bytes(bytes) == sketch);
  CHECK(sk::hyperloglog::from_json(shiftguard::json::parse(sketch.to_json().dump())) == sketch);
  CHECK(sk::hyperloglog::from_bytes(bytes).estimate() == sketch.estimate());
  for (std::size_t cut = 0; cut < bytes.size(); cut += 13) {
    CHECK_THROWS_AS((void)sk::hyperloglog::from_bytes(bytes.substr(0, cut)),
                    shiftguard::format_error);
  }
  // A register above its largest possible rank 64 - p + 1, with a valid checksum.
  shiftguard::serialization::binary_writer writer;
  writer.write_u32(8);
  std::string registers(256, '\0');
  registers[5] = static_cast<char>(58);
  writer.write_string(registers);
  CHECK_THROWS_WITH_AS((void)sk::hyperloglog::from_bytes(writer.finish("validate.sketch.hyperloglog", 1)),
                       doctest::Contains("register 5 holds 58"), shiftguard::format_error);
  auto value = sketch.to_json();
  value["precision"] = 9;
  CHECK_THROWS_WITH_AS((void)sk::hyperloglog::from_json(value), doctest::Contains("hex digits"),
                       shiftguard::format_error);
  auto bad_digit = sketch.to_json();
  std::string hex = bad_digit["registers"].as_string();
  hex[0] = 'g';
  bad_digit["registers"] = hex;
  CHECK_THROWS_AS((void)sk::hyperloglog::from_json(bad_digit), shiftguard::format_error);
}
