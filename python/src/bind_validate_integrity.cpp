// Bindings of the integrity checks (shiftguard/validate/integrity.hpp). Code tables arrive as
// uint64 arrays of either memory order (strided Eigen views, no copy), numeric matrices as
// float32/float64; compute runs with the GIL released. Results are tuples, dicts and arrays;
// the Python layer (shiftguard.validate._integrity) builds its result objects.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/validate/integrity.hpp"

namespace shiftguard::python {

namespace {

using validate::code_matrix_view;

code_matrix_view codes_view(const py::array& kept, const char* name) {
  return matrix_view<std::uint64_t>(kept, name);
}

std::vector<std::uint64_t> to_uint64_vector(const py::array& array, const char* name) {
  const auto typed = py::array_t<std::uint64_t, py::array::forcecast>::ensure(array);
  if (!typed || typed.ndim() != 1) {
    throw shape_error(std::string(name) + " must be a 1-D array of uint64 codes");
  }
  return std::vector<std::uint64_t>(typed.data(), typed.data() + typed.shape(0));
}

std::vector<std::int64_t> to_int64_vector(const py::array& array, const char* name) {
  if (array.ndim() != 1) {
    throw shape_error(std::string(name) + " must be 1-D, got " + std::to_string(array.ndim()) + "-D");
  }
  const auto typed = py::array_t<std::int64_t, py::array::forcecast>::ensure(array);
  return std::vector<std::int64_t>(typed.data(), typed.data() + typed.shape(0));
}

py::array_t<std::int64_t> index_array(const std::vector<index>& values) {
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(values.size()));
  std::copy(values.begin(), values.end(), out.mutable_data());
  return out;
}

py::array_t<std::int64_t> count_matrix_array(const validate::count_matrix& m) {
  py::array_t<std::int64_t> out({static_cast<py::ssize_t>(m.rows()), static_cast<py::ssize_t>(m.cols())});
  auto view = out.mutable_unchecked<2>();
  for (index r = 0; r < m.rows(); ++r) {
    for (index c = 0; c < m.cols(); ++c) view(r, c) = m(r, c);
  }
  return out;
}

template <class Body>
auto with_probabilities(const py::array& array, Body&& body) {
  if (has_dtype<float>(array)) {
    const py::array kept = viewable<float>(array, "pred_probs");
    const auto view = matrix_view<float>(kept, "pred_probs");
    py::gil_scoped_release release;
    return body(view);
  }
  if (has_dtype<double>(array)) {
    const py::array kept = viewable<double>(array, "pred_probs");
    const auto view = matrix_view<double>(kept, "pred_probs");
    py::gil_scoped_release release;
    return body(view);
  }
  throw type_error("pred_probs must have dtype float32 or float64, got " + std::string(py::str(array.dtype())));
}

validate::label_filter filter_from(const std::string& name) {
  if (name == "prune_by_noise_rate") return validate::label_filter::prune_by_noise_rate;
  if (name == "prune_by_class") return validate::label_filter::prune_by_class;
  if (name == "both") return validate::label_filter::both;
  if (name == "confident_learning") return validate::label_filter::confident_learning;
  if (name == "predicted_neq_given") return validate::label_filter::predicted_neq_given;
  throw invalid_argument("filter_by must be one of 'prune_by_noise_rate', 'prune_by_class', 'both', "
                         "'confident_learning', 'predicted_neq_given', got '" + name + "'");
}

}  // namespace

void bind_validate_integrity(py::module_& module) {
  module.def(
      "validate_hash_rows",
      [](const py::array& codes, int n_threads) {
        const py::array kept = viewable<std::uint64_t>(codes, "codes");
        const auto view = codes_view(kept, "codes");
        std::vector<std::uint64_t> hashes;
        {
          py::gil_scoped_release release;
          hashes = validate::hash_rows(view, n_threads);
        }
        return to_numpy(hashes);
      },
      py::arg("codes"), py::arg("n_threads") = 0);

  module.def(
      "validate_first_occurrences",
      [](const py::array& codes, const py::object& hashes, int n_threads) {
        const py::array kept = viewable<std::uint64_t>(codes, "codes");
        const auto view = codes_view(kept, "codes");
        std::vector<std::uint64_t> given;
        const bool have = !hashes.is_none();
        if (have) given = to_uint64_vector(hashes.cast<py::array>(), "hashes");
        std::vector<index> first;
        {
          py::gil_scoped_release release;
          first = validate::first_occurrences(view, have ? given : validate::hash_rows(view, n_threads),
                                              n_threads);
        }
        return index_array(first);
      },
      py::arg("codes"), py::arg("hashes") = py::none(), py::arg("n_threads") = 0);

  module.def(
      "validate_duplicate_groups",
      [](const py::array& codes, const py::object& hashes, int n_threads) {
        const py::array kept = viewable<std::uint64_t>(codes, "codes");
        const auto view = codes_view(kept, "codes");
        std::vector<std::uint64_t> given;
        const bool have = !hashes.is_none();
        if (have) given = to_uint64_vector(hashes.cast<py::array>(), "hashes");
        std::vector<std::vector<index>> groups;
        {
          py::gil_scoped_release release;
          groups = have ? validate::duplicate_groups(view, given, n_threads)
                        : validate::duplicate_groups(view, n_threads);
        }
        py::list out;
        for (const auto& group : groups) out.append(index_array(group));
        return out;
      },
      py::arg("codes"), py::arg("hashes") = py::none(), py::arg("n_threads") = 0);

  module.def(
      "validate_conflicting_labels",
      [](const py::array& codes, const py::array& labels, int n_threads) {
        const py::array kept = viewable<std::uint64_t>(codes, "codes");
        const auto view = codes_view(kept, "codes");
        const auto label_codes = to_uint64_vector(labels, "labels");
        std::vector<validate::conflict_group> groups;
        {
          py::gil_scoped_release release;
          groups = validate::conflicting_labels(view, label_codes, n_threads);
        }
        py::list out;
        for (const auto& group : groups) {
          out.append(py::make_tuple(index_array(group.rows), to_numpy(group.labels)));
        }
        return out;
      },
      py::arg("codes"), py::arg("labels"), py::arg("n_threads") = 0);

  module.def(
      "validate_contamination",
      [](const py::array& train, const py::array& test, int n_threads) {
        const py::array kept_train = viewable<std::uint64_t>(train, "train");
        const py::array kept_test = viewable<std::uint64_t>(test, "test");
        const auto train_view = codes_view(kept_train, "train");
        const auto test_view = codes_view(kept_test, "test");
        validate::contamination_result result;
        {
          py::gil_scoped_release release;
          result = validate::find_contamination(train_view, test_view, n_threads);
        }
        return py::make_tuple(index_array(result.test_rows), index_array(result.train_rows));
      },
      py::arg("train"), py::arg("test"), py::arg("n_threads") = 0);

  module.def(
      "validate_column_frequencies",
      [](const py::array& codes, double threshold, int n_threads) {
        const py::array kept = viewable<std::uint64_t>(codes, "codes");
        const auto view = codes_view(kept, "codes");
        std::vector<validate::column_frequency> result;
        {
          py::gil_scoped_release release;
          result = validate::column_frequencies(view, threshold, n_threads);
        }
        std::vector<std::uint64_t> top_code;
        std::vector<index> top_count, n_distinct;
        std::vector<double> share;
        std::vector<bool> near;
        for (const auto& r : result) {
          top_code.push_back(r.top_code);
          top_count.push_back(r.top_count);
          n_distinct.push_back(r.n_distinct);
          share.push_back(r.top_share);
          near.push_back(r.near_constant);
        }
        py::dict out;
        out["top_code"] = to_numpy(top_code);
        out["top_count"] = index_array(top_count);
        out["n_distinct"] = index_array(n_distinct);
        out["top_share"] = to_numpy(share);
        out["near_constant"] = to_numpy(near);
        return out;
      },
      py::arg("codes"), py::arg("threshold"), py::arg("n_threads") = 0);

  module.def(
      "validate_outliers",
      [](const py::array& x, const std::string& method, double threshold, int n_threads) {
        validate::outlier_method chosen;
        if (method == "robust_z") {
          chosen = validate::outlier_method::robust_z;
        } else if (method == "iqr") {
          chosen = validate::outlier_method::iqr;
        } else {
          throw invalid_argument("method must be 'robust_z' or 'iqr', got '" + method + "'");
        }
        std::vector<validate::column_outliers> result;
        if (has_dtype<float>(x)) {
          const py::array kept = viewable<float>(x, "x");
          const auto view = matrix_view<float>(kept, "x");
          py::gil_scoped_release release;
          result = validate::find_outliers(view, chosen, threshold, n_threads);
        } else if (has_dtype<double>(x)) {
          const py::array kept = viewable<double>(x, "x");
          const auto view = matrix_view<double>(kept, "x");
          py::gil_scoped_release release;
          result = validate::find_outliers(view, chosen, threshold, n_threads);
        } else {
          throw type_error("x must have dtype float32 or float64, got " + std::string(py::str(x.dtype())));
        }
        py::list out;
        for (const auto& r : result) {
          py::dict column;
          column["n_values"] = r.n_values;
          column["center"] = r.center;
          column["scale"] = r.scale;
          column["lower"] = r.lower;
          column["upper"] = r.upper;
          column["rows"] = index_array(r.rows);
          out.append(column);
        }
        return out;
      },
      py::arg("x"), py::arg("method"), py::arg("threshold"), py::arg("n_threads") = 0);

  module.def(
      "validate_leakage",
      [](const py::array& codes, const std::vector<bool>& numeric, const py::array& labels,
         index n_folds, double threshold, int n_threads) {
        const py::array kept = viewable<std::uint64_t>(codes, "codes");
        const auto view = codes_view(kept, "codes");
        const auto label_codes = to_uint64_vector(labels, "labels");
        validate::leakage_options options;
        options.n_folds = n_folds;
        options.threshold = threshold;
        options.n_threads = n_threads;
        std::vector<validate::leakage_result> result;
        {
          py::gil_scoped_release release;
          result = validate::feature_leakage(view, numeric, label_codes, options);
        }
        std::vector<double> balanced, accuracy;
        std::vector<bool> flagged;
        for (const auto& r : result) {
          balanced.push_back(r.balanced_accuracy);
          accuracy.push_back(r.accuracy);
          flagged.push_back(r.flagged);
        }
        py::dict out;
        out["balanced_accuracy"] = to_numpy(balanced);
        out["accuracy"] = to_numpy(accuracy);
        out["flagged"] = to_numpy(flagged);
        return out;
      },
      py::arg("codes"), py::arg("numeric"), py::arg("labels"), py::arg("n_folds") = 5,
      py::arg("threshold") = 0.99, py::arg("n_threads") = 0);

  module.def(
      "validate_confident_joint",
      [](const py::array& labels, const py::array& pred_probs, bool calibrate) {
        const auto label_values = to_int64_vector(labels, "labels");
        const auto result = with_probabilities(pred_probs, [&](const auto& view) {
          return validate::confident_joint(label_values, view, calibrate);
        });
        return py::make_tuple(count_matrix_array(result.joint), to_numpy(result.thresholds),
                              index_array(result.off_diagonal));
      },
      py::arg("labels"), py::arg("pred_probs"), py::arg("calibrate") = true);

  module.def(
      "validate_find_label_issues",
      [](const py::array& labels, const py::array& pred_probs, const std::string& filter_by,
         index min_examples_per_class, const py::object& confident_joint, int n_threads) {
        const auto label_values = to_int64_vector(labels, "labels");
        validate::label_issue_options options;
        options.filter_by = filter_from(filter_by);
        options.min_examples_per_class = min_examples_per_class;
        options.n_threads = n_threads;
        validate::count_matrix given;
        const bool have = !confident_joint.is_none();
        if (have) {
          const auto joint = py::array_t<std::int64_t, py::array::forcecast>::ensure(confident_joint);
          if (!joint || joint.ndim() != 2) throw shape_error("confident_joint must be a 2-D array of counts");
          given.resize(joint.shape(0), joint.shape(1));
          const auto view = joint.unchecked<2>();
          for (index r = 0; r < given.rows(); ++r) {
            for (index c = 0; c < given.cols(); ++c) given(r, c) = view(r, c);
          }
        }
        const auto result = with_probabilities(pred_probs, [&](const auto& view) {
          return validate::find_label_issues(label_values, view, options, have ? &given : nullptr);
        });
        py::dict out;
        out["is_issue"] = to_numpy(result.is_issue);
        out["ranked"] = index_array(result.ranked);
        out["confident_joint"] = count_matrix_array(result.confident_joint);
        return out;
      },
      py::arg("labels"), py::arg("pred_probs"), py::arg("filter_by") = "prune_by_noise_rate",
      py::arg("min_examples_per_class") = 1, py::arg("confident_joint") = py::none(),
      py::arg("n_threads") = 0);
}

}  // namespace shiftguard::python
