// Tests of shiftguard/imbalance/weights.hpp against direct formulas (scikit-learn's
// definitions) computed in the test.

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/imbalance/weights.hpp"

namespace imbalance = shiftguard::imbalance;
using codes_type = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>;

namespace {
codes_type random_codes(Eigen::Index n, std::int64_t n_classes, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  // Skewed class frequencies: class c drawn with probability proportional to 1 / (c + 1)^2.
  std::vector<double> p(static_cast<std::size_t>(n_classes));
  for (std::int64_t c = 0; c < n_classes; ++c) p[c] = 1.0 / ((c + 1.0) * (c + 1.0));
  std::discrete_distribution<std::int64_t> draw(p.begin(), p.end());
  codes_type codes(n);
  for (Eigen::Index i = 0; i < n; ++i) codes[i] = i < n_classes ? i : draw(rng);
  return codes;
}
}  // namespace

TEST_CASE("encode_labels maps int64 labels to sorted codes") {
  codes_type labels(6);
  labels << 7, -3, 7, 12, -3, 7;
  const auto encoding = imbalance::encode_labels(labels);
  CHECK(encoding.classes == std::vector<std::int64_t>{-3, 7, 12});
  CHECK(encoding.codes == std::vector<std::int64_t>{1, 0, 1, 2, 0, 1});
}

TEST_CASE_TEMPLATE("balanced weights equal n / (K * n_c) and give mean sample weight 1", Scalar,
                   float, double) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const std::int64_t n_classes = 2 + static_cast<std::int64_t>(seed % 5);
    const auto codes = random_codes(200 + 37 * static_cast<Eigen::Index>(seed), n_classes, seed);
    const auto counts = imbalance::class_counts(codes, n_classes);
    const auto weights = imbalance::compute_class_weight<Scalar>(codes, n_classes);
    double mean_sample = 0;
    for (std::int64_t c = 0; c < n_classes; ++c) {
      const double expected =
          static_cast<double>(codes.size()) / (static_cast<double>(n_classes) * counts[c]);
      CHECK(static_cast<double>(weights[c]) == doctest::Approx(expected).epsilon(
                                                   sizeof(Scalar) == 4 ? 1e-6 : 1e-14));
      mean_sample += counts[c] * static_cast<double>(weights[c]);
    }
    CHECK(mean_sample / codes.size() == doctest::Approx(1.0).epsilon(1e-6));
  }
}

TEST_CASE_TEMPLATE("sqrt, effective and the normalisations", Scalar, float, double) {
  const auto codes = random_codes(500, 4, 3);
  const auto counts = imbalance::class_counts(codes, 4);
  const double n = 500;
  const double tolerance = sizeof(Scalar) == 4 ? 1e-6 : 1e-13;

  imbalance::class_weight_options options;
  options.method = imbalance::class_weight_method::sqrt;
  auto weights = imbalance::compute_class_weight<Scalar>(codes, 4, options);
  for (int c = 0; c < 4; ++c) {
    CHECK(static_cast<double>(weights[c]) ==
          doctest::Approx(std::sqrt(n / (4.0 * counts[c]))).epsilon(tolerance));
  }

  options.method = imbalance::class_weight_method::effective;
  options.beta = 0.99;
  weights = imbalance::compute_class_weight<Scalar>(codes, 4, options);
  for (int c = 0; c < 4; ++c) {
    const double expected = (1 - 0.99) / (1 - std::pow(0.99, counts[c]));
    CHECK(static_cast<double>(weights[c]) == doctest::Approx(expected).epsilon(tolerance));
  }

  options.normalization = imbalance::weight_normalization::n_classes;
  weights = imbalance::compute_class_weight<Scalar>(codes, 4, options);
  CHECK(static_cast<double>(weights.sum()) == doctest::Approx(4.0).epsilon(tolerance));

  options.normalization = imbalance::weight_normalization::mean_sample;
  weights = imbalance::compute_class_weight<Scalar>(codes, 4, options);
  double total = 0;
  for (int c = 0; c < 4; ++c) total += counts[c] * static_cast<double>(weights[c]);
  CHECK(total / n == doctest::Approx(1.0).epsilon(tolerance));
  // Ratios between classes are those of the unnormalised formula.
  CHECK(static_cast<double>(weights[3] / weights[0]) ==
        doctest::Approx((1 - std::pow(0.99, counts[0])) / (1 - std::pow(0.99, counts[3])))
            .epsilon(sizeof(Scalar) == 4 ? 1e-5 : 1e-12));

  // beta = 0: every class weight is 1.
  options.beta = 0.0;
  options.normalization = imbalance::weight_normalization::none;
  weights = imbalance::compute_class_weight<Scalar>(codes, 4, options);
  for (int c = 0; c < 4; ++c) CHECK(weights[c] == Scalar(1));
}

TEST_CASE_TEMPLATE("weighted counts and sample weights", Scalar, float, double) {
  codes_type codes(6);
  codes << 0, 0, 1, 2, 2, 2;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> given(6);
  given << 1, 2, 1, 1, 1, 3;
  // Weighted counts 3, 1, 5 of total 9: balanced weights 9/9, 9/3, 9/15 (scikit-learn's
  // compute_class_weight with sample_weight gives [1, 3, 0.6]).
  const auto weights = imbalance::compute_class_weight<Scalar>(codes, 3, given);
  CHECK(weights[0] == doctest::Approx(1.0));
  CHECK(weights[1] == doctest::Approx(3.0));
  CHECK(weights[2] == doctest::Approx(0.6));

  const auto per_sample = imbalance::compute_sample_weight<Scalar>(codes, weights);
  CHECK(per_sample[3] == doctest::Approx(0.6));
  const auto combined = imbalance::compute_sample_weight<Scalar>(codes, weights, given);
  CHECK(combined[1] == doctest::Approx(2.0));
  CHECK(combined[5] == doctest::Approx(1.8));
  const auto normalised = imbalance::compute_sample_weight<Scalar>(
      codes, weights, given, imbalance::weight_normalization::mean_sample);
  CHECK(static_cast<double>(normalised.mean()) == doctest::Approx(1.0));
  CHECK(static_cast<double>(normalised[5] / normalised[1]) == doctest::Approx(0.9));
}

TEST_CASE_TEMPLATE("logit adjustment is tau * log(prior)", Scalar, float, double) {
  const auto codes = random_codes(300, 3, 9);
  const auto priors = imbalance::class_priors<Scalar>(codes, 3);
  const auto counts = imbalance::class_counts(codes, 3);
  const auto offsets = imbalance::logit_adjustment<Scalar>(priors, 1.5);
  for (int c = 0; c < 3; ++c) {
    CHECK(static_cast<double>(offsets[c]) ==
          doctest::Approx(1.5 * std::log(counts[c] / 300.0)).epsilon(1e-6));
  }
  const auto zero = imbalance::logit_adjustment<Scalar>(priors, 0.0);
  CHECK(zero.cwiseAbs().maxCoeff() == Scalar(0));
}

TEST_CASE("weights: bad input names the argument and the value") {
  codes_type codes(4);
  codes << 0, 0, 1, 1;
  Eigen::VectorXd bad_weights(4);
  bad_weights << 1, -1, 1, 1;
  CHECK_THROWS_WITH_AS(imbalance::compute_class_weight<double>(codes, 2, bad_weights),
                       doctest::Contains("sample_weight must hold finite non-negative"),
                       shiftguard::invalid_argument);
  bad_weights[1] = std::nan("");
  CHECK_THROWS_WITH_AS(imbalance::compute_class_weight<double>(codes, 2, bad_weights),
                       doctest::Contains("nan at index 1"), shiftguard::invalid_argument);
  bad_weights[1] = INFINITY;
  CHECK_THROWS_WITH_AS(imbalance::compute_class_weight<double>(codes, 2, bad_weights),
                       doctest::Contains("inf"), shiftguard::invalid_argument);
  // class 2 listed but absent
  CHECK_THROWS_WITH_AS(imbalance::compute_class_weight<double>(codes, 3),
                       doctest::Contains("class 2 is listed in classes but absent"),
                       shiftguard::invalid_argument);
  codes_type single(3);
  single << 0, 0, 0;
  CHECK_THROWS_WITH_AS(imbalance::compute_class_weight<double>(single, 1),
                       doctest::Contains("at least 2 classes, got 1"),
                       shiftguard::invalid_argument);
  imbalance::class_weight_options options;
  options.method = imbalance::class_weight_method::effective;
  options.beta = 1.0;
  CHECK_THROWS_WITH_AS(imbalance::compute_class_weight<double>(codes, 2, options),
                       doctest::Contains("beta must be in [0, 1), got 1"),
                       shiftguard::invalid_argument);
  options.beta = -0.1;
  CHECK_THROWS_AS(imbalance::compute_class_weight<double>(codes, 2, options),
                  shiftguard::invalid_argument);
  codes_type out_of_range(2);
  out_of_range << 0, 5;
  CHECK_THROWS_WITH_AS(imbalance::compute_class_weight<double>(out_of_range, 2),
                       doctest::Contains("got 5 at index 1"), shiftguard::invalid_argument);
  Eigen::VectorXd class_weight(2);
  class_weight << 1.0, -2.0;
  CHECK_THROWS_WITH_AS(imbalance::compute_sample_weight<double>(codes, class_weight),
                       doctest::Contains("class_weight must hold finite non-negative"),
                       shiftguard::invalid_argument);
  Eigen::VectorXd short_weights(3);
  short_weights.setOnes();
  class_weight << 1.0, 2.0;
  CHECK_THROWS_AS(imbalance::compute_sample_weight<double>(codes, class_weight, short_weights),
                  shiftguard::shape_error);
  Eigen::VectorXd priors(2);
  priors << 1.0, 0.0;
  CHECK_THROWS_WITH_AS(imbalance::logit_adjustment<double>(priors),
                       doctest::Contains("class 1 has prior 0"), shiftguard::invalid_argument);
  priors << 0.5, 0.6;
  CHECK_THROWS_WITH_AS(imbalance::logit_adjustment<double>(priors),
                       doctest::Contains("sum to 1"), shiftguard::invalid_argument);
  priors << 0.5, 0.5;
  CHECK_THROWS_WITH_AS(imbalance::logit_adjustment<double>(priors, -1.0),
                       doctest::Contains("tau must be"), shiftguard::invalid_argument);
}
