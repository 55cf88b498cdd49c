// Tests of shiftguard/nn/losses.hpp. Oracles: the loss definitions evaluated by hand on small
// inputs, and central finite differences (double) of every loss through the whole network.

#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "nn_test_support.hpp"
#include "shiftguard/nn/losses.hpp"

using namespace nn_test;

TEST_CASE("softmax cross-entropy with class weights equals the weighted-mean definition") {
  matrix<double> z(2, 3);
  z << 1.0, 2.0, 0.5, -1.0, 0.0, 3.0;
  matrix<double> y = matrix<double>::Zero(2, 3);
  y(0, 1) = 1;
  y(1, 0) = 1;
  nn::loss_config loss;
  loss.class_weights = {2.0, 1.0, 1.0};
  matrix<double> grad(2, 3);
  const auto value = nn::evaluate_loss(loss, nn::output_kind::softmax, z, y,
                                       static_cast<const double*>(nullptr), &grad);
  const auto nll = [&](int i, int label) {
    double s = 0;
    for (int j = 0; j < 3; ++j) s += std::exp(z(i, j));
    return std::log(s) - z(i, label);
  };
  // torch.nn.CrossEntropyLoss(weight=c): sum_i c_yi l_i / sum_i c_yi.
  CHECK(value.loss == doctest::Approx((1.0 * nll(0, 1) + 2.0 * nll(1, 0)) / 3.0));
  CHECK(value.weight_sum == doctest::Approx(3.0));
  // Gradient rows: c_yi (p - y) / sum c.
  double s1 = 0;
  for (int j = 0; j < 3; ++j) s1 += std::exp(z(1, j));
  CHECK(grad(1, 0) == doctest::Approx(2.0 * (std::exp(z(1, 0)) / s1 - 1.0) / 3.0));
}

TEST_CASE("sigmoid, regression and focal losses equal their definitions") {
  matrix<double> z(3, 1);
  z << 0.3, -2.0, 4.0;
  matrix<double> y(3, 1);
  y << 1, 0, 0;
  const std::vector<double> s{1.0, 2.0, 0.5};
  nn::loss_config bce;
  const auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  double expected = 0;
  for (int i = 0; i < 3; ++i) {
    const double p = sig(z(i, 0));
    expected += s[i] * -(y(i, 0) * std::log(p) + (1 - y(i, 0)) * std::log(1 - p));
  }
  CHECK(nn::evaluate_loss(bce, nn::output_kind::sigmoid, z, y, s.data()).loss ==
        doctest::Approx(expected / 3.5));
  nn::loss_config focal;
  focal.kind = nn::loss_kind::focal;
  focal.focal_gamma = 2.0;
  expected = 0;
  for (int i = 0; i < 3; ++i) {
    const double p = sig(z(i, 0));
    const double pt = y(i, 0) == 1 ? p : 1 - p;
    expected += s[i] * -std::pow(1 - pt, 2.0) * std::log(pt);
  }
  CHECK(nn::evaluate_loss(focal, nn::output_kind::sigmoid, z, y, s.data()).loss ==
        doctest::Approx(expected / 3.5));
  matrix<double> t(3, 1);
  t << 0.0, -1.0, 1.0;
  nn::loss_config mse;
  mse.kind = nn::loss_kind::mse;
  CHECK(nn::evaluate_loss(mse, nn::output_kind::identity, z, t, s.data()).loss ==
        doctest::Approx((0.09 + 2.0 * 1.0 + 0.5 * 9.0) / 3.5));
  nn::loss_config huber;
  huber.kind = nn::loss_kind::huber;
  huber.huber_delta = 1.0;
  CHECK(nn::evaluate_loss(huber, nn::output_kind::identity, z, t, s.data()).loss ==
        doctest::Approx((0.5 * 0.09 + 2.0 * 0.5 + 0.5 * (3.0 - 0.5)) / 3.5));
  // Logit adjustment adds the offsets to the logits.
  nn::loss_config adjusted;
  adjusted.kind = nn::loss_kind::logit_adjusted;
  adjusted.logit_offsets = {0.7};
  matrix<double> shifted = z.array() + 0.7;
  CHECK(nn::evaluate_loss(adjusted, nn::output_kind::sigmoid, z, y, s.data()).loss ==
        doctest::Approx(nn::evaluate_loss(bce, nn::output_kind::sigmoid, shifted, y, s.data()).loss));
  // Focal with gamma 0 is cross-entropy.
  focal.focal_gamma = 0.0;
  CHECK(nn::evaluate_loss(focal, nn::output_kind::sigmoid, z, y, s.data()).loss ==
        doctest::Approx(nn::evaluate_loss(bce, nn::output_kind::sigmoid, z, y, s.data()).loss));
}

TEST_CASE("every loss has the gradient of finite differences through the network") {
  const matrix<double> x = gaussian<double>(10, 3, 21);
  const std::vector<double> weights{1, 0.5, 2, 1, 1, 1, 0.1, 3, 1, 1};
  struct setting {
    nn::loss_kind kind;
    nn::output_kind output;
    Index k;
  };
  const std::vector<setting> settings{
      {nn::loss_kind::cross_entropy, nn::output_kind::softmax, 3},
      {nn::loss_kind::focal, nn::output_kind::softmax, 3},
      {nn::loss_kind::logit_adjusted, nn::output_kind::softmax, 3},
      {nn::loss_kind::cross_entropy, nn::output_kind::sigmoid, 1},
      {nn::loss_kind::focal, nn::output_kind::sigmoid, 1},
      {nn::loss_kind::logit_adjusted, nn::output_kind::sigmoid, 1},
      {nn::loss_kind::mse, nn::output_kind::identity, 2},
      {nn::loss_kind::huber, nn::output_kind::identity, 2},
  };
  for (const auto& s : settings) {
    for (const bool class_weighted : {false, true}) {
      if (class_weighted && s.output == nn::output_kind::identity) continue;
      CAPTURE(static_cast<int>(s.kind));
      CAPTURE(static_cast<int>(s.output));
      CAPTURE(class_weighted);
      nn::mlp<double> model(small_spec(3, {5}, {nn::activation::tanh}, s.k, s.output, 4));
      matrix<double> y;
      if (s.output == nn::output_kind::softmax) {
        y = one_hot_rule(x, 3);
      } else if (s.output == nn::output_kind::sigmoid) {
        y = one_hot_rule(x, 2).col(1);
      } else {
        y = gaussian<double>(10, 2, 8, 2.0);  // large residuals: both Huber branches
      }
      nn::loss_config loss;
      loss.kind = s.kind;
      loss.focal_gamma = 1.5;
      loss.huber_delta = 0.8;
      if (s.kind == nn::loss_kind::logit_adjusted) {
        loss.logit_offsets = s.k == 3 ? std::vector<double>{-0.5, 0.2, 1.0} : std::vector<double>{0.4};
      }
      if (class_weighted) {
        loss.class_weights = s.k == 3 ? std::vector<double>{1.0, 3.0, 0.5} : std::vector<double>{0.3, 2.0};
      }
      CHECK(max_gradient_error(model, x, y, weights, loss) < 1e-6);
    }
  }
}

TEST_CASE("losses reject outputs, class weights and options that do not fit") {
  nn::loss_config loss;
  loss.kind = nn::loss_kind::mse;
  CHECK_THROWS_WITH_AS(nn::validate_loss(loss, nn::output_kind::softmax, 2),
                       doctest::Contains("identity"), shiftguard::invalid_argument);
  loss.kind = nn::loss_kind::cross_entropy;
  loss.class_weights = {1.0};
  CHECK_THROWS_WITH_AS(nn::validate_loss(loss, nn::output_kind::softmax, 2),
                       doctest::Contains("class_weights must have 2"), shiftguard::invalid_argument);
  loss.class_weights = {};
  loss.kind = nn::loss_kind::logit_adjusted;
  CHECK_THROWS_WITH_AS(nn::validate_loss(loss, nn::output_kind::softmax, 2),
                       doctest::Contains("logit_offsets"), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(nn::parse_loss("hinge"), doctest::Contains("'hinge'"),
                       shiftguard::invalid_argument);
}
