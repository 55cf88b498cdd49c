// Tests of shiftguard/drift/stream/online_mmd.hpp: the online MMD detector. Oracles: the
// statistic recomputed from scratch from the window and the kept reference (a direct O(W n)
// evaluation of the unbiased estimator), determinism across thread counts, save/load round
// trips, and the container's error paths.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/drift/stream/online_mmd.hpp"

namespace stream = shiftguard::drift::stream;

namespace {

template <class Scalar>
shiftguard::matrix<Scalar> normal_rows(Eigen::Index rows, Eigen::Index cols, unsigned seed,
                                       double shift = 0.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  shiftguard::matrix<Scalar> x(rows, cols);
  for (Eigen::Index r = 0; r < rows; ++r)
    for (Eigen::Index c = 0; c < cols; ++c) x(r, c) = static_cast<Scalar>(normal(rng) + shift);
  return x;
}

stream::online_mmd_options small_options(int n_threads = 1) {
  stream::online_mmd_options options;
  options.ert = 50;
  options.window_size = 6;
  options.n_bootstraps = 300;
  options.seed = 7;
  options.n_threads = n_threads;
  return options;
}

// The unbiased MMD^2 between the kept reference and `window` (rows), written out directly.
template <class Scalar>
double direct_mmd(const shiftguard::matrix<Scalar>& reference,
                  const shiftguard::matrix<Scalar>& window, double sigma) {
  const double gamma = 1.0 / (2.0 * sigma * sigma);
  auto k = [&](auto a, auto b) {
    return std::exp(-gamma * static_cast<double>((a - b).squaredNorm()));
  };
  const auto n = static_cast<double>(reference.rows());
  const auto m = static_cast<double>(window.rows());
  double xx = 0.0, yy = 0.0, xy = 0.0;
  for (Eigen::Index i = 0; i < reference.rows(); ++i)
    for (Eigen::Index j = 0; j < reference.rows(); ++j)
      if (i != j) xx += k(reference.row(i), reference.row(j));
  for (Eigen::Index i = 0; i < window.rows(); ++i)
    for (Eigen::Index j = 0; j < window.rows(); ++j)
      if (i != j) yy += k(window.row(i), window.row(j));
  for (Eigen::Index i = 0; i < reference.rows(); ++i)
    for (Eigen::Index j = 0; j < window.rows(); ++j) xy += k(reference.row(i), window.row(j));
  const double within = window.rows() >= 2 ? yy / (m * (m - 1)) : 0.0;
  return xx / (n * (n - 1)) + within - 2.0 * xy / (n * m);
}

}  // namespace

TEST_CASE_TEMPLATE("online MMD: incremental statistic equals a direct recomputation", Scalar,
                   float, double) {
  const auto reference = normal_rows<Scalar>(120, 3, 1);
  const auto stream_rows = normal_rows<Scalar>(60, 3, 2, 0.3);
  stream::online_mmd_detector<Scalar> detector(reference, small_options());
  const double tolerance = std::is_same_v<Scalar, float> ? 1e-9 : 1e-12;
  CHECK(detector.n_reference() == 120 - (2 * 6 - 1));
  CHECK(detector.thresholds().size() == 11);
  const auto kept = detector.reference();
  for (Eigen::Index r = 0; r < stream_rows.rows(); ++r) {
    detector.update(stream_rows.row(r));
    REQUIRE(detector.t() == r + 1);
    const Eigen::Index m = std::min<Eigen::Index>(detector.t(), 6);
    const shiftguard::matrix<Scalar> window = detector.window();
    REQUIRE(window.rows() == m);
    CHECK(window.row(m - 1) == stream_rows.row(r));
    const double direct = direct_mmd<Scalar>(kept, window, detector.sigma());
    CHECK(std::abs(detector.test_stat() - direct) <= tolerance);
    CHECK(std::abs(detector.test_stat() - detector.recompute_statistic()) <= tolerance);
    const auto step = std::min<std::int64_t>(detector.t(), 11);
    CHECK(detector.threshold() == detector.thresholds()[static_cast<std::size_t>(step - 1)]);
    CHECK(detector.drift_detected() == (detector.test_stat() > detector.threshold()));
    if (detector.drift_detected()) break;  // the next update would reset
  }
}

TEST_CASE("online MMD: a long stream keeps the running sums exact") {
  const auto reference = normal_rows<double>(200, 2, 3);
  auto options = small_options();
  options.window_size = 5;
  stream::online_mmd_detector<double> detector(reference, options);
  const auto rows = normal_rows<double>(3000, 2, 4);
  for (Eigen::Index r = 0; r < rows.rows(); ++r) {
    detector.update(rows.row(r));
    if (r % 97 == 0 || r == rows.rows() - 1) {
      CHECK(detector.test_stat() ==
            doctest::Approx(detector.recompute_statistic()).epsilon(1e-12));
      CHECK(detector.test_stat() ==
            doctest::Approx(direct_mmd<double>(detector.reference(), detector.window(),
                                               detector.sigma()))
                .epsilon(1e-12));
    }
  }
}

TEST_CASE_TEMPLATE("online MMD: thresholds do not depend on the thread count", Scalar, float,
                   double) {
  const auto reference = normal_rows<Scalar>(300, 4, 5);
  stream::online_mmd_detector<Scalar> one(reference, small_options(1));
  stream::online_mmd_detector<Scalar> two(reference, small_options(2));
  stream::online_mmd_detector<Scalar> all(reference, small_options(0));
  CHECK(one.thresholds() == two.thresholds());
  CHECK(one.thresholds() == all.thresholds());
  CHECK(one.sigma() == two.sigma());
  CHECK(one.reference() == two.reference());
  // a different seed gives other thresholds
  auto options = small_options(2);
  options.seed = 8;
  stream::online_mmd_detector<Scalar> other(reference, options);
  CHECK(other.thresholds() != one.thresholds());
}

TEST_CASE("online MMD: thresholds are set so that 1/ert of the surviving streams fire") {
  // With the thresholds in hand, the first one is the (1 - 1/ert) quantile of the statistic at
  // t = 1; here it is checked that they are finite and that a mean shift fires quickly.
  const auto reference = normal_rows<double>(500, 2, 6);
  auto options = small_options(0);
  options.window_size = 10;
  options.n_bootstraps = 2000;
  stream::online_mmd_detector<double> detector(reference, options);
  for (const double value : detector.thresholds()) CHECK(std::isfinite(value));
  const auto shifted = normal_rows<double>(100, 2, 7, 2.0);
  const auto events = detector.update_many(shifted);
  REQUIRE_FALSE(events.drift_indices.empty());
  CHECK(events.drift_indices.front() < 15);
}

TEST_CASE_TEMPLATE("online MMD: save/load round trip continues identically", Scalar, float,
                   double) {
  const auto reference = normal_rows<Scalar>(150, 3, 8);
  auto options = small_options();
  options.nan_handling = shiftguard::nan_policy::omit;
  stream::online_mmd_detector<Scalar> detector(reference, options);
  const auto rows = normal_rows<Scalar>(80, 3, 9, 0.5);
  detector.update_many(rows.topRows(23));
  const std::string bytes = detector.save();
  auto restored = stream::online_mmd_detector<Scalar>::load(bytes);
  CHECK(restored.save() == bytes);
  CHECK(restored.options().nan_handling == shiftguard::nan_policy::omit);
  CHECK(restored.t() == detector.t());
  CHECK(restored.thresholds() == detector.thresholds());
  CHECK(restored.reference() == detector.reference());
  const auto a = detector.update_many(rows.bottomRows(57));
  const auto b = restored.update_many(rows.bottomRows(57));
  CHECK(a.drift_indices == b.drift_indices);
  CHECK(restored.test_stat() == detector.test_stat());
  CHECK(restored.threshold() == detector.threshold());
  CHECK(restored.save() == detector.save());

  // the other scalar type's state is foreign
  using other = std::conditional_t<std::is_same_v<Scalar, float>, double, float>;
  CHECK_THROWS_AS(stream::online_mmd_detector<other>::load(bytes), shiftguard::format_error);
}

TEST_CASE("online MMD: truncated or corrupted state throws format_error") {
  const auto reference = normal_rows<double>(60, 2, 10);
  stream::online_mmd_detector<double> detector(reference, small_options());
  detector.update_many(normal_rows<double>(9, 2, 11));
  const std::string bytes = detector.save();
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, std::size_t{20}, bytes.size() / 2,
                          bytes.size() - 1}) {
    CHECK_THROWS_AS(stream::online_mmd_detector<double>::load(bytes.substr(0, cut)),
                    shiftguard::format_error);
  }
  for (std::size_t position = 0; position < bytes.size(); position += 7) {
    std::string corrupted = bytes;
    corrupted[position] = static_cast<char>(corrupted[position] ^ 0x5A);
    CHECK_THROWS_AS(stream::online_mmd_detector<double>::load(corrupted),
                    shiftguard::format_error);
  }
  CHECK_THROWS_WITH_AS(stream::online_mmd_detector<double>::load(bytes + "x"),
                       doctest::Contains("trailing"), shiftguard::format_error);
}

TEST_CASE("online MMD: bad options throw invalid_argument naming the option") {
  const auto reference = normal_rows<double>(50, 2, 12);
  using detector = stream::online_mmd_detector<double>;
  auto options = small_options();
  options.ert = 0.5;
  CHECK_THROWS_WITH_AS(detector(reference, options), doctest::Contains("ert"),
                       shiftguard::invalid_argument);
  options = small_options();
  options.ert = std::nan("");
  CHECK_THROWS_WITH_AS(detector(reference, options), doctest::Contains("ert"),
                       shiftguard::invalid_argument);
  options = small_options();
  options.window_size = 0;
  CHECK_THROWS_WITH_AS(detector(reference, options), doctest::Contains("window_size"),
                       shiftguard::invalid_argument);
  options = small_options();
  options.window_size = 25;  // needs 2 * 25 - 1 + 2 = 51 rows
  CHECK_THROWS_WITH_AS(detector(reference, options), doctest::Contains("window_size"),
                       shiftguard::invalid_argument);
  options.window_size = 24;
  CHECK_NOTHROW(detector(reference, options));
  options = small_options();
  options.n_bootstraps = 0;
  CHECK_THROWS_WITH_AS(detector(reference, options), doctest::Contains("n_bootstraps"),
                       shiftguard::invalid_argument);
  options = small_options();
  options.sigma = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS(detector(reference, options), doctest::Contains("sigma"),
                       shiftguard::invalid_argument);
  options = small_options();
  options.n_threads = -1;
  CHECK_THROWS_WITH_AS(detector(reference, options), doctest::Contains("n_threads"),
                       shiftguard::invalid_argument);
  // constant reference: no bandwidth from the median heuristic
  CHECK_THROWS_WITH_AS(detector(shiftguard::matrix<double>::Ones(40, 2), small_options()),
                       doctest::Contains("sigma"), shiftguard::invalid_argument);
  // an explicit sigma is used as given
  options = small_options();
  options.sigma = 0.75;
  CHECK(detector(reference, options).sigma() == 0.75);
}

TEST_CASE("online MMD: reference shape and values") {
  using detector = stream::online_mmd_detector<double>;
  CHECK_THROWS_WITH_AS(detector(shiftguard::matrix<double>(2, 3), small_options()),
                       doctest::Contains("x_ref"), shiftguard::shape_error);
  CHECK_THROWS_WITH_AS(detector(shiftguard::matrix<double>(30, 0), small_options()),
                       doctest::Contains("x_ref"), shiftguard::shape_error);
  auto reference = normal_rows<double>(40, 2, 13);
  reference(5, 1) = std::nan("");
  CHECK_THROWS_WITH_AS(detector(reference, small_options()), doctest::Contains("x_ref"),
                       shiftguard::invalid_argument);
  auto options = small_options();
  options.nan_handling = shiftguard::nan_policy::omit;
  detector omitting(reference, options);
  CHECK(omitting.n_reference() == 39 - 11);
}

TEST_CASE("online MMD: a C-order strided view gives the same detector as a dense matrix") {
  const auto dense = normal_rows<double>(80, 3, 14);
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = dense;
  shiftguard::strided_matrix_view<double> view(row_major.data(), 80, 3,
                                               Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(1, 3));
  stream::online_mmd_detector<double> a(dense, small_options());
  stream::online_mmd_detector<double> b(view, small_options());
  CHECK(a.thresholds() == b.thresholds());
  CHECK(a.sigma() == b.sigma());
}

TEST_CASE("online MMD: feature-count mismatch and non-finite observations") {
  const auto reference = normal_rows<double>(60, 3, 15);
  stream::online_mmd_detector<double> detector(reference, small_options());
  Eigen::VectorXd short_x(2);
  short_x << 0.0, 1.0;
  CHECK_THROWS_WITH_AS(detector.update(short_x), doctest::Contains("x has 2 features"),
                       shiftguard::shape_error);
  CHECK_THROWS_WITH_AS(detector.update_many(shiftguard::matrix<double>::Zero(4, 2)),
                       doctest::Contains("x has 2 columns"), shiftguard::shape_error);
  CHECK_THROWS_AS(detector.update(shiftguard::matrix<double>::Zero(2, 3)),
                  shiftguard::shape_error);

  Eigen::VectorXd bad(3);
  bad << 0.0, std::nan(""), 1.0;
  CHECK_THROWS_WITH_AS(detector.update(bad), doctest::Contains("x[1] is NaN"),
                       shiftguard::invalid_argument);
  auto rows = normal_rows<double>(5, 3, 16);
  rows(3, 2) = std::numeric_limits<double>::infinity();
  detector.update_many(rows.topRows(2));
  const std::string before = detector.save();
  CHECK_THROWS_WITH_AS(detector.update_many(rows), doctest::Contains("x[3, 2] is infinite"),
                       shiftguard::invalid_argument);
  CHECK(detector.save() == before);  // nothing was processed
  CHECK(detector.t() == 2);

  auto options = small_options();
  options.nan_handling = shiftguard::nan_policy::omit;
  stream::online_mmd_detector<double> omitting(reference, options);
  stream::online_mmd_detector<double> clean(reference, options);
  omitting.update(bad);
  CHECK(omitting.t() == 0);
  omitting.update_many(rows);
  shiftguard::matrix<double> finite_rows(4, 3);
  finite_rows << rows.topRows(3), rows.row(4);
  clean.update_many(finite_rows);
  CHECK(omitting.t() == 4);
  CHECK(omitting.test_stat() == clean.test_stat());
}

TEST_CASE("online MMD: reset and the river-style restart after a detection") {
  const auto reference = normal_rows<double>(100, 2, 17);
  stream::online_mmd_detector<double> detector(reference, small_options());
  const auto shifted = normal_rows<double>(40, 2, 18, 3.0);
  const auto events = detector.update_many(shifted);
  REQUIRE_FALSE(events.drift_indices.empty());
  CHECK_FALSE(detector.warning_detected());
  // after a detection the next update starts afresh: time restarts at 1
  stream::online_mmd_detector<double> copy(reference, small_options());
  copy.update_many(shifted.topRows(events.drift_indices.front() + 1));
  CHECK(copy.drift_detected());
  copy.update(shifted.row(events.drift_indices.front() + 1));
  CHECK(copy.t() == 1);
  CHECK(copy.window_count() == 1);
  copy.reset();
  CHECK(copy.t() == 0);
  CHECK_FALSE(copy.drift_detected());
  CHECK(copy.test_stat() == 0.0);
  CHECK(copy.threshold() == copy.thresholds().front());
}

TEST_CASE("online MMD: window_size 1 uses the reference term and one cross term") {
  const auto reference = normal_rows<double>(30, 2, 19);
  auto options = small_options();
  options.window_size = 1;
  stream::online_mmd_detector<double> detector(reference, options);
  CHECK(detector.thresholds().size() == 1);
  const auto rows = normal_rows<double>(10, 2, 20);
  for (Eigen::Index r = 0; r < rows.rows(); ++r) {
    detector.update(rows.row(r));
    CHECK(detector.test_stat() ==
          doctest::Approx(direct_mmd<double>(detector.reference(), rows.middleRows(r, 1),
                                             detector.sigma()))
              .epsilon(1e-12));
  }
}
