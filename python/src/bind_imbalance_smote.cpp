// Bindings of the SMOTE family (shiftguard/imbalance/over_sampling.hpp). X of float32 or
// float64 reaches C++ as a strided Eigen view (no copy for either memory order), labels as
// int64 codes, the per-class targets as a dict {code: n_new}. Compute runs with the GIL
// released; the synthetic rows are handed to NumPy without a copy. Results are dicts; the
// Python layer (shiftguard.imbalance._over) builds fit_resample's output.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/imbalance/over_sampling.hpp"

namespace shiftguard::python {

namespace {

using imbalance::class_targets;
using imbalance::row_matrix;

// A row-major Eigen matrix moved into a NumPy array that owns it (no copy).
template <class T>
py::array_t<T> adopt(row_matrix<T>&& values) {
  auto* owned = new row_matrix<T>(std::move(values));
  py::capsule free_when_done(owned, [](void* p) { delete static_cast<row_matrix<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(owned->rows()),
                         static_cast<py::ssize_t>(owned->cols())},
                        {static_cast<py::ssize_t>(sizeof(T) * owned->cols()),
                         static_cast<py::ssize_t>(sizeof(T))},
                        owned->data(), free_when_done);
}

template <class Scalar>
py::dict samples_dict(imbalance::synthetic_samples<Scalar>&& s) {
  py::dict out;
  out["y"] = to_numpy(s.y);
  out["seed_index"] = to_numpy(std::vector<std::int64_t>(s.seed_index.begin(), s.seed_index.end()));
  out["neighbor_index"] =
      to_numpy(std::vector<std::int64_t>(s.neighbor_index.begin(), s.neighbor_index.end()));
  out["gap"] = to_numpy(s.gap);
  out["k_used"] = s.k_used;
  out["x"] = adopt(std::move(s.x));
  return out;
}

py::dict index_map_dict(const std::map<std::int64_t, std::vector<index>>& values) {
  py::dict out;
  for (const auto& [label, rows] : values) {
    out[py::int_(label)] = to_numpy(std::vector<std::int64_t>(rows.begin(), rows.end()));
  }
  return out;
}

// Calls body(x_view, y_view) with the GIL released; x float32 or float64, y int64 codes.
template <class Body>
py::dict with_data(const py::array& x, const py::array& y, Body&& body) {
  const py::array y_kept = viewable<std::int64_t>(y, "y");
  const auto y_view = vector_view<std::int64_t>(y_kept, "y");
  if (has_dtype<float>(x)) {
    const py::array kept = viewable<float>(x, "x");
    const auto view = matrix_view<float>(kept, "x");
    return body(view, y_view);
  }
  if (has_dtype<double>(x)) {
    const py::array kept = viewable<double>(x, "x");
    const auto view = matrix_view<double>(kept, "x");
    return body(view, y_view);
  }
  throw type_error("x must have dtype float32 or float64, got " + std::string(py::str(x.dtype())));
}

imbalance::over_sampling_options options_from(index k_neighbors, std::uint64_t seed,
                                              int n_threads, bool adapt_k_neighbors) {
  imbalance::over_sampling_options options;
  options.k_neighbors = k_neighbors;
  options.seed = seed;
  options.n_threads = n_threads;
  options.adapt_k_neighbors = adapt_k_neighbors;
  return options;
}

}  // namespace

void bind_imbalance_smote(py::module_& module) {
  module.def(
      "smote",
      [](const py::array& x, const py::array& y, const class_targets& targets, index k_neighbors,
         std::uint64_t seed, int n_threads, bool adapt_k_neighbors) {
        const auto options = options_from(k_neighbors, seed, n_threads, adapt_k_neighbors);
        return with_data(x, y, [&](const auto& xv, const auto& yv) {
          using Scalar = typename std::decay_t<decltype(xv)>::Scalar;
          imbalance::synthetic_samples<Scalar> s;
          {
            py::gil_scoped_release release;
            s = imbalance::smote(xv, yv, targets, options);
          }
          return samples_dict(std::move(s));
        });
      },
      py::arg("x"), py::arg("y"), py::arg("targets"), py::arg("k_neighbors") = 5,
      py::arg("seed") = 0, py::arg("n_threads") = 0, py::arg("adapt_k_neighbors") = false);

  module.def(
      "borderline_smote",
      [](const py::array& x, const py::array& y, const class_targets& targets, index k_neighbors,
         index m_neighbors, const std::string& kind, std::uint64_t seed, int n_threads,
         bool adapt_k_neighbors) {
        imbalance::borderline_options options;
        static_cast<imbalance::over_sampling_options&>(options) =
            options_from(k_neighbors, seed, n_threads, adapt_k_neighbors);
        options.m_neighbors = m_neighbors;
        if (kind == "borderline-1") {
          options.kind = imbalance::borderline_kind::borderline_1;
        } else if (kind == "borderline-2") {
          options.kind = imbalance::borderline_kind::borderline_2;
        } else {
          throw invalid_argument("kind must be 'borderline-1' or 'borderline-2', got '" + kind +
                                 "'");
        }
        return with_data(x, y, [&](const auto& xv, const auto& yv) {
          using Scalar = typename std::decay_t<decltype(xv)>::Scalar;
          imbalance::borderline_result<Scalar> r;
          {
            py::gil_scoped_release release;
            r = imbalance::borderline_smote(xv, yv, targets, options);
          }
          py::dict out = samples_dict(std::move(r.samples));
          out["danger_indices"] = index_map_dict(r.danger_indices);
          return out;
        });
      },
      py::arg("x"), py::arg("y"), py::arg("targets"), py::arg("k_neighbors") = 5,
      py::arg("m_neighbors") = 10, py::arg("kind") = "borderline-1", py::arg("seed") = 0,
      py::arg("n_threads") = 0, py::arg("adapt_k_neighbors") = false);

  module.def(
      "adasyn",
      [](const py::array& x, const py::array& y, const class_targets& targets, index n_neighbors,
         std::uint64_t seed, int n_threads, bool adapt_k_neighbors) {
        const auto options = options_from(n_neighbors, seed, n_threads, adapt_k_neighbors);
        return with_data(x, y, [&](const auto& xv, const auto& yv) {
          using Scalar = typename std::decay_t<decltype(xv)>::Scalar;
          imbalance::adasyn_result<Scalar> r;
          {
            py::gil_scoped_release release;
            r = imbalance::adasyn(xv, yv, targets, options);
          }
          py::dict out = samples_dict(std::move(r.samples));
          out["samples_per_seed"] = index_map_dict(r.samples_per_seed);
          return out;
        });
      },
      py::arg("x"), py::arg("y"), py::arg("targets"), py::arg("n_neighbors") = 5,
      py::arg("seed") = 0, py::arg("n_threads") = 0, py::arg("adapt_k_neighbors") = false);

  module.def(
      "smote_nc",
      [](const py::array& continuous, const py::array& categorical, const py::array& y,
         const class_targets& targets, index k_neighbors, std::uint64_t seed, int n_threads,
         bool adapt_k_neighbors) {
        const auto options = options_from(k_neighbors, seed, n_threads, adapt_k_neighbors);
        const py::array codes_kept = viewable<std::int64_t>(categorical, "categorical");
        const auto codes = matrix_view<std::int64_t>(codes_kept, "categorical");
        return with_data(continuous, y, [&](const auto& xv, const auto& yv) {
          using Scalar = typename std::decay_t<decltype(xv)>::Scalar;
          imbalance::smotenc_result<Scalar> r;
          {
            py::gil_scoped_release release;
            r = imbalance::smote_nc(xv, codes, yv, targets, options);
          }
          py::dict out = samples_dict(std::move(r.samples));
          out["categorical"] = adopt(std::move(r.categorical));
          out["median_std"] = r.median_std;
          return out;
        });
      },
      py::arg("continuous"), py::arg("categorical"), py::arg("y"), py::arg("targets"),
      py::arg("k_neighbors") = 5, py::arg("seed") = 0, py::arg("n_threads") = 0,
      py::arg("adapt_k_neighbors") = false);
}

}  // namespace shiftguard::python
