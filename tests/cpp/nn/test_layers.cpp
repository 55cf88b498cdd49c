// Tests of shiftguard/nn/layers.hpp and activations.hpp. Oracles: central finite differences
// of the loss (double), a plain per-row loop of the forward pass, hand-computed activations.

#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "nn_test_support.hpp"
#include "shiftguard/nn/activations.hpp"
#include "shiftguard/nn/layers.hpp"

using namespace nn_test;

TEST_CASE("activations match their definitions") {
  Eigen::VectorXd z(5);
  z << -2.0, -0.5, 0.0, 0.5, 3.0;
  Eigen::VectorXd out(5);
  nn::apply_activation(nn::activation::relu, z, out);
  CHECK(out(0) == 0.0);
  CHECK(out(4) == 3.0);
  nn::apply_activation(nn::activation::leaky_relu, z, out);
  CHECK(out(0) == doctest::Approx(-0.02));
  nn::apply_activation(nn::activation::gelu, z, out);
  // GELU(x) = x * Phi(x), erf form: Phi(0.5) = 0.691462461274013.
  CHECK(out(3) == doctest::Approx(0.5 * 0.691462461274013).epsilon(1e-12));
  CHECK(out(0) == doctest::Approx(-2.0 * 0.022750131948179).epsilon(1e-10));
  nn::apply_activation(nn::activation::sigmoid, z, out);
  CHECK(out(4) == doctest::Approx(1.0 / (1.0 + std::exp(-3.0))));
  nn::apply_activation(nn::activation::tanh, z, out);
  CHECK(out(1) == doctest::Approx(std::tanh(-0.5)));
  CHECK_THROWS_WITH_AS(nn::parse_activation("swish"), doctest::Contains("'swish'"),
                       shiftguard::invalid_argument);
}

TEST_CASE_TEMPLATE("forward equals a per-row loop of the layer equations", Scalar, float, double) {
  auto spec = small_spec(4, {5, 3}, {nn::activation::tanh, nn::activation::gelu}, 2,
                         nn::output_kind::softmax, 3);
  spec.layer_norm = true;
  nn::mlp<Scalar> model(spec);
  // Non-trivial layer-norm parameters.
  model.gamma(0).setLinSpaced(0.5, 1.5);
  model.beta(1).setConstant(Scalar(0.1));
  const matrix<Scalar> x = gaussian<Scalar>(7, 4, 11);
  const matrix<Scalar> logits = model.forward(x);
  for (Index i = 0; i < x.rows(); ++i) {
    Eigen::VectorXd a = x.row(i).transpose().template cast<double>();
    for (Index l = 0; l < model.n_layers(); ++l) {
      Eigen::VectorXd u = model.weight(l).template cast<double>().transpose() * a +
                          model.bias(l).template cast<double>();
      if (l < model.n_hidden()) {
        const double mean = u.mean();
        const double var = (u.array() - mean).square().mean();
        u = ((u.array() - mean) / std::sqrt(var + 1e-5)).matrix();
        u = (u.array() * model.gamma(l).template cast<double>().array() +
             model.beta(l).template cast<double>().array()).matrix();
        for (Index j = 0; j < u.size(); ++j) {
          u(j) = l == 0 ? std::tanh(u(j)) : 0.5 * u(j) * (1 + std::erf(u(j) / std::sqrt(2.0)));
        }
      }
      a = u;
    }
    for (Index j = 0; j < 2; ++j) {
      CHECK(static_cast<double>(logits(i, j)) ==
            doctest::Approx(a(j)).epsilon(std::is_same_v<Scalar, float> ? 1e-4 : 1e-10));
    }
  }
  const matrix<Scalar> p = model.predict_output(x);
  for (Index i = 0; i < x.rows(); ++i) CHECK(static_cast<double>(p.row(i).sum()) == doctest::Approx(1.0));
}

TEST_CASE("gradients of every activation and layer norm match finite differences") {
  const matrix<double> x = gaussian<double>(9, 3, 5);
  const matrix<double> y = one_hot_rule(x, 3);
  const std::vector<double> weights{1, 2, 0.5, 1, 1, 3, 1, 0.2, 1};
  nn::loss_config loss;
  for (const auto kind : {nn::activation::identity, nn::activation::relu,
                          nn::activation::leaky_relu, nn::activation::gelu, nn::activation::tanh,
                          nn::activation::sigmoid}) {
    for (const bool layer_norm : {false, true}) {
      CAPTURE(nn::activation_name(kind));
      CAPTURE(layer_norm);
      auto spec = small_spec(3, {6, 4}, {kind, kind}, 3, nn::output_kind::softmax, 7);
      spec.layer_norm = layer_norm;
      nn::mlp<double> model(spec);
      if (layer_norm) {
        model.gamma(0).setLinSpaced(0.7, 1.3);
        model.beta(0).setLinSpaced(-0.2, 0.2);
      }
      CHECK(max_gradient_error(model, x, y, weights, loss) < 1e-6);
    }
  }
}

TEST_CASE("dropout gradient matches finite differences with a fixed mask") {
  const matrix<double> x = gaussian<double>(8, 3, 2);
  const matrix<double> y = one_hot_rule(x, 2);
  auto spec = small_spec(3, {10, 6}, {nn::activation::tanh, nn::activation::relu}, 2,
                         nn::output_kind::softmax);
  spec.dropout = {0.3, 0.5};
  nn::mlp<double> model(spec);
  CHECK(max_gradient_error(model, x, y, {}, nn::loss_config{}, 42) < 1e-6);
}

TEST_CASE_TEMPLATE("dropout is off at inference and inverted in training", Scalar, float, double) {
  auto spec = small_spec(5, {200}, {nn::activation::relu}, 1, nn::output_kind::identity);
  spec.dropout = {0.5};
  nn::mlp<Scalar> model(spec);
  const matrix<Scalar> x = gaussian<Scalar>(300, 5, 3);
  const matrix<Scalar> a = model.forward(x);
  const matrix<Scalar> b = model.forward(x);
  CHECK(a == b);  // deterministic: no dropout at inference
  // Training mode: the hidden layer's (non-negative) total is preserved on average
  // (inverted dropout).
  nn::pass_workspace<Scalar> work(model, x.rows(), true, true);
  work.input = x;
  nn::random_stream stream(9);
  nn::detail::forward_pass(model, work.input, x.rows(), work, &stream);
  const double kept = (work.keep[0].array() > 0).template cast<double>().mean();
  CHECK(kept == doctest::Approx(0.5).epsilon(0.02));
  CHECK(static_cast<double>(work.keep[0].maxCoeff()) == doctest::Approx(2.0));
  CHECK(static_cast<double>(work.dropped[0].sum()) ==
        doctest::Approx(static_cast<double>(work.activated[0].sum())).epsilon(0.1));
}

TEST_CASE_TEMPLATE("initialisation follows He and Glorot limits and the seed", Scalar, float, double) {
  auto spec = small_spec(50, {40}, {nn::activation::relu}, 30, nn::output_kind::softmax, 5);
  nn::mlp<Scalar> he(spec);
  const double he_limit = std::sqrt(6.0 / 50.0);
  CHECK(static_cast<double>(he.weight(0).cwiseAbs().maxCoeff()) <= he_limit);
  CHECK(static_cast<double>(he.weight(0).cwiseAbs().maxCoeff()) > 0.9 * he_limit);
  // Uniform: variance limit^2 / 3.
  CHECK(static_cast<double>(he.weight(0).squaredNorm()) / 2000.0 ==
        doctest::Approx(he_limit * he_limit / 3).epsilon(0.1));
  const double glorot_limit = std::sqrt(6.0 / 70.0);  // output layer 40 -> 30
  CHECK(static_cast<double>(he.weight(1).cwiseAbs().maxCoeff()) <= glorot_limit);
  CHECK(static_cast<double>(he.bias(0).cwiseAbs().maxCoeff()) == 0.0);
  nn::mlp<Scalar> same(spec);
  CHECK(same.parameters() == he.parameters());
  spec.seed = 6;
  nn::mlp<Scalar> other(spec);
  CHECK(other.parameters() != he.parameters());
  spec.init = nn::init_kind::glorot;
  nn::mlp<Scalar> glorot(spec);
  CHECK(static_cast<double>(glorot.weight(0).cwiseAbs().maxCoeff()) <= std::sqrt(6.0 / 90.0));
}

TEST_CASE("bad network descriptions are rejected") {
  auto spec = small_spec(3, {4}, {nn::activation::relu}, 2, nn::output_kind::softmax);
  spec.activations.clear();
  CHECK_THROWS_WITH_AS(nn::mlp<float>{spec}, doctest::Contains("activations"),
                       shiftguard::invalid_argument);
  spec = small_spec(3, {4}, {nn::activation::relu}, 2, nn::output_kind::softmax);
  spec.dropout = {1.0};
  CHECK_THROWS_WITH_AS(nn::mlp<float>{spec}, doctest::Contains("dropout[0]"),
                       shiftguard::invalid_argument);
  spec = small_spec(0, {4}, {nn::activation::relu}, 2, nn::output_kind::softmax);
  CHECK_THROWS_WITH_AS(nn::mlp<float>{spec}, doctest::Contains("n_inputs"),
                       shiftguard::invalid_argument);
  nn::mlp<float> model(small_spec(3, {4}, {nn::activation::relu}, 2, nn::output_kind::softmax));
  CHECK_THROWS_WITH_AS((void)model.forward(matrix<float>::Zero(2, 4)), doctest::Contains("4 columns"),
                       shiftguard::shape_error);
  CHECK_THROWS_AS(nn::mlp<float>(model.spec(), std::vector<float>(3)), shiftguard::shape_error);
}
