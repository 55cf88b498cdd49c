// Bindings of the multivariate two-sample drift tests (MMD, linear-time MMD, LSDD, energy
// distance, Hotelling's T^2). Arrays of float32 or float64 reach C++ as strided Eigen views
// (no copy for either memory order); compute runs with the GIL released. Results are returned
// as dicts; the Python layer (shiftguard.drift._multivariate) builds its result objects.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/drift/multivariate.hpp"

namespace shiftguard::python {

namespace {

// Calls body(view) with a float or double strided view of `array`, GIL released.
template <class Body>
auto with_matrix(const py::array& array, const char* name, Body&& body) {
  if (has_dtype<float>(array)) {
    const py::array kept = viewable<float>(array, name);
    const auto view = matrix_view<float>(kept, name);
    py::gil_scoped_release release;
    return body(view);
  }
  if (has_dtype<double>(array)) {
    const py::array kept = viewable<double>(array, name);
    const auto view = matrix_view<double>(kept, name);
    py::gil_scoped_release release;
    return body(view);
  }
  throw type_error(std::string(name) + " must have dtype float32 or float64, got " +
                   std::string(py::str(array.dtype())));
}

// Two arrays: body(view_a, view_b), GIL released.
template <class Body>
auto with_matrices(const py::array& a, const char* name_a, const py::array& b,
                   const char* name_b, Body&& body) {
  const auto for_b = [&](const auto& view_a) {
    // view_a lives in with_matrix's frame; re-acquire the GIL to inspect b.
    py::gil_scoped_acquire acquire;
    return with_matrix(b, name_b, [&](const auto& view_b) { return body(view_a, view_b); });
  };
  return with_matrix(a, name_a, for_b);
}

py::dict permutation_dict(bool is_drift, double statistic, double p_value, double threshold,
                          double distance_threshold, const std::vector<double>& permuted) {
  py::dict out;
  out["is_drift"] = is_drift;
  out["statistic"] = statistic;
  out["p_value"] = p_value;
  out["threshold"] = threshold;
  out["distance_threshold"] = distance_threshold;
  out["permuted_statistics"] = to_numpy(permuted);
  return out;
}

py::dict to_dict(const drift::mmd_result& r) {
  py::dict out = permutation_dict(r.is_drift, r.statistic, r.p_value, r.threshold,
                                  r.distance_threshold, r.permuted_statistics);
  out["sigma"] = r.sigma;
  return out;
}

py::dict to_dict(const drift::energy_result& r) {
  py::dict out = permutation_dict(r.is_drift, r.statistic, r.p_value, r.threshold,
                                  r.distance_threshold, r.permuted_statistics);
  out["scaled_statistic"] = r.scaled_statistic;
  return out;
}

py::dict to_dict(const drift::lsdd_result& r) {
  py::dict out = permutation_dict(r.is_drift, r.statistic, r.p_value, r.threshold,
                                  r.distance_threshold, r.permuted_statistics);
  out["lambda"] = r.lambda;
  return out;
}

py::dict to_dict(const drift::linear_mmd_result& r) {
  py::dict out;
  out["is_drift"] = r.is_drift;
  out["statistic"] = r.statistic;
  out["p_value"] = r.p_value;
  out["z_score"] = r.z_score;
  out["std_dev"] = r.std_dev;
  out["n_pairs"] = r.n_pairs;
  out["threshold"] = r.threshold;
  out["sigma"] = r.sigma;
  return out;
}

py::dict to_dict(const drift::hotelling_result& r) {
  py::dict out;
  out["is_drift"] = r.is_drift;
  out["t2"] = r.t2;
  out["f_statistic"] = r.f_statistic;
  out["p_value"] = r.p_value;
  out["df1"] = r.df1;
  out["df2"] = r.df2;
  out["mahalanobis"] = r.mahalanobis;
  out["threshold"] = r.threshold;
  out["mean_difference"] = to_numpy(r.mean_difference);
  out["standardized_difference"] = to_numpy(r.standardized_difference);
  out["contribution"] = to_numpy(r.contribution);
  return out;
}

py::array_t<double> matrix_to_numpy(const matrix<double>& values) {
  py::array_t<double> out({static_cast<py::ssize_t>(values.rows()),
                           static_cast<py::ssize_t>(values.cols())});
  auto view = out.mutable_unchecked<2>();
  for (index r = 0; r < values.rows(); ++r) {
    for (index c = 0; c < values.cols(); ++c) view(r, c) = values(r, c);
  }
  return out;
}

drift::mmd_options mmd_options_from(double p_val, std::int64_t n_permutations, double sigma,
                                    std::uint64_t seed, int n_threads) {
  drift::mmd_options options;
  options.p_val = p_val;
  options.n_permutations = n_permutations;
  options.sigma = sigma;
  options.seed = seed;
  options.n_threads = n_threads;
  return options;
}

}  // namespace

void bind_multivariate(py::module_& module) {
  using namespace drift;

  module.def(
      "median_heuristic_sigma",
      [](const py::array& x_ref, int n_threads) {
        return with_matrix(x_ref, "x_ref", [&](const auto& view) {
          return drift::median_heuristic_sigma(view, n_threads);
        });
      },
      py::arg("x_ref"), py::arg("n_threads") = 0);

  module.def(
      "mmd2",
      [](const py::array& x, const py::array& y, double sigma, int n_threads) {
        return with_matrices(x, "x", y, "y", [&](const auto& a, const auto& b) {
          return drift::mmd2(a, b, sigma, n_threads);
        });
      },
      py::arg("x"), py::arg("y"), py::arg("sigma") = 0.0, py::arg("n_threads") = 0);

  module.def(
      "mmd_test",
      [](const py::array& x_ref, const py::array& x, double p_val, std::int64_t n_permutations,
         double sigma, std::uint64_t seed, int n_threads) {
        const auto options = mmd_options_from(p_val, n_permutations, sigma, seed, n_threads);
        const mmd_result result = with_matrices(
            x_ref, "x_ref", x, "x",
            [&](const auto& a, const auto& b) { return drift::mmd_test(a, b, options); });
        return to_dict(result);
      },
      py::arg("x_ref"), py::arg("x"), py::arg("p_val") = 0.05, py::arg("n_permutations") = 100,
      py::arg("sigma") = 0.0, py::arg("seed") = 0, py::arg("n_threads") = 0);

  module.def(
      "linear_mmd_test",
      [](const py::array& x, const py::array& y, double sigma, double p_val) {
        const linear_mmd_result result =
            with_matrices(x, "x", y, "y", [&](const auto& a, const auto& b) {
              return drift::linear_mmd_test(a, b, sigma, p_val);
            });
        return to_dict(result);
      },
      py::arg("x"), py::arg("y"), py::arg("sigma") = 0.0, py::arg("p_val") = 0.05);

  module.def(
      "energy_distance_squared",
      [](const py::array& x, const py::array& y, int n_threads) {
        return with_matrices(x, "x", y, "y", [&](const auto& a, const auto& b) {
          return drift::energy_distance_squared(a, b, n_threads);
        });
      },
      py::arg("x"), py::arg("y"), py::arg("n_threads") = 0);

  module.def(
      "energy_test",
      [](const py::array& x_ref, const py::array& x, double p_val, std::int64_t n_permutations,
         std::uint64_t seed, int n_threads) {
        energy_options options;
        options.p_val = p_val;
        options.n_permutations = n_permutations;
        options.seed = seed;
        options.n_threads = n_threads;
        const energy_result result = with_matrices(
            x_ref, "x_ref", x, "x",
            [&](const auto& a, const auto& b) { return drift::energy_test(a, b, options); });
        return to_dict(result);
      },
      py::arg("x_ref"), py::arg("x"), py::arg("p_val") = 0.05, py::arg("n_permutations") = 100,
      py::arg("seed") = 0, py::arg("n_threads") = 0);

  module.def(
      "hotelling_test",
      [](const py::array& x_ref, const py::array& x, double p_val) {
        const hotelling_result result =
            with_matrices(x_ref, "x_ref", x, "x", [&](const auto& a, const auto& b) {
              return drift::hotelling_test(a, b, p_val);
            });
        return to_dict(result);
      },
      py::arg("x_ref"), py::arg("x"), py::arg("p_val") = 0.05);

  py::class_<mmd_drift_detector>(module, "MMDDetector")
      .def(py::init([](const py::array& x_ref, double p_val, std::int64_t n_permutations,
                       double sigma, std::uint64_t seed, int n_threads) {
             const auto options = mmd_options_from(p_val, n_permutations, sigma, seed, n_threads);
             return with_matrix(x_ref, "x_ref", [&](const auto& view) {
               return new mmd_drift_detector(view, options);
             });
           }),
           py::arg("x_ref"), py::arg("p_val") = 0.05, py::arg("n_permutations") = 100,
           py::arg("sigma") = 0.0, py::arg("seed") = 0, py::arg("n_threads") = 0)
      .def(
          "predict",
          [](const mmd_drift_detector& self, const py::array& x) {
            const mmd_result result =
                with_matrix(x, "x", [&](const auto& view) { return self.predict(view); });
            return to_dict(result);
          },
          py::arg("x"))
      .def_property_readonly("sigma", &mmd_drift_detector::sigma)
      .def_property_readonly("p_val",
                             [](const mmd_drift_detector& self) { return self.options().p_val; })
      .def_property_readonly(
          "n_permutations",
          [](const mmd_drift_detector& self) { return self.options().n_permutations; })
      .def_property_readonly("seed",
                             [](const mmd_drift_detector& self) { return self.options().seed; })
      .def_property_readonly("n_features", &mmd_drift_detector::n_features)
      .def_property_readonly("n_reference", &mmd_drift_detector::n_reference)
      .def_property_readonly("reference_kernel_sum", &mmd_drift_detector::reference_kernel_sum)
      .def_property_readonly("reference_kernel_row_sums",
                             [](const mmd_drift_detector& self) {
                               const auto& sums = self.reference_kernel_row_sums();
                               return to_numpy(std::vector<double>(sums.data(),
                                                                   sums.data() + sums.size()));
                             })
      .def("save", [](const mmd_drift_detector& self) { return py::bytes(self.save()); })
      .def_static("load", [](const py::bytes& data) {
        const std::string bytes = data;
        return mmd_drift_detector::load(bytes);
      });

  py::class_<lsdd_drift_detector>(module, "LSDDDetector")
      .def(py::init([](const py::array& x_ref, double p_val, std::int64_t n_permutations,
                       double sigma, std::int64_t n_kernel_centers, double lambda_rd_max,
                       std::uint64_t seed, int n_threads, std::vector<std::int64_t> center_rows) {
             lsdd_options options;
             options.p_val = p_val;
             options.n_permutations = n_permutations;
             options.sigma = sigma;
             options.n_kernel_centers = n_kernel_centers;
             options.lambda_rd_max = lambda_rd_max;
             options.seed = seed;
             options.n_threads = n_threads;
             std::vector<index> rows(center_rows.begin(), center_rows.end());
             return with_matrix(x_ref, "x_ref", [&](const auto& view) {
               return new lsdd_drift_detector(view, options, rows);
             });
           }),
           py::arg("x_ref"), py::arg("p_val") = 0.05, py::arg("n_permutations") = 100,
           py::arg("sigma") = 0.0, py::arg("n_kernel_centers") = 0,
           py::arg("lambda_rd_max") = 0.2, py::arg("seed") = 0, py::arg("n_threads") = 0,
           py::arg("center_rows") = std::vector<std::int64_t>{})
      .def(
          "predict",
          [](const lsdd_drift_detector& self, const py::array& x) {
            const lsdd_result result =
                with_matrix(x, "x", [&](const auto& view) { return self.predict(view); });
            return to_dict(result);
          },
          py::arg("x"))
      .def_property_readonly("sigma", &lsdd_drift_detector::sigma)
      .def_property_readonly("n_features", &lsdd_drift_detector::n_features)
      .def_property_readonly("n_reference", &lsdd_drift_detector::n_reference)
      .def_property_readonly("center_rows",
                             [](const lsdd_drift_detector& self) {
                               const auto& rows = self.center_rows();
                               return to_numpy(std::vector<std::int64_t>(rows.begin(), rows.end()));
                             })
      .def_property_readonly("centers", [](const lsdd_drift_detector& self) {
        return matrix_to_numpy(self.centers());
      });

  py::class_<energy_drift_detector>(module, "EnergyDetector")
      .def(py::init([](const py::array& x_ref, double p_val, std::int64_t n_permutations,
                       std::uint64_t seed, int n_threads) {
             energy_options options;
             options.p_val = p_val;
             options.n_permutations = n_permutations;
             options.seed = seed;
             options.n_threads = n_threads;
             return with_matrix(x_ref, "x_ref", [&](const auto& view) {
               return new energy_drift_detector(view, options);
             });
           }),
           py::arg("x_ref"), py::arg("p_val") = 0.05, py::arg("n_permutations") = 100,
           py::arg("seed") = 0, py::arg("n_threads") = 0)
      .def(
          "predict",
          [](const energy_drift_detector& self, const py::array& x) {
            const energy_result result =
                with_matrix(x, "x", [&](const auto& view) { return self.predict(view); });
            return to_dict(result);
          },
          py::arg("x"))
      .def_property_readonly("n_features", &energy_drift_detector::n_features)
      .def_property_readonly("n_reference", &energy_drift_detector::n_reference);

  py::class_<hotelling_drift_detector>(module, "HotellingDetector")
      .def(py::init([](const py::array& x_ref, double p_val) {
             return with_matrix(x_ref, "x_ref", [&](const auto& view) {
               return new hotelling_drift_detector(view, p_val);
             });
           }),
           py::arg("x_ref"), py::arg("p_val") = 0.05)
      .def(
          "predict",
          [](const hotelling_drift_detector& self, const py::array& x) {
            const hotelling_result result =
                with_matrix(x, "x", [&](const auto& view) { return self.predict(view); });
            return to_dict(result);
          },
          py::arg("x"))
      .def_property_readonly("n_features", &hotelling_drift_detector::n_features)
      .def_property_readonly("p_val", &hotelling_drift_detector::p_val)
      .def_property_readonly("n_reference", &hotelling_drift_detector::n_reference)
      .def("save", [](const hotelling_drift_detector& self) { return py::bytes(self.save()); })
      .def_static("load", [](const py::bytes& data) {
        const std::string bytes = data;
        return hotelling_drift_detector::load(bytes);
      });
}

}  // namespace shiftguard::python
