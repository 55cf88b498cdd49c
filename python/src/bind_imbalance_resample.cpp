// Bindings of the resampling foundation and the deterministic samplers
// (shiftguard/imbalance/sampling.hpp, under_sampling.hpp). The SMOTE family is bound in
// bind_imbalance_smote.cpp. Labels reach C++ encoded as 0..n_classes-1 (int64); the Python
// layer (shiftguard.imbalance._base) owns label encoding, pandas and argument checking.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/imbalance/sampling.hpp"
#include "shiftguard/imbalance/under_sampling.hpp"

namespace shiftguard::python {

void bind_imbalance_neighbors(py::module_& module);

namespace {

imbalance::sampling_type parse_sampling_type(const std::string& name) {
  if (name == "over-sampling") return imbalance::sampling_type::over_sampling;
  if (name == "under-sampling") return imbalance::sampling_type::under_sampling;
  if (name == "clean-sampling") return imbalance::sampling_type::clean_sampling;
  throw invalid_argument("sampling_type must be 'over-sampling', 'under-sampling' or "
                         "'clean-sampling', got '" + name + "'");
}

// Calls body(view) with a float or double strided view of X, GIL released.
template <class Body>
auto with_features(const py::array& array, Body&& body) {
  if (has_dtype<float>(array)) {
    const py::array kept = viewable<float>(array, "X");
    const auto view = matrix_view<float>(kept, "X");
    py::gil_scoped_release release;
    return body(view);
  }
  if (has_dtype<double>(array)) {
    const py::array kept = viewable<double>(array, "X");
    const auto view = matrix_view<double>(kept, "X");
    py::gil_scoped_release release;
    return body(view);
  }
  throw type_error("X must have dtype float32 or float64, got " +
                   std::string(py::str(array.dtype())));
}

imbalance::numpy_random_state random_from(const py::array_t<std::uint32_t>& key, int position) {
  if (key.ndim() != 1 || key.shape(0) != imbalance::numpy_random_state::state_size) {
    throw shape_error("random state key must hold 624 uint32 words");
  }
  std::array<std::uint32_t, imbalance::numpy_random_state::state_size> words{};
  for (std::size_t i = 0; i < words.size(); ++i) words[i] = key.at(static_cast<py::ssize_t>(i));
  return imbalance::numpy_random_state(words, position);
}

py::tuple with_state(std::vector<std::int64_t> rows, const imbalance::numpy_random_state& random) {
  py::array_t<std::uint32_t> key(imbalance::numpy_random_state::state_size);
  std::copy(random.key().begin(), random.key().end(), key.mutable_data());
  return py::make_tuple(to_numpy(rows), key, random.position());
}

}  // namespace

void bind_imbalance_resample(py::module_& module) {
  bind_imbalance_neighbors(module);

  module.def(
      "resolve_sampling_strategy",
      [](const py::object& strategy, const std::vector<std::int64_t>& class_counts,
         const std::string& type, const std::vector<std::string>& class_names) {
        imbalance::sampling_strategy parsed;
        if (py::isinstance<py::str>(strategy)) {
          parsed = imbalance::sampling_strategy::named(strategy.cast<std::string>());
        } else if (py::isinstance<py::float_>(strategy)) {
          parsed = imbalance::sampling_strategy::ratio(strategy.cast<double>());
        } else if (py::isinstance<py::dict>(strategy)) {
          parsed = imbalance::sampling_strategy::targets(
              strategy.cast<std::map<index, std::int64_t>>());
        } else if (py::isinstance<py::list>(strategy)) {
          parsed = imbalance::sampling_strategy::classes(strategy.cast<std::vector<index>>());
        } else {
          throw type_error("sampling_strategy must be a str, float, dict or list, got " +
                           std::string(py::str(py::type::of(strategy).attr("__name__"))));
        }
        return imbalance::resolve_sampling_strategy(parsed, class_counts,
                                                    parse_sampling_type(type), &class_names);
      },
      py::arg("strategy"), py::arg("class_counts"), py::arg("sampling_type"),
      py::arg("class_names"),
      "Resolve sampling_strategy on encoded classes: {class: count}.");
  module.def(
      "neighbors_within_class",
      [](std::int64_t class_size, index requested, const std::string& class_name, bool shrink,
         const std::string& parameter) {
        return imbalance::neighbors_within_class(class_size, requested, class_name, shrink,
                                                 parameter.c_str());
      },
      py::arg("class_size"), py::arg("requested"), py::arg("class_name"), py::arg("shrink"),
      py::arg("parameter") = "k_neighbors",
      "Neighbours usable within a class of class_size samples (error or shrink).");

  module.def(
      "random_under_sampling",
      [](const imbalance::label_vector& y, const imbalance::resolved_strategy& strategy,
         const py::array_t<std::uint32_t>& key, int position, bool replacement) {
        auto random = random_from(key, position);
        auto rows = imbalance::random_under_sampling(y, strategy, random, replacement);
        return with_state(std::move(rows), random);
      },
      py::arg("y"), py::arg("strategy"), py::arg("key"), py::arg("position"),
      py::arg("replacement"),
      "Rows kept by random under-sampling, drawn as RandomState.choice: (rows, key, pos).");
  module.def(
      "random_over_sampling",
      [](const imbalance::label_vector& y, const imbalance::resolved_strategy& strategy,
         const py::array_t<std::uint32_t>& key, int position) {
        auto random = random_from(key, position);
        auto rows = imbalance::random_over_sampling(y, strategy, random);
        return with_state(std::move(rows), random);
      },
      py::arg("y"), py::arg("strategy"), py::arg("key"), py::arg("position"),
      "Rows of random over-sampling (all rows, then the repeats): (rows, key, pos).");
  module.def(
      "tomek_links",
      [](const py::array& x, const imbalance::label_vector& y,
         const imbalance::resolved_strategy& strategy, int n_threads) {
        const auto result = with_features(x, [&](const auto& view) {
          return imbalance::tomek_links(view, y, strategy, n_threads);
        });
        return to_numpy(result.kept);
      },
      py::arg("x"), py::arg("y"), py::arg("strategy"), py::arg("n_threads") = 0,
      "Rows kept by Tomek-link cleaning (increasing).");
  module.def(
      "edited_nearest_neighbours",
      [](const py::array& x, const imbalance::label_vector& y,
         const imbalance::resolved_strategy& strategy, index n_neighbors,
         const std::string& kind_sel, int n_threads) {
        imbalance::enn_kind kind = imbalance::enn_kind::all;
        if (kind_sel == "mode") {
          kind = imbalance::enn_kind::mode;
        } else if (kind_sel != "all") {
          throw invalid_argument("kind_sel must be 'all' or 'mode', got '" + kind_sel + "'");
        }
        const auto kept = with_features(x, [&](const auto& view) {
          return imbalance::edited_nearest_neighbours(view, y, strategy, n_neighbors, kind,
                                                      n_threads);
        });
        return to_numpy(kept);
      },
      py::arg("x"), py::arg("y"), py::arg("strategy"), py::arg("n_neighbors"),
      py::arg("kind_sel"), py::arg("n_threads") = 0,
      "Rows kept by edited nearest neighbours (grouped by class).");
  module.def(
      "near_miss",
      [](const py::array& x, const imbalance::label_vector& y,
         const imbalance::resolved_strategy& strategy, int version, index n_neighbors,
         index n_neighbors_ver3, int n_threads) {
        imbalance::near_miss_options options;
        options.version = version;
        options.n_neighbors = n_neighbors;
        options.n_neighbors_ver3 = n_neighbors_ver3;
        options.n_threads = n_threads;
        const auto result = with_features(x, [&](const auto& view) {
          return imbalance::near_miss(view, y, strategy, options);
        });
        return py::make_tuple(to_numpy(result.kept), result.short_classes);
      },
      py::arg("x"), py::arg("y"), py::arg("strategy"), py::arg("version"),
      py::arg("n_neighbors"), py::arg("n_neighbors_ver3"), py::arg("n_threads") = 0,
      "Rows kept by NearMiss (grouped by class) and the classes short of candidates.");
}

}  // namespace shiftguard::python
