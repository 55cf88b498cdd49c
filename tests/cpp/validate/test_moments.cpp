// Tests of shiftguard/validate/sketch/moments.hpp. Oracle: a two-pass computation in long
// double written here (mean, then the sum of squared deviations).

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/core/json.hpp"
#include "shiftguard/validate/sketch/moments.hpp"

namespace sk = shiftguard::validate::sketch;

namespace {

struct two_pass {
  std::uint64_t count = 0;
  double mean = 0, m2 = 0, min = 0, max = 0;
};

template <class Scalar>
two_pass exact(const std::vector<Scalar>& x) {
  two_pass r;
  long double sum = 0;
  r.min = std::numeric_limits<double>::infinity();
  r.max = -r.min;
  for (const Scalar v : x) {
    if (std::isnan(v)) continue;
    ++r.count;
    sum += v;
    r.min = std::min<double>(r.min, v);
    r.max = std::max<double>(r.max, v);
  }
  const long double mean = sum / r.count;
  long double m2 = 0;
  for (const Scalar v : x) {
    if (!std::isnan(v)) m2 += (v - mean) * (v - mean);
  }
  r.mean = static_cast<double>(mean);
  r.m2 = static_cast<double>(m2);
  return r;
}

template <class Scalar>
std::vector<Scalar> sample(std::size_t n, double location, double scale, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::normal_distribution<double> normal(location, scale);
  std::vector<Scalar> x(n);
  for (auto& v : x) v = static_cast<Scalar>(normal(generator));
  return x;
}

}  // namespace

TEST_CASE_TEMPLATE("moments: batch update matches a two-pass computation", Scalar, float,
                   double) {
  // A large offset relative to the spread defeats the naive sum-of-squares formula.
  auto x = sample<Scalar>(100003, 1e4, 1.0, 1);
  x[17] = std::numeric_limits<Scalar>::quiet_NaN();
  x[50000] = std::numeric_limits<Scalar>::quiet_NaN();
  const auto oracle = exact(x);
  sk::moments m;
  m.update(x.data(), x.size());
  CHECK(m.count() == oracle.count);
  CHECK(m.count() == 100001);
  CHECK(m.mean() == doctest::Approx(oracle.mean).epsilon(1e-13));
  CHECK(m.m2() == doctest::Approx(oracle.m2).epsilon(1e-9));
  CHECK(m.min() == oracle.min);
  CHECK(m.max() == oracle.max);
  CHECK(m.variance(0) == doctest::Approx(oracle.m2 / oracle.count).epsilon(1e-9));
  CHECK(m.variance() == doctest::Approx(oracle.m2 / (oracle.count - 1)).epsilon(1e-9));

  // Strided input (every third value) and value-by-value updates.
  std::vector<Scalar> every_third;
  for (std::size_t i = 0; i < x.size(); i += 3) every_third.push_back(x[i]);
  sk::moments strided;
  strided.update(x.data(), (x.size() + 2) / 3, 3);
  sk::moments single;
  for (const Scalar v : every_third) single.update(static_cast<double>(v));
  const auto oracle3 = exact(every_third);
  CHECK(strided.count() == oracle3.count);
  CHECK(single.count() == oracle3.count);
  CHECK(strided.mean() == doctest::Approx(oracle3.mean).epsilon(1e-13));
  CHECK(single.mean() == doctest::Approx(oracle3.mean).epsilon(1e-13));
  CHECK(strided.m2() == doctest::Approx(oracle3.m2).epsilon(1e-9));
  CHECK(single.m2() == doctest::Approx(oracle3.m2).epsilon(1e-9));
}

TEST_CASE("moments: merges of random splits equal the whole") {
  const auto x = sample<double>(20000, -3.0, 2.0, 2);
  const auto oracle = exact(x);
  std::mt19937_64 generator(3);
  for (int trial = 0; trial < 50; ++trial) {
    // Random cut points; each piece gets its own state, merged in a random tree shape.
    std::vector<sk::moments> parts;
    std::size_t start = 0;
    while (start < x.size()) {
      const std::size_t size = std::min<std::size_t>(x.size() - start, 1 + generator() % 3000);
      sk::moments part;
      part.update(x.data() + start, size);
      parts.push_back(part);
      start += size;
    }
    while (parts.size() > 1) {
      const std::size_t i = generator() % (parts.size() - 1);
      parts[i].merge(parts[i + 1]);
      parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
    const sk::moments& merged = parts[0];
    CHECK(merged.count() == oracle.count);
    CHECK(merged.mean() == doctest::Approx(oracle.mean).epsilon(1e-12));
    CHECK(merged.m2() == doctest::Approx(oracle.m2).epsilon(1e-10));
    CHECK(merged.min() == oracle.min);
    CHECK(merged.max() == oracle.max);
  }
}

TEST_CASE("moments: merge is commutative bit for bit, empty is the identity") {
  const auto x = sample<double>(1000, 5.0, 3.0, 4);
  sk::moments a, b;
  a.update(x.data(), 300);
  b.update(x.data() + 300, 700);
  sk::moments ab = a, ba = b;
  ab.merge(b);
  ba.merge(a);
  CHECK(ab == ba);
  sk::moments empty;
  sk::moments a2 = a;
  a2.merge(empty);
  CHECK(a2 == a);
  empty.merge(a);
  CHECK(empty == a);
}

TEST_CASE("moments: empty, NaN-only and infinite inputs") {
  sk::moments m;
  CHECK(m.count() == 0);
  CHECK(std::isnan(m.mean()));
  CHECK(std::isnan(m.variance()));
  CHECK(std::isnan(m.min()));
  const double nans[3] = {NAN, NAN, NAN};
  m.update(nans, 3);
  CHECK(m.count() == 0);
  m.update(2.0);
  CHECK(m.count() == 1);
  CHECK(m.mean() == 2.0);
  CHECK(std::isnan(m.variance(1)));
  CHECK(m.variance(0) == 0.0);
  CHECK_THROWS_AS((void)m.variance(-1), shiftguard::invalid_argument);
  const double with_inf[3] = {1.0, std::numeric_limits<double>::infinity(), 3.0};
  sk::moments inf;
  inf.update(with_inf, 3);
  CHECK(inf.count() == 3);
  CHECK(std::isinf(inf.mean()));
  CHECK(std::isnan(inf.variance()));
  CHECK(std::isinf(inf.max()));
}

TEST_CASE("moments: binary and JSON round trips; corrupted data is rejected") {
  const auto x = sample<double>(5000, 1.0, 1.0, 5);
  sk::moments m;
  m.update(x.data(), x.size());
  const std::string bytes = m.to_bytes();
  CHECK(sk::moments::from_bytes(bytes) == m);
  CHECK(sk::moments::from_json(shiftguard::json::parse(m.to_json().dump())) == m);
  CHECK(sk::moments::from_bytes(sk::moments().to_bytes()) == sk::moments());
  CHECK(sk::moments::from_json(shiftguard::json::parse(sk::moments().to_json().dump())) ==
        sk::moments());
  for (std::size_t cut = 0; cut < bytes.size(); cut += 7) {
    CHECK_THROWS_AS((void)sk::moments::from_bytes(bytes.substr(0, cut)), shiftguard::format_error);
  }
  std::string flipped = bytes;
  flipped[40] ^= 1;
  CHECK_THROWS_AS((void)sk::moments::from_bytes(flipped), shiftguard::format_error);
  // A JSON state whose mean lies outside [min, max].
  auto value = m.to_json();
  value["mean"] = 1e9;
  CHECK_THROWS_WITH_AS((void)sk::moments::from_json(value), doctest::Contains("outside [min, max]"),
                       shiftguard::format_error);
  auto negative = m.to_json();
  negative["m2"] = -1.0;
  CHECK_THROWS_AS((void)sk::moments::from_json(negative), shiftguard::format_error);
  auto wrong_type = m.to_json();
  wrong_type["type"] = "kll";
  CHECK_THROWS_WITH_AS((void)sk::moments::from_json(wrong_type), doctest::Contains("'kll'"),
                       shiftguard::format_error);
}
