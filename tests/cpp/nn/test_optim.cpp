// Tests of shiftguard/nn/optim.hpp. Oracles: the update rules of torch.optim written out by
// hand for two steps on two parameters, clip_grad_norm_'s definition, the schedule formulas.

#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/nn/optim.hpp"

namespace nn = shiftguard::nn;

namespace {

template <class Scalar>
std::vector<double> two_steps(nn::optimizer_config config) {
  nn::optimizer<Scalar> opt(config, 2);
  std::vector<Scalar> p{Scalar(1.0), Scalar(-2.0)};
  std::vector<Scalar> g{Scalar(0.5), Scalar(-1.0)};
  opt.step(p.data(), g.data(), 2, config.learning_rate);
  g = {Scalar(0.25), Scalar(0.5)};
  opt.step(p.data(), g.data(), 2, config.learning_rate);
  return {static_cast<double>(p[0]), static_cast<double>(p[1])};
}

}  // namespace

TEST_CASE_TEMPLATE("optimiser steps equal hand-computed torch.optim updates", Scalar, float, double) {
  const double tol = std::is_same_v<Scalar, float> ? 1e-6 : 1e-14;
  const double p0[2] = {1.0, -2.0};
  const double g1[2] = {0.5, -1.0};
  const double g2[2] = {0.25, 0.5};
  nn::optimizer_config config;
  config.learning_rate = 0.1;

  SUBCASE("sgd with momentum, nesterov and L2 weight decay") {
    config.kind = nn::optimizer_kind::sgd;
    config.momentum = 0.9;
    config.nesterov = true;
    config.weight_decay = 0.01;
    const auto got = two_steps<Scalar>(config);
    for (int i = 0; i < 2; ++i) {
      double p = p0[i], buf = 0;
      for (const double* g : {g1, g2}) {
        const double d = g[i] + 0.01 * p;
        buf = 0.9 * buf + d;
        p -= 0.1 * (d + 0.9 * buf);
      }
      CHECK(got[i] == doctest::Approx(p).epsilon(tol));
    }
  }
  SUBCASE("adam with L2 weight decay") {
    config.kind = nn::optimizer_kind::adam;
    config.weight_decay = 0.1;
    const auto got = two_steps<Scalar>(config);
    for (int i = 0; i < 2; ++i) {
      double p = p0[i], m = 0, v = 0;
      int t = 0;
      for (const double* g : {g1, g2}) {
        ++t;
        const double d = g[i] + 0.1 * p;
        m = 0.9 * m + 0.1 * d;
        v = 0.999 * v + 0.001 * d * d;
        const double mh = m / (1 - std::pow(0.9, t));
        const double vh = v / (1 - std::pow(0.999, t));
        p -= 0.1 * mh / (std::sqrt(vh) + 1e-8);
      }
      CHECK(got[i] == doctest::Approx(p).epsilon(tol));
    }
  }
  SUBCASE("adamw decouples the weight decay") {
    config.kind = nn::optimizer_kind::adamw;
    config.weight_decay = 0.1;
    const auto got = two_steps<Scalar>(config);
    for (int i = 0; i < 2; ++i) {
      double p = p0[i], m = 0, v = 0;
      int t = 0;
      for (const double* g : {g1, g2}) {
        ++t;
        p *= 1 - 0.1 * 0.1;
        m = 0.9 * m + 0.1 * g[i];
        v = 0.999 * v + 0.001 * g[i] * g[i];
        p -= 0.1 * (m / (1 - std::pow(0.9, t))) / (std::sqrt(v / (1 - std::pow(0.999, t))) + 1e-8);
      }
      CHECK(got[i] == doctest::Approx(p).epsilon(tol));
    }
  }
  SUBCASE("rmsprop with torch's defaults and momentum") {
    config.kind = nn::optimizer_kind::rmsprop;
    config.momentum = 0.5;
    const auto got = two_steps<Scalar>(config);
    for (int i = 0; i < 2; ++i) {
      double p = p0[i], v = 0, buf = 0;
      for (const double* g : {g1, g2}) {
        v = 0.99 * v + 0.01 * g[i] * g[i];
        buf = 0.5 * buf + g[i] / (std::sqrt(v) + 1e-8);
        p -= 0.1 * buf;
      }
      CHECK(got[i] == doctest::Approx(p).epsilon(tol));
    }
  }
}

TEST_CASE("gradient clipping by global norm") {
  std::vector<double> g{3.0, 4.0};
  CHECK(nn::clip_gradient_norm(g.data(), 2, 1.0) == doctest::Approx(5.0));
  CHECK(g[0] == doctest::Approx(3.0 / (5.0 + 1e-6)));
  CHECK(std::hypot(g[0], g[1]) == doctest::Approx(1.0).epsilon(1e-6));
  std::vector<double> small{0.3, 0.4};
  nn::clip_gradient_norm(small.data(), 2, 1.0);
  CHECK(small[0] == 0.3);  // below the bound: untouched
}

TEST_CASE("learning-rate schedules") {
  nn::schedule_config config;
  config.kind = nn::schedule_kind::step;
  config.step_size = 3;
  config.gamma = 0.5;
  nn::learning_rate_schedule step(config, 0.1, 10);
  CHECK(step.rate(2) == doctest::Approx(0.1));
  CHECK(step.rate(3) == doctest::Approx(0.05));
  CHECK(step.rate(7) == doctest::Approx(0.025));

  config.kind = nn::schedule_kind::cosine;
  config.warmup_epochs = 2;
  config.min_lr = 0.001;
  nn::learning_rate_schedule cosine(config, 0.1, 12);
  CHECK(cosine.rate(0) == doctest::Approx(0.05));
  CHECK(cosine.rate(1) == doctest::Approx(0.1));
  CHECK(cosine.rate(2) == doctest::Approx(0.1));
  CHECK(cosine.rate(7) == doctest::Approx(0.001 + 0.099 * 0.5 * (1 + std::cos(M_PI * 0.5))));
  CHECK(cosine.rate(11) == doctest::Approx(0.001 + 0.099 * 0.5 * (1 + std::cos(M_PI * 0.9))));

  config.kind = nn::schedule_kind::plateau;
  config.plateau_patience = 1;
  config.plateau_factor = 0.5;
  config.min_lr = 0.02;
  nn::learning_rate_schedule plateau(config, 0.1, 100);
  plateau.observe(1.0);
  plateau.observe(0.9);
  CHECK(plateau.rate(2) == doctest::Approx(0.1));
  plateau.observe(0.95);  // 1 bad epoch: not more than patience yet
  CHECK(plateau.rate(3) == doctest::Approx(0.1));
  plateau.observe(0.91);  // 2 bad epochs > patience 1: decay
  CHECK(plateau.rate(4) == doctest::Approx(0.05));
  plateau.observe(0.9);
  plateau.observe(0.9);
  plateau.observe(0.9);
  plateau.observe(0.9);
  CHECK(plateau.rate(5) == doctest::Approx(0.02));  // floored at min_lr

  config.plateau_factor = 1.5;
  CHECK_THROWS_WITH_AS(nn::learning_rate_schedule(config, 0.1, 5), doctest::Contains("plateau_factor"),
                       shiftguard::invalid_argument);
}

TEST_CASE("optimiser settings are validated") {
  nn::optimizer_config config;
  config.learning_rate = 0.0;
  CHECK_THROWS_WITH_AS(nn::validate_optimizer(config), doctest::Contains("learning_rate"),
                       shiftguard::invalid_argument);
  config.learning_rate = -1.0;
  CHECK_THROWS_WITH_AS(nn::validate_optimizer(config), doctest::Contains("-1"),
                       shiftguard::invalid_argument);
  config.learning_rate = 0.1;
  config.nesterov = true;
  CHECK_THROWS_WITH_AS(nn::validate_optimizer(config), doctest::Contains("nesterov"),
                       shiftguard::invalid_argument);
}
