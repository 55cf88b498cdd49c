// C++ throughput of the network trainer: training steps per second of a 100-256-256-2 ReLU
// network (Adam, softmax cross-entropy) at batch sizes 32 and 256, the GFLOP/s this achieves
// (2 flops per multiply-add of the three products per layer: forward, weight gradient,
// input gradient, the last one skipped for the first layer), and, measured by this program,
// the machine's throughput for a plain Eigen float32 matrix product of the same shapes, as
// the practical peak. Also the single-row inference latency.
//
// Usage: bench_nn [--rows N] [--epochs E] [--repeat R]   (defaults 100,000 rows, 1 epoch, 3)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/nn.hpp"

namespace nn = shiftguard::nn;
using shiftguard::matrix;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Flops of one training step per row: forward (all layers), weight gradients (all layers),
// input gradients (all layers but the first).
double training_flops_per_row(const std::vector<long>& sizes) {
  double flops = 0;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    const double products = static_cast<double>(sizes[l]) * static_cast<double>(sizes[l + 1]);
    flops += 2 * products * (l == 0 ? 2 : 3);
  }
  return flops;
}

// Eigen float32 GEMM throughput on (batch x 256) * (256 x 256): the practical peak.
double eigen_gemm_gflops(long batch, int repeat) {
  Eigen::MatrixXf a = Eigen::MatrixXf::Random(batch, 256);
  Eigen::MatrixXf b = Eigen::MatrixXf::Random(256, 256);
  Eigen::MatrixXf c(batch, 256);
  const long reps = std::max(10L, 4000000L / batch);
  std::vector<double> rates;
  for (int r = 0; r < repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (long k = 0; k < reps; ++k) {
      c.noalias() = a * b;
      a(0, 0) = c(0, 0) * 1e-9F;  // keep the loop from being optimised away
    }
    rates.push_back(2.0 * batch * 256 * 256 * reps / seconds_since(start) / 1e9);
  }
  return median(rates);
}

}  // namespace

int main(int argc, char** argv) {
  long rows = 100000;
  int epochs = 1;
  int repeat = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rows") == 0) rows = std::atol(argv[i + 1]);
    if (std::strcmp(argv[i], "--epochs") == 0) epochs = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::atoi(argv[i + 1]);
  }
  std::mt19937_64 engine(1);
  std::normal_distribution<float> normal(0.0F, 1.0F);
  matrix<float> x(rows, 100);
  for (long i = 0; i < x.size(); ++i) x.data()[i] = normal(engine);
  matrix<float> y = matrix<float>::Zero(rows, 2);
  for (long i = 0; i < rows; ++i) y(i, x(i, 0) + x(i, 1) > 0 ? 1 : 0) = 1;

  nn::mlp_spec spec;
  spec.n_inputs = 100;
  spec.hidden_sizes = {256, 256};
  spec.activations = {nn::activation::relu, nn::activation::relu};
  spec.n_outputs = 2;
  const double flops_per_row = training_flops_per_row({100, 256, 256, 2});
#if defined(__AVX__) && defined(__FMA__)
  const char* isa = "AVX+FMA";
#else
  const char* isa = "baseline (SSE2)";
#endif
  std::printf("shiftguard nn trainer, 100-256-256-2 ReLU, Adam, %ld rows x %d epoch(s), %s, Eigen %d.%d.%d\n",
              rows, epochs, isa, EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION);
  std::printf("%-8s %14s %12s %12s %18s\n", "batch", "seconds", "steps/s", "GFLOP/s", "Eigen GEMM GFLOP/s");
  for (const long batch : {32L, 256L}) {
    std::vector<double> times;
    for (int r = 0; r < repeat; ++r) {
      nn::mlp<float> model(spec);
      nn::train_config config;
      config.batch_size = batch;
      config.max_epochs = epochs;
      const auto start = std::chrono::steady_clock::now();
      nn::fit(model, x, y, std::vector<float>{}, config);
      times.push_back(seconds_since(start));
    }
    const double t = median(times);
    const double steps = static_cast<double>(epochs) * static_cast<double>((rows + batch - 1) / batch);
    std::printf("%-8ld %14.3f %12.0f %12.2f %18.2f\n", batch, t, steps / t,
                flops_per_row * rows * epochs / t / 1e9, eigen_gemm_gflops(batch, repeat));
  }
  // Single-row inference latency (median of many calls).
  nn::mlp<float> model(spec);
  const matrix<float> one = x.topRows(1);
  std::vector<double> latencies;
  float sink = 0;
  for (int r = 0; r < 2000; ++r) {
    const auto start = std::chrono::steady_clock::now();
    sink += model.predict_output(one)(0, 0);
    latencies.push_back(seconds_since(start));
  }
  std::printf("single-row predict_output latency: %.2f us (median of 2000; checksum %.3f)\n",
              median(latencies) * 1e6, static_cast<double>(sink));
  return 0;
}
