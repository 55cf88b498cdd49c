// Tests of shiftguard/drift/tabular.hpp: per-feature results equal the standalone tests,
// thread-count independence, the missingness test against the 2 x 2 chi-square formula,
// min_effect_size, calibration (false-alarm rate by simulation), save/load, bad input.

#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/drift/tabular.hpp"

namespace drift = shiftguard::drift;
using Eigen::Index;

namespace {

template <class Scalar>
using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

// Columns: 0, 1 normal numeric (1 shifted in the batch), 2 categorical with 4 codes.
template <class Scalar>
matrix<Scalar> mixed(Eigen::Index n, double shift, unsigned seed, double category_skew = 0.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  matrix<Scalar> x(n, 3);
  for (Eigen::Index r = 0; r < n; ++r) {
    x(r, 0) = static_cast<Scalar>(normal(rng));
    x(r, 1) = static_cast<Scalar>(normal(rng) + shift);
    const double u = uniform(rng);
    x(r, 2) = static_cast<Scalar>(u < 0.4 + category_skew ? 0 : (u < 0.7 ? 1 : (u < 0.9 ? 2 : 3)));
  }
  return x;
}

template <class Scalar>
std::vector<Scalar> sorted_column(const matrix<Scalar>& x, Eigen::Index c) {
  std::vector<Scalar> v;
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    if (std::isfinite(x(r, c))) v.push_back(x(r, c));
  }
  std::sort(v.begin(), v.end());
  return v;
}

template <class Scalar>
drift::category_table table_of(const matrix<Scalar>& x, Eigen::Index c) {
  std::vector<std::int64_t> codes;
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    codes.push_back(std::isnan(x(r, c)) ? -1 : static_cast<std::int64_t>(x(r, c)));
  }
  return drift::make_category_table(codes.data(), static_cast<std::int64_t>(codes.size()),
                                    shiftguard::nan_policy::omit);
}

void same_result(const drift::tabular_drift_result& a, const drift::tabular_drift_result& b) {
  CHECK(a.is_drift == b.is_drift);
  REQUIRE(a.statistics.size() == b.statistics.size());
  for (std::size_t k = 0; k < a.statistics.size(); ++k) {
    const auto same = [](double u, double v) { return (std::isnan(u) && std::isnan(v)) || u == v; };
    CHECK(same(a.statistics[k], b.statistics[k]));
    CHECK(same(a.p_values[k], b.p_values[k]));
    CHECK(same(a.thresholds[k], b.thresholds[k]));
    CHECK(same(a.effect_sizes[k], b.effect_sizes[k]));
    CHECK(same(a.missing_p_values[k], b.missing_p_values[k]));
    CHECK(a.feature_drift[k] == b.feature_drift[k]);
    CHECK(a.reasons[k] == b.reasons[k]);
  }
}

}  // namespace

TEST_CASE_TEMPLATE("tabular: per-feature p-value tests equal the standalone functions", Scalar,
                   float, double) {
  const auto x_ref = mixed<Scalar>(300, 0.0, 1);
  const auto x = mixed<Scalar>(200, 0.5, 2, 0.1);
  const drift::tabular_test numeric[] = {drift::tabular_test::ks, drift::tabular_test::cvm,
                                         drift::tabular_test::anderson_darling,
                                         drift::tabular_test::mann_whitney,
                                         drift::tabular_test::welch_t};
  const auto r0 = sorted_column(x_ref, 1);
  const auto c0 = sorted_column(x, 1);
  const auto n_r = static_cast<Eigen::Index>(r0.size());
  const auto n_c = static_cast<Eigen::Index>(c0.size());
  for (const auto test : numeric) {
    for (const auto categorical_test : {drift::tabular_test::chi2, drift::tabular_test::g_test}) {
      CAPTURE(std::string(drift::to_string(test)));
      drift::tabular_drift_options options;
      options.categorical_columns = {2};
      options.tests = {{0, test}, {1, test}, {2, categorical_test}};
      options.correction_method = drift::correction::holm;
      const drift::tabular_drift_detector<Scalar> detector(x_ref, options);
      const auto result = detector.predict(x);
      double statistic = 0.0;
      double p = 0.0;
      double effect = 0.0;
      switch (test) {
        case drift::tabular_test::ks: {
          const auto s = drift::ks_2samp_sorted(r0.data(), n_r, c0.data(), n_c);
          statistic = s.statistic, p = s.p_value, effect = s.statistic;
          break;
        }
        case drift::tabular_test::cvm: {
          const auto s = drift::cramer_von_mises_sorted(r0.data(), n_r, c0.data(), n_c);
          statistic = s.statistic, p = s.p_value, effect = s.rms_cdf_distance;
          break;
        }
        case drift::tabular_test::anderson_darling: {
          const auto s = drift::anderson_darling_sorted(r0.data(), n_r, c0.data(), n_c);
          statistic = s.statistic, p = s.p_value, effect = s.rms_cdf_distance;
          break;
        }
        case drift::tabular_test::mann_whitney: {
          const auto s = drift::mann_whitney_sorted(r0.data(), n_r, c0.data(), n_c);
          statistic = s.statistic, p = s.p_value, effect = std::abs(s.rank_biserial);
          break;
        }
        default: {
          // Welch's t reads the batch in row order (it needs no sorting).
          std::vector<Scalar> unsorted;
          for (Eigen::Index r = 0; r < x.rows(); ++r) unsorted.push_back(x(r, 1));
          const auto s = drift::welch_t_sorted(r0.data(), n_r, unsorted.data(), n_c);
          statistic = s.statistic, p = s.p_value, effect = std::abs(s.cohens_d);
          break;
        }
      }
      CHECK(result.statistics[1] == statistic);
      CHECK(result.p_values[1] == p);
      CHECK(result.effect_sizes[1] == effect);
      const auto chi = drift::homogeneity_test(
          drift::compare_categories(table_of(x_ref, 2), table_of(x, 2)),
          categorical_test == drift::tabular_test::chi2 ? drift::categorical_test::chi_square
                                                        : drift::categorical_test::g_test);
      CHECK(result.statistics[2] == chi.statistic);
      CHECK(result.p_values[2] == chi.p_value);
      CHECK(result.effect_sizes[2] == doctest::Approx(std::sqrt(chi.statistic / 500.0)));
      // The correction is the standalone one on the three p-values.
      const auto corrected = drift::apply_correction(result.p_values, 0.05, drift::correction::holm);
      for (std::size_t k = 0; k < 3; ++k) {
        CHECK(result.significant[k] == corrected.rejected[k]);
        CHECK(result.corrected_p_values[k] == corrected.corrected_p_values[k]);
      }
      CHECK(result.feature_drift[1]);  // a 0.5 sd shift with these sizes
      CHECK(result.reasons[1].find("Holm") != std::string::npos);
    }
  }
}

TEST_CASE_TEMPLATE("tabular: distance scores with user thresholds equal the standalone scores",
                   Scalar, float, double) {
  const auto x_ref = mixed<Scalar>(400, 0.0, 3);
  const auto x = mixed<Scalar>(300, 0.5, 4, 0.2);
  const auto r1 = sorted_column(x_ref, 1);
  const auto c1 = sorted_column(x, 1);
  const auto n_r = static_cast<std::int64_t>(r1.size());
  const auto n_c = static_cast<std::int64_t>(c1.size());
  const drift::tabular_test numeric[] = {
      drift::tabular_test::energy, drift::tabular_test::wasserstein, drift::tabular_test::psi,
      drift::tabular_test::jensen_shannon, drift::tabular_test::kl, drift::tabular_test::hellinger};
  const drift::tabular_test categorical[] = {drift::tabular_test::psi,
                                             drift::tabular_test::jensen_shannon,
                                             drift::tabular_test::linf};
  for (int k = 0; k < 6; ++k) {
    const auto test = numeric[k];
    const auto ctest = categorical[k % 3];
    CAPTURE(std::string(drift::to_string(test)));
    drift::tabular_drift_options options;
    options.categorical_columns = {2};
    options.tests = {{1, test}, {2, ctest}};
    options.thresholds = {{1, 0.05}, {2, 1e9}};
    options.n_bins = 8;
    const drift::tabular_drift_detector<Scalar> detector(x_ref, options);
    const auto result = detector.predict(x);
    drift::binned_options binned;
    binned.n_bins = 8;
    const auto scores = drift::binned_scores_sorted(r1.data(), n_r, c1.data(), n_c, binned);
    double expected = 0.0;
    if (test == drift::tabular_test::energy) {
      expected = drift::energy_distance_sorted(r1.data(), n_r, c1.data(), n_c);
    } else if (test == drift::tabular_test::wasserstein) {
      expected = drift::wasserstein_distance_sorted(r1.data(), n_r, c1.data(), n_c);
    } else if (test == drift::tabular_test::psi) {
      expected = scores.psi;
    } else if (test == drift::tabular_test::jensen_shannon) {
      expected = scores.jensen_shannon;
    } else if (test == drift::tabular_test::kl) {
      expected = scores.kl_divergence;
    } else {
      expected = scores.hellinger;
    }
    CHECK(result.statistics[1] == expected);
    CHECK(std::isnan(result.p_values[1]));
    CHECK(result.thresholds[1] == 0.05);
    CHECK(result.feature_drift[1] == (expected > 0.05));
    if (test == drift::tabular_test::wasserstein) {
      double mean = 0, squares = 0;
      for (auto v : r1) mean += v;
      mean /= static_cast<double>(n_r);
      for (auto v : r1) squares += (v - mean) * (v - mean);
      CHECK(result.effect_sizes[1] ==
            doctest::Approx(expected / std::sqrt(squares / static_cast<double>(n_r))));
    } else {
      CHECK(result.effect_sizes[1] == expected);
    }
    const auto cat = drift::categorical_distances(table_of(x_ref, 2), table_of(x, 2));
    const double cexpected = ctest == drift::tabular_test::psi ? cat.psi
                             : ctest == drift::tabular_test::jensen_shannon ? cat.jensen_shannon
                                                                            : cat.linf_distance;
    CHECK(result.statistics[2] == cexpected);
    CHECK_FALSE(result.feature_drift[2]);
    // Column 0 keeps the default KS test in the (single-member) family.
    CHECK(result.family_size == 1);
  }
}

TEST_CASE_TEMPLATE("tabular: results do not depend on the thread count", Scalar, float, double) {
  auto x_ref = mixed<Scalar>(500, 0.0, 5);
  auto x = mixed<Scalar>(300, 0.1, 6);
  x_ref(3, 0) = std::numeric_limits<Scalar>::quiet_NaN();
  x(7, 2) = std::numeric_limits<Scalar>::quiet_NaN();
  drift::tabular_drift_result first;
  for (int threads : {1, 2, 8}) {
    drift::tabular_drift_options options;
    options.categorical_columns = {2};
    options.tests = {{1, drift::tabular_test::psi}, {2, drift::tabular_test::linf}};
    options.calibrate = true;
    options.n_bootstraps = 50;
    options.seed = 17;
    options.nan_handling = shiftguard::nan_policy::omit;
    options.n_threads = threads;
    const auto result = drift::tabular_drift_detector<Scalar>(x_ref, options).predict(x);
    if (threads == 1) {
      first = result;
    } else {
      same_result(first, result);
    }
  }
}

TEST_CASE("tabular: the missingness test is the 2 x 2 chi-square without Yates") {
  matrix<double> x_ref = mixed<double>(400, 0.0, 7);
  matrix<double> x = mixed<double>(300, 0.0, 8);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (Eigen::Index r = 0; r < 20; ++r) x_ref(r * 10, 0) = nan;   // 20 / 400 = 5%
  for (Eigen::Index r = 0; r < 45; ++r) x(r * 6, 0) = nan;        // 45 / 300 = 15%
  drift::tabular_drift_options options;
  options.categorical_columns = {2};
  options.nan_handling = shiftguard::nan_policy::omit;
  const auto result = drift::tabular_drift_detector<double>(x_ref, options).predict(x);
  // Pooled two-proportion z-test squared.
  const double p1 = 20.0 / 400.0;
  const double p2 = 45.0 / 300.0;
  const double pooled = 65.0 / 700.0;
  const double z = (p1 - p2) / std::sqrt(pooled * (1 - pooled) * (1.0 / 400 + 1.0 / 300));
  CHECK(result.missing_statistics[0] == doctest::Approx(z * z).epsilon(1e-12));
  CHECK(result.missing_p_values[0] == doctest::Approx(std::erfc(std::abs(z) / std::sqrt(2.0))).epsilon(1e-10));
  CHECK(result.missing_fraction_reference[0] == p1);
  CHECK(result.missing_fraction_current[0] == p2);
  CHECK(result.family_size == 6);
  CHECK(result.missing_drift[0]);
  CHECK(result.feature_drift[0]);
  CHECK(result.reasons[0].find("missingness drifted") != std::string::npos);
  CHECK(result.missing_p_values[1] == 1.0);
  CHECK(result.n_reference[0] == 380);
  CHECK(result.n_current[0] == 255);
}

TEST_CASE("tabular: min_effect_size turns a significant tiny effect into no drift") {
  const auto x_ref = mixed<double>(20000, 0.0, 9);
  const auto x = mixed<double>(20000, 0.06, 10);
  drift::tabular_drift_options options;
  options.categorical_columns = {2};
  options.tests = {{1, drift::tabular_test::welch_t}};
  const auto plain = drift::tabular_drift_detector<double>(x_ref, options).predict(x);
  REQUIRE(plain.significant[1]);
  REQUIRE(plain.feature_drift[1]);
  options.min_effect_sizes = {{1, 0.2}};
  const auto guarded = drift::tabular_drift_detector<double>(x_ref, options).predict(x);
  CHECK(guarded.significant[1]);
  CHECK_FALSE(guarded.feature_drift[1]);
  CHECK(guarded.reasons[1].find("not called drift") != std::string::npos);
  options.min_effect_sizes.clear();
  options.min_effect_size = 0.01;  // global: smaller than |d| ~ 0.06
  CHECK(drift::tabular_drift_detector<double>(x_ref, options).predict(x).feature_drift[1]);
}

TEST_CASE("tabular: a calibrated threshold gives a false-alarm rate near p_val") {
  const bool long_run = std::getenv("SHIFTGUARD_LONG_TESTS") != nullptr;
  const int reps = long_run ? 2000 : 500;
  // 99% binomial interval for 0.05: scipy.stats.binom.interval(0.99, n, 0.05).
  const int low = long_run ? 76 : 13;
  const int high = long_run ? 126 : 38;
  for (const auto test : {drift::tabular_test::psi, drift::tabular_test::wasserstein}) {
    CAPTURE(std::string(drift::to_string(test)));
    int by_p = 0;
    int by_threshold = 0;
    std::mt19937_64 rng(2024);
    std::normal_distribution<double> normal;
    for (int rep = 0; rep < reps; ++rep) {
      matrix<double> x_ref(200, 1);
      matrix<double> x(100, 1);
      for (Eigen::Index r = 0; r < 200; ++r) x_ref(r, 0) = normal(rng);
      for (Eigen::Index r = 0; r < 100; ++r) x(r, 0) = normal(rng);
      drift::tabular_drift_options options;
      options.tests = {{0, test}};
      options.calibrate = true;
      options.n_bootstraps = 199;
      options.correction_method = drift::correction::none;
      options.seed = static_cast<std::uint64_t>(rep);
      options.n_threads = 1;
      const auto result = drift::tabular_drift_detector<double>(x_ref, options).predict(x);
      by_p += result.feature_drift[0] ? 1 : 0;
      by_threshold += result.statistics[0] > result.thresholds[0] ? 1 : 0;
    }
    MESSAGE(std::string(drift::to_string(test)) << ": " << by_p << " alarms by p-value, "
            << by_threshold << " by threshold in " << reps);
    CHECK(by_p >= low);
    CHECK(by_p <= high);
    CHECK(by_threshold >= low);
    CHECK(by_threshold <= high);
  }
}

TEST_CASE_TEMPLATE("tabular: save and load give identical predictions", Scalar, float, double) {
  auto x_ref = mixed<Scalar>(300, 0.0, 11);
  const auto x = mixed<Scalar>(200, 0.2, 12);
  x_ref(5, 1) = std::numeric_limits<Scalar>::quiet_NaN();
  drift::tabular_drift_options options;
  options.categorical_columns = {2};
  options.tests = {{0, drift::tabular_test::hellinger}, {1, drift::tabular_test::cvm},
                   {2, drift::tabular_test::g_test}};
  options.calibrate = true;
  options.n_bootstraps = 30;
  options.nan_handling = shiftguard::nan_policy::omit;
  options.min_effect_sizes = {{1, 0.01}};
  const drift::tabular_drift_detector<Scalar> detector(x_ref, options);
  const std::string bytes = detector.save();
  const auto loaded = drift::tabular_drift_detector<Scalar>::load(bytes);
  same_result(detector.predict(x), loaded.predict(x));
  CHECK(loaded.n_reference() == 300);
  CHECK(loaded.test_of(2) == drift::tabular_test::g_test);
  // Truncated, corrupted, wrong scalar type.
  CHECK_THROWS_AS(drift::tabular_drift_detector<Scalar>::load(bytes.substr(0, bytes.size() / 2)),
                  shiftguard::format_error);
  std::string corrupted = bytes;
  corrupted[corrupted.size() / 2] ^= 0x5a;
  CHECK_THROWS_AS(drift::tabular_drift_detector<Scalar>::load(corrupted), shiftguard::format_error);
  using other = std::conditional_t<std::is_same_v<Scalar, float>, double, float>;
  CHECK_THROWS_WITH_AS(drift::tabular_drift_detector<other>::load(bytes),
                       doctest::Contains("other scalar type"), shiftguard::format_error);
}

TEST_CASE("tabular: bad input and degenerate columns") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto x_ref = mixed<double>(50, 0.0, 13);
  drift::tabular_drift_options options;
  options.categorical_columns = {2};
  const drift::tabular_drift_detector<double> detector(x_ref, options);
  // Shapes.
  CHECK_THROWS_AS(detector.predict(matrix<double>(1, 3)), shiftguard::shape_error);
  CHECK_THROWS_WITH_AS(detector.predict(matrix<double>::Zero(5, 2)),
                       doctest::Contains("fitted on 3 features"), shiftguard::shape_error);
  CHECK_THROWS_AS(drift::tabular_drift_detector<double>(matrix<double>(1, 3), options),
                  shiftguard::shape_error);
  // NaN with its position under raise.
  auto bad = mixed<double>(20, 0.0, 14);
  bad(4, 1) = nan;
  CHECK_THROWS_WITH_AS(detector.predict(bad), doctest::Contains("NaN at row 4, column 1"),
                       shiftguard::invalid_argument);
  // Options naming the argument.
  auto o = options;
  o.categorical_columns = {7};
  CHECK_THROWS_WITH_AS(drift::tabular_drift_detector<double>(x_ref, o),
                       doctest::Contains("categorical_columns refers to column 7"),
                       shiftguard::invalid_argument);
  o = options;
  o.tests = {{2, drift::tabular_test::ks}};
  CHECK_THROWS_WITH_AS(drift::tabular_drift_detector<double>(x_ref, o),
                       doctest::Contains("does not apply to categorical column 2"),
                       shiftguard::invalid_argument);
  o = options;
  o.tests = {{0, drift::tabular_test::psi}};
  CHECK_THROWS_WITH_AS(drift::tabular_drift_detector<double>(x_ref, o),
                       doctest::Contains("calibrate"), shiftguard::invalid_argument);
  o = options;
  o.p_val = 1.5;
  CHECK_THROWS_WITH_AS(drift::tabular_drift_detector<double>(x_ref, o), doctest::Contains("p_val"),
                       shiftguard::invalid_argument);
  o = options;
  o.min_effect_size = -1;
  CHECK_THROWS_WITH_AS(drift::tabular_drift_detector<double>(x_ref, o),
                       doctest::Contains("min_effect_size"), shiftguard::invalid_argument);
  // A non-integer code.
  auto codes = mixed<double>(20, 0.0, 15);
  codes(2, 2) = 1.5;
  CHECK_THROWS_WITH_AS(detector.predict(codes), doctest::Contains("codes must be non-negative"),
                       shiftguard::invalid_argument);
  // One category and a constant numeric column: defined results.
  matrix<double> constant = mixed<double>(50, 0.0, 16);
  constant.col(0).setConstant(2.0);
  constant.col(2).setConstant(1.0);
  o = options;
  o.tests = {{1, drift::tabular_test::welch_t}};
  const drift::tabular_drift_detector<double> degenerate(constant, o);
  const auto same = degenerate.predict(constant);
  CHECK(same.statistics[0] == 0.0);
  CHECK(same.p_values[2] == 1.0);
  CHECK(same.statistics[2] == 0.0);
  CHECK_FALSE(same.feature_drift[2]);
  matrix<double> moved = constant;
  moved.col(0).setConstant(3.0);
  const auto shifted = degenerate.predict(moved);
  CHECK(shifted.statistics[0] == 1.0);
  CHECK(shifted.feature_drift[0]);
  // All-NaN column: error under raise, untested under omit (missingness still tested).
  matrix<double> all_nan = mixed<double>(50, 0.0, 17);
  all_nan.col(1).setConstant(nan);
  CHECK_THROWS_WITH_AS(drift::tabular_drift_detector<double>(all_nan, options),
                       doctest::Contains("column 1"), shiftguard::invalid_argument);
  o = options;
  o.nan_handling = shiftguard::nan_policy::omit;
  const drift::tabular_drift_detector<double> omitting(all_nan, o);
  const auto untested = omitting.predict(mixed<double>(40, 0.0, 18));
  CHECK(std::isnan(untested.p_values[1]));
  CHECK(untested.reasons[1].find("untested") != std::string::npos);
  CHECK(untested.missing_fraction_reference[1] == 1.0);
  CHECK(untested.missing_drift[1]);
  CHECK(untested.family_size == 2 + 3);
  // Too few values for the test in the batch under omit.
  matrix<double> few = mixed<double>(10, 0.0, 19);
  few.col(0).setConstant(nan);
  few(0, 0) = 0.5;
  const auto one_value = drift::tabular_drift_detector<double>(x_ref, o).predict(few);
  CHECK(std::isnan(one_value.statistics[0]));
  CHECK(one_value.reasons[0].find("needs at least 2") != std::string::npos);
  CHECK_THROWS_WITH_AS(detector.predict(few), doctest::Contains("NaN at row 1, column 0"),
                       shiftguard::invalid_argument);
}

TEST_CASE("tabular: large category codes are counted like small ones") {
  matrix<double> x_ref(6, 1);
  matrix<double> x(5, 1);
  x_ref << 3, 100000, 3, 70000, 100000, 3;
  x << 3, 70000, 5000000, 70000, 3;
  drift::tabular_drift_options options;
  options.categorical_columns = {0};
  const drift::tabular_drift_detector<double> detector(x_ref, options);
  const auto& table = detector.reference_categories(0);
  CHECK(table.codes == std::vector<std::int64_t>{3, 70000, 100000});
  CHECK(table.counts == std::vector<std::int64_t>{3, 1, 2});
  const auto result = detector.predict(x);
  CHECK(result.unseen_categories[0] == std::vector<std::int64_t>{5000000});
  const auto expected = drift::chi2_homogeneity(table_of(x_ref, 0), table_of(x, 0));
  CHECK(result.statistics[0] == expected.statistic);
  CHECK(result.p_values[0] == expected.p_value);
}
