#pragma once

// What every streaming drift detector shares: the river-style per-value API (update, reset,
// drift_detected, warning_detected), a batched update_many that returns where drift and
// warnings fired, the policy for non-finite values, and save/load through the versioned
// binary container of core/serialization.hpp.
//
// A detector derives from stream_detector<Derived> (CRTP, no virtual calls) and provides
//   static constexpr const char* type_tag;            // e.g. "drift.stream.page_hinkley"
//   static constexpr std::uint32_t type_version;      // layout version of its state
//   static constexpr value_domain domain;             // real or binary (0/1) values
//   const options_type& options() const;              // with a nan_policy nan_handling member
//   void process(double x);                           // one finite, valid value
//   void reset();                                     // forget everything seen
//   void write_state(serialization::binary_writer&) const;
//   static Derived read_state(serialization::binary_reader&, nan_policy);
//
// save() writes the nan policy and the two flags, then write_state; load() reads them back,
// and read_state builds the detector through its validating constructor, so a state whose
// options are out of range fails to load like one with a bad checksum.

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/core/types.hpp"

namespace shiftguard::drift::stream {

/// Which values a detector accepts.
enum class value_domain {
  real,    ///< any finite real number
  binary,  ///< 0 or 1 (1 = the model was wrong)
};

/// Where drift and warnings fired during update_many: positions in the batch, ascending.
struct stream_events {
  std::vector<index> drift_indices;
  std::vector<index> warning_indices;
};

namespace detail {

inline const char* nan_policy_name(nan_policy policy) {
  return policy == nan_policy::raise ? "raise" : "omit";
}

inline void write_nan_policy(serialization::binary_writer& writer, nan_policy policy) {
  writer.write_u8(policy == nan_policy::raise ? 0 : 1);
}

inline nan_policy read_nan_policy(serialization::binary_reader& reader) {
  const auto code = reader.read_u8();
  if (code > 1) reader.fail("unknown nan_policy code " + std::to_string(code));
  return code == 0 ? nan_policy::raise : nan_policy::omit;
}

/// Reads a count that must fit a non-negative index.
inline index read_count(serialization::binary_reader& reader, const char* name) {
  const auto value = reader.read_u64();
  if (value > static_cast<std::uint64_t>(INT64_MAX / 4)) {
    reader.fail(std::string(name) + " is out of range");
  }
  return static_cast<index>(value);
}

}  // namespace detail

/// Base of every streaming detector (CRTP).
template <class Derived>
class stream_detector {
 public:
  /// True when the last processed value made the detector signal drift. The next update
  /// starts afresh (the detector resets itself first), as river's detectors do.
  [[nodiscard]] bool drift_detected() const { return drift_detected_; }
  /// True when the last processed value put the detector in its warning zone (detectors
  /// without a warning zone always report false).
  [[nodiscard]] bool warning_detected() const { return warning_detected_; }

  /// Processes one value. A non-finite value throws invalid_argument under
  /// nan_policy::raise and is skipped (nothing changes) under nan_policy::omit; a value other
  /// than 0 or 1 given to a binary detector always throws invalid_argument.
  Derived& update(double x) {
    if (accept(x, -1)) self().process(x);
    return self();
  }

  /// Processes a batch in order and reports the positions where drift and warnings fired.
  /// The whole batch is checked before anything is processed, so a bad value leaves the
  /// detector exactly as it was.
  template <class VectorDerived>
  stream_events update_many(const Eigen::DenseBase<VectorDerived>& values) {
    const index n = values.size();
    // Validation pass without early exit, so that it vectorises; the slow path that names
    // the first bad value (or notes values to skip) runs only when there is one.
    bool all_valid = true;
    for (index i = 0; i < n; ++i) all_valid &= valid(static_cast<double>(values(i)));
    bool any_skipped = false;
    if (!all_valid) {
      for (index i = 0; i < n; ++i) {
        if (!accept(static_cast<double>(values(i)), i)) any_skipped = true;
      }
    }
    stream_events events;
    if constexpr (std::is_trivially_copyable_v<Derived>) {
      // Work on a local copy: its fields can live in registers across the loop (the events
      // vectors' allocations would otherwise force them back to memory at every value).
      Derived local = self();
      local.process_batch(values, any_skipped, events);
      self() = local;
    } else {
      self().process_batch(values, any_skipped, events);
    }
    return events;
  }

  /// The processing loop of update_many, for values already validated (`any_skipped`: some
  /// are non-finite and must be skipped). A detector may provide its own, faster one with
  /// the same results.
  template <class VectorDerived>
  void process_batch(const Eigen::DenseBase<VectorDerived>& values, bool any_skipped,
                     stream_events& events) {
    const index n = values.size();
    for (index i = 0; i < n; ++i) {
      const auto x = static_cast<double>(values(i));
      if (any_skipped && !std::isfinite(x)) continue;
      self().process(x);
      if (drift_detected_ || warning_detected_) {
        if (drift_detected_) events.drift_indices.push_back(i);
        if (warning_detected_) events.warning_indices.push_back(i);
      }
    }
  }

  /// Processes `count` values at `data` (contiguous).
  stream_events update_many(const double* data, index count) {
    return update_many(Eigen::Map<const vector<double>>(data, count));
  }

  /// The full state (options and everything seen) in the versioned binary container.
  [[nodiscard]] std::string save() const {
    serialization::binary_writer writer;
    detail::write_nan_policy(writer, self().options().nan_handling);
    writer.write_bool(drift_detected_);
    writer.write_bool(warning_detected_);
    self().write_state(writer);
    return writer.finish(Derived::type_tag, Derived::type_version);
  }

  /// Restores a detector saved by save(). Truncated, corrupted, foreign or newer-version data
  /// throws format_error; nothing is read out of bounds.
  static Derived load(std::string_view bytes) {
    serialization::binary_reader reader(bytes, Derived::type_tag, Derived::type_version);
    const nan_policy policy = detail::read_nan_policy(reader);
    const bool drift = reader.read_bool();
    const bool warning = reader.read_bool();
    try {
      Derived detector = Derived::read_state(reader, policy);
      reader.expect_end();
      auto& base = static_cast<stream_detector&>(detector);
      base.drift_detected_ = drift;
      base.warning_detected_ = warning;
      return detector;
    } catch (const invalid_argument& bad_option) {
      reader.fail(std::string("the saved options are invalid (") + bad_option.what() + ")");
    }
  }

  void save_file(const std::string& path) const { serialization::write_file(path, save()); }
  static Derived load_file(const std::string& path) {
    return load(serialization::read_file(path));
  }

 protected:
  stream_detector() = default;
  void clear_flags() {
    drift_detected_ = false;
    warning_detected_ = false;
  }

  bool drift_detected_ = false;
  bool warning_detected_ = false;

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
  Derived& self() { return static_cast<Derived&>(*this); }

  // Whether x can be processed as it is: finite (x - x is NaN for infinities and NaN), and
  // 0 or 1 for a binary detector. Branch-free, for the validation pass.
  static bool valid(double x) {
    if constexpr (Derived::domain == value_domain::binary) {
      return (x == 0.0) | (x == 1.0);
    } else {
      return x - x == 0.0;
    }
  }

  // Returns whether x should be processed; throws for values the policy rejects.
  // `position` is the index in a batch, or -1 for a single update.
  bool accept(double x, index position) const {
    if (std::isfinite(x)) {
      if constexpr (Derived::domain == value_domain::binary) {
        if (x != 0.0 && x != 1.0) reject(x, position);
      }
      return true;
    }
    if (self().options().nan_handling == nan_policy::omit) return false;
    reject(x, position);
  }

  [[noreturn]] static void reject(double x, index position) {
    const std::string where =
        position < 0 ? std::string("x") : "values[" + std::to_string(position) + "]";
    if (!std::isfinite(x)) {
      throw invalid_argument(where + " is " + (std::isnan(x) ? "NaN" : "infinite") + " (" +
                             Derived::type_tag +
                             " was built with nan_policy 'raise'; use 'omit' to skip "
                             "non-finite values)");
    }
    throw invalid_argument(where + " is " + std::to_string(x) +
                           ": an error stream takes only 0 (correct) and 1 (wrong)");
  }
};

}  // namespace shiftguard::drift::stream
