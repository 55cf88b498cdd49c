// Bindings of the class/sample weights, logit-adjustment offsets and imbalance metrics
// (include/shiftguard/imbalance/{weights,metrics}.hpp). Labels arrive as int64 codes
// 0..n_classes-1 (the Python layer encodes them), weights as float64, scores as float32 or
// float64 strided views (no copy for either memory order). Compute runs with the GIL released.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/imbalance/metrics.hpp"
#include "shiftguard/imbalance/weights.hpp"

namespace shiftguard::python {

namespace {

using code_view = Eigen::Map<const Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>, Eigen::Unaligned,
                             Eigen::InnerStride<Eigen::Dynamic>>;

// View of a 1-D int64 code array (kept alive by `kept`).
code_view codes_view(const py::array& array, py::array& kept, const char* name) {
  kept = viewable<std::int64_t>(array, name);
  if (kept.ndim() != 1) {
    throw shape_error(std::string(name) + " must be 1-D, got " + std::to_string(kept.ndim()) +
                      "-D");
  }
  return code_view(static_cast<const std::int64_t*>(kept.data()), kept.shape(0),
                   Eigen::InnerStride<Eigen::Dynamic>(kept.strides(0) / 8));
}

imbalance::weight_normalization parse_normalization(const std::string& value) {
  if (value == "none") return imbalance::weight_normalization::none;
  if (value == "mean_sample") return imbalance::weight_normalization::mean_sample;
  if (value == "n_classes") return imbalance::weight_normalization::n_classes;
  throw invalid_argument("normalize must be 'none', 'mean_sample' or 'n_classes', got '" + value +
                         "'");
}

imbalance::class_weight_method parse_method(const std::string& value) {
  if (value == "balanced") return imbalance::class_weight_method::balanced;
  if (value == "sqrt") return imbalance::class_weight_method::sqrt;
  if (value == "effective") return imbalance::class_weight_method::effective;
  throw invalid_argument("class_weight must be 'balanced', 'sqrt', 'effective' or a dict, got '" +
                         value + "'");
}

imbalance::average_method parse_average(const std::string& value) {
  if (value == "none") return imbalance::average_method::none;
  if (value == "macro") return imbalance::average_method::macro;
  if (value == "weighted") return imbalance::average_method::weighted;
  if (value == "micro") return imbalance::average_method::micro;
  throw invalid_argument("average must be None, 'macro', 'weighted' or 'micro', got '" + value +
                         "'");
}

py::array_t<double> to_numpy(const vector<double>& values) {
  py::array_t<double> out(values.size());
  std::copy(values.data(), values.data() + values.size(), out.mutable_data());
  return out;
}

py::array_t<double> to_numpy(const matrix<double>& values) {
  py::array_t<double> out({values.rows(), values.cols()});
  auto view = out.mutable_unchecked<2>();
  for (index i = 0; i < values.rows(); ++i)
    for (index j = 0; j < values.cols(); ++j) view(i, j) = values(i, j);
  return out;
}

matrix<double> confusion_from_numpy(const py::array& confusion) {
  const py::array kept = viewable<double>(confusion, "confusion");
  const auto view = matrix_view<double>(kept, "confusion");
  if (view.rows() != view.cols()) {
    throw shape_error("confusion must be square, got " + std::to_string(view.rows()) + " x " +
                      std::to_string(view.cols()));
  }
  return view;
}

py::array_t<double> class_weight(const py::array& y, index n_classes, const std::string& method,
                                 double beta, const std::string& normalize,
                                 const std::optional<py::array>& sample_weight) {
  py::array kept_y;
  const auto codes = codes_view(y, kept_y, "y");
  imbalance::class_weight_options options;
  options.method = parse_method(method);
  options.beta = beta;
  options.normalization = parse_normalization(normalize);
  vector<double> out;
  if (sample_weight) {
    const py::array kept_w = viewable<double>(*sample_weight, "sample_weight");
    const auto weights = vector_view<double>(kept_w, "sample_weight");
    py::gil_scoped_release release;
    out = imbalance::compute_class_weight<double>(codes, n_classes, weights, options);
  } else {
    py::gil_scoped_release release;
    out = imbalance::compute_class_weight<double>(codes, n_classes, options);
  }
  return to_numpy(out);
}

py::array_t<double> normalize_class_weight(const py::array& weights, const py::array& y,
                                           const std::optional<py::array>& sample_weight,
                                           const std::string& normalize) {
  const py::array kept = viewable<double>(weights, "class_weight");
  const vector<double> given = vector_view<double>(kept, "class_weight");
  py::array kept_y;
  const auto codes = codes_view(y, kept_y, "y");
  std::vector<double> counts;
  if (sample_weight) {
    const py::array kept_w = viewable<double>(*sample_weight, "sample_weight");
    const auto totals =
        imbalance::weighted_class_counts<double>(codes, given.size(),
                                                 vector_view<double>(kept_w, "sample_weight"));
    counts.assign(totals.data(), totals.data() + totals.size());
  } else {
    const auto integer_counts = imbalance::class_counts(codes, given.size());
    counts.assign(integer_counts.begin(), integer_counts.end());
  }
  return to_numpy(imbalance::normalize_class_weight(given, counts, parse_normalization(normalize)));
}

py::array_t<double> sample_weight(const py::array& y, const py::array& class_weight_array,
                                  const std::optional<py::array>& given,
                                  const std::string& normalize) {
  py::array kept_y;
  const auto codes = codes_view(y, kept_y, "y");
  const py::array kept_c = viewable<double>(class_weight_array, "class_weight");
  const auto class_weight = vector_view<double>(kept_c, "class_weight");
  const auto normalization = parse_normalization(normalize);
  vector<double> out;
  if (given) {
    const py::array kept_w = viewable<double>(*given, "sample_weight");
    const auto weights = vector_view<double>(kept_w, "sample_weight");
    py::gil_scoped_release release;
    out = imbalance::compute_sample_weight<double>(codes, class_weight, weights, normalization);
  } else {
    py::gil_scoped_release release;
    out = imbalance::compute_sample_weight<double>(codes, class_weight, normalization);
  }
  return to_numpy(out);
}

py::array_t<double> logit_adjustment(const py::array& priors, double tau) {
  const py::array kept = viewable<double>(priors, "priors");
  return to_numpy(imbalance::logit_adjustment<double>(vector_view<double>(kept, "priors"), tau));
}

py::array_t<double> confusion(const py::array& y_true, const py::array& y_pred, index n_classes,
                              const std::optional<py::array>& sample_weight) {
  py::array kept_true, kept_pred;
  const auto true_codes = codes_view(y_true, kept_true, "y_true");
  const auto pred_codes = codes_view(y_pred, kept_pred, "y_pred");
  matrix<double> out;
  if (sample_weight) {
    const py::array kept_w = viewable<double>(*sample_weight, "sample_weight");
    const auto weights = vector_view<double>(kept_w, "sample_weight");
    py::gil_scoped_release release;
    out = imbalance::confusion_matrix(true_codes, pred_codes, n_classes, weights);
  } else {
    py::gil_scoped_release release;
    out = imbalance::confusion_matrix(true_codes, pred_codes, n_classes);
  }
  return to_numpy(out);
}

py::dict precision_recall_fscore(const py::array& confusion, const std::vector<index>& selected,
                                 double beta, const std::string& average, double zero_division) {
  const auto result = imbalance::precision_recall_fscore(
      confusion_from_numpy(confusion), selected, beta, parse_average(average), zero_division);
  py::dict out;
  out["precision"] = python::to_numpy(result.precision);
  out["recall"] = python::to_numpy(result.recall);
  out["f_score"] = python::to_numpy(result.f_score);
  out["support"] = python::to_numpy(result.support);
  out["precision_undefined"] = python::to_numpy(result.precision_undefined);
  out["recall_undefined"] = python::to_numpy(result.recall_undefined);
  out["f_score_undefined"] = python::to_numpy(result.f_score_undefined);
  out["average_precision"] = result.average_precision;
  out["average_recall"] = result.average_recall;
  out["average_f_score"] = result.average_f_score;
  out["average_undefined"] = result.average_undefined;
  return out;
}

// Calls body(scores) with a float or double strided view (1-D: vector, 2-D: matrix).
template <class Body>
auto with_scores(const py::array& array, Body&& body) {
  if (has_dtype<float>(array)) {
    const py::array kept = viewable<float>(array, "y_score");
    return body(kept, float{});
  }
  if (has_dtype<double>(array)) {
    const py::array kept = viewable<double>(array, "y_score");
    return body(kept, double{});
  }
  throw type_error("y_score must have dtype float32 or float64, got " +
                   std::string(py::str(array.dtype())));
}

double ranking_binary(const std::string& metric, const py::array& y_true, std::int64_t positive,
                      const py::array& y_score, const std::optional<py::array>& sample_weight) {
  py::array kept_y;
  const auto codes = codes_view(y_true, kept_y, "y_true");
  py::array kept_w;
  if (sample_weight) kept_w = viewable<double>(*sample_weight, "sample_weight");
  const bool roc = metric == "roc_auc";
  return with_scores(y_score, [&](const py::array& kept, auto tag) {
    using Scalar = decltype(tag);
    const auto scores = vector_view<Scalar>(kept, "y_score");
    if (sample_weight) {
      const auto weights = vector_view<double>(kept_w, "sample_weight");
      py::gil_scoped_release release;
      return roc ? imbalance::roc_auc_binary(codes, positive, scores, weights)
                 : imbalance::average_precision_binary(codes, positive, scores, weights);
    }
    py::gil_scoped_release release;
    return roc ? imbalance::roc_auc_binary(codes, positive, scores)
               : imbalance::average_precision_binary(codes, positive, scores);
  });
}

py::tuple ranking_ovr(const std::string& metric, const py::array& y_true, const py::array& y_score,
                      const std::string& average, const std::optional<py::array>& sample_weight,
                      int n_threads) {
  py::array kept_y;
  const auto codes = codes_view(y_true, kept_y, "y_true");
  py::array kept_w;
  if (sample_weight) kept_w = viewable<double>(*sample_weight, "sample_weight");
  const auto average_kind = parse_average(average);
  const bool roc = metric == "roc_auc";
  const auto result = with_scores(y_score, [&](const py::array& kept, auto tag) {
    using Scalar = decltype(tag);
    const auto scores = matrix_view<Scalar>(kept, "y_score");
    if (sample_weight) {
      const auto weights = vector_view<double>(kept_w, "sample_weight");
      py::gil_scoped_release release;
      return roc ? imbalance::roc_auc_ovr(codes, scores, weights, average_kind, n_threads)
                 : imbalance::average_precision_ovr(codes, scores, weights, average_kind,
                                                    n_threads);
    }
    py::gil_scoped_release release;
    return roc ? imbalance::roc_auc_ovr(codes, scores, average_kind, n_threads)
               : imbalance::average_precision_ovr(codes, scores, average_kind, n_threads);
  });
  return py::make_tuple(python::to_numpy(result.per_class), result.average);
}

}  // namespace

void bind_imbalance_weights(py::module_& module) {
  module.def("imbalance_class_weight", &class_weight, py::arg("y"), py::arg("n_classes"),
             py::arg("method") = "balanced", py::arg("beta") = 0.999,
             py::arg("normalize") = "none", py::arg("sample_weight") = py::none(),
             "Class weights of codes y (balanced, sqrt, effective) as float64.");
  module.def("imbalance_normalize_class_weight", &normalize_class_weight,
             py::arg("class_weight"), py::arg("y"), py::arg("sample_weight") = py::none(),
             py::arg("normalize") = "none",
             "Checks user-given class weights and scales them by `normalize`.");
  module.def("imbalance_sample_weight", &sample_weight, py::arg("y"), py::arg("class_weight"),
             py::arg("sample_weight") = py::none(), py::arg("normalize") = "none",
             "Per-sample weights class_weight[y] (times sample_weight).");
  module.def("imbalance_logit_adjustment", &logit_adjustment, py::arg("priors"),
             py::arg("tau") = 1.0, "tau * log(priors).");
  module.def("imbalance_confusion_matrix", &confusion, py::arg("y_true"), py::arg("y_pred"),
             py::arg("n_classes"), py::arg("sample_weight") = py::none(),
             "Confusion matrix (float64) of codes.");
  module.def("imbalance_precision_recall_fscore", &precision_recall_fscore,
             py::arg("confusion"), py::arg("selected"), py::arg("beta") = 1.0,
             py::arg("average") = "none", py::arg("zero_division") = 0.0,
             "Per-class precision, recall, F-beta and support with their average.");
  module.def(
      "imbalance_balanced_accuracy",
      [](const py::array& confusion, bool adjusted) {
        const auto result = imbalance::balanced_accuracy(confusion_from_numpy(confusion), adjusted);
        return py::make_tuple(result.score, result.n_classes_only_predicted);
      },
      py::arg("confusion"), py::arg("adjusted") = false,
      "(score, number of classes only predicted).");
  module.def(
      "imbalance_matthews_corrcoef",
      [](const py::array& confusion) {
        return imbalance::matthews_corrcoef(confusion_from_numpy(confusion));
      },
      py::arg("confusion"), "Matthews correlation of a confusion matrix.");
  module.def(
      "imbalance_geometric_mean",
      [](const py::array& confusion, double correction, const std::vector<index>& selected) {
        return imbalance::geometric_mean_score(confusion_from_numpy(confusion), correction,
                                               selected);
      },
      py::arg("confusion"), py::arg("correction") = 0.0,
      py::arg("selected") = std::vector<index>{},
      "Geometric mean of the per-class recalls.");
  module.def(
      "imbalance_ranking_binary", &ranking_binary, py::arg("metric"), py::arg("y_true"),
      py::arg("positive"), py::arg("y_score"), py::arg("sample_weight") = py::none(),
      "Binary ROC AUC (metric='roc_auc') or average precision (metric='average_precision').");
  module.def("imbalance_ranking_ovr", &ranking_ovr, py::arg("metric"), py::arg("y_true"),
             py::arg("y_score"), py::arg("average") = "macro",
             py::arg("sample_weight") = py::none(), py::arg("n_threads") = 0,
             "One-vs-rest ROC AUC or average precision: (per-class array, average).");
}

}  // namespace shiftguard::python
