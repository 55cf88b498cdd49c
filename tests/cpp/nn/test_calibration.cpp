// Tests of shiftguard/nn/calibration.hpp. Oracle: a brute-force scan of the NLL over a fine
// grid of temperatures; and data generated at a known temperature.

#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "nn_test_support.hpp"
#include "shiftguard/nn/calibration.hpp"

using namespace nn_test;

namespace {

double nll(const matrix<double>& z, const std::vector<std::int64_t>& labels, double t) {
  double total = 0;
  for (Index i = 0; i < z.rows(); ++i) {
    if (z.cols() == 1) {
      const double v = z(i, 0) / t;
      total += std::log1p(std::exp(-std::abs(v))) + std::max(v, 0.0) - (labels[i] == 1 ? v : 0.0);
    } else {
      double s = 0;
      for (Index j = 0; j < z.cols(); ++j) s += std::exp(z(i, j) / t);
      total += std::log(s) - z(i, labels[i]) / t;
    }
  }
  return total;
}

}  // namespace

TEST_CASE("temperature scaling minimises the NLL (softmax and sigmoid)") {
  for (const Index k : {Index{1}, Index{4}}) {
    CAPTURE(k);
    // Labels drawn from softmax(z / 2.5): the fitted temperature should be near 2.5.
    const matrix<double> z = gaussian<double>(4000, k, 3, 3.0);
    nn::random_stream stream(5);
    std::vector<std::int64_t> labels(4000);
    for (Index i = 0; i < z.rows(); ++i) {
      if (k == 1) {
        labels[i] = stream.uniform() < 1 / (1 + std::exp(-z(i, 0) / 2.5)) ? 1 : 0;
      } else {
        std::vector<double> p(k);
        double s = 0;
        for (Index j = 0; j < k; ++j) s += (p[j] = std::exp(z(i, j) / 2.5));
        double u = stream.uniform() * s;
        Index j = 0;
        while (j + 1 < k && u > p[j]) u -= p[j++];
        labels[i] = j;
      }
    }
    const double t = nn::fit_temperature(z, labels);
    CHECK(t == doctest::Approx(2.5).epsilon(0.15));
    double best_t = 0, best = 1e300;
    for (double grid = 0.5; grid < 6; grid += 0.001) {
      const double v = nll(z, labels, grid);
      if (v < best) { best = v; best_t = grid; }
    }
    CHECK(t == doctest::Approx(best_t).epsilon(0.001));
  }
  CHECK_THROWS_WITH_AS(nn::fit_temperature(matrix<double>::Zero(3, 2), std::vector<std::int64_t>{0, 2, 1}),
                       doctest::Contains("labels must be in [0, 2)"), shiftguard::invalid_argument);
}
