// Bindings of the distance scores (drift/univariate/distances.hpp) and the categorical tests
// (drift/univariate/categorical.hpp). Argument checking and result objects live in
// python/shiftguard/drift/_scores.py.

#include <cstdint>
#include <string>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/drift/univariate.hpp"
#include "shiftguard/drift/univariate/categorical.hpp"
#include "shiftguard/drift/univariate/distances.hpp"

namespace py = pybind11;

namespace shiftguard::python {

namespace {

template <class Scalar, class Function>
double numeric_distance_typed(const py::array& ref, const py::array& cur, nan_policy policy,
                              Function function) {
  const py::array ref_array = viewable<Scalar>(ref, "ref");
  const py::array cur_array = viewable<Scalar>(cur, "cur");
  const auto ref_view = vector_view<Scalar>(ref_array, "ref");
  const auto cur_view = vector_view<Scalar>(cur_array, "cur");
  py::gil_scoped_release release;
  return function(ref_view, cur_view, policy);
}

template <class Scalar>
py::dict binned_scores_typed(const py::array& ref, const py::array& cur,
                             const drift::binned_options& options, nan_policy policy) {
  const py::array ref_array = viewable<Scalar>(ref, "ref");
  const py::array cur_array = viewable<Scalar>(cur, "cur");
  const auto ref_view = vector_view<Scalar>(ref_array, "ref");
  const auto cur_view = vector_view<Scalar>(cur_array, "cur");
  drift::reference_bins bins;
  drift::binned_scores scores;
  {
    py::gil_scoped_release release;
    bins = drift::make_reference_bins(ref_view, options, policy);
    std::vector<Scalar> current;
    drift::detail::collect_finite(cur_view, policy, "cur", current);
    if (current.empty()) {
      throw invalid_argument("binned scores: cur has no finite values (size " +
                             std::to_string(cur_view.size()) + ")");
    }
    scores = drift::score_against(bins, current.data(), static_cast<std::int64_t>(current.size()),
                                  false, options);
  }
  py::dict out;
  out["psi"] = scores.psi;
  out["jensen_shannon"] = scores.jensen_shannon;
  out["kl_divergence"] = scores.kl_divergence;
  out["hellinger"] = scores.hellinger;
  out["edges"] = to_numpy(bins.edges);
  out["reference_counts"] = to_numpy(bins.counts);
  out["current_counts"] = to_numpy(scores.current_counts);
  out["n_reference"] = bins.n_reference;
  out["n_current"] = scores.n_current;
  return out;
}

template <class Function>
double dispatch_numeric(const py::array& ref, const py::array& cur, const std::string& policy,
                        Function function) {
  const auto policy_value = drift::nan_policy_from_string(policy);
  if (has_dtype<float>(ref)) {
    return numeric_distance_typed<float>(ref, cur, policy_value, function);
  }
  return numeric_distance_typed<double>(ref, cur, policy_value, function);
}

drift::category_table table_of(const py::array& codes, nan_policy policy, const char* name) {
  const py::array array = viewable<std::int64_t>(codes, name);
  const auto view = vector_view<std::int64_t>(array, name);
  py::gil_scoped_release release;
  return drift::make_category_table(view, policy, name);
}

void put_comparison(py::dict& out, const drift::category_comparison& table) {
  out["categories"] = to_numpy(table.categories);
  out["reference_counts"] = to_numpy(table.reference_counts);
  out["current_counts"] = to_numpy(table.current_counts);
  out["unseen_categories"] = to_numpy(table.unseen_categories);
  out["n_reference"] = table.n_reference;
  out["n_current"] = table.n_current;
}

void put_missing(py::dict& out, const drift::category_table& ref,
                 const drift::category_table& cur) {
  out["n_missing_reference"] = ref.n_missing;
  out["n_missing_current"] = cur.n_missing;
}

}  // namespace

void bind_scores(py::module_& module) {
  module.def(
      "energy_distance",
      [](const py::array& ref, const py::array& cur, const std::string& policy) {
        return dispatch_numeric(ref, cur, policy, [](const auto& r, const auto& c, nan_policy p) {
          return drift::energy_distance(r, c, p);
        });
      },
      py::arg("ref"), py::arg("cur"), py::arg("nan_policy") = "raise",
      "scipy.stats.energy_distance(ref, cur)");
  module.def(
      "wasserstein_distance",
      [](const py::array& ref, const py::array& cur, const std::string& policy) {
        return dispatch_numeric(ref, cur, policy, [](const auto& r, const auto& c, nan_policy p) {
          return drift::wasserstein_distance(r, c, p);
        });
      },
      py::arg("ref"), py::arg("cur"), py::arg("nan_policy") = "raise",
      "scipy.stats.wasserstein_distance(ref, cur)");
  module.def(
      "binned_scores",
      [](const py::array& ref, const py::array& cur, int n_bins, double epsilon, double base,
         const std::string& policy) {
        drift::binned_options options;
        options.n_bins = n_bins;
        options.epsilon = epsilon;
        options.base = base;
        const auto policy_value = drift::nan_policy_from_string(policy);
        if (has_dtype<float>(ref)) {
          return binned_scores_typed<float>(ref, cur, options, policy_value);
        }
        return binned_scores_typed<double>(ref, cur, options, policy_value);
      },
      py::arg("ref"), py::arg("cur"), py::arg("n_bins") = 10, py::arg("epsilon") = 1e-4,
      py::arg("base") = 2.0, py::arg("nan_policy") = "raise",
      "PSI, Jensen-Shannon, KL(cur||ref) and Hellinger on reference-quantile bins");
  module.def(
      "count_categories",
      [](const py::array& codes, const std::string& policy) {
        const auto table = table_of(codes, drift::nan_policy_from_string(policy), "codes");
        return py::make_tuple(to_numpy(table.codes), to_numpy(table.counts), table.n_missing);
      },
      py::arg("codes"), py::arg("nan_policy") = "raise",
      "(codes, counts, n_missing) of an int64 code array (negative codes are missing)");
  module.def(
      "categorical_test",
      [](const py::array& ref, const py::array& cur, const std::string& test, bool yates,
         const std::string& policy) {
        drift::categorical_test kind;
        if (test == "chi2") {
          kind = drift::categorical_test::chi_square;
        } else if (test == "g-test") {
          kind = drift::categorical_test::g_test;
        } else {
          throw invalid_argument("test must be 'chi2' or 'g-test', got '" + test + "'");
        }
        const auto policy_value = drift::nan_policy_from_string(policy);
        const auto ref_table = table_of(ref, policy_value, "ref");
        const auto cur_table = table_of(cur, policy_value, "cur");
        drift::categorical_test_result result;
        {
          py::gil_scoped_release release;
          result = kind == drift::categorical_test::chi_square
                       ? drift::chi2_homogeneity(ref_table, cur_table, yates)
                       : drift::g_test(ref_table, cur_table, yates);
        }
        py::dict out;
        out["statistic"] = result.statistic;
        out["p_value"] = result.p_value;
        out["dof"] = result.dof;
        out["yates_applied"] = result.yates_applied;
        out["min_expected"] = result.min_expected;
        put_comparison(out, result.table);
        put_missing(out, ref_table, cur_table);
        return out;
      },
      py::arg("ref"), py::arg("cur"), py::arg("test") = "chi2",
      py::arg("yates_correction") = false, py::arg("nan_policy") = "raise",
      "Chi-square or G test of homogeneity of two int64 code arrays");
  module.def(
      "categorical_distances",
      [](const py::array& ref, const py::array& cur, double epsilon, double base,
         const std::string& policy) {
        drift::categorical_distance_options options;
        options.epsilon = epsilon;
        options.base = base;
        const auto policy_value = drift::nan_policy_from_string(policy);
        const auto ref_table = table_of(ref, policy_value, "ref");
        const auto cur_table = table_of(cur, policy_value, "cur");
        drift::categorical_distance_result result;
        {
          py::gil_scoped_release release;
          result = drift::categorical_distances(ref_table, cur_table, options);
        }
        py::dict out;
        out["psi"] = result.psi;
        out["jensen_shannon"] = result.jensen_shannon;
        out["linf_distance"] = result.linf_distance;
        put_comparison(out, result.table);
        put_missing(out, ref_table, cur_table);
        return out;
      },
      py::arg("ref"), py::arg("cur"), py::arg("epsilon") = 1e-4, py::arg("base") = 2.0,
      py::arg("nan_policy") = "raise",
      "PSI, Jensen-Shannon and L-infinity distance of the category frequencies");
}

}  // namespace shiftguard::python
