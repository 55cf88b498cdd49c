#pragma once

// The `sampling_strategy` contract of the resamplers, resolved as imbalanced-learn 0.14 does
// (imblearn.utils.check_sampling_strategy), on classes numbered 0..n_classes-1 (the Python
// layer encodes labels in sorted order, so "the smallest class" is the smallest label).
//
// A strategy is one of
//   - a name: "auto", "minority", "majority", "not minority", "not majority", "all";
//   - a ratio in (0, 1] (binary targets only): over-sampling brings the minority class to
//     int(ratio * n_majority) samples, under-sampling keeps int(n_minority / ratio) of the
//     majority class;
//   - target counts per class (over- and under-sampling only);
//   - a list of classes (cleaning only).
// The result maps each targeted class (in increasing order) to a count whose meaning depends
// on the sampler type:
//   over_sampling   the number of samples to ADD to the class;
//   under_sampling  the number of samples to KEEP in the class;
//   clean_sampling  informative only (the class is cleaned; the count is what imbalanced-
//                   learn reports: the size of the minority class).
// Names: the majority (minority) class is the largest (smallest) one, ties going to the
// smallest class number. "auto" means "not majority" for over-sampling and "not minority"
// for under-sampling and cleaning. "minority" cannot be used to under-sample or clean and
// "majority" cannot be used to over-sample.
//
// Errors (shiftguard::invalid_argument), in the situations imbalanced-learn rejects: fewer
// than two classes, an unknown name, a ratio outside (0, 1], a ratio with more than two
// classes or for cleaning, a ratio that would remove minority samples (over-sampling:
// int(ratio * n_majority - n_minority) <= 0) or add majority samples (under-sampling),
// negative target counts, target counts below (over) or above (under) the class size,
// target counts for cleaning, a list of classes for over/under-sampling, unknown classes.

#include <cmath>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/types.hpp"

namespace shiftguard::imbalance {

/// What a sampler does with the targeted classes.
enum class sampling_type { over_sampling, under_sampling, clean_sampling };

/// A user's sampling_strategy before resolution (see the header comment).
struct sampling_strategy {
  enum class kind { name, ratio, targets, classes };
  kind form = kind::name;
  std::string name = "auto";
  double ratio_value = 1.0;
  std::map<index, std::int64_t> target_counts;
  std::vector<index> class_list;

  static sampling_strategy named(std::string value) {
    sampling_strategy s;
    s.form = kind::name;
    s.name = std::move(value);
    return s;
  }
  static sampling_strategy ratio(double value) {
    sampling_strategy s;
    s.form = kind::ratio;
    s.ratio_value = value;
    return s;
  }
  static sampling_strategy targets(std::map<index, std::int64_t> counts) {
    sampling_strategy s;
    s.form = kind::targets;
    s.target_counts = std::move(counts);
    return s;
  }
  static sampling_strategy classes(std::vector<index> list) {
    sampling_strategy s;
    s.form = kind::classes;
    s.class_list = std::move(list);
    return s;
  }
};

/// Resolved strategy: class number -> count (meaning in the header comment), increasing keys.
using resolved_strategy = std::map<index, std::int64_t>;

namespace detail {

inline std::string class_label(index cls, const std::vector<std::string>* class_names) {
  if (class_names != nullptr && cls >= 0 && cls < static_cast<index>(class_names->size())) {
    return (*class_names)[static_cast<std::size_t>(cls)];
  }
  return std::to_string(cls);
}

inline const char* type_name(sampling_type type) {
  switch (type) {
    case sampling_type::over_sampling:
      return "over-sampling";
    case sampling_type::under_sampling:
      return "under-sampling";
    default:
      return "cleaning";
  }
}

}  // namespace detail

/// The largest class (ties: the smallest class number).
inline index majority_class(const std::vector<std::int64_t>& class_counts) {
  index best = 0;
  for (index c = 1; c < static_cast<index>(class_counts.size()); ++c) {
    if (class_counts[static_cast<std::size_t>(c)] > class_counts[static_cast<std::size_t>(best)])
      best = c;
  }
  return best;
}

/// The smallest class (ties: the smallest class number).
inline index minority_class(const std::vector<std::int64_t>& class_counts) {
  index best = 0;
  for (index c = 1; c < static_cast<index>(class_counts.size()); ++c) {
    if (class_counts[static_cast<std::size_t>(c)] < class_counts[static_cast<std::size_t>(best)])
      best = c;
  }
  return best;
}

/// Resolves `strategy` for classes with `class_counts` (class c has class_counts[c] samples).
/// `class_names`, when given, name the classes in error messages.
inline resolved_strategy resolve_sampling_strategy(
    const sampling_strategy& strategy, const std::vector<std::int64_t>& class_counts,
    sampling_type type, const std::vector<std::string>* class_names = nullptr) {
  const auto n_classes = static_cast<index>(class_counts.size());
  for (index c = 0; c < n_classes; ++c) {
    if (class_counts[static_cast<std::size_t>(c)] < 1) {
      throw invalid_argument("class_counts must be positive, class " +
                             detail::class_label(c, class_names) + " has " +
                             std::to_string(class_counts[static_cast<std::size_t>(c)]));
    }
  }
  if (n_classes < 2) {
    throw invalid_argument("y must hold at least 2 classes to resample, got " +
                           std::to_string(n_classes) + " class");
  }
  const auto count = [&](index c) { return class_counts[static_cast<std::size_t>(c)]; };
  const index majority = majority_class(class_counts);
  const index minority = minority_class(class_counts);
  const std::int64_t n_majority = count(majority);
  const std::int64_t n_minority = count(minority);
  const auto check_class = [&](index c) {
    if (c < 0 || c >= n_classes) {
      throw invalid_argument("sampling_strategy names class " + std::to_string(c) +
                             ", which is not present in y (classes 0.." +
                             std::to_string(n_classes - 1) + ")");
    }
  };
  resolved_strategy out;

  switch (strategy.form) {
    case sampling_strategy::kind::name: {
      const std::string& name = strategy.name;
      std::vector<index> targeted;
      const auto all_but = [&](index skip) {
        for (index c = 0; c < n_classes; ++c)
          if (c != skip) targeted.push_back(c);
      };
      if (name == "minority") {
        if (type != sampling_type::over_sampling) {
          throw invalid_argument(
              "sampling_strategy='minority' cannot be used for " +
              std::string(detail::type_name(type)) + " (it would shrink the smallest class)");
        }
        targeted.push_back(minority);
      } else if (name == "majority") {
        if (type == sampling_type::over_sampling) {
          throw invalid_argument(
              "sampling_strategy='majority' cannot be used for over-sampling (the largest "
              "class cannot grow)");
        }
        targeted.push_back(majority);
      } else if (name == "not minority") {
        all_but(minority);
      } else if (name == "not majority") {
        all_but(majority);
      } else if (name == "all") {
        all_but(-1);
      } else if (name == "auto") {
        all_but(type == sampling_type::over_sampling ? majority : minority);
      } else {
        throw invalid_argument(
            "sampling_strategy must be one of 'auto', 'minority', 'majority', 'not minority', "
            "'not majority', 'all' (or a float, a dict or a list), got '" +
            name + "'");
      }
      for (const index c : targeted) {
        out[c] = type == sampling_type::over_sampling ? n_majority - count(c) : n_minority;
      }
      return out;
    }
    case sampling_strategy::kind::ratio: {
      const double ratio = strategy.ratio_value;
      if (!(ratio > 0.0 && ratio <= 1.0)) {
        std::ostringstream message;
        message << "sampling_strategy as a float must be in (0, 1], got " << ratio;
        throw invalid_argument(message.str());
      }
      if (n_classes != 2) {
        throw invalid_argument(
            "sampling_strategy can be a float only for binary targets, y has " +
            std::to_string(n_classes) + " classes (use a dict of target counts)");
      }
      if (type == sampling_type::clean_sampling) {
        throw invalid_argument(
            "cleaning samplers take no ratio: sampling_strategy must be a string or a list of "
            "classes, got a float");
      }
      for (index c = 0; c < n_classes; ++c) {
        if (type == sampling_type::over_sampling) {
          if (c == majority) continue;
          const auto add = static_cast<std::int64_t>(ratio * static_cast<double>(n_majority) -
                                                     static_cast<double>(count(c)));
          if (add <= 0) {
            std::ostringstream message;
            message << "sampling_strategy=" << ratio << " asks class "
                    << detail::class_label(c, class_names) << " (" << count(c)
                    << " samples) to have int(" << ratio << " * " << n_majority
                    << ") samples: over-sampling would add none or remove some; increase the "
                       "ratio";
            throw invalid_argument(message.str());
          }
          out[c] = add;
        } else {
          if (c == minority) continue;
          const auto keep =
              static_cast<std::int64_t>(static_cast<double>(n_minority) / ratio);
          if (keep > count(c)) {
            std::ostringstream message;
            message << "sampling_strategy=" << ratio << " asks class "
                    << detail::class_label(c, class_names) << " (" << count(c)
                    << " samples) to keep int(" << n_minority << " / " << ratio
                    << ") = " << keep
                    << " samples: under-sampling cannot add samples; increase the ratio";
            throw invalid_argument(message.str());
          }
          out[c] = keep;
        }
      }
      return out;
    }
    case sampling_strategy::kind::targets: {
      for (const auto& [c, n] : strategy.target_counts) {
        if (n < 0) {
          throw invalid_argument("sampling_strategy asks a negative number of samples (" +
                                 std::to_string(n) + ") for class " +
                                 detail::class_label(c, class_names));
        }
      }
      for (const auto& entry : strategy.target_counts) check_class(entry.first);
      if (type == sampling_type::clean_sampling) {
        throw invalid_argument(
            "cleaning samplers do not take target counts: give sampling_strategy as a list "
            "of the classes to clean");
      }
      for (const auto& [c, n] : strategy.target_counts) {
        if (type == sampling_type::over_sampling && n < count(c)) {
          throw invalid_argument(
              "sampling_strategy asks " + std::to_string(n) + " samples for class " +
              detail::class_label(c, class_names) + ", which has " + std::to_string(count(c)) +
              ": over-sampling needs a target >= the class size");
        }
        if (type == sampling_type::under_sampling && n > count(c)) {
          throw invalid_argument(
              "sampling_strategy asks " + std::to_string(n) + " samples for class " +
              detail::class_label(c, class_names) + ", which has " + std::to_string(count(c)) +
              ": under-sampling needs a target <= the class size");
        }
        out[c] = type == sampling_type::over_sampling ? n - count(c) : n;
      }
      return out;
    }
    case sampling_strategy::kind::classes: {
      if (type != sampling_type::clean_sampling) {
        throw invalid_argument(
            "sampling_strategy can be a list of classes only for cleaning samplers, not for " +
            std::string(detail::type_name(type)));
      }
      for (const index c : strategy.class_list) check_class(c);
      for (const index c : strategy.class_list) out[c] = n_minority;
      return out;
    }
  }
  return out;
}

/// The number of neighbours to use within a class of `class_size` samples when `requested`
/// neighbours are asked (`parameter` names the option, e.g. "k_neighbors"): a class needs at
/// least requested + 1 samples (a sample is not its own neighbour). Otherwise, with `shrink`,
/// class_size - 1 (at least 1), else invalid_argument naming the class and its count.
inline index neighbors_within_class(std::int64_t class_size, index requested,
                                    const std::string& class_name, bool shrink,
                                    const char* parameter = "k_neighbors") {
  if (requested < 1) {
    throw invalid_argument(std::string(parameter) + " must be >= 1, got " +
                           std::to_string(requested));
  }
  if (class_size >= requested + 1) return requested;
  if (shrink && class_size >= 2) return static_cast<index>(class_size - 1);
  std::ostringstream message;
  message << "class " << class_name << " has " << class_size << " sample"
          << (class_size == 1 ? "" : "s") << ", fewer than " << parameter << " + 1 = "
          << requested + 1;
  if (class_size >= 2) {
    message << "; lower " << parameter << " or ask for it to shrink to " << class_size - 1;
  } else {
    message << "; a class needs at least 2 samples to have a neighbour";
  }
  throw invalid_argument(message.str());
}

}  // namespace shiftguard::imbalance
