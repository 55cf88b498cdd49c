// Tests of shiftguard/nn/train.hpp: learning, early stopping with restored best weights, the
// NaN stop, callbacks, the overfitting warning, sample weights (oracle: training on the subset
// of rows with weight 1), determinism, the learning-rate range test and bad input.

#include <algorithm>
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "nn_test_support.hpp"
#include "shiftguard/nn/train.hpp"

using namespace nn_test;

namespace {

template <class Scalar>
double accuracy(const nn::mlp<Scalar>& model, const matrix<Scalar>& x, const matrix<Scalar>& y) {
  const matrix<Scalar> p = model.forward(x);
  int correct = 0;
  for (Index i = 0; i < x.rows(); ++i) {
    Index a = 0, b = 0;
    p.row(i).maxCoeff(&a);
    y.row(i).maxCoeff(&b);
    correct += a == b;
  }
  return static_cast<double>(correct) / static_cast<double>(x.rows());
}

template <class Scalar>
matrix<Scalar> random_labels(Index n, std::uint64_t seed) {
  nn::random_stream stream(seed);
  matrix<Scalar> y = matrix<Scalar>::Zero(n, 2);
  for (Index i = 0; i < n; ++i) y(i, static_cast<Index>(stream.below(2))) = 1;
  return y;
}

}  // namespace

TEST_CASE_TEMPLATE("fit learns a rule with every optimiser and schedule", Scalar, float, double) {
  const matrix<Scalar> x = gaussian<Scalar>(400, 4, 1);
  const matrix<Scalar> y = one_hot_rule(x, 3);
  const matrix<Scalar> x_test = gaussian<Scalar>(400, 4, 2);
  const matrix<Scalar> y_test = one_hot_rule(x_test, 3);
  for (const auto kind : {nn::optimizer_kind::sgd, nn::optimizer_kind::adam,
                          nn::optimizer_kind::adamw, nn::optimizer_kind::rmsprop}) {
    for (const auto schedule : {nn::schedule_kind::constant, nn::schedule_kind::step,
                                nn::schedule_kind::cosine, nn::schedule_kind::plateau}) {
      CAPTURE(static_cast<int>(kind));
      CAPTURE(static_cast<int>(schedule));
      nn::mlp<Scalar> model(small_spec(4, {16}, {nn::activation::relu}, 3, nn::output_kind::softmax));
      nn::train_config config;
      config.optimizer.kind = kind;
      config.optimizer.learning_rate = kind == nn::optimizer_kind::sgd ? 0.1 : 0.01;
      config.optimizer.momentum = kind == nn::optimizer_kind::sgd ? 0.9 : 0.0;
      config.optimizer.weight_decay = kind == nn::optimizer_kind::adamw ? 0.01 : 0.0;
      config.optimizer.clip_norm = 5.0;
      config.schedule.kind = schedule;
      config.schedule.step_size = 10;
      config.schedule.gamma = 0.5;
      config.schedule.warmup_epochs = 2;
      config.max_epochs = 30;
      const auto result = nn::fit(model, x, y, {}, x_test, y_test, {}, config);
      CHECK(result.n_epochs == 30);
      CHECK(result.stop_reason == "max_epochs");
      CHECK(result.train_loss.back() < result.train_loss.front());
      CHECK(accuracy(model, x_test, y_test) > 0.9);
      CHECK(result.val_metric.back() == doctest::Approx(accuracy(model, x_test, y_test)));
    }
  }
}

TEST_CASE_TEMPLATE("early stopping stops after patience and restores the best weights", Scalar, float, double) {
  // Random labels: the validation loss soon rises while the training loss falls.
  const matrix<Scalar> x = gaussian<Scalar>(40, 5, 3);
  const matrix<Scalar> y = random_labels<Scalar>(40, 4);
  const matrix<Scalar> x_val = gaussian<Scalar>(200, 5, 5);
  const matrix<Scalar> y_val = random_labels<Scalar>(200, 6);
  nn::mlp<Scalar> model(small_spec(5, {64, 64}, {nn::activation::relu, nn::activation::relu}, 2,
                                   nn::output_kind::softmax));
  nn::train_config config;
  config.optimizer.learning_rate = 0.01;
  config.batch_size = 8;
  config.max_epochs = 300;
  config.early_stopping = true;
  config.patience = 5;
  std::vector<shiftguard::aligned_vector<Scalar>> snapshots;
  const auto result = nn::fit(model, x, y, {}, x_val, y_val, {}, config,
                              [&](const nn::epoch_info&) {
                                snapshots.push_back(model.parameters());
                                return true;
                              });
  CHECK(result.stop_reason == "early_stopping");
  CHECK(result.n_epochs == result.best_epoch + 1 + 5);
  REQUIRE(result.best_epoch >= 0);
  CHECK(model.parameters() == snapshots[static_cast<std::size_t>(result.best_epoch)]);
  const auto best = std::min_element(result.val_loss.begin(), result.val_loss.end());
  CHECK(best - result.val_loss.begin() == result.best_epoch);

  // Without restore_best the final weights are the last epoch's.
  nn::mlp<Scalar> other(small_spec(5, {64, 64}, {nn::activation::relu, nn::activation::relu}, 2,
                                   nn::output_kind::softmax));
  config.restore_best = false;
  snapshots.clear();
  nn::fit(other, x, y, {}, x_val, y_val, {}, config, [&](const nn::epoch_info&) {
    snapshots.push_back(other.parameters());
    return true;
  });
  CHECK(other.parameters() == snapshots.back());
}

TEST_CASE_TEMPLATE("the overfitting warning names the epoch", Scalar, float, double) {
  // Random labels on few rows: the training loss keeps falling, the validation loss rises.
  const matrix<Scalar> x = gaussian<Scalar>(40, 5, 3);
  const matrix<Scalar> y = random_labels<Scalar>(40, 4);
  const matrix<Scalar> x_val = gaussian<Scalar>(200, 5, 5);
  const matrix<Scalar> y_val = random_labels<Scalar>(200, 6);
  nn::mlp<Scalar> model(small_spec(5, {64, 64}, {nn::activation::relu, nn::activation::relu}, 2,
                                   nn::output_kind::softmax));
  nn::train_config config;
  config.optimizer.learning_rate = 0.01;
  config.batch_size = 8;
  config.max_epochs = 60;
  config.overfit_patience = 3;
  const auto result = nn::fit(model, x, y, {}, x_val, y_val, {}, config);
  std::size_t warnings = 0;
  int epoch = -1;
  for (const auto& w : result.warnings) {
    if (w.find("overfitting detected at epoch ") == 0) {
      ++warnings;
      epoch = std::stoi(w.substr(std::string("overfitting detected at epoch ").size()));
    }
  }
  CHECK(warnings == 1);  // once per run
  REQUIRE(epoch >= 3);
  // The three epochs before it: validation loss up, training loss down.
  for (int e = epoch - 2; e <= epoch; ++e) {
    const auto u = static_cast<std::size_t>(e);
    CHECK(result.val_loss[u] > result.val_loss[u - 1]);
    CHECK(result.train_loss[u] < result.train_loss[u - 1]);
  }
  config.overfit_patience = 0;  // off
  nn::mlp<Scalar> quiet(small_spec(5, {64, 64}, {nn::activation::relu, nn::activation::relu}, 2,
                                   nn::output_kind::softmax));
  CHECK(nn::fit(quiet, x, y, {}, x_val, y_val, {}, config).warnings.empty());
}

TEST_CASE_TEMPLATE("a non-finite loss stops the run naming the epoch", Scalar, float, double) {
  const matrix<Scalar> x = gaussian<Scalar>(64, 3, 7, 10.0);
  matrix<Scalar> y = gaussian<Scalar>(64, 1, 8, 100.0);
  nn::mlp<Scalar> model(small_spec(3, {8}, {nn::activation::relu}, 1, nn::output_kind::identity));
  nn::train_config config;
  config.loss.kind = nn::loss_kind::mse;
  config.optimizer.kind = nn::optimizer_kind::sgd;
  config.optimizer.learning_rate = 10.0;
  config.max_epochs = 50;
  const auto result = nn::fit(model, x, y, {}, config);
  CHECK(result.stop_reason == "nan_loss");
  CHECK(result.nan_epoch >= 0);
  CHECK(result.n_epochs == result.nan_epoch + 1);
  REQUIRE(!result.warnings.empty());
  CHECK(result.warnings.back().find("epoch " + std::to_string(result.nan_epoch)) != std::string::npos);
  CHECK(std::isnan(result.train_loss.back()));
  // The model keeps the (finite) weights of the end of the previous epoch.
  for (const Scalar p : model.parameters()) CHECK(std::isfinite(static_cast<double>(p)));
}

TEST_CASE("a callback returning false stops training") {
  const matrix<float> x = gaussian<float>(50, 2, 1);
  const matrix<float> y = one_hot_rule(x, 2);
  nn::mlp<float> model(small_spec(2, {4}, {nn::activation::tanh}, 2, nn::output_kind::softmax));
  nn::train_config config;
  config.max_epochs = 20;
  std::vector<int> seen;
  const auto result = nn::fit(model, x, y, {}, config, [&](const nn::epoch_info& info) {
    seen.push_back(info.epoch);
    CHECK(info.learning_rate == doctest::Approx(1e-3));
    return info.epoch < 2;
  });
  CHECK(result.stop_reason == "callback");
  CHECK(result.n_epochs == 3);
  CHECK(seen == std::vector<int>{0, 1, 2});
  CHECK(std::isnan(result.val_loss[0]));  // no validation set
}

TEST_CASE("zero sample weights equal dropping the rows (full-batch oracle)") {
  const matrix<double> x = gaussian<double>(30, 3, 1);
  const matrix<double> y = one_hot_rule(x, 2);
  std::vector<double> weights(30, 1.0);
  std::vector<Index> kept;
  for (Index i = 0; i < 30; ++i) {
    if (i % 3 == 0) weights[static_cast<std::size_t>(i)] = 0.0; else kept.push_back(i);
  }
  matrix<double> x_kept(static_cast<Index>(kept.size()), 3), y_kept(static_cast<Index>(kept.size()), 2);
  for (std::size_t r = 0; r < kept.size(); ++r) {
    x_kept.row(static_cast<Index>(r)) = x.row(kept[r]);
    y_kept.row(static_cast<Index>(r)) = y.row(kept[r]);
  }
  const auto spec = small_spec(3, {5}, {nn::activation::tanh}, 2, nn::output_kind::softmax);
  nn::mlp<double> weighted(spec), subset(spec);
  nn::train_config config;
  config.shuffle = false;
  config.max_epochs = 5;
  config.batch_size = 1000;  // one full batch per epoch
  config.optimizer.learning_rate = 0.05;
  nn::fit(weighted, x, y, weights, config);
  nn::fit(subset, x_kept, y_kept, {}, config);
  for (std::size_t i = 0; i < weighted.parameters().size(); ++i) {
    CHECK(weighted.parameters()[i] == doctest::Approx(subset.parameters()[i]).epsilon(1e-10));
  }
}

TEST_CASE_TEMPLATE("training is reproducible bit for bit, for any n_threads", Scalar, float, double) {
  const matrix<Scalar> x = gaussian<Scalar>(700, 6, 1);
  const matrix<Scalar> y = one_hot_rule(x, 3);
  const matrix<Scalar> x_val = gaussian<Scalar>(600, 6, 2);
  const matrix<Scalar> y_val = one_hot_rule(x_val, 3);
  auto spec = small_spec(6, {32, 16}, {nn::activation::relu, nn::activation::gelu}, 3,
                         nn::output_kind::softmax, 9);
  spec.dropout = {0.2, 0.1};
  nn::train_config config;
  config.max_epochs = 4;
  config.seed = 17;
  std::vector<shiftguard::aligned_vector<Scalar>> finals;
  std::vector<std::vector<double>> val_losses;
  for (const int threads : {1, 1, 2, 0}) {
    nn::mlp<Scalar> model(spec);
    config.n_threads = threads;
    const auto result = nn::fit(model, x, y, {}, x_val, y_val, {}, config);
    finals.push_back(model.parameters());
    val_losses.push_back(result.val_loss);
  }
  CHECK(finals[0] == finals[1]);
  CHECK(finals[0] == finals[2]);
  CHECK(finals[0] == finals[3]);
  CHECK(val_losses[0] == val_losses[2]);
  nn::mlp<Scalar> model(spec);
  config.seed = 18;  // another shuffle and dropout stream
  nn::fit(model, x, y, {}, config);
  CHECK(model.parameters() != finals[0]);
}

TEST_CASE("the learning-rate range test ramps the rate and leaves the model alone") {
  const matrix<float> x = gaussian<float>(4096, 4, 1);
  const matrix<float> y = one_hot_rule(x, 3);
  nn::mlp<float> model(small_spec(4, {32}, {nn::activation::relu}, 3, nn::output_kind::softmax));
  const auto before = model.parameters();
  nn::train_config config;
  config.optimizer.kind = nn::optimizer_kind::sgd;
  config.batch_size = 128;
  const auto result = nn::lr_range_test(model, x, y, {}, config, 1e-4, 100.0, 120);
  CHECK(model.parameters() == before);
  REQUIRE(result.learning_rates.size() >= 10);
  CHECK(result.learning_rates.front() == doctest::Approx(1e-4));
  for (std::size_t i = 1; i < result.learning_rates.size(); ++i) {
    CHECK(result.learning_rates[i] / result.learning_rates[i - 1] ==
          doctest::Approx(std::pow(1e6, 1.0 / 119)));
  }
  // Smoothed loss: the bias-corrected exponential average of the raw batch losses.
  double average = 0.0;
  for (std::size_t i = 0; i < result.raw_losses.size(); ++i) {
    average = 0.98 * average + 0.02 * result.raw_losses[i];
    CHECK(result.losses[i] == doctest::Approx(average / (1 - std::pow(0.98, i + 1.0))));
  }
  // With SGD the loss barely moves below 1e-3 and diverges above 10: the suggestion lies in
  // between, and the run stopped on divergence (smoothed loss above 4x its minimum).
  CHECK(result.suggested_lr > 1e-3);
  CHECK(result.suggested_lr < 10.0);
  CHECK(result.learning_rates.size() < 120);
  CHECK(result.losses.back() > 4.0 * *std::min_element(result.losses.begin(), result.losses.end()));
  CHECK_THROWS_WITH_AS(nn::lr_range_test(model, x, y, {}, config, 1.0, 0.5, 10),
                       doctest::Contains("lr_max"), shiftguard::invalid_argument);
}

TEST_CASE("fit rejects bad input before training") {
  nn::mlp<float> model(small_spec(3, {4}, {nn::activation::relu}, 2, nn::output_kind::softmax));
  const auto before = model.parameters();
  const matrix<float> x = gaussian<float>(10, 3, 1);
  const matrix<float> y = one_hot_rule(x, 2);
  nn::train_config config;
  CHECK_THROWS_WITH_AS(nn::fit(model, x, matrix<float>(one_hot_rule(x, 3)), {}, config),
                       doctest::Contains("labels do not match the output size"), shiftguard::shape_error);
  matrix<float> bad = x;
  bad(4, 2) = std::nanf("");
  CHECK_THROWS_WITH_AS(nn::fit(model, bad, y, {}, config), doctest::Contains("X contains NaN at row 4, column 2"),
                       shiftguard::invalid_argument);
  matrix<float> bad_y = y;
  bad_y(1, 0) = std::nanf("");
  CHECK_THROWS_WITH_AS(nn::fit(model, x, bad_y, {}, config), doctest::Contains("Y contains NaN"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(nn::fit(model, matrix<float>(0, 3), matrix<float>(0, 2), {}, config),
                       doctest::Contains("0 rows"), shiftguard::shape_error);
  config.optimizer.learning_rate = 0.0;
  CHECK_THROWS_WITH_AS(nn::fit(model, x, y, {}, config), doctest::Contains("learning_rate must be"),
                       shiftguard::invalid_argument);
  config.optimizer.learning_rate = 0.01;
  CHECK_THROWS_WITH_AS(nn::fit(model, x, y, std::vector<float>(9, 1.0F), config),
                       doctest::Contains("sample_weight has 9"), shiftguard::shape_error);
  CHECK_THROWS_WITH_AS(nn::fit(model, x, y, std::vector<float>(10, -1.0F), config),
                       doctest::Contains("sample_weight must be finite and >= 0"),
                       shiftguard::invalid_argument);
  matrix<float> two = y * 2.0F;
  CHECK_THROWS_WITH_AS(nn::fit(model, x, two, {}, config), doctest::Contains("[0, 1]"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(nn::fit(model, x, y, {}, matrix<float>(gaussian<float>(5, 4, 1)), y, {}, config),
                       doctest::Contains("X_val has 4 columns"), shiftguard::shape_error);
  config.batch_size = 0;
  CHECK_THROWS_WITH_AS(nn::fit(model, x, y, {}, config), doctest::Contains("batch_size"),
                       shiftguard::invalid_argument);
  CHECK(model.parameters() == before);
}
