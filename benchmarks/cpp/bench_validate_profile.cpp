// Where the time of a column profile goes: nanoseconds per value of each sketch fed alone
// (moments, KLL, HyperLogLog hashing) on one thread, of the whole one-column profile, and of
// profile_matrix over --rows x 20 columns on all cores.
//
// Usage: bench_validate_profile [--rows N] [--repeat R]   (defaults: 2,000,000 rows, 3 runs)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/validate/profile.hpp"

namespace validate = shiftguard::validate;
namespace sketch = shiftguard::validate::sketch;

namespace {

template <class Body>
double best_seconds(int repeat, Body&& body) {
  double best = 1e300;
  for (int r = 0; r < repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    body();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    best = std::min(best, elapsed.count());
  }
  return best;
}

volatile double sink = 0.0;

}  // namespace

int main(int argc, char** argv) {
  long rows = 2000000;
  int repeat = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rows") == 0) rows = std::atol(argv[i + 1]);
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::atoi(argv[i + 1]);
  }
  std::mt19937_64 engine(20261124);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> column(static_cast<std::size_t>(rows));
  for (auto& v : column) v = normal(engine);
  const double n = static_cast<double>(rows);
  const auto per_value = [&](double seconds) { return seconds / n * 1e9; };

  const double t_moments = best_seconds(repeat, [&] {
    sketch::moments m;
    m.update(column.data(), column.size(), 1);
    sink = m.mean();
  });
  const double t_kll = best_seconds(repeat, [&] {
    sketch::kll_sketch k(200, 1);
    k.update(column.data(), column.size(), 1);
    sink = static_cast<double>(k.retained());
  });
  const double t_hll = best_seconds(repeat, [&] {
    sketch::hyperloglog h(12);
    for (const double v : column) h.add_hash(sketch::hash_double(v));
    sink = h.estimate();
  });
  const double t_column = best_seconds(repeat, [&] {
    validate::profile_options options;
    options.n_threads = 1;
    const Eigen::Map<const Eigen::MatrixXd> view(column.data(), rows, 1);
    sink = static_cast<double>(validate::profile_matrix(view, {"x"}, options).n_rows());
  });
  std::printf("one column of %ld values, one thread, ns per value:\n", rows);
  std::printf("  moments %.2f   kll(k=200) %.2f   hyperloglog(p=12) hash+add %.2f   "
              "whole column profile %.2f\n",
              per_value(t_moments), per_value(t_kll), per_value(t_hll), per_value(t_column));

  Eigen::MatrixXd x(rows, 20);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = normal(engine);
  std::vector<std::string> names;
  for (int j = 0; j < 20; ++j) names.push_back("c" + std::to_string(j));
  const double t_matrix = best_seconds(repeat, [&] {
    sink = static_cast<double>(validate::profile_matrix(x, names).n_rows());
  });
  const double bytes = static_cast<double>(x.size()) * sizeof(double);
  const double t_sum = best_seconds(repeat, [&] { sink = x.sum(); });
  std::printf("profile_matrix %ld x 20, all cores: %.3f s, %.3f GB/s (Eigen sum, one thread: "
              "%.2f GB/s)\n",
              rows, t_matrix, bytes / t_matrix / 1e9, bytes / t_sum / 1e9);
  return 0;
}
