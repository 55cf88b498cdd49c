// Tests of shiftguard/drift/univariate/categorical.hpp. Golden values from SciPy 1.17.1:
//   t = np.array([[10, 20, 30, 0], [15, 15, 25, 5]]); t2 = np.array([[12, 8], [5, 15]])
//   chi2_contingency(t, correction=False)                       -> 7.1688311688311686, 0.06670686392047588, 3
//   chi2_contingency(t, correction=False, lambda_="log-likelihood") -> 9.110156422458587, 0.027861588353195056
//   chi2_contingency(t2)  (Yates)                               -> 3.6828644501278776, 0.05497432872169419
//   chi2_contingency(t2, correction=False)                      -> 5.012787723785166, 0.025160759200408785
//   chi2_contingency(t2, lambda_="log-likelihood")  (Yates)     -> 3.747433255063709, 0.052888668802556854
//   jensenshannon([10, 20, 30, 0], [15, 15, 25, 5], base=2)     -> 0.2340154686162484
// tests/python/test_drift_scores.py checks the same functions against SciPy on many random
// tables.

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/drift/univariate/categorical.hpp"

namespace drift = shiftguard::drift;

namespace {

// Codes 0..k-1 repeated as often as `counts` says, shuffled, shifted by `offset`.
Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> codes_from_counts(const std::vector<int>& counts,
                                                                 std::int64_t offset = 0) {
  std::vector<std::int64_t> values;
  for (std::size_t c = 0; c < counts.size(); ++c) {
    for (int k = 0; k < counts[c]; ++k) values.push_back(static_cast<std::int64_t>(c) + offset);
  }
  std::mt19937_64 gen(3);
  std::shuffle(values.begin(), values.end(), gen);
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> out(static_cast<Eigen::Index>(values.size()));
  for (std::size_t k = 0; k < values.size(); ++k) out[static_cast<Eigen::Index>(k)] = values[k];
  return out;
}

void check_close(double actual, double expected, double tolerance = 1e-12) {
  CHECK(std::abs(actual - expected) <= tolerance * std::abs(expected));
}

}  // namespace

TEST_CASE("category_table counts dense and sparse codes") {
  const auto codes = codes_from_counts({3, 0, 2, 5});
  const auto table = drift::make_category_table(codes);
  CHECK(table.codes == std::vector<std::int64_t>{0, 2, 3});
  CHECK(table.counts == std::vector<std::int64_t>{3, 2, 5});
  CHECK(table.n_total == 10);
  CHECK(table.count_of(2) == 2);
  CHECK(table.count_of(1) == 0);
  CHECK(table.count_of(99) == 0);
  // Codes spread over a range far larger than the sample take the sorting path.
  const std::vector<std::int64_t> sparse = {7000000000LL, 5, 7000000000LL, 123456789012LL, 5, 5};
  const auto sparse_table = drift::make_category_table(sparse.data(), 6);
  CHECK(sparse_table.codes == std::vector<std::int64_t>{5, 7000000000LL, 123456789012LL});
  CHECK(sparse_table.counts == std::vector<std::int64_t>{3, 2, 1});
  // Other integer types.
  Eigen::Matrix<int, Eigen::Dynamic, 1> small(4);
  small << 1, 1, 0, 1;
  CHECK(drift::make_category_table(small).counts == std::vector<std::int64_t>{1, 3});
}

TEST_CASE("chi-square and G tests match scipy.stats.chi2_contingency") {
  const auto ref = drift::make_category_table(codes_from_counts({10, 20, 30}));
  const auto cur = drift::make_category_table(codes_from_counts({15, 15, 25, 5}));
  const auto chi2 = drift::chi2_homogeneity(ref, cur);
  check_close(chi2.statistic, 7.1688311688311686);
  check_close(chi2.p_value, 0.06670686392047588, 1e-10);
  CHECK(chi2.dof == 3);
  CHECK_FALSE(chi2.yates_applied);
  CHECK(chi2.table.unseen_categories == std::vector<std::int64_t>{3});
  CHECK(chi2.min_expected == doctest::Approx(5.0 * 60.0 / 120.0));
  const auto g = drift::g_test(ref, cur);
  check_close(g.statistic, 9.110156422458587);
  check_close(g.p_value, 0.027861588353195056, 1e-10);
  CHECK(g.test == drift::categorical_test::g_test);

  const auto ref2 = drift::make_category_table(codes_from_counts({12, 8}, 4));
  const auto cur2 = drift::make_category_table(codes_from_counts({5, 15}, 4));
  const auto plain = drift::chi2_homogeneity(ref2, cur2);
  check_close(plain.statistic, 5.012787723785166);
  check_close(plain.p_value, 0.025160759200408785, 1e-10);
  const auto yates = drift::chi2_homogeneity(ref2, cur2, true);
  CHECK(yates.yates_applied);
  check_close(yates.statistic, 3.6828644501278776);
  check_close(yates.p_value, 0.05497432872169419, 1e-10);
  const auto yates_g = drift::g_test(ref2, cur2, true);
  check_close(yates_g.statistic, 3.747433255063709);
  check_close(yates_g.p_value, 0.052888668802556854, 1e-10);
  // Yates only applies at dof 1.
  CHECK_FALSE(drift::chi2_homogeneity(ref, cur, true).yates_applied);
}

TEST_CASE("categorical distances: PSI, Jensen-Shannon, L-infinity") {
  const auto ref = drift::make_category_table(codes_from_counts({10, 20, 30}));
  const auto cur = drift::make_category_table(codes_from_counts({15, 15, 25, 5}));
  const auto d = drift::categorical_distances(ref, cur);
  check_close(d.jensen_shannon, 0.2340154686162484);
  const double r[4] = {10.0 / 60, 20.0 / 60, 30.0 / 60, 1e-4};
  const double c[4] = {15.0 / 60, 15.0 / 60, 25.0 / 60, 5.0 / 60};
  double psi = 0.0, linf = 0.0;
  for (int k = 0; k < 4; ++k) {
    psi += (c[k] - r[k]) * std::log(c[k] / r[k]);
    linf = std::max(linf, std::abs(c[k] - (k < 3 ? r[k] : 0.0)));
  }
  check_close(d.psi, psi);
  check_close(d.linf_distance, linf);
  CHECK(d.linf_distance == doctest::Approx(1.0 / 12.0));
  CHECK(d.table.unseen_categories == std::vector<std::int64_t>{3});
}

TEST_CASE("one category and tiny samples give defined results") {
  const auto one = drift::make_category_table(codes_from_counts({1}));
  const auto chi2 = drift::chi2_homogeneity(one, one);
  CHECK(chi2.statistic == 0.0);
  CHECK(chi2.p_value == 1.0);
  CHECK(chi2.dof == 0);
  CHECK(drift::g_test(one, one).p_value == 1.0);
  const auto d = drift::categorical_distances(one, one);
  CHECK(d.psi == 0.0);
  CHECK(d.jensen_shannon == 0.0);
  CHECK(d.linf_distance == 0.0);
  // One value each, different categories: the most extreme 2 x 2 table.
  const auto other = drift::make_category_table(codes_from_counts({0, 1}));
  const auto extreme = drift::chi2_homogeneity(one, other);
  CHECK(extreme.statistic == doctest::Approx(2.0));
  CHECK(extreme.dof == 1);
  CHECK(extreme.table.unseen_categories == std::vector<std::int64_t>{1});
  CHECK(drift::categorical_distances(one, other).linf_distance == 1.0);
}

TEST_CASE("missing codes and bad tables") {
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> with_missing(4);
  with_missing << 0, -1, 1, 1;
  CHECK_THROWS_WITH_AS(drift::make_category_table(with_missing, shiftguard::nan_policy::raise,
                                                  "cur"),
                       doctest::Contains("cur contains a missing value (code -1) at index 1"),
                       shiftguard::invalid_argument);
  const auto omitted = drift::make_category_table(with_missing, shiftguard::nan_policy::omit);
  CHECK(omitted.n_total == 3);
  CHECK(omitted.n_missing == 1);
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> all_missing(2);
  all_missing << -1, -1;
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> ok(2);
  ok << 0, 1;
  CHECK_THROWS_WITH_AS(drift::homogeneity_test(ok, all_missing, drift::categorical_test::chi_square,
                                               false, shiftguard::nan_policy::omit),
                       doctest::Contains("cur has no non-missing value"),
                       shiftguard::invalid_argument);
  drift::category_table broken;
  broken.codes = {2, 1};
  broken.counts = {1, 1};
  broken.n_total = 2;
  const auto table = drift::make_category_table(ok);
  CHECK_THROWS_WITH_AS(drift::chi2_homogeneity(table, broken),
                       doctest::Contains("distinct ascending"), shiftguard::invalid_argument);
  drift::categorical_distance_options options;
  options.epsilon = 2.0;
  CHECK_THROWS_WITH_AS(drift::categorical_distances(table, table, options),
                       doctest::Contains("epsilon must be in (0, 1)"),
                       shiftguard::invalid_argument);
}

TEST_CASE("category_table save and load round trip; corrupted data is rejected") {
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> codes(6);
  codes << 4, -1, 9, 4, 4, 0;
  const auto table = drift::make_category_table(codes, shiftguard::nan_policy::omit);
  const auto loaded = drift::load_category_table(drift::save(table));
  CHECK(loaded.codes == table.codes);
  CHECK(loaded.counts == table.counts);
  CHECK(loaded.n_total == 5);
  CHECK(loaded.n_missing == 1);
  CHECK_THROWS_WITH_AS(drift::load_reference_bins(drift::save(table)),
                       doctest::Contains("drift.category_table"), shiftguard::format_error);
  auto bad = table;
  bad.counts[1] = 0;
  bad.n_total -= 3;
  CHECK_THROWS_WITH_AS(drift::load_category_table(drift::save(bad)),
                       doctest::Contains("positive counts"), shiftguard::format_error);
  // The loaded table tests exactly like the original.
  const auto current = drift::make_category_table(codes_from_counts({1, 2, 3, 4, 5}));
  CHECK(drift::chi2_homogeneity(loaded, current).statistic ==
        drift::chi2_homogeneity(table, current).statistic);
}

TEST_CASE_TEMPLATE("any integer code type gives the same table and tests", Code, std::int32_t,
                   std::int64_t, std::uint16_t) {
  const auto wide = codes_from_counts({7, 0, 3, 12, 1}, 2);
  const Eigen::Matrix<Code, Eigen::Dynamic, 1> narrow = wide.template cast<Code>();
  const auto table = drift::make_category_table(narrow);
  CHECK(table.codes == std::vector<std::int64_t>{2, 4, 5, 6});
  CHECK(table.counts == std::vector<std::int64_t>{7, 3, 12, 1});
  const auto current = drift::make_category_table(codes_from_counts({5, 5, 5, 5, 5, 5}));
  const auto expected = drift::chi2_homogeneity(drift::make_category_table(wide), current);
  const auto actual = drift::chi2_homogeneity(table, current);
  CHECK(actual.statistic == expected.statistic);
  CHECK(actual.p_value == expected.p_value);
  CHECK(actual.table.unseen_categories == std::vector<std::int64_t>{0, 1, 3});
}
