#pragma once

// Validation of N-d batches (images N x H x W x C, sequences N x T x F, ...): axis 0 holds the
// samples. The batch is any xtensor expression with a data interface (xt::xarray, xt::xtensor,
// a strided view, or the adaptor that tensor_view() builds with xt::adapt on the caller's own
// buffer, shape and strides), read in place without a copy: strides may be arbitrary (slices,
// transposes, negative or zero strides).
//
// One pass per sample (a second one over the same, cached, sample for the sums of squared
// deviations) gathers per-channel counts, means, standard deviations, minima and maxima, counts
// NaN, infinite and out-of-range values, and finds blank samples (all values equal, or their
// standard deviation at most an epsilon). Samples run in parallel (oneTBB) in blocks whose
// boundaries depend only on the number of samples; per-block partial moments are combined in
// block order (Chan et al.'s pairwise update), so results do not depend on the thread count.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <xtensor/xadapt.hpp>
#include <xtensor/xutils.hpp>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"

namespace shiftguard::validate {

/// Size of an axis that may take any value in a tensor_schema shape.
inline constexpr std::int64_t any_size = -1;

/// NumPy's name of an element type ("float32", "uint8", ...).
template <class T>
std::string dtype_name() {
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_same_v<U, bool>) return "bool";
  if constexpr (std::is_floating_point_v<U>) return "float" + std::to_string(8 * sizeof(U));
  if constexpr (std::is_integral_v<U> && std::is_signed_v<U>)
    return "int" + std::to_string(8 * sizeof(U));
  if constexpr (std::is_integral_v<U> && std::is_unsigned_v<U>)
    return "uint" + std::to_string(8 * sizeof(U));
  return "unknown";
}

/// Read-only xtensor view (xt::adapt, no ownership, no copy) of `data` with the given shape and
/// strides counted in elements. Strides may be negative or zero; `data` points at the element of
/// index (0, ..., 0).
template <class T>
auto tensor_view(const T* data, const std::vector<std::size_t>& shape,
                 const std::vector<std::ptrdiff_t>& strides) {
  if (shape.size() != strides.size()) {
    throw shape_error("tensor_view: shape has " + std::to_string(shape.size()) +
                      " axes but strides has " + std::to_string(strides.size()));
  }
  std::size_t size = 1;
  for (const std::size_t extent : shape) size *= extent;
  return xt::adapt(data, size, xt::no_ownership(), shape, strides);
}

/// What a batch must look like. Statistics fields left empty are not checked.
struct tensor_schema {
  /// Expected size of each axis, any_size (-1) for a wildcard; axis 0 is the sample axis
  /// (usually a wildcard). Empty: the shape is not checked.
  std::vector<std::int64_t> shape;
  /// NumPy name of the element type ("float32", "uint8", ...); empty: any.
  std::string dtype;
  /// Axis holding the channels (>= 1), or none: the whole sample is one channel.
  std::optional<int> channel_axis;
  bool allow_nan = false;
  bool allow_infinite = false;
  /// Smallest and largest allowed finite value (infinite bounds: unchecked).
  double minimum = -std::numeric_limits<double>::infinity();
  double maximum = std::numeric_limits<double>::infinity();
  /// Per channel: reference mean, standard deviation (ddof 0, over every finite value of the
  /// channel) and standard deviation (ddof 1) across reference samples of the samples' own
  /// channel means. Empty: not checked.
  std::vector<double> channel_mean;
  std::vector<double> channel_std;
  std::vector<double> channel_mean_spread;
  /// Number of samples of the reference the statistics come from (>= 2 when they are set).
  std::int64_t reference_samples = 0;
  /// channel_mean anomaly when |mean - reference mean| exceeds this many standard errors of the
  /// difference of two sample means, spread * sqrt(1/n_batch + 1/n_reference).
  double mean_tolerance = 4.0;
  /// channel_std anomaly when |std / reference std - 1| exceeds this (relative).
  double std_tolerance = 0.1;
  /// Report blank samples: all finite values equal (blank_epsilon 0) or their standard
  /// deviation (ddof 0) at most blank_epsilon, or no finite value at all.
  bool check_blank = true;
  double blank_epsilon = 0.0;
  /// Fewer samples than this is a too_few_samples anomaly.
  std::int64_t min_samples = 1;
};

/// One finding of validate_tensor. `channel` is -1 unless the finding concerns one channel;
/// `samples` lists the offending sample indices (ascending, at most max_samples_listed of
/// them) and `count` is the full number of offending samples (0 for findings about the batch as
/// a whole: shape, dtype, too_few_samples, channel statistics); the message gives value counts.
struct tensor_anomaly {
  std::string kind;      ///< shape, dtype, too_few_samples, nan, infinite, out_of_range,
                         ///< channel_mean, channel_std, blank_sample
  std::string severity;  ///< "error" or "warning"
  std::string message;
  std::int64_t channel = -1;
  std::vector<std::int64_t> samples;
  std::int64_t count = 0;
};

/// Options of summarize_tensor.
struct tensor_summary_options {
  std::optional<int> channel_axis;  ///< none: one channel (the whole sample)
  double minimum = -std::numeric_limits<double>::infinity();
  double maximum = std::numeric_limits<double>::infinity();
  bool check_blank = true;
  double blank_epsilon = 0.0;
  int n_threads = 0;  ///< 0: all cores
};

/// Statistics of a batch, computed in one parallel pass.
struct tensor_summary {
  std::vector<std::int64_t> shape;
  std::int64_t n_samples = 0;
  std::int64_t values_per_sample = 0;
  std::optional<int> channel_axis;
  std::int64_t n_channels = 1;
  std::uint64_t n_nan = 0, n_infinite = 0, n_below = 0, n_above = 0;
  double minimum = std::numeric_limits<double>::quiet_NaN();  ///< finite values; NaN if none
  double maximum = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::uint64_t> channel_count;  ///< finite values per channel
  std::vector<double> channel_mean, channel_std, channel_min, channel_max;
  std::vector<double> channel_mean_spread;  ///< ddof 1 over samples with values; NaN if < 2
  std::vector<std::int64_t> nan_samples, infinite_samples, out_of_range_samples, blank_samples;
};

/// Options of infer_tensor_schema.
struct tensor_infer_options {
  std::optional<int> channel_axis = -1;  ///< negative counts from the end; none: no channels
  std::vector<int> wildcard_axes = {0};  ///< axes whose size is not fixed (negative from end)
  double range_margin = 0.1;  ///< widen [min, max] by this fraction of (max - min) each side
  bool infer_range = true;
  double mean_tolerance = 4.0;
  double std_tolerance = 0.1;
  bool check_blank = true;
  double blank_epsilon = 0.0;
  int n_threads = 0;
};

/// Options of validate_tensor.
struct tensor_validate_options {
  /// Actual dtype name when it differs from the element type's (a NumPy bool array read as
  /// uint8); empty: dtype_name<T>().
  std::string dtype;
  std::size_t max_samples_listed = 1000;
  int n_threads = 0;
};

namespace detail {

// One axis of the walk over a sample.
struct tensor_axis {
  std::int64_t size;
  std::int64_t stride;
  bool is_channel;
};

// Order in which a sample's values are visited: outer axes (odometer) then the innermost run.
struct tensor_walk {
  std::vector<tensor_axis> axes;  // loop order, innermost last
};

// Non-sample axes, outermost first by |stride| (the innermost has the smallest), adjacent
// non-channel axes merged when they form one evenly strided run.
inline tensor_walk plan_walk(const std::vector<std::int64_t>& shape,
                             const std::vector<std::int64_t>& strides,
                             std::optional<int> channel_axis) {
  std::vector<tensor_axis> axes;
  for (std::size_t a = 1; a < shape.size(); ++a) {
    const bool is_channel = channel_axis && static_cast<std::size_t>(*channel_axis) == a;
    if (shape[a] == 1 && !is_channel) continue;
    axes.push_back({shape[a], strides[a], is_channel});
  }
  std::stable_sort(axes.begin(), axes.end(), [](const tensor_axis& x, const tensor_axis& y) {
    return std::llabs(x.stride) > std::llabs(y.stride);
  });
  tensor_walk walk;
  for (const auto& axis : axes) {
    if (!walk.axes.empty()) {
      auto& outer = walk.axes.back();
      if (!outer.is_channel && !axis.is_channel && outer.stride == axis.stride * axis.size) {
        outer.size *= axis.size;
        outer.stride = axis.stride;
        continue;
      }
    }
    walk.axes.push_back(axis);
  }
  return walk;
}

// Calls fixed_run(ptr, n, stride, channel) for runs of one channel, or, when the innermost axis
// holds the channels, channel_run(ptr, n_outer, outer_stride, n_channels, channel_stride) with
// the channels innermost, until every value of the sample starting at `base` is visited.
template <class T, class FixedRun, class ChannelRun>
void walk_sample(const T* base, const tensor_walk& walk, FixedRun&& fixed_run,
                 ChannelRun&& channel_run) {
  const auto& axes = walk.axes;
  if (axes.empty()) {
    fixed_run(base, std::int64_t{1}, std::int64_t{1}, std::int64_t{0});
    return;
  }
  const bool channel_inner = axes.back().is_channel;
  // Axes handled by the run itself: the innermost, plus the one outside it for channel runs.
  const std::size_t n_run_axes = (channel_inner && axes.size() >= 2) ? 2 : 1;
  const std::size_t n_outer = axes.size() - n_run_axes;
  std::vector<std::int64_t> counter(n_outer, 0);
  std::int64_t channel = 0;  // channel of the current fixed run (0 without a channel axis)
  const T* ptr = base;
  while (true) {
    if (channel_inner) {
      const auto& inner = axes.back();
      if (n_run_axes == 2) {
        const auto& pixel = axes[axes.size() - 2];
        channel_run(ptr, pixel.size, pixel.stride, inner.size, inner.stride);
      } else {
        channel_run(ptr, std::int64_t{1}, std::int64_t{0}, inner.size, inner.stride);
      }
    } else {
      fixed_run(ptr, axes.back().size, axes.back().stride, channel);
    }
    // Odometer over the outer axes.
    std::size_t level = n_outer;
    while (level > 0) {
      --level;
      const auto& axis = axes[level];
      ++counter[level];
      ptr += axis.stride;
      if (axis.is_channel) ++channel;
      if (counter[level] < axis.size) break;
      ptr -= axis.stride * axis.size;
      if (axis.is_channel) channel = 0;
      counter[level] = 0;
      if (level == 0) return;
    }
    if (n_outer == 0) return;
  }
}

// Moments of a set of values: count, mean, sum of squared deviations (m2).
struct moments_accumulator {
  std::uint64_t count = 0;
  double mean = 0.0;
  double m2 = 0.0;
  void merge(std::uint64_t other_count, double other_mean, double other_m2) {
    if (other_count == 0) return;
    if (count == 0) {
      count = other_count;
      mean = other_mean;
      m2 = other_m2;
      return;
    }
    const double n_a = static_cast<double>(count);
    const double n_b = static_cast<double>(other_count);
    const double n = n_a + n_b;
    const double delta = other_mean - mean;
    mean += delta * (n_b / n);
    m2 += other_m2 + delta * delta * (n_a * n_b / n);
    count += other_count;
  }
  void merge(const moments_accumulator& other) { merge(other.count, other.mean, other.m2); }
  void add(double value) { merge(1, value, 0.0); }
};

enum sample_flag : std::uint8_t {
  has_nan = 1,
  has_infinite = 2,
  has_out_of_range = 4,
  is_blank = 8,
};

// Partial results of one block of consecutive samples.
struct tensor_block {
  std::vector<moments_accumulator> values;        // per channel, over finite values
  std::vector<moments_accumulator> sample_means;  // per channel, over the samples' means
  std::vector<double> minimum, maximum;           // per channel
  std::uint64_t n_nan = 0, n_infinite = 0, n_below = 0, n_above = 0;
};

template <class T>
constexpr bool may_be_non_finite = std::is_floating_point_v<T>;

template <class T>
tensor_summary summarize(const T* data, const std::vector<std::int64_t>& shape,
                         const std::vector<std::int64_t>& strides,
                         const tensor_summary_options& options) {
  if (shape.empty()) {
    throw shape_error("batch must have at least one axis (axis 0 holds the samples), got a 0-D array");
  }
  const int ndim = static_cast<int>(shape.size());
  if (options.channel_axis && (*options.channel_axis < 1 || *options.channel_axis >= ndim)) {
    throw invalid_argument("channel_axis must be in [1, " + std::to_string(ndim - 1) +
                           "] for a batch with " + std::to_string(ndim) + " axes, got " +
                           std::to_string(*options.channel_axis));
  }
  if (!(options.blank_epsilon >= 0.0) || !std::isfinite(options.blank_epsilon)) {
    std::ostringstream message;
    message << "blank_epsilon must be a finite number >= 0, got " << options.blank_epsilon;
    throw invalid_argument(message.str());
  }
  if (std::isnan(options.minimum) || std::isnan(options.maximum) ||
      options.minimum > options.maximum) {
    std::ostringstream message;
    message << "minimum must be <= maximum (and neither NaN), got minimum " << options.minimum
            << " and maximum " << options.maximum;
    throw invalid_argument(message.str());
  }
  tensor_summary summary;
  summary.shape = shape;
  summary.n_samples = shape[0];
  summary.channel_axis = options.channel_axis;
  summary.values_per_sample = 1;
  for (int a = 1; a < ndim; ++a) summary.values_per_sample *= shape[a];
  const std::int64_t n_channels = options.channel_axis ? shape[*options.channel_axis] : 1;
  summary.n_channels = n_channels;
  const auto channels = static_cast<std::size_t>(n_channels);
  summary.channel_count.assign(channels, 0);
  summary.channel_mean.assign(channels, std::numeric_limits<double>::quiet_NaN());
  summary.channel_std = summary.channel_mean;
  summary.channel_min = summary.channel_mean;
  summary.channel_max = summary.channel_mean;
  summary.channel_mean_spread = summary.channel_mean;
  const std::int64_t n_samples = shape[0];
  if (n_samples == 0 || summary.values_per_sample == 0) return summary;

  const tensor_walk walk = plan_walk(shape, strides, options.channel_axis);
  const double low = options.minimum;
  const double high = options.maximum;
  const bool check_blank = options.check_blank && summary.values_per_sample >= 2;
  const double blank_epsilon = options.blank_epsilon;

  // Block boundaries depend only on n_samples and the number of channels (never on the thread
  // count): at most 256 blocks, fewer when many channels would make the per-block partial
  // statistics large (about 4 million per-channel partials in all).
  const std::int64_t max_blocks =
      std::clamp<std::int64_t>(std::int64_t{4'000'000} / std::max<std::int64_t>(n_channels, 1),
                               std::int64_t{2}, std::int64_t{256});
  const std::int64_t block_size =
      std::max<std::int64_t>(1, (n_samples + max_blocks - 1) / max_blocks);
  const std::int64_t n_blocks = (n_samples + block_size - 1) / block_size;
  std::vector<tensor_block> blocks(static_cast<std::size_t>(n_blocks));
  std::vector<std::uint8_t> flags(static_cast<std::size_t>(n_samples), 0);
  constexpr double infinity = std::numeric_limits<double>::infinity();

  parallel_for_ranges(n_blocks, options.n_threads, 1, [&](index first_block, index last_block) {
    // Per-sample scratch, reused across the samples of this task.
    std::vector<std::uint64_t> count(channels);
    std::vector<double> sum(channels), minimum(channels), maximum(channels), m2(channels),
        mean(channels);
    for (index b = first_block; b < last_block; ++b) {
      tensor_block& block = blocks[static_cast<std::size_t>(b)];
      block.values.assign(channels, {});
      block.sample_means.assign(channels, {});
      block.minimum.assign(channels, infinity);
      block.maximum.assign(channels, -infinity);
      const std::int64_t first = b * block_size;
      const std::int64_t last = std::min(n_samples, first + block_size);
      for (std::int64_t sample = first; sample < last; ++sample) {
        const T* base = data + sample * strides[0];
        std::fill(count.begin(), count.end(), 0);
        std::fill(sum.begin(), sum.end(), 0.0);
        std::fill(minimum.begin(), minimum.end(), infinity);
        std::fill(maximum.begin(), maximum.end(), -infinity);
        std::fill(m2.begin(), m2.end(), 0.0);
        std::uint64_t n_nan = 0, n_infinite = 0, n_below = 0, n_above = 0;
        // First pass: counts, sums, extremes, non-finite and out-of-range values.
        auto visit = [&](double value, std::size_t c, std::uint64_t& local_count,
                         double& local_sum, double& local_min, double& local_max) {
          if constexpr (may_be_non_finite<T>) {
            if (std::isnan(value)) {
              ++n_nan;
              return;
            }
            if (std::isinf(value)) {
              ++n_infinite;
              return;
            }
          }
          (void)c;
          ++local_count;
          local_sum += value;
          local_min = value < local_min ? value : local_min;
          local_max = value > local_max ? value : local_max;
          n_below += value < low;
          n_above += value > high;
        };
        walk_sample(
            base, walk,
            [&](const T* ptr, std::int64_t n, std::int64_t stride, std::int64_t channel) {
              const auto c = static_cast<std::size_t>(channel);
              std::uint64_t local_count = 0;
              double local_sum = 0.0, local_min = infinity, local_max = -infinity;
              for (std::int64_t k = 0; k < n; ++k) {
                visit(static_cast<double>(ptr[k * stride]), c, local_count, local_sum,
                      local_min, local_max);
              }
              count[c] += local_count;
              sum[c] += local_sum;
              minimum[c] = std::min(minimum[c], local_min);
              maximum[c] = std::max(maximum[c], local_max);
            },
            [&](const T* ptr, std::int64_t n_outer, std::int64_t outer_stride,
                std::int64_t n_inner, std::int64_t inner_stride) {
              for (std::int64_t p = 0; p < n_outer; ++p) {
                const T* row = ptr + p * outer_stride;
                for (std::int64_t c = 0; c < n_inner; ++c) {
                  const auto cc = static_cast<std::size_t>(c);
                  visit(static_cast<double>(row[c * inner_stride]), cc, count[cc], sum[cc],
                        minimum[cc], maximum[cc]);
                }
              }
            });
        for (std::size_t c = 0; c < channels; ++c) {
          mean[c] = count[c] > 0 ? sum[c] / static_cast<double>(count[c]) : 0.0;
        }
        // Second pass over the (now cached) sample: squared deviations from its channel means.
        auto deviation = [&](double value, double center) {
          if constexpr (may_be_non_finite<T>) {
            if (!std::isfinite(value)) return 0.0;
          }
          const double d = value - center;
          return d * d;
        };
        walk_sample(
            base, walk,
            [&](const T* ptr, std::int64_t n, std::int64_t stride, std::int64_t channel) {
              const auto c = static_cast<std::size_t>(channel);
              const double center = mean[c];
              double local = 0.0;
              for (std::int64_t k = 0; k < n; ++k) {
                local += deviation(static_cast<double>(ptr[k * stride]), center);
              }
              m2[c] += local;
            },
            [&](const T* ptr, std::int64_t n_outer, std::int64_t outer_stride,
                std::int64_t n_inner, std::int64_t inner_stride) {
              for (std::int64_t p = 0; p < n_outer; ++p) {
                const T* row = ptr + p * outer_stride;
                for (std::int64_t c = 0; c < n_inner; ++c) {
                  m2[static_cast<std::size_t>(c)] +=
                      deviation(static_cast<double>(row[c * inner_stride]),
                                mean[static_cast<std::size_t>(c)]);
                }
              }
            });
        // Fold the sample into its block, in sample order.
        moments_accumulator whole;
        double sample_min = infinity, sample_max = -infinity;
        for (std::size_t c = 0; c < channels; ++c) {
          block.values[c].merge(count[c], mean[c], m2[c]);
          if (count[c] > 0) block.sample_means[c].add(mean[c]);
          block.minimum[c] = std::min(block.minimum[c], minimum[c]);
          block.maximum[c] = std::max(block.maximum[c], maximum[c]);
          whole.merge(count[c], mean[c], m2[c]);
          sample_min = std::min(sample_min, minimum[c]);
          sample_max = std::max(sample_max, maximum[c]);
        }
        block.n_nan += n_nan;
        block.n_infinite += n_infinite;
        block.n_below += n_below;
        block.n_above += n_above;
        std::uint8_t flag = 0;
        if (n_nan > 0) flag |= has_nan;
        if (n_infinite > 0) flag |= has_infinite;
        if (n_below + n_above > 0) flag |= has_out_of_range;
        if (check_blank) {
          bool blank = whole.count == 0 || sample_min == sample_max;
          if (!blank && blank_epsilon > 0.0) {
            blank = std::sqrt(whole.m2 / static_cast<double>(whole.count)) <= blank_epsilon;
          }
          if (blank) flag |= is_blank;
        }
        flags[static_cast<std::size_t>(sample)] = flag;
      }
    }
  });

  // Combine the blocks in block order.
  std::vector<moments_accumulator> values(channels), sample_means(channels);
  std::vector<double> minimum(channels, infinity), maximum(channels, -infinity);
  for (const auto& block : blocks) {
    for (std::size_t c = 0; c < channels; ++c) {
      values[c].merge(block.values[c]);
      sample_means[c].merge(block.sample_means[c]);
      minimum[c] = std::min(minimum[c], block.minimum[c]);
      maximum[c] = std::max(maximum[c], block.maximum[c]);
    }
    summary.n_nan += block.n_nan;
    summary.n_infinite += block.n_infinite;
    summary.n_below += block.n_below;
    summary.n_above += block.n_above;
  }
  double overall_min = infinity, overall_max = -infinity;
  for (std::size_t c = 0; c < channels; ++c) {
    summary.channel_count[c] = values[c].count;
    if (values[c].count > 0) {
      summary.channel_mean[c] = values[c].mean;
      summary.channel_std[c] = std::sqrt(values[c].m2 / static_cast<double>(values[c].count));
      summary.channel_min[c] = minimum[c];
      summary.channel_max[c] = maximum[c];
      overall_min = std::min(overall_min, minimum[c]);
      overall_max = std::max(overall_max, maximum[c]);
    }
    if (sample_means[c].count >= 2) {
      summary.channel_mean_spread[c] =
          std::sqrt(sample_means[c].m2 / static_cast<double>(sample_means[c].count - 1));
    }
  }
  if (overall_min <= overall_max) {
    summary.minimum = overall_min;
    summary.maximum = overall_max;
  }
  for (std::int64_t sample = 0; sample < n_samples; ++sample) {
    const std::uint8_t flag = flags[static_cast<std::size_t>(sample)];
    if (flag & has_nan) summary.nan_samples.push_back(sample);
    if (flag & has_infinite) summary.infinite_samples.push_back(sample);
    if (flag & has_out_of_range) summary.out_of_range_samples.push_back(sample);
    if (flag & is_blank) summary.blank_samples.push_back(sample);
  }
  return summary;
}

// Pointer to the element (0, ..., 0), shape and strides (in elements) of an xtensor expression.
template <class E>
auto raw_layout(const E& batch) {
  static_assert(xt::has_data_interface<E>::value,
                "the batch must be an xtensor expression with a data interface (an xarray, "
                "xtensor, adaptor or strided view); evaluate other expressions first");
  std::vector<std::int64_t> shape(batch.shape().begin(), batch.shape().end());
  std::vector<std::int64_t> strides(batch.strides().begin(), batch.strides().end());
  // xtensor reports stride 0 for axes of size 1; any value works for them.
  const auto* data = batch.data() + batch.data_offset();
  return std::make_tuple(data, std::move(shape), std::move(strides));
}

inline std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "(";
  for (std::size_t a = 0; a < shape.size(); ++a) {
    if (a > 0) text += ", ";
    text += shape[a] == any_size ? std::string("*") : std::to_string(shape[a]);
  }
  if (shape.size() == 1) text += ",";
  return text + ")";
}

inline std::string number_text(double value) {
  std::ostringstream out;
  out.precision(6);
  out << value;
  return out.str();
}

inline std::vector<std::int64_t> first_samples(const std::vector<std::int64_t>& samples,
                                               std::size_t limit) {
  return {samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(
                                                 std::min(limit, samples.size()))};
}

inline void check_schema(const tensor_schema& schema) {
  const auto fail = [](const std::string& message) { throw invalid_argument(message); };
  for (std::size_t a = 0; a < schema.shape.size(); ++a) {
    if (schema.shape[a] < any_size) {
      fail("schema.shape[" + std::to_string(a) + "] must be >= 0 or -1 (any size), got " +
           std::to_string(schema.shape[a]));
    }
  }
  if (schema.channel_axis && *schema.channel_axis < 1) {
    fail("schema.channel_axis must be >= 1 (axis 0 holds the samples), got " +
         std::to_string(*schema.channel_axis));
  }
  if (schema.channel_axis && !schema.shape.empty() &&
      *schema.channel_axis >= static_cast<int>(schema.shape.size())) {
    fail("schema.channel_axis must be < the number of axes " +
         std::to_string(schema.shape.size()) + ", got " + std::to_string(*schema.channel_axis));
  }
  if (std::isnan(schema.minimum) || std::isnan(schema.maximum) ||
      schema.minimum > schema.maximum) {
    fail("schema.minimum must be <= schema.maximum, got " + number_text(schema.minimum) +
         " and " + number_text(schema.maximum));
  }
  const std::size_t n = schema.channel_mean.size();
  if (schema.channel_std.size() != n || schema.channel_mean_spread.size() != n) {
    fail("schema.channel_mean, channel_std and channel_mean_spread must have the same length, got " +
         std::to_string(n) + ", " + std::to_string(schema.channel_std.size()) + " and " +
         std::to_string(schema.channel_mean_spread.size()));
  }
  if (n > 0 && schema.reference_samples < 2) {
    fail("schema.reference_samples must be >= 2 when channel statistics are set, got " +
         std::to_string(schema.reference_samples));
  }
  for (std::size_t c = 0; c < n; ++c) {
    if (!std::isfinite(schema.channel_mean[c]) || !(schema.channel_std[c] >= 0) ||
        !std::isfinite(schema.channel_std[c]) || !(schema.channel_mean_spread[c] >= 0) ||
        !std::isfinite(schema.channel_mean_spread[c])) {
      fail("schema channel statistics must be finite (std and spread >= 0); channel " +
           std::to_string(c) + " has mean " + number_text(schema.channel_mean[c]) + ", std " +
           number_text(schema.channel_std[c]) + ", spread " +
           number_text(schema.channel_mean_spread[c]));
    }
  }
  if (!(schema.mean_tolerance > 0) || !std::isfinite(schema.mean_tolerance)) {
    fail("schema.mean_tolerance must be a finite number > 0, got " +
         number_text(schema.mean_tolerance));
  }
  if (!(schema.std_tolerance > 0) || !std::isfinite(schema.std_tolerance)) {
    fail("schema.std_tolerance must be a finite number > 0, got " +
         number_text(schema.std_tolerance));
  }
  if (!(schema.blank_epsilon >= 0) || !std::isfinite(schema.blank_epsilon)) {
    fail("schema.blank_epsilon must be a finite number >= 0, got " +
         number_text(schema.blank_epsilon));
  }
  if (schema.min_samples < 0) {
    fail("schema.min_samples must be >= 0, got " + std::to_string(schema.min_samples));
  }
}

template <class T>
std::vector<tensor_anomaly> validate(const T* data, const std::vector<std::int64_t>& shape,
                                     const std::vector<std::int64_t>& strides,
                                     const tensor_schema& schema,
                                     const tensor_validate_options& options) {
  check_schema(schema);
  if (shape.empty()) {
    throw shape_error("batch must have at least one axis (axis 0 holds the samples), got a 0-D array");
  }
  std::vector<tensor_anomaly> anomalies;
  const auto add = [&](std::string kind, std::string severity, std::string message,
                       std::int64_t channel, std::vector<std::int64_t> samples,
                       std::int64_t count) {
    anomalies.push_back({std::move(kind), std::move(severity), std::move(message), channel,
                         std::move(samples), count});
  };
  const int ndim = static_cast<int>(shape.size());
  // Shape and dtype.
  bool channels_comparable = true;
  if (!schema.shape.empty()) {
    if (schema.shape.size() != shape.size()) {
      add("shape", "error",
          "batch has " + std::to_string(ndim) + " axes, shape " + shape_text(shape) +
              ", but the schema expects " + std::to_string(schema.shape.size()) + ", shape " +
              shape_text(schema.shape),
          -1, {}, 0);
      channels_comparable = false;
    } else {
      for (int a = 0; a < ndim; ++a) {
        const std::int64_t expected = schema.shape[static_cast<std::size_t>(a)];
        if (expected != any_size && expected != shape[static_cast<std::size_t>(a)]) {
          add("shape", "error",
              "axis " + std::to_string(a) + " has size " +
                  std::to_string(shape[static_cast<std::size_t>(a)]) + ", expected " +
                  std::to_string(expected) + " (batch shape " + shape_text(shape) +
                  ", schema " + shape_text(schema.shape) + ")",
              -1, {}, 0);
          if (schema.channel_axis && a == *schema.channel_axis) channels_comparable = false;
        }
      }
    }
  }
  const std::string actual_dtype = options.dtype.empty() ? dtype_name<T>() : options.dtype;
  if (!schema.dtype.empty() && schema.dtype != actual_dtype) {
    add("dtype", "error",
        "batch has dtype " + actual_dtype + ", the schema expects " + schema.dtype, -1, {}, 0);
  }
  if (shape[0] < schema.min_samples) {
    add("too_few_samples", "error",
        "batch has " + std::to_string(shape[0]) + " samples, the schema expects at least " +
            std::to_string(schema.min_samples),
        -1, {}, 0);
  }
  tensor_summary_options summary_options;
  if (schema.channel_axis && *schema.channel_axis < ndim && channels_comparable) {
    summary_options.channel_axis = schema.channel_axis;
  } else {
    channels_comparable = channels_comparable && !schema.channel_axis;
  }
  summary_options.minimum = schema.minimum;
  summary_options.maximum = schema.maximum;
  summary_options.check_blank = schema.check_blank;
  summary_options.blank_epsilon = schema.blank_epsilon;
  summary_options.n_threads = options.n_threads;
  const tensor_summary s = summarize(data, shape, strides, summary_options);
  const std::size_t limit = options.max_samples_listed;
  const auto listed = [&](const std::vector<std::int64_t>& samples) {
    std::string text = std::to_string(samples.size()) + " sample" +
                       (samples.size() == 1 ? "" : "s");
    if (samples.size() > limit) text += " (first " + std::to_string(limit) + " listed)";
    return text;
  };
  if (!schema.allow_nan && s.n_nan > 0) {
    add("nan", "error",
        std::to_string(s.n_nan) + " NaN value" + (s.n_nan == 1 ? "" : "s") + " in " +
            listed(s.nan_samples) + "; the schema allows none",
        -1, first_samples(s.nan_samples, limit),
        static_cast<std::int64_t>(s.nan_samples.size()));
  }
  if (!schema.allow_infinite && s.n_infinite > 0) {
    add("infinite", "error",
        std::to_string(s.n_infinite) + " infinite value" + (s.n_infinite == 1 ? "" : "s") +
            " in " + listed(s.infinite_samples) + "; the schema allows none",
        -1, first_samples(s.infinite_samples, limit),
        static_cast<std::int64_t>(s.infinite_samples.size()));
  }
  if (s.n_below + s.n_above > 0) {
    add("out_of_range", "error",
        std::to_string(s.n_below + s.n_above) + " value" +
            (s.n_below + s.n_above == 1 ? "" : "s") + " outside [" +
            number_text(schema.minimum) + ", " + number_text(schema.maximum) + "] (" +
            std::to_string(s.n_below) + " below, " + std::to_string(s.n_above) +
            " above; observed range [" + number_text(s.minimum) + ", " +
            number_text(s.maximum) + "]) in " + listed(s.out_of_range_samples),
        -1, first_samples(s.out_of_range_samples, limit),
        static_cast<std::int64_t>(s.out_of_range_samples.size()));
  }
  const std::size_t n_reference_channels = schema.channel_mean.size();
  if (n_reference_channels > 0 && channels_comparable && s.n_samples > 0) {
    if (static_cast<std::size_t>(s.n_channels) != n_reference_channels) {
      add("shape", "error",
          "batch has " + std::to_string(s.n_channels) + " channels, the schema's statistics " +
              std::to_string(n_reference_channels),
          -1, {}, 0);
    } else {
      const double n_batch = static_cast<double>(s.n_samples);
      const double n_reference = static_cast<double>(schema.reference_samples);
      const std::string prefix = s.channel_axis ? "channel " : "";
      for (std::size_t c = 0; c < n_reference_channels; ++c) {
        if (s.channel_count[c] == 0) continue;  // no finite value: reported as nan/infinite
        const auto channel = static_cast<std::int64_t>(c);
        const std::string name = s.channel_axis ? "channel " + std::to_string(c) : "batch";
        const double difference = s.channel_mean[c] - schema.channel_mean[c];
        const double standard_error =
            schema.channel_mean_spread[c] * std::sqrt(1.0 / n_batch + 1.0 / n_reference);
        const double z = difference == 0.0 ? 0.0 : std::abs(difference) / standard_error;
        if (z > schema.mean_tolerance) {
          add("channel_mean", "warning",
              name + " mean " + number_text(s.channel_mean[c]) + " differs from the reference " +
                  number_text(schema.channel_mean[c]) + " by " + number_text(z) +
                  " standard errors (tolerance " + number_text(schema.mean_tolerance) + ")",
              channel, {}, 0);
        }
        const double reference_std = schema.channel_std[c];
        const double relative = reference_std > 0
                                    ? std::abs(s.channel_std[c] / reference_std - 1.0)
                                    : (s.channel_std[c] > 0
                                           ? std::numeric_limits<double>::infinity()
                                           : 0.0);
        if (relative > schema.std_tolerance) {
          add("channel_std", "warning",
              name + " standard deviation " + number_text(s.channel_std[c]) +
                  " differs from the reference " + number_text(reference_std) + " by " +
                  number_text(100.0 * relative) + "% (tolerance " +
                  number_text(100.0 * schema.std_tolerance) + "%)",
              channel, {}, 0);
        }
      }
    }
  }
  if (!s.blank_samples.empty()) {
    add("blank_sample", "warning",
        listed(s.blank_samples) + " blank (" +
            (schema.blank_epsilon > 0
                 ? "standard deviation <= " + number_text(schema.blank_epsilon)
                 : std::string("all values equal")) +
            " or no finite value)",
        -1, first_samples(s.blank_samples, limit),
        static_cast<std::int64_t>(s.blank_samples.size()));
  }
  return anomalies;
}

inline int normalize_axis(int axis, int ndim, const char* name) {
  const int normalized = axis < 0 ? axis + ndim : axis;
  if (normalized < 0 || normalized >= ndim) {
    throw invalid_argument(std::string(name) + " " + std::to_string(axis) +
                           " is out of range for a batch with " + std::to_string(ndim) + " axes");
  }
  return normalized;
}

template <class T>
tensor_schema infer(const T* data, const std::vector<std::int64_t>& shape,
                    const std::vector<std::int64_t>& strides,
                    const tensor_infer_options& options) {
  if (shape.empty()) {
    throw shape_error("reference must have at least one axis (axis 0 holds the samples), got a 0-D array");
  }
  const int ndim = static_cast<int>(shape.size());
  tensor_schema schema;
  if (options.channel_axis) {
    const int axis = normalize_axis(*options.channel_axis, ndim, "channel_axis");
    if (axis == 0) {
      throw invalid_argument("channel_axis must not be the sample axis 0, got " +
                             std::to_string(*options.channel_axis));
    }
    schema.channel_axis = axis;
  }
  if (shape[0] < 2) {
    throw shape_error("reference must have at least 2 samples to infer a tensor schema, got " +
                      std::to_string(shape[0]));
  }
  schema.shape = shape;
  for (const int axis : options.wildcard_axes) {
    schema.shape[static_cast<std::size_t>(normalize_axis(axis, ndim, "wildcard_axes entry"))] =
        any_size;
  }
  schema.dtype = dtype_name<T>();
  if (!(options.range_margin >= 0) || !std::isfinite(options.range_margin)) {
    throw invalid_argument("range_margin must be a finite number >= 0, got " +
                           number_text(options.range_margin));
  }
  tensor_summary_options summary_options;
  summary_options.channel_axis = schema.channel_axis;
  summary_options.check_blank = false;
  summary_options.n_threads = options.n_threads;
  const tensor_summary s = summarize(data, shape, strides, summary_options);
  if (s.values_per_sample == 0) {
    throw shape_error("reference has no values per sample (shape " + shape_text(shape) + ")");
  }
  schema.allow_nan = s.n_nan > 0;
  schema.allow_infinite = s.n_infinite > 0;
  if (options.infer_range && std::isfinite(s.minimum)) {
    const double margin = options.range_margin * (s.maximum - s.minimum);
    schema.minimum = s.minimum - margin;
    schema.maximum = s.maximum + margin;
  }
  schema.reference_samples = s.n_samples;
  for (std::int64_t c = 0; c < s.n_channels; ++c) {
    const auto cc = static_cast<std::size_t>(c);
    if (s.channel_count[cc] == 0 || std::isnan(s.channel_mean_spread[cc])) {
      throw invalid_argument("reference channel " + std::to_string(c) +
                             " needs finite values in at least 2 samples to infer its "
                             "statistics");
    }
  }
  schema.channel_mean = s.channel_mean;
  schema.channel_std = s.channel_std;
  schema.channel_mean_spread = s.channel_mean_spread;
  schema.mean_tolerance = options.mean_tolerance;
  schema.std_tolerance = options.std_tolerance;
  schema.check_blank = options.check_blank;
  schema.blank_epsilon = options.blank_epsilon;
  check_schema(schema);
  return schema;
}

}  // namespace detail

/// Statistics of the batch (axis 0 = samples): per-channel counts, means, standard deviations
/// (ddof 0), extremes and spread of the samples' means; NaN, infinite and out-of-range counts
/// and the samples holding them; blank samples.
template <class E>
tensor_summary summarize_tensor(const E& batch, const tensor_summary_options& options = {}) {
  const auto [data, shape, strides] = detail::raw_layout(batch);
  return detail::summarize(data, shape, strides, options);
}

/// A schema describing the reference batch: its shape (wildcards at options.wildcard_axes), its
/// dtype, whether it holds NaN or infinite values, its range (widened by range_margin) and its
/// per-channel statistics. The reference needs at least 2 samples.
template <class E>
tensor_schema infer_tensor_schema(const E& reference, const tensor_infer_options& options = {}) {
  const auto [data, shape, strides] = detail::raw_layout(reference);
  return detail::infer(data, shape, strides, options);
}

/// The anomalies of `batch` against `schema`, in a fixed order: shape, dtype, too_few_samples,
/// nan, infinite, out_of_range, channel_mean / channel_std per channel, blank_sample. Empty when
/// the batch conforms.
template <class E>
std::vector<tensor_anomaly> validate_tensor(const E& batch, const tensor_schema& schema,
                                            const tensor_validate_options& options = {}) {
  const auto [data, shape, strides] = detail::raw_layout(batch);
  return detail::validate(data, shape, strides, schema, options);
}

}  // namespace shiftguard::validate
