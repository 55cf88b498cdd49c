// Tests of shiftguard/drift/univariate/distances.hpp. Oracles written here: the pairwise
// definition of the energy distance, the sorted-pairs formula of Wasserstein-1 for equal
// sample sizes, hand-computed histograms and scores. tests/python/test_drift_scores.py
// checks the same functions against SciPy on many random cases.

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/drift/univariate/distances.hpp"

namespace drift = shiftguard::drift;

namespace {

template <class Scalar>
Eigen::Matrix<Scalar, Eigen::Dynamic, 1> normal_sample(std::mt19937_64& gen, int n, double mean,
                                                       double scale, bool integer = false) {
  std::normal_distribution<double> dist(mean, scale);
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> out(n);
  for (int k = 0; k < n; ++k) {
    const double value = dist(gen);
    out[k] = static_cast<Scalar>(integer ? std::round(value) : value);
  }
  return out;
}

template <class Vector>
double pairwise_mean_abs(const Vector& a, const Vector& b) {
  double total = 0.0;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    for (Eigen::Index j = 0; j < b.size(); ++j) {
      total += std::abs(static_cast<double>(a[i]) - static_cast<double>(b[j]));
    }
  }
  return total / static_cast<double>(a.size() * b.size());
}

double relative_error(double actual, double expected) {
  return std::abs(actual - expected) / std::max(std::abs(expected), 1e-300);
}

}  // namespace

TEST_CASE_TEMPLATE("energy_distance equals its pairwise definition", Scalar, float, double) {
  std::mt19937_64 gen(11);
  for (int trial = 0; trial < 20; ++trial) {
    const bool ties = trial % 2 == 1;
    const auto ref = normal_sample<Scalar>(gen, 20 + trial * 7, 0.0, 2.0, ties);
    const auto cur = normal_sample<Scalar>(gen, 15 + trial * 5, 0.3 * trial, 1.5, ties);
    const double expected = std::sqrt(std::max(
        0.0, 2.0 * pairwise_mean_abs(ref, cur) - pairwise_mean_abs(ref, ref) -
                 pairwise_mean_abs(cur, cur)));
    const double actual = drift::energy_distance(ref, cur);
    CAPTURE(trial);
    CHECK(relative_error(actual, expected) <= 1e-9);
  }
}

TEST_CASE_TEMPLATE("wasserstein_distance equals the mean gap of sorted pairs", Scalar, float,
                   double) {
  std::mt19937_64 gen(12);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 10 + 13 * trial;
    auto ref = normal_sample<Scalar>(gen, n, 0.0, 1.0, trial % 3 == 0);
    auto cur = normal_sample<Scalar>(gen, n, 0.1 * trial, 2.0, trial % 3 == 0);
    const double actual = drift::wasserstein_distance(ref, cur);
    std::sort(ref.data(), ref.data() + n);
    std::sort(cur.data(), cur.data() + n);
    double expected = 0.0;
    for (int k = 0; k < n; ++k) {
      expected += std::abs(static_cast<double>(ref[k]) - static_cast<double>(cur[k]));
    }
    expected /= n;
    CAPTURE(trial);
    CHECK(relative_error(actual, expected) <= 1e-9);
  }
}

TEST_CASE("wasserstein and energy distances on hand-computed cases") {
  // SciPy: wasserstein_distance([0, 1, 3], [5, 6, 8]) == 5; energy_distance([0], [2]) == 2.
  Eigen::VectorXd a(3), b(3);
  a << 0, 1, 3;
  b << 5, 6, 8;
  CHECK(drift::wasserstein_distance(a, b) == doctest::Approx(5.0).epsilon(1e-14));
  Eigen::VectorXd c(1), d(1);
  c << 0;
  d << 2;
  CHECK(drift::energy_distance(c, d) == doctest::Approx(2.0).epsilon(1e-14));
  // scipy.stats.wasserstein_distance([0, 1], [0, 1, 1, 1]) == 0.25
  Eigen::VectorXd e(2), f(4);
  e << 0, 1;
  f << 1, 0, 1, 1;
  CHECK(drift::wasserstein_distance(e, f) == doctest::Approx(0.25).epsilon(1e-14));
  // Identical samples: both distances are exactly 0.
  CHECK(drift::wasserstein_distance(a, a) == 0.0);
  CHECK(drift::energy_distance(a, a) == 0.0);
}

TEST_CASE_TEMPLATE("reference bins sit at the linear-interpolation quantiles", Scalar, float,
                   double) {
  // ref = 0..9: numpy.quantile(ref, [0.25, 0.5, 0.75]) = [2.25, 4.5, 6.75].
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> ref(10);
  for (int k = 0; k < 10; ++k) ref[k] = static_cast<Scalar>(9 - k);
  drift::binned_options options;
  options.n_bins = 4;
  const auto bins = drift::make_reference_bins(ref, options);
  REQUIRE(bins.edges.size() == 3);
  CHECK(bins.edges[0] == doctest::Approx(2.25));
  CHECK(bins.edges[1] == doctest::Approx(4.5));
  CHECK(bins.edges[2] == doctest::Approx(6.75));
  CHECK(bins.counts == std::vector<std::int64_t>{3, 2, 2, 3});
  CHECK(bins.n_reference == 10);
  CHECK(bins.n_bins() == 4);
  // Right-closed bins: a value equal to an edge goes to the lower bin.
  const std::vector<Scalar> cur = {Scalar(2.25), Scalar(4.5), Scalar(100), Scalar(-5)};
  CHECK(drift::bin_counts(bins, cur.data(), 4, false) == std::vector<std::int64_t>{2, 1, 0, 1});
  std::vector<Scalar> sorted_cur = cur;
  std::sort(sorted_cur.begin(), sorted_cur.end());
  CHECK(drift::bin_counts(bins, sorted_cur.data(), 4, true) ==
        std::vector<std::int64_t>{2, 1, 0, 1});
}

TEST_CASE("ties merge equal edges; a constant reference has two bins") {
  // 80% zeros: the edges at 0.1 .. 0.7 are all 0 and merge into one; numpy.quantile puts
  // the 0.8 and 0.9 edges at 0.2 and 1.1, which leaves the reference bin (0, 0.2] empty.
  Eigen::VectorXd ref(10);
  ref << 0, 0, 0, 0, 0, 0, 0, 0, 1, 2;
  const auto bins = drift::make_reference_bins(ref);
  REQUIRE(bins.edges.size() == 3);
  CHECK(bins.edges[0] == 0.0);
  CHECK(bins.edges[1] == doctest::Approx(0.2).epsilon(1e-14));
  CHECK(bins.edges[2] == doctest::Approx(1.1).epsilon(1e-14));
  CHECK(bins.counts == std::vector<std::int64_t>{8, 0, 1, 1});
  Eigen::VectorXd constant = Eigen::VectorXd::Constant(5, 3.0);
  const auto constant_bins = drift::make_reference_bins(constant);
  CHECK(constant_bins.edges == std::vector<double>{3.0});
  CHECK(constant_bins.counts == std::vector<std::int64_t>{5, 0});
  // A constant current sample equal to the constant reference: every score is 0.
  const auto same = drift::binned_scores_of(constant, constant);
  CHECK(same.psi == 0.0);
  CHECK(same.jensen_shannon == 0.0);
  CHECK(same.kl_divergence == 0.0);
  CHECK(same.hellinger == 0.0);
}

TEST_CASE("binned scores equal their formulas on a hand-made histogram") {
  drift::reference_bins bins;
  bins.edges = {1.0, 2.0};
  bins.counts = {5, 5, 0};
  bins.n_reference = 10;
  drift::binned_options options;
  options.epsilon = 1e-3;
  const auto scores = drift::score_bin_counts(bins, {2, 6, 2}, options);
  const double r[3] = {0.5, 0.5, 1e-3};
  const double c[3] = {0.2, 0.6, 0.2};
  double psi = 0, kl = 0, hell = 0, left = 0, right = 0;
  const double p[3] = {0.5, 0.5, 0.0};
  for (int b = 0; b < 3; ++b) {
    psi += (c[b] - r[b]) * std::log(c[b] / r[b]);
    kl += c[b] * std::log(c[b] / r[b]);
    hell += std::pow(std::sqrt(p[b]) - std::sqrt(c[b]), 2);
    const double m = (p[b] + c[b]) / 2;
    if (p[b] > 0) left += p[b] * std::log(p[b] / m);
    right += c[b] * std::log(c[b] / m);
  }
  CHECK(scores.psi == doctest::Approx(psi).epsilon(1e-13));
  CHECK(scores.kl_divergence == doctest::Approx(kl).epsilon(1e-13));
  CHECK(scores.hellinger == doctest::Approx(std::sqrt(hell / 2)).epsilon(1e-13));
  CHECK(scores.jensen_shannon ==
        doctest::Approx(std::sqrt((left + right) / (2 * std::log(2.0)))).epsilon(1e-13));
  CHECK(scores.n_current == 10);
  options.base = std::exp(1.0);
  CHECK(drift::score_bin_counts(bins, {2, 6, 2}, options).jensen_shannon ==
        doctest::Approx(std::sqrt((left + right) / 2)).epsilon(1e-13));
}

TEST_CASE_TEMPLATE("precomputed bins, sorted and unsorted current give the same scores", Scalar,
                   float, double) {
  std::mt19937_64 gen(5);
  for (int trial = 0; trial < 10; ++trial) {
    const auto ref = normal_sample<Scalar>(gen, 500, 0.0, 1.0, trial % 2 == 0);
    auto cur = normal_sample<Scalar>(gen, 300 + trial, 0.2 * trial, 1.0, trial % 2 == 0);
    drift::binned_options options;
    options.n_bins = 5 + trial;
    const auto bins = drift::make_reference_bins(ref, options);
    const auto unsorted = drift::score_against(bins, cur.data(), cur.size(), false, options);
    const auto all = drift::binned_scores_of(ref, cur, options);
    std::sort(cur.data(), cur.data() + cur.size());
    const auto sorted = drift::score_against(bins, cur.data(), cur.size(), true, options);
    CHECK(unsorted.current_counts == sorted.current_counts);
    CHECK(unsorted.psi == sorted.psi);
    CHECK(all.psi == sorted.psi);
    CHECK(all.jensen_shannon == sorted.jensen_shannon);
    CHECK(drift::psi(ref, cur, options) == sorted.psi);
    CHECK(drift::hellinger(ref, cur, options) == sorted.hellinger);
    CHECK(drift::kl_divergence(ref, cur, options) == sorted.kl_divergence);
    CHECK(drift::jensen_shannon(ref, cur, options) == sorted.jensen_shannon);
    // Shifts make every score grow; none is negative.
    CHECK(sorted.psi >= 0.0);
    CHECK(sorted.hellinger >= 0.0);
    CHECK(sorted.hellinger <= 1.0);
    CHECK(sorted.jensen_shannon <= 1.0);
  }
}

TEST_CASE("distance scores: bad input") {
  Eigen::VectorXd ok(3);
  ok << 1, 2, 3;
  Eigen::VectorXd with_nan(3);
  with_nan << 1, std::numeric_limits<double>::quiet_NaN(), 3;
  Eigen::VectorXd empty(0);
  Eigen::MatrixXd matrix = Eigen::MatrixXd::Zero(2, 2);
  CHECK_THROWS_WITH_AS(drift::energy_distance(ok, with_nan), doctest::Contains("cur contains NaN"),
                       shiftguard::invalid_argument);
  CHECK(drift::energy_distance(ok, with_nan, shiftguard::nan_policy::omit) > 0.0);
  CHECK_THROWS_WITH_AS(drift::wasserstein_distance(empty, ok),
                       doctest::Contains("ref has no finite values"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(drift::wasserstein_distance(matrix, ok),
                       doctest::Contains("ref must be a vector"), shiftguard::shape_error);
  drift::binned_options options;
  options.n_bins = 1;
  CHECK_THROWS_WITH_AS(drift::psi(ok, ok, options), doctest::Contains("n_bins must be in"),
                       shiftguard::invalid_argument);
  options = {};
  options.epsilon = 0.0;
  CHECK_THROWS_WITH_AS(drift::psi(ok, ok, options), doctest::Contains("epsilon must be in (0, 1)"),
                       shiftguard::invalid_argument);
  options = {};
  options.base = 1.0;
  CHECK_THROWS_WITH_AS(drift::jensen_shannon(ok, ok, options), doctest::Contains("base must be"),
                       shiftguard::invalid_argument);
  const double* null_data = nullptr;
  CHECK_THROWS_WITH_AS(drift::energy_distance_sorted(null_data, 0, ok.data(), 3),
                       doctest::Contains("n_ref=0"), shiftguard::invalid_argument);
  const auto bins = drift::make_reference_bins(ok);
  CHECK_THROWS_WITH_AS(drift::score_bin_counts(bins, {1, 2}), doctest::Contains("has 2 bins"),
                       shiftguard::shape_error);
  CHECK_THROWS_WITH_AS(drift::score_bin_counts(bins, std::vector<std::int64_t>(bins.n_bins(), 0)),
                       doctest::Contains("n_cur=0"), shiftguard::invalid_argument);
}

TEST_CASE("reference_bins save and load round trip; corrupted data is rejected") {
  Eigen::VectorXd ref = Eigen::VectorXd::LinSpaced(101, -1.0, 1.0);
  const auto bins = drift::make_reference_bins(ref);
  const std::string bytes = drift::save(bins);
  const auto loaded = drift::load_reference_bins(bytes);
  CHECK(loaded.edges == bins.edges);
  CHECK(loaded.counts == bins.counts);
  CHECK(loaded.n_reference == bins.n_reference);
  std::string truncated = bytes.substr(0, bytes.size() - 3);
  CHECK_THROWS_AS(drift::load_reference_bins(truncated), shiftguard::format_error);
  std::string flipped = bytes;
  flipped[30] = static_cast<char>(flipped[30] ^ 0x10);
  CHECK_THROWS_WITH_AS(drift::load_reference_bins(flipped), doctest::Contains("checksum"),
                       shiftguard::format_error);
  // A well-formed container whose fields are inconsistent.
  drift::reference_bins bad = bins;
  bad.counts[0] += 1;
  CHECK_THROWS_WITH_AS(drift::load_reference_bins(drift::save(bad)),
                       doctest::Contains("counts sum to"), shiftguard::format_error);
  bad = bins;
  std::swap(bad.edges[0], bad.edges[1]);
  CHECK_THROWS_WITH_AS(drift::load_reference_bins(drift::save(bad)),
                       doctest::Contains("strictly increasing"), shiftguard::format_error);
  CHECK_THROWS_WITH_AS(drift::score_bin_counts(bad, std::vector<std::int64_t>(bad.n_bins(), 1)),
                       doctest::Contains("strictly increasing"), shiftguard::invalid_argument);
}
