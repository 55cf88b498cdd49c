// C++ throughput and memory of the streaming drift detectors.
//
// For each detector: values per second of update_many over a seeded stream (median of
// --repeat runs), the heap the detector holds after the whole stream, and the number of heap
// allocations made while processing the second half of the stream (after warm-up; the
// detectors are designed to make none). Heap use is measured by interposing malloc
// (tests/cpp/support/counting_allocator.hpp).
//
// Usage: bench_stream [--values N] [--repeat R]    (defaults: 10,000,000 values, 3 runs)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "shiftguard/drift/stream.hpp"
#include "support/counting_allocator.hpp"

namespace stream = shiftguard::drift::stream;

namespace {

// Segments of 100,000 values whose mean (real streams) or error rate (binary streams)
// changes from one segment to the next, so that detectors fire and reset as in service.
std::vector<double> make_stream(std::size_t n, bool binary, unsigned seed) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> values(n);
  for (std::size_t i = 0; i < n; ++i) {
    const bool shifted = (i / 100000) % 2 == 1;
    values[i] = binary ? (uniform(engine) < (shifted ? 0.3 : 0.1) ? 1.0 : 0.0)
                       : normal(engine) + (shifted ? 1.0 : 0.0);
  }
  return values;
}

struct row {
  std::string name;
  double values_per_second;
  std::size_t heap_bytes;
  std::size_t allocations_after_warmup;
  std::size_t detections;
};

template <class Detector>
row measure(const std::string& name, const Detector& prototype, const std::vector<double>& data,
            int repeat) {
  std::vector<double> seconds;
  std::size_t detections = 0;
  for (int run = 0; run < repeat; ++run) {
    Detector detector = prototype;
    const auto start = std::chrono::steady_clock::now();
    const auto events = detector.update_many(data.data(), static_cast<Eigen::Index>(data.size()));
    const auto stop = std::chrono::steady_clock::now();
    seconds.push_back(std::chrono::duration<double>(stop - start).count());
    detections = events.drift_indices.size();
  }
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds[seconds.size() / 2];

  // Heap held and allocations per update, with single updates (no event vectors).
  const std::size_t bytes_before = counting_allocator::live_bytes;
  std::size_t allocations_after_warmup = 0;
  std::size_t heap_bytes = 0;
  {
    Detector detector = prototype;
    const std::size_t half = data.size() / 2;
    for (std::size_t i = 0; i < half; ++i) detector.update(data[i]);
    const std::size_t allocations_before = counting_allocator::allocations;
    for (std::size_t i = half; i < data.size(); ++i) detector.update(data[i]);
    allocations_after_warmup = counting_allocator::allocations - allocations_before;
    heap_bytes = counting_allocator::live_bytes - bytes_before + sizeof(Detector);
  }
  return {name, static_cast<double>(data.size()) / median, heap_bytes, allocations_after_warmup,
          detections};
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 10000000;
  int repeat = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--values") == 0) n = std::strtoull(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::atoi(argv[i + 1]);
  }
  const auto real = make_stream(n, false, 1);
  const auto binary = make_stream(n, true, 2);

  std::vector<row> rows;
  rows.push_back(measure("ADWIN", stream::adwin{}, real, repeat));
  rows.push_back(measure("PageHinkley", stream::page_hinkley{}, real, repeat));
  stream::kswin_options kswin_options;
  kswin_options.seed = 1;
  rows.push_back(measure("KSWIN", stream::kswin{kswin_options}, real, repeat));
  rows.push_back(measure("CUSUM", stream::cusum{}, real, repeat));
  rows.push_back(measure("DDM", stream::ddm{}, binary, repeat));
  rows.push_back(measure("EDDM", stream::eddm{}, binary, repeat));
  rows.push_back(measure("HDDM_A", stream::hddm_a{}, binary, repeat));
  rows.push_back(measure("HDDM_W", stream::hddm_w{}, binary, repeat));

  std::printf("%zu values per stream, median of %d runs\n", n, repeat);
  std::printf("%-12s %16s %12s %22s %11s\n", "detector", "values/s", "heap bytes",
              "allocs after warm-up", "detections");
  for (const auto& r : rows) {
    std::printf("%-12s %16.3e %12zu %22zu %11zu\n", r.name.c_str(), r.values_per_second,
                r.heap_bytes, r.allocations_after_warmup, r.detections);
  }
  return 0;
}
