// Tests of shiftguard/validate/profile.hpp: counts and moments against direct computations,
// quantiles within the sketch's rank bound, independence of the thread count and of the
// memory layout, merging, binary and JSON round trips and their failures, categorical
// columns, and drift from profiles against the drift scores on the raw data.

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/drift/univariate/distances.hpp"
#include "shiftguard/validate/profile.hpp"

namespace validate = shiftguard::validate;
using shiftguard::matrix;

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

matrix<double> normal_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed,
                             double shift = 0.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(shift, 1.0);
  matrix<double> x(rows, cols);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = normal(rng);
  return x;
}

std::vector<std::string> names_of(Eigen::Index n) {
  std::vector<std::string> out;
  for (Eigen::Index j = 0; j < n; ++j) out.push_back("c" + std::to_string(j));
  return out;
}

validate::profile_options small_blocks(int n_threads) {
  validate::profile_options options;
  options.block_rows = 1024;
  options.n_threads = n_threads;
  return options;
}

// exact fraction of values <= x
double exact_rank(const std::vector<double>& sorted, double x) {
  return static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), x) - sorted.begin()) /
         static_cast<double>(sorted.size());
}

}  // namespace

TEST_CASE("profile: counts, moments, min and max against a direct computation") {
  matrix<double> x = normal_matrix(5000, 3, 1);
  x(3, 0) = nan_value;
  x(10, 0) = nan_value;
  x(20, 0) = inf_value;
  x(21, 0) = -inf_value;
  for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, 2) = nan_value;  // all missing
  const auto p = validate::profile_matrix(x, names_of(3), small_blocks(2));
  CHECK(p.n_rows() == 5000);
  const auto& c0 = p.columns()[0];
  CHECK(c0.count == 4998);
  CHECK(c0.n_missing == 2);
  CHECK(c0.n_infinite == 2);
  CHECK(c0.n_finite() == 4996);
  std::vector<double> finite;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    if (std::isfinite(x(i, 0))) finite.push_back(x(i, 0));
  }
  const double mean = std::accumulate(finite.begin(), finite.end(), 0.0) / finite.size();
  double m2 = 0.0;
  for (const double v : finite) m2 += (v - mean) * (v - mean);
  CHECK(c0.mean() == doctest::Approx(mean).epsilon(1e-12));
  CHECK(c0.variance() == doctest::Approx(m2 / (finite.size() - 1)).epsilon(1e-12));
  CHECK(c0.min() == *std::min_element(finite.begin(), finite.end()));
  CHECK(c0.max() == *std::max_element(finite.begin(), finite.end()));
  // distinct count: 4998 distinct non-missing values within 3 HLL standard errors
  CHECK(std::abs(c0.n_distinct() - 4998) < 3 * c0.hll.relative_error() * 4998);

  const auto& c2 = p.columns()[2];
  CHECK(c2.count == 0);
  CHECK(c2.n_missing == 5000);
  CHECK(std::isnan(c2.min()));
  CHECK(std::isnan(c2.max()));
  CHECK(std::isnan(c2.mean()));
  CHECK(std::isnan(c2.quantile(0.5)));
}

TEST_CASE("profile: quantiles lie within the sketch's rank bound") {
  const matrix<double> x = normal_matrix(200000, 1, 2);
  std::vector<double> sorted(x.data(), x.data() + x.size());
  std::sort(sorted.begin(), sorted.end());
  validate::profile_options options;
  options.block_rows = 50000;  // four blocks merged
  const auto p = validate::profile_matrix(x, names_of(1), options);
  const auto& column = p.columns()[0];
  const double bound = column.kll.normalized_rank_error();
  CHECK(bound < 0.02);
  for (const double q : {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99}) {
    const double estimate = column.quantile(q);
    CHECK(std::abs(exact_rank(sorted, estimate) - q) <= bound + 1.0 / sorted.size());
  }
  CHECK(column.quantile(0.0) == sorted.front());
  CHECK(column.quantile(1.0) == sorted.back());
  CHECK_THROWS_AS((void)column.quantile(1.5), shiftguard::invalid_argument);
}

TEST_CASE("profile: the result does not depend on the thread count or the memory layout") {
  const matrix<double> x = normal_matrix(10000, 4, 3);
  const auto one = validate::profile_matrix(x, names_of(4), small_blocks(1)).to_bytes();
  const auto two = validate::profile_matrix(x, names_of(4), small_blocks(2)).to_bytes();
  const auto four = validate::profile_matrix(x, names_of(4), small_blocks(4)).to_bytes();
  CHECK(one == two);
  CHECK(one == four);
  // row-major copy and a strided Map of a wider buffer give the same profile
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = x;
  CHECK(validate::profile_matrix(row_major, names_of(4), small_blocks(2)).to_bytes() == one);
  matrix<double> wide(x.rows(), 8);
  for (Eigen::Index j = 0; j < 4; ++j) wide.col(2 * j) = x.col(j);
  const shiftguard::strided_matrix_view<double> view(
      wide.data(), x.rows(), 4, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(2 * x.rows(), 1));
  CHECK(validate::profile_matrix(view, names_of(4), small_blocks(2)).to_bytes() == one);
  // an expression is evaluated first
  CHECK(validate::profile_matrix(x * 1.0, names_of(4), small_blocks(2)).to_bytes() == one);
  // float data
  const matrix<float> xf = x.cast<float>();
  const auto pf = validate::profile_matrix(xf, names_of(4), small_blocks(2));
  CHECK(pf.columns()[1].count == 10000);
  CHECK(pf.columns()[1].max() == static_cast<double>(xf.col(1).maxCoeff()));
}

TEST_CASE("profile: merge equals the profile of the concatenation within the sketches' error") {
  const matrix<double> a = normal_matrix(3000, 2, 4);
  const matrix<double> b = normal_matrix(5000, 2, 5, 0.5);
  matrix<double> ab(8000, 2);
  ab << a, b;
  const auto options = small_blocks(2);
  const auto pa = validate::profile_matrix(a, names_of(2), options);
  const auto pb = validate::profile_matrix(b, names_of(2), options);
  const auto pab = validate::profile_matrix(ab, names_of(2), options);
  const auto merged = pa.merged(pb);
  const auto swapped = pb.merged(pa);
  CHECK(merged.n_rows() == 8000);
  for (std::size_t j = 0; j < 2; ++j) {
    const auto& m = merged.columns()[j];
    const auto& s = swapped.columns()[j];
    const auto& whole = pab.columns()[j];
    CHECK(m.count == whole.count);
    CHECK(m.min() == whole.min());
    CHECK(m.max() == whole.max());
    CHECK(m.mean() == doctest::Approx(whole.mean()).epsilon(1e-12));
    CHECK(m.variance() == doctest::Approx(whole.variance()).epsilon(1e-12));
    CHECK(m.hll.to_json().dump() == whole.hll.to_json().dump());  // registers: exact
    CHECK(s.hll.to_json().dump() == whole.hll.to_json().dump());
    CHECK(s.mean() == doctest::Approx(m.mean()).epsilon(1e-12));
    const double bound = m.kll.normalized_rank_error() + whole.kll.normalized_rank_error();
    for (const double q : {0.1, 0.5, 0.9}) {
      CHECK(std::abs(whole.rank(m.quantile(q)) - q) <= bound);
    }
  }
  // merge_all in a tree
  const auto all = validate::merge_all({pa, pb, pa});
  CHECK(all.n_rows() == 11000);
  CHECK_THROWS_AS(validate::merge_all({}), shiftguard::invalid_argument);
}

TEST_CASE("profile: merge checks names, kinds and options; zero rows is the identity") {
  const matrix<double> a = normal_matrix(100, 2, 6);
  const auto pa = validate::profile_matrix(a, {"u", "v"});
  const auto other_names = validate::profile_matrix(a, {"u", "w"});
  CHECK_THROWS_WITH_AS((void)pa.merged(other_names), doctest::Contains("'v'"),
                       shiftguard::invalid_argument);
  validate::profile_options options;
  options.quantile_k = 100;
  const auto other_k = validate::profile_matrix(a, {"u", "v"}, options);
  CHECK_THROWS_WITH_AS((void)pa.merged(other_k), doctest::Contains("quantile_k 200 vs 100"),
                       shiftguard::invalid_argument);
  // kinds
  auto u = validate::profile_matrix(a.col(0), {"u"});
  std::vector<validate::column_profile> columns = {
      u.columns()[0],
      validate::profile_categorical("v", {"x", "y"}, {60, 40}, 0, validate::profile_options{})};
  const validate::table_profile mixed(100, columns, validate::profile_options{});
  CHECK_THROWS_WITH_AS((void)pa.merged(mixed), doctest::Contains("column 'v' is numeric"),
                       shiftguard::invalid_argument);
  // zero rows
  const matrix<double> empty(0, 2);
  const auto pe = validate::profile_matrix(empty, {"u", "v"});
  CHECK(pe.n_rows() == 0);
  CHECK(pe.columns()[0].count == 0);
  CHECK(pa.merged(pe).to_bytes() == pa.to_bytes());
  CHECK(pe.merged(pa).to_bytes() == pa.to_bytes());
  // duplicated names
  CHECK_THROWS_WITH_AS(validate::profile_matrix(a, {"u", "u"}), doctest::Contains("duplicated column name 'u'"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_AS(validate::profile_matrix(a, {"u"}), shiftguard::shape_error);
}

TEST_CASE("profile: binary and JSON round trips; bad data fails with format_error") {
  matrix<double> x = normal_matrix(3000, 2, 7);
  x(0, 1) = nan_value;
  x(1, 1) = inf_value;
  std::vector<validate::column_profile> columns = validate::profile_matrix(x, {"a", "b"}).columns();
  columns.push_back(validate::profile_categorical("c", {"x", "y", "z"}, {1000, 1999, 0}, 1,
                                                  validate::profile_options{}, true));
  const validate::table_profile p(3000, columns, validate::profile_options{});
  const std::string bytes = p.to_bytes();
  const auto loaded = validate::table_profile::from_bytes(bytes);
  CHECK(loaded.to_bytes() == bytes);
  CHECK(loaded.columns()[2].mixed_types);
  CHECK(loaded.columns()[2].top(1)[0].first == "y");
  const std::string text = p.dump_json();
  const auto from_text = validate::table_profile::from_json(std::string_view(text));
  CHECK(from_text.to_bytes() == bytes);
  CHECK(from_text.dump_json() == text);
  CHECK(text.find("\"format\":\"shiftguard.profile\"") != std::string::npos);

  // truncated
  CHECK_THROWS_AS(validate::table_profile::from_bytes(bytes.substr(0, bytes.size() - 10)),
                  shiftguard::format_error);
  CHECK_THROWS_AS(validate::table_profile::from_bytes(bytes.substr(0, 10)),
                  shiftguard::format_error);
  // corrupted
  std::string corrupted = bytes;
  corrupted[bytes.size() / 2] = static_cast<char>(corrupted[bytes.size() / 2] ^ 0x5A);
  CHECK_THROWS_WITH_AS(validate::table_profile::from_bytes(corrupted), doctest::Contains("checksum"),
                       shiftguard::format_error);
  // a newer layout version (the checksum is recomputed so that only the version is wrong)
  std::string newer = bytes;
  const std::size_t version_at = 16 + std::string(validate::table_profile::type_tag).size();
  newer[version_at] = 2;
  const auto crc = shiftguard::serialization::crc32(std::string_view(newer).substr(0, newer.size() - 4));
  for (int i = 0; i < 4; ++i) newer[newer.size() - 4 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
  CHECK_THROWS_WITH_AS(validate::table_profile::from_bytes(newer), doctest::Contains("layout version 2"),
                       shiftguard::format_error);
  // JSON: newer version, wrong format, truncated text
  auto value = shiftguard::json::parse(text);
  value["version"] = 2;
  CHECK_THROWS_WITH_AS(validate::table_profile::from_json(value), doctest::Contains("version 2"),
                       shiftguard::format_error);
  value = shiftguard::json::parse(text);
  value["format"] = "something.else";
  CHECK_THROWS_AS(validate::table_profile::from_json(value), shiftguard::format_error);
  CHECK_THROWS_AS(validate::table_profile::from_json(std::string_view(text).substr(0, text.size() / 2)),
                  shiftguard::format_error);
  value = shiftguard::json::parse(text);
  value["n_rows"] = 2999;  // counts no longer add up
  CHECK_THROWS_WITH_AS(validate::table_profile::from_json(value), doctest::Contains("column 'a'"),
                       shiftguard::format_error);
}

TEST_CASE("profile: categorical columns") {
  const validate::profile_options options;
  const auto c = validate::profile_categorical("colour", {"red", "green", "blue"}, {5, 3, 2}, 4,
                                               options);
  CHECK(c.kind == validate::column_kind::categorical);
  CHECK(c.count == 10);
  CHECK(c.n_missing == 4);
  CHECK(c.n_distinct() == doctest::Approx(3.0).epsilon(0.05));
  const auto top = c.top(2);
  REQUIRE(top.size() == 2);
  CHECK(top[0] == std::make_pair(std::string("red"), std::uint64_t{5}));
  CHECK(top[1] == std::make_pair(std::string("green"), std::uint64_t{3}));
  CHECK(std::isnan(c.mean()));
  CHECK_THROWS_WITH_AS((void)c.quantile(0.5), doctest::Contains("'colour' is categorical"),
                       shiftguard::invalid_argument);
  auto merged = c;
  merged.merge(validate::profile_categorical("colour", {"blue", "cyan"}, {4, 1}, 0, options));
  CHECK(merged.count == 15);
  CHECK(merged.top(1)[0] == std::make_pair(std::string("blue"), std::uint64_t{6}));
  CHECK(merged.n_distinct() == doctest::Approx(4.0).epsilon(0.05));
  CHECK_THROWS_AS(validate::profile_categorical("c", {"a"}, {1, 2}, 0, options),
                  shiftguard::shape_error);
}

TEST_CASE("profile_drift: scores from profiles against the scores on the raw data") {
  const Eigen::Index n = 20000;
  const matrix<double> ref = normal_matrix(n, 1, 8);
  const matrix<double> cur = normal_matrix(n, 1, 9, 0.3);
  const auto p_ref = validate::profile_matrix(ref, {"x"});
  const auto p_cur = validate::profile_matrix(cur, {"x"});
  const auto scores = validate::profile_drift(p_ref, p_cur);
  REQUIRE(scores.size() == 1);
  const auto& s = scores[0];
  const Eigen::VectorXd r = ref.col(0);
  const Eigen::VectorXd c = cur.col(0);
  const double exact_psi = shiftguard::drift::psi(r, c);
  const double exact_js = shiftguard::drift::jensen_shannon(r, c);
  const double exact_w = shiftguard::drift::wasserstein_distance(r, c);
  // exact KS statistic
  std::vector<double> rs(r.data(), r.data() + n);
  std::vector<double> cs(c.data(), c.data() + n);
  std::sort(rs.begin(), rs.end());
  std::sort(cs.begin(), cs.end());
  double ks = 0.0;
  for (const double v : rs) ks = std::max(ks, std::abs(exact_rank(rs, v) - exact_rank(cs, v)));
  for (const double v : cs) ks = std::max(ks, std::abs(exact_rank(rs, v) - exact_rank(cs, v)));
  CHECK(s.n_bins == 10);
  CHECK(std::abs(s.linf - ks) <= s.rank_error);
  CHECK(std::abs(s.wasserstein - exact_w) <= s.rank_error * (std::max(rs.back(), cs.back()) - std::min(rs.front(), cs.front())));
  CHECK(s.wasserstein == doctest::Approx(exact_w).epsilon(0.05));
  CHECK(s.psi == doctest::Approx(exact_psi).epsilon(0.15));
  CHECK(s.jensen_shannon == doctest::Approx(exact_js).epsilon(0.1));
  // identical profiles: no drift
  const auto same = validate::profile_drift(p_ref, p_ref)[0];
  CHECK(same.psi == doctest::Approx(0.0));
  CHECK(same.linf == 0.0);
  CHECK(same.wasserstein == 0.0);
  // categorical: exact proportions below capacity
  const validate::profile_options options;
  std::vector<validate::column_profile> a = {validate::profile_categorical("k", {"a", "b"}, {50, 50}, 0, options)};
  std::vector<validate::column_profile> b = {validate::profile_categorical("k", {"a", "b", "c"}, {20, 60, 20}, 0, options)};
  const auto cat = validate::profile_drift(validate::table_profile(100, a, options),
                                           validate::table_profile(100, b, options))[0];
  const std::vector<double> pa = {0.5, 0.5, 0.0};
  const std::vector<double> pb = {0.2, 0.6, 0.2};
  CHECK(cat.linf == doctest::Approx(0.3));
  CHECK(cat.psi == doctest::Approx(shiftguard::drift::psi_from_proportions(pa, pb, 1e-4)));
  CHECK(cat.jensen_shannon == doctest::Approx(shiftguard::drift::jensen_shannon_from_proportions(pa, pb, 2.0)));
  CHECK(std::isnan(cat.wasserstein));
  // mismatches
  CHECK_THROWS_WITH_AS(validate::profile_drift(p_ref, validate::profile_matrix(cur, {"y"})),
                       doctest::Contains("'y'"), shiftguard::invalid_argument);
  validate::profile_drift_options bad;
  bad.n_bins = 1;
  CHECK_THROWS_AS(validate::profile_drift(p_ref, p_cur, bad), shiftguard::invalid_argument);
}
