// Tests of shiftguard/nn/compress.hpp: pruning reaches the target sparsity on the smallest
// weights and the mask survives fine-tuning; int8 quantisation respects its error bound
// (|W - s q| <= s/2 per entry) and its inference equals the float network run on the
// dequantised weights.

#include <algorithm>
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "nn_test_support.hpp"
#include "shiftguard/nn/compress.hpp"
#include "shiftguard/nn/train.hpp"

using namespace nn_test;

TEST_CASE_TEMPLATE("magnitude pruning hits the target and keeps the mask in training", Scalar, float, double) {
  nn::mlp<Scalar> model(small_spec(6, {20, 10}, {nn::activation::relu, nn::activation::relu}, 3,
                                   nn::output_kind::softmax));
  std::vector<double> magnitudes;
  for (Index l = 0; l < model.n_layers(); ++l) {
    for (Index k = 0; k < model.weight(l).size(); ++k) magnitudes.push_back(std::abs(static_cast<double>(model.weight(l).data()[k])));
  }
  std::sort(magnitudes.begin(), magnitudes.end());
  const std::size_t total = magnitudes.size();  // 120 + 200 + 30
  nn::prune(model, 0.6);
  CHECK(nn::weight_sparsity(model) == doctest::Approx(std::round(0.6 * total) / total));
  // Every surviving weight is at least as large as the largest pruned one.
  const double cut = magnitudes[static_cast<std::size_t>(std::round(0.6 * total)) - 1];
  for (Index l = 0; l < model.n_layers(); ++l) {
    for (Index k = 0; k < model.weight(l).size(); ++k) {
      const double w = std::abs(static_cast<double>(model.weight(l).data()[k]));
      if (w != 0.0) CHECK(w >= cut);
    }
  }
  // Biases are untouched by pruning.
  const matrix<Scalar> x = gaussian<Scalar>(200, 6, 1);
  const matrix<Scalar> y = one_hot_rule(x, 3);
  nn::train_config config;
  config.max_epochs = 3;
  config.optimizer.learning_rate = 0.01;
  nn::fit(model, x, y, {}, config);
  CHECK(nn::weight_sparsity(model) == doctest::Approx(std::round(0.6 * total) / total));
  // Per-layer scope prunes each layer to the target.
  nn::prune(model, 0.8, nn::prune_scope::layer);
  for (Index l = 0; l < model.n_layers(); ++l) {
    const double zeros = (model.weight(l).array() == Scalar(0)).template cast<double>().sum();
    CHECK(zeros == doctest::Approx(std::round(0.8 * static_cast<double>(model.weight(l).size()))));
  }
  CHECK_THROWS_WITH_AS(nn::prune(model, 1.0), doctest::Contains("sparsity"), shiftguard::invalid_argument);
}

TEST_CASE_TEMPLATE("int8 quantisation error bound and inference", Scalar, float, double) {
  auto spec = small_spec(8, {16, 12}, {nn::activation::tanh, nn::activation::relu}, 3,
                         nn::output_kind::softmax, 4);
  spec.layer_norm = true;
  nn::mlp<Scalar> model(spec);
  const auto quantized = nn::quantize_int8(model);
  nn::mlp<Scalar> dequantized = model;
  for (Index l = 0; l < model.n_layers(); ++l) {
    const matrix<Scalar> w = quantized.dequantized_weight(l);
    const auto& s = quantized.scale(l);
    for (Index j = 0; j < w.cols(); ++j) {
      CHECK(static_cast<double>(s(j)) == doctest::Approx(static_cast<double>(model.weight(l).col(j).cwiseAbs().maxCoeff()) / 127.0));
      for (Index k = 0; k < w.rows(); ++k) {
        CHECK(std::abs(static_cast<double>(w(k, j) - model.weight(l)(k, j))) <= 0.5 * static_cast<double>(s(j)) * (1 + 1e-5));
      }
    }
    dequantized.weight(l) = w;
  }
  const matrix<Scalar> x = gaussian<Scalar>(300, 8, 2);
  const matrix<Scalar> got = quantized.forward(x, 2);
  const matrix<Scalar> expected = dequantized.forward(x);
  CHECK(static_cast<double>((got - expected).cwiseAbs().maxCoeff()) < (std::is_same_v<Scalar, float> ? 1e-4 : 1e-10));
  const matrix<Scalar> original = model.forward(x);
  CHECK(static_cast<double>((got - original).cwiseAbs().maxCoeff()) < 0.1);
  CHECK(quantized.nbytes() < model.nbytes() / 2);
  const matrix<Scalar> p = quantized.predict_output(x);
  CHECK(static_cast<double>(p.row(0).sum()) == doctest::Approx(1.0));
}
