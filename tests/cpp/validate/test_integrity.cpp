// Tests of shiftguard/validate/integrity.hpp against direct computations written here
// (pairwise row comparison, sorted medians, nearest-neighbour loops). Agreement with
// cleanlab's find_label_issues is checked from Python (tests/python/test_validate_integrity.py).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/validate/integrity.hpp"

namespace validate = shiftguard::validate;
using row_index = shiftguard::index;
using validate::code_matrix;

namespace {

code_matrix random_codes(row_index rows, row_index cols, std::uint64_t n_values, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  code_matrix codes(rows, cols);
  for (row_index i = 0; i < codes.size(); ++i) codes.data()[i] = rng() % n_values;
  return codes;
}

// Duplicate groups by comparing every pair of rows (the oracle).
std::vector<std::vector<row_index>> brute_force_groups(const code_matrix& codes) {
  std::vector<char> seen(static_cast<std::size_t>(codes.rows()), 0);
  std::vector<std::vector<row_index>> groups;
  for (row_index i = 0; i < codes.rows(); ++i) {
    if (seen[static_cast<std::size_t>(i)]) continue;
    std::vector<row_index> group{i};
    for (row_index j = i + 1; j < codes.rows(); ++j) {
      if ((codes.row(i).array() == codes.row(j).array()).all()) {
        group.push_back(j);
        seen[static_cast<std::size_t>(j)] = 1;
      }
    }
    if (group.size() > 1) groups.push_back(group);
  }
  return groups;
}

}  // namespace

TEST_CASE("canonical_code: -0.0 equals 0.0, every NaN is one code, decode inverts") {
  CHECK(validate::canonical_code(-0.0) == validate::canonical_code(0.0));
  const double other_nan = -std::numeric_limits<double>::quiet_NaN();
  CHECK(validate::canonical_code(std::nan("1")) == validate::canonical_code(other_nan));
  CHECK(validate::canonical_code(1.0) != validate::canonical_code(-1.0));
  CHECK(validate::decode_numeric(validate::canonical_code(2.5)) == 2.5);
}

TEST_CASE("duplicate_groups equals a pairwise comparison, for any thread count") {
  const code_matrix codes = random_codes(400, 3, 4, 7);  // 64 distinct rows: many duplicates
  const auto expected = brute_force_groups(codes);
  REQUIRE(expected.size() > 10);
  for (int threads : {1, 2, 3}) {
    CHECK(validate::duplicate_groups(codes, threads) == expected);
  }
}

TEST_CASE("hash collisions never merge different rows") {
  const code_matrix codes = random_codes(300, 2, 5, 11);
  const auto expected = brute_force_groups(codes);
  // Every row gets the same hash: the table must still tell rows apart by their codes.
  const std::vector<std::uint64_t> same_hash(static_cast<std::size_t>(codes.rows()), 42);
  CHECK(validate::duplicate_groups(codes, same_hash, 2) == expected);
  // A hash that only looks at the first column: collisions between rows that differ in the
  // second column.
  std::vector<std::uint64_t> weak(static_cast<std::size_t>(codes.rows()));
  for (row_index row = 0; row < codes.rows(); ++row) weak[static_cast<std::size_t>(row)] = codes(row, 0);
  CHECK(validate::duplicate_groups(codes, weak, 1) == expected);
  // Two rows that differ in one code: never a group.
  code_matrix pair(2, 3);
  pair << 1, 2, 3, 1, 2, 4;
  CHECK(validate::duplicate_groups(pair, std::vector<std::uint64_t>{5, 5}).empty());
  CHECK_THROWS_AS(validate::duplicate_groups(pair, std::vector<std::uint64_t>{5}),
                  shiftguard::shape_error);
}

TEST_CASE("duplicate_groups works on a strided (C-order) view") {
  const code_matrix codes = random_codes(200, 3, 3, 5);
  Eigen::Matrix<std::uint64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = codes;
  const validate::code_matrix_view view(row_major.data(), codes.rows(), codes.cols(),
                                        Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(1, codes.cols()));
  CHECK(validate::duplicate_groups(view) == brute_force_groups(codes));
}

TEST_CASE("conflicting_labels: identical features with different labels") {
  code_matrix codes(6, 2);
  codes << 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 1, 1;
  const std::vector<std::uint64_t> labels{0, 1, 5, 5, 0, 0};
  const auto conflicts = validate::conflicting_labels(codes, labels);
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].rows == std::vector<row_index>{0, 1, 5});
  CHECK(conflicts[0].labels == std::vector<std::uint64_t>{0, 1});
  CHECK_THROWS_WITH_AS(validate::conflicting_labels(codes, std::vector<std::uint64_t>{1}),
                       doctest::Contains("labels has 1 entries"), shiftguard::shape_error);
}

TEST_CASE("find_contamination finds test rows present in train") {
  const code_matrix train = random_codes(300, 2, 30, 1);
  const code_matrix test = random_codes(200, 2, 30, 2);
  const auto result = validate::find_contamination(train, test, 2);
  std::vector<row_index> expected_test, expected_train;
  for (row_index t = 0; t < test.rows(); ++t) {
    for (row_index r = 0; r < train.rows(); ++r) {
      if ((train.row(r).array() == test.row(t).array()).all()) {
        expected_test.push_back(t);
        expected_train.push_back(r);
        break;
      }
    }
  }
  REQUIRE(!expected_test.empty());
  CHECK(result.test_rows == expected_test);
  CHECK(result.train_rows == expected_train);
  CHECK_THROWS_AS(validate::find_contamination(train, code_matrix(3, 3)), shiftguard::shape_error);
}

TEST_CASE("column_frequencies: share of the most frequent value") {
  code_matrix codes(10, 2);
  for (row_index row = 0; row < 10; ++row) {
    codes(row, 0) = row < 9 ? 7 : 8;
    codes(row, 1) = static_cast<std::uint64_t>(row % 3);
  }
  const auto result = validate::column_frequencies(codes, 0.9, 2);
  CHECK(result[0].top_code == 7);
  CHECK(result[0].top_count == 9);
  CHECK(result[0].top_share == doctest::Approx(0.9));
  CHECK(result[0].near_constant);
  CHECK(result[0].n_distinct == 2);
  CHECK(result[1].top_code == 0);
  CHECK(result[1].top_count == 4);
  CHECK_FALSE(result[1].near_constant);
  CHECK_THROWS_WITH_AS(validate::column_frequencies(codes, 1.5), doctest::Contains("threshold"),
                       shiftguard::invalid_argument);
}

TEST_CASE_TEMPLATE("find_outliers: robust z-score and IQR against sorted computations", Scalar,
                   float, double) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  shiftguard::matrix<Scalar> x(501, 2);
  for (row_index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<Scalar>(normal(rng));
  x(10, 0) = Scalar(40);
  x(20, 1) = Scalar(-30);
  x(30, 1) = std::numeric_limits<Scalar>::quiet_NaN();
  for (row_index col = 0; col < 2; ++col) {
    std::vector<double> values;
    for (row_index row = 0; row < x.rows(); ++row) {
      if (std::isfinite(static_cast<double>(x(row, col)))) values.push_back(static_cast<double>(x(row, col)));
    }
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    const double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    std::vector<double> deviations;
    for (double v : values) deviations.push_back(std::abs(v - median));
    std::sort(deviations.begin(), deviations.end());
    const double mad = n % 2 ? deviations[n / 2] : (deviations[n / 2 - 1] + deviations[n / 2]) / 2;
    const auto robust = validate::find_outliers(x, validate::outlier_method::robust_z, 3.5, 2);
    CHECK(robust[static_cast<std::size_t>(col)].center == median);
    CHECK(robust[static_cast<std::size_t>(col)].scale == doctest::Approx(1.4826 * mad));
    std::vector<row_index> expected;
    for (row_index row = 0; row < x.rows(); ++row) {
      const double v = static_cast<double>(x(row, col));
      if (std::isfinite(v) && std::abs(v - median) / (1.4826 * mad) > 3.5) expected.push_back(row);
    }
    CHECK(robust[static_cast<std::size_t>(col)].rows == expected);
    CHECK(robust[static_cast<std::size_t>(col)].n_values == static_cast<row_index>(n));
    // Quartiles by the linear method: position (n - 1) q.
    const auto quantile = [&](double q) {
      const double position = (static_cast<double>(n) - 1) * q;
      const auto low = static_cast<std::size_t>(std::floor(position));
      const double fraction = position - std::floor(position);
      return values[low] + (values[std::min(low + 1, n - 1)] - values[low]) * fraction;
    };
    const double q1 = quantile(0.25);
    const double q3 = quantile(0.75);
    const auto iqr = validate::find_outliers(x, validate::outlier_method::iqr, 1.5, 1);
    CHECK(iqr[static_cast<std::size_t>(col)].lower == doctest::Approx(q1 - 1.5 * (q3 - q1)));
    CHECK(iqr[static_cast<std::size_t>(col)].upper == doctest::Approx(q3 + 1.5 * (q3 - q1)));
    expected.clear();
    for (row_index row = 0; row < x.rows(); ++row) {
      const double v = static_cast<double>(x(row, col));
      if (std::isfinite(v) && (v < q1 - 1.5 * (q3 - q1) || v > q3 + 1.5 * (q3 - q1))) expected.push_back(row);
    }
    CHECK(iqr[static_cast<std::size_t>(col)].rows == expected);
  }
  CHECK(std::find(validate::find_outliers(x, validate::outlier_method::iqr, 1.5)[0].rows.begin(),
                  validate::find_outliers(x, validate::outlier_method::iqr, 1.5)[0].rows.end(),
                  row_index{10}) != validate::find_outliers(x, validate::outlier_method::iqr, 1.5)[0].rows.end());
  CHECK_THROWS_WITH_AS(validate::find_outliers(x, validate::outlier_method::iqr, -1.0),
                       doctest::Contains("threshold must be a finite number > 0, got -1"),
                       shiftguard::invalid_argument);
}

TEST_CASE("find_outliers: a column with MAD 0 has no robust z-score outliers") {
  shiftguard::matrix<double> x = shiftguard::matrix<double>::Zero(10, 1);
  x(0, 0) = 5;
  const auto result = validate::find_outliers(x, validate::outlier_method::robust_z, 3.5);
  CHECK(result[0].scale == 0.0);
  CHECK(result[0].rows.empty());
}

TEST_CASE("feature_leakage: a copy of the label leaks, an ID column and noise do not") {
  const row_index n = 600;
  std::mt19937_64 rng(9);
  std::vector<std::uint64_t> labels(static_cast<std::size_t>(n));
  code_matrix codes(n, 4);
  std::normal_distribution<double> normal;
  for (row_index row = 0; row < n; ++row) {
    const std::uint64_t label = rng() % 3;
    labels[static_cast<std::size_t>(row)] = label;
    codes(row, 0) = label + 100;                                          // categorical copy
    codes(row, 1) = static_cast<std::uint64_t>(row) * 7919 + 13;          // categorical ID
    codes(row, 2) = validate::canonical_code(normal(rng));                // numeric noise
    codes(row, 3) = validate::canonical_code(static_cast<double>(label) * 10 + normal(rng));  // numeric leak
  }
  const std::vector<bool> numeric{false, false, true, true};
  const auto result = validate::feature_leakage(codes, numeric, labels);
  CHECK(result[0].balanced_accuracy == 1.0);
  CHECK(result[0].flagged);
  CHECK(result[1].balanced_accuracy < 0.5);
  CHECK_FALSE(result[1].flagged);
  CHECK(result[2].balanced_accuracy < 0.5);
  CHECK(result[3].balanced_accuracy == 1.0);
  CHECK(result[3].flagged);
  // The numeric rule is 1-nearest-neighbour within fold i mod 5: check one column by a loop.
  std::vector<row_index> correct(3, 0), support(3, 0);
  for (row_index row = 0; row < n; ++row) {
    const double value = validate::decode_numeric(codes(row, 2));
    double best = std::numeric_limits<double>::infinity();
    double best_value = 0;
    std::vector<row_index> votes(3, 0);
    for (row_index other = 0; other < n; ++other) {
      if (other % 5 == row % 5) continue;
      const double distance = std::abs(validate::decode_numeric(codes(other, 2)) - value);
      const double candidate = validate::decode_numeric(codes(other, 2));
      if (distance < best || (distance == best && candidate < best_value)) {
        best = distance;
        best_value = candidate;
      }
    }
    for (row_index other = 0; other < n; ++other) {
      if (other % 5 != row % 5 && validate::decode_numeric(codes(other, 2)) == best_value) {
        ++votes[static_cast<std::size_t>(labels[static_cast<std::size_t>(other)])];
      }
    }
    const auto predicted = static_cast<std::uint64_t>(std::max_element(votes.begin(), votes.end()) - votes.begin());
    ++support[static_cast<std::size_t>(labels[static_cast<std::size_t>(row)])];
    if (predicted == labels[static_cast<std::size_t>(row)]) ++correct[static_cast<std::size_t>(predicted)];
  }
  double balanced = 0;
  for (int c = 0; c < 3; ++c) balanced += static_cast<double>(correct[c]) / static_cast<double>(support[c]) / 3;
  CHECK(result[2].balanced_accuracy == doctest::Approx(balanced).epsilon(1e-12));
  CHECK_THROWS_WITH_AS(validate::feature_leakage(codes.topRows(3), numeric, std::vector<std::uint64_t>(3)),
                       doctest::Contains("at least n_folds = 5 rows"), shiftguard::shape_error);
}

TEST_CASE("round_preserving_sum keeps the rounded total") {
  using validate::detail::round_preserving_sum;
  CHECK(round_preserving_sum({1.56, 29.64, 1.56, 1.56, 4.68}) == std::vector<std::int64_t>{1, 30, 1, 2, 5});
  CHECK(round_preserving_sum({0.4, 0.4, 0.4}) == std::vector<std::int64_t>{0, 0, 1});
  CHECK(round_preserving_sum({0.6, 0.6, 0.6}) == std::vector<std::int64_t>{0, 1, 1});
  CHECK(round_preserving_sum({2.5, 2.5, 1.0}) == std::vector<std::int64_t>{2, 3, 1});
}

TEST_CASE("confident learning on a small hand-checked example") {
  // Class 0 examples with p0 high, one example labelled 0 that the model puts in class 1.
  Eigen::MatrixXd p(8, 2);
  p << 0.9, 0.1, 0.8, 0.2, 0.85, 0.15, 0.1, 0.9, 0.2, 0.8, 0.15, 0.85, 0.05, 0.95, 0.3, 0.7;
  const std::vector<std::int64_t> labels{0, 0, 0, 0, 1, 1, 1, 1};
  const auto thresholds = validate::confident_thresholds(labels, p);
  CHECK(thresholds[0] == doctest::Approx((0.9 + 0.8 + 0.85 + 0.1) / 4));
  CHECK(thresholds[1] == doctest::Approx((0.8 + 0.85 + 0.95 + 0.7) / 4));
  const auto joint = validate::confident_joint(labels, p, false);
  CHECK(joint.off_diagonal == std::vector<row_index>{3});
  for (auto filter : {validate::label_filter::prune_by_noise_rate, validate::label_filter::prune_by_class,
                      validate::label_filter::both, validate::label_filter::confident_learning,
                      validate::label_filter::predicted_neq_given}) {
    validate::label_issue_options options;
    options.filter_by = filter;
    const auto result = validate::find_label_issues(labels, p, options);
    CHECK(result.ranked == std::vector<row_index>{3});
    CHECK(result.is_issue[3]);
  }
  CHECK_THROWS_WITH_AS(validate::find_label_issues(std::vector<std::int64_t>{0, 0, 0, 0, 1, 1, 1, 2}, p),
                       doctest::Contains("labels must be in [0, 2)"), shiftguard::invalid_argument);
  Eigen::MatrixXd bad = p;
  bad(2, 1) = 1.5;
  CHECK_THROWS_WITH_AS(validate::find_label_issues(labels, bad),
                       doctest::Contains("pred_probs must hold probabilities in [0, 1], got 1.5"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_AS(validate::find_label_issues(std::vector<std::int64_t>{0, 1}, p), shiftguard::shape_error);
}

TEST_CASE("find_label_issues does not depend on the thread count") {
  std::mt19937_64 rng(21);
  std::normal_distribution<double> normal;
  const row_index n = 2000, k = 4;
  Eigen::MatrixXd p(n, k);
  std::vector<std::int64_t> labels(static_cast<std::size_t>(n));
  for (row_index row = 0; row < n; ++row) {
    const auto truth = static_cast<row_index>(rng() % k);
    double total = 0;
    for (row_index c = 0; c < k; ++c) {
      p(row, c) = std::exp(normal(rng) + (c == truth ? 2.0 : 0.0));
      total += p(row, c);
    }
    p.row(row) /= total;
    labels[static_cast<std::size_t>(row)] = (rng() % 5 == 0) ? static_cast<std::int64_t>(rng() % k) : truth;
  }
  validate::label_issue_options options;
  options.n_threads = 1;
  const auto one = validate::find_label_issues(labels, p, options);
  options.n_threads = 3;
  const auto three = validate::find_label_issues(labels, p, options);
  CHECK(one.is_issue == three.is_issue);
  CHECK(one.ranked == three.ranked);
  CHECK(one.confident_joint.sum() == n);
  CHECK(one.ranked.size() > 100);
}
