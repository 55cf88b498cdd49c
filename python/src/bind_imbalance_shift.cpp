// Bindings of label-shift estimation/correction and covariate-shift importance weights
// (include/shiftguard/imbalance/{label_shift,covariate_shift}.hpp). Feature matrices reach C++
// as strided Eigen views (float32 or float64, either memory order, no copy); probabilities
// are float64 views; compute runs with the GIL released. Results are dicts; the Python layer
// (shiftguard.imbalance._label_shift, _covariate_shift) builds its objects and checks input.

#include <cstdint>
#include <limits>
#include <utility>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/imbalance/covariate_shift.hpp"
#include "shiftguard/imbalance/label_shift.hpp"

namespace shiftguard::python {

namespace {

py::array_t<double> vector_to_numpy(const vector<double>& values) {
  py::array_t<double> out(static_cast<py::ssize_t>(values.size()));
  std::copy(values.data(), values.data() + values.size(), out.mutable_data());
  return out;
}

py::array_t<double> dense_to_numpy(const matrix<double>& values) {
  py::array_t<double> out({static_cast<py::ssize_t>(values.rows()),
                           static_cast<py::ssize_t>(values.cols())});
  auto view = out.mutable_unchecked<2>();
  for (index r = 0; r < values.rows(); ++r) {
    for (index c = 0; c < values.cols(); ++c) view(r, c) = values(r, c);
  }
  return out;
}

py::array_t<std::int64_t> indices_to_numpy(const std::vector<index>& values) {
  return to_numpy(std::vector<std::int64_t>(values.begin(), values.end()));
}

vector<double> to_vector(const py::array_t<double, py::array::c_style | py::array::forcecast>& a,
                         const char* name) {
  if (a.ndim() != 1) {
    throw shape_error(std::string(name) + " must be 1-D, got " + std::to_string(a.ndim()) + "-D");
  }
  vector<double> out(a.shape(0));
  std::copy(a.data(), a.data() + a.shape(0), out.data());
  return out;
}

// body(view) on a float64 view of a 2-D array, GIL released.
template <class Body>
auto with_double_matrix(const py::array& array, const char* name, Body&& body) {
  const py::array kept = viewable<double>(array, name);
  const auto view = matrix_view<double>(kept, name);
  py::gil_scoped_release release;
  return body(view);
}

// body(view_a, view_b) with both arrays viewed in the dtype of `a` (float32 or float64).
template <class Body>
auto with_feature_pair(const py::array& a, const char* name_a, const py::array& b,
                       const char* name_b, Body&& body) {
  const auto run = [&](auto tag) {
    using Scalar = decltype(tag);
    const py::array kept_a = viewable<Scalar>(a, name_a);
    const py::array kept_b = viewable<Scalar>(b, name_b);
    const auto view_a = matrix_view<Scalar>(kept_a, name_a);
    const auto view_b = matrix_view<Scalar>(kept_b, name_b);
    py::gil_scoped_release release;
    return body(view_a, view_b);
  };
  if (has_dtype<float>(a)) return run(float{});
  if (has_dtype<double>(a)) return run(double{});
  throw type_error(std::string(name_a) + " must have dtype float32 or float64, got " +
                   std::string(py::str(a.dtype())));
}

template <class Body>
auto with_features(const py::array& a, const char* name, Body&& body) {
  return with_feature_pair(a, name, a, name,
                           [&](const auto& view, const auto&) { return body(view); });
}

py::dict to_dict(const imbalance::label_shift_result& r) {
  py::dict out;
  out["source_priors"] = vector_to_numpy(r.source_priors);
  out["target_priors"] = vector_to_numpy(r.target_priors);
  out["weights"] = vector_to_numpy(r.weights);
  out["raw_weights"] = vector_to_numpy(r.raw_weights);
  out["confusion"] = dense_to_numpy(r.confusion);
  out["target_prediction_mean"] = vector_to_numpy(r.target_prediction_mean);
  out["condition_number"] = r.condition_number;
  out["ill_conditioned"] = r.ill_conditioned;
  out["converged"] = r.converged;
  out["n_iter"] = r.n_iter;
  out["ci_lower"] = vector_to_numpy(r.ci_lower);
  out["ci_upper"] = vector_to_numpy(r.ci_upper);
  out["confidence_level"] = r.confidence_level;
  out["n_bootstrap"] = r.n_bootstrap;
  out["n_bootstrap_failed"] = r.n_bootstrap_failed;
  out["warnings"] = r.warnings;
  return out;
}

imbalance::label_shift_method method_from(const std::string& name) {
  if (name == "bbse") return imbalance::label_shift_method::bbse_hard;
  if (name == "bbse-soft") return imbalance::label_shift_method::bbse_soft;
  if (name == "em") return imbalance::label_shift_method::em;
  throw invalid_argument("method must be 'bbse', 'bbse-soft' or 'em', got '" + name + "'");
}

imbalance::label_shift_options label_options(const std::string& method, double max_condition,
                                             std::int64_t n_bootstrap, double confidence_level,
                                             std::uint64_t seed, int n_threads, double tol,
                                             std::int64_t max_iter) {
  imbalance::label_shift_options options;
  options.method = method_from(method);
  options.max_condition = max_condition;
  options.n_bootstrap = n_bootstrap;
  options.confidence_level = confidence_level;
  options.seed = seed;
  options.n_threads = n_threads;
  options.tol = tol;
  options.max_iter = max_iter;
  return options;
}

py::array_t<std::int64_t> checked_labels(const py::array& labels, const char* name) {
  const py::array kept = viewable<std::int64_t>(labels, name);
  if (kept.ndim() != 1) {
    throw shape_error(std::string(name) + " must be 1-D, got " + std::to_string(kept.ndim()) +
                      "-D");
  }
  return kept;
}

}  // namespace

void bind_imbalance_shift(py::module_& module) {
  using namespace imbalance;

  module.def(
      "estimate_label_shift",
      [](const py::array& y_val, const py::array& proba_val, const py::array& proba_target,
         const std::string& method, double max_condition, std::int64_t n_bootstrap,
         double confidence_level, std::uint64_t seed, int n_threads, double tol,
         std::int64_t max_iter) {
        const auto options = label_options(method, max_condition, n_bootstrap, confidence_level,
                                           seed, n_threads, tol, max_iter);
        const py::array labels = checked_labels(y_val, "y_val");
        const auto label_view = vector_view<std::int64_t>(labels, "y_val");
        const py::array kept_target = viewable<double>(proba_target, "proba_target");
        const auto target_view = matrix_view<double>(kept_target, "proba_target");
        const label_shift_result result =
            with_double_matrix(proba_val, "proba_val", [&](const auto& val_view) {
              return imbalance::estimate_label_shift(label_view, val_view, target_view, options);
            });
        return to_dict(result);
      },
      py::arg("y_val"), py::arg("proba_val"), py::arg("proba_target"), py::arg("method") = "bbse",
      py::arg("max_condition") = 1e3, py::arg("n_bootstrap") = 0,
      py::arg("confidence_level") = 0.95, py::arg("seed") = 0, py::arg("n_threads") = 0,
      py::arg("tol") = 1e-8, py::arg("max_iter") = 1000);

  module.def(
      "em_prior_adjustment",
      [](const py::array_t<double, py::array::c_style | py::array::forcecast>& source_priors,
         const py::array& proba_target, std::int64_t n_bootstrap, double confidence_level,
         std::uint64_t seed, int n_threads, double tol, std::int64_t max_iter) {
        const auto options = label_options("em", 1e3, n_bootstrap, confidence_level, seed,
                                           n_threads, tol, max_iter);
        const vector<double> priors = to_vector(source_priors, "source_priors");
        const label_shift_result result =
            with_double_matrix(proba_target, "proba_target", [&](const auto& view) {
              return imbalance::em_prior_adjustment(priors, view, options);
            });
        return to_dict(result);
      },
      py::arg("source_priors"), py::arg("proba_target"), py::arg("n_bootstrap") = 0,
      py::arg("confidence_level") = 0.95, py::arg("seed") = 0, py::arg("n_threads") = 0,
      py::arg("tol") = 1e-8, py::arg("max_iter") = 1000);

  module.def(
      "joint_confusion_matrix",
      [](const py::array& y_val, const py::array& proba_val, bool soft) {
        const py::array labels = checked_labels(y_val, "y_val");
        const auto label_view = vector_view<std::int64_t>(labels, "y_val");
        const matrix<double> confusion =
            with_double_matrix(proba_val, "proba_val", [&](const auto& view) {
              return imbalance::joint_confusion_matrix(label_view, view, soft);
            });
        return dense_to_numpy(confusion);
      },
      py::arg("y_val"), py::arg("proba_val"), py::arg("soft") = false);

  module.def(
      "adjust_probabilities",
      [](const py::array& proba,
         const py::array_t<double, py::array::c_style | py::array::forcecast>& source_priors,
         const py::array_t<double, py::array::c_style | py::array::forcecast>& target_priors) {
        const vector<double> source = to_vector(source_priors, "source_priors");
        const vector<double> target = to_vector(target_priors, "target_priors");
        const matrix<double> adjusted = with_double_matrix(proba, "proba", [&](const auto& view) {
          return imbalance::adjust_probabilities(view, source, target);
        });
        return dense_to_numpy(adjusted);
      },
      py::arg("proba"), py::arg("source_priors"), py::arg("target_priors"));

  module.def(
      "label_shift_weights",
      [](const py::array& y,
         const py::array_t<double, py::array::c_style | py::array::forcecast>& class_weights) {
        const py::array labels = checked_labels(y, "y");
        const auto label_view = vector_view<std::int64_t>(labels, "y");
        const vector<double> weights = to_vector(class_weights, "weights");
        vector<double> out;
        {
          py::gil_scoped_release release;
          out = imbalance::label_shift_weights(label_view, weights);
        }
        return vector_to_numpy(out);
      },
      py::arg("y"), py::arg("weights"));

  module.def(
      "fit_logistic_regression",
      [](const py::array& x,
         const py::array_t<double, py::array::c_style | py::array::forcecast>& y, double C,
         bool fit_intercept, double tol, std::int64_t max_iter, int n_threads) {
        logistic_regression_options options;
        options.C = C;
        options.fit_intercept = fit_intercept;
        options.tol = tol;
        options.max_iter = max_iter;
        options.n_threads = n_threads;
        const vector<double> labels = to_vector(y, "y");
        const logistic_regression_model model = with_features(x, "x", [&](const auto& view) {
          return imbalance::fit_logistic_regression(view, labels, options);
        });
        py::dict out;
        out["coef"] = vector_to_numpy(model.coef);
        out["intercept"] = model.intercept;
        out["converged"] = model.converged;
        out["n_iter"] = model.n_iter;
        return out;
      },
      py::arg("x"), py::arg("y"), py::arg("C") = 1.0, py::arg("fit_intercept") = true,
      py::arg("tol") = 1e-10, py::arg("max_iter") = 100, py::arg("n_threads") = 0);

  module.def(
      "classifier_density_ratio",
      [](const py::array& x_ref, const py::array& x_cur, double C, std::int64_t n_folds,
         std::uint64_t seed, double tol, std::int64_t max_iter, int n_threads) {
        classifier_ratio_options options;
        options.C = C;
        options.n_folds = n_folds;
        options.seed = seed;
        options.tol = tol;
        options.max_iter = max_iter;
        options.n_threads = n_threads;
        const classifier_ratio_result result =
            with_feature_pair(x_ref, "x_ref", x_cur, "x_cur", [&](const auto& a, const auto& b) {
              return imbalance::classifier_density_ratio(a, b, options);
            });
        py::dict out;
        out["weights"] = vector_to_numpy(result.weights);
        out["coef"] = vector_to_numpy(result.model.coef);
        out["intercept"] = result.model.intercept;
        out["prior_ratio"] = result.prior_ratio;
        out["fold"] = indices_to_numpy(result.fold);
        out["converged"] = result.converged;
        return out;
      },
      py::arg("x_ref"), py::arg("x_cur"), py::arg("C") = 1.0, py::arg("n_folds") = 5,
      py::arg("seed") = 0, py::arg("tol") = 1e-10, py::arg("max_iter") = 100,
      py::arg("n_threads") = 0);

  module.def(
      "logistic_ratio",
      [](const py::array& x,
         const py::array_t<double, py::array::c_style | py::array::forcecast>& coef,
         double intercept, double prior_ratio) {
        classifier_ratio_result model;
        model.model.coef = to_vector(coef, "coef");
        model.model.intercept = intercept;
        model.prior_ratio = prior_ratio;
        const vector<double> ratio =
            with_features(x, "x", [&](const auto& view) { return model.ratio(view); });
        return vector_to_numpy(ratio);
      },
      py::arg("x"), py::arg("coef"), py::arg("intercept"), py::arg("prior_ratio"));

  module.def(
      "ulsif",
      [](const py::array& x_ref, const py::array& x_cur, std::int64_t n_centers,
         std::vector<double> sigmas, std::vector<double> lambdas, std::uint64_t seed,
         int n_threads) {
        ulsif_options options;
        options.n_centers = n_centers;
        options.sigmas = std::move(sigmas);
        options.lambdas = std::move(lambdas);
        options.seed = seed;
        options.n_threads = n_threads;
        const ulsif_model model =
            with_feature_pair(x_ref, "x_ref", x_cur, "x_cur", [&](const auto& a, const auto& b) {
              return imbalance::ulsif(a, b, options);
            });
        py::dict out;
        out["centers"] = dense_to_numpy(model.centers);
        out["center_rows"] = indices_to_numpy(model.center_rows);
        out["alpha"] = vector_to_numpy(model.alpha);
        out["sigma"] = model.sigma;
        out["lambda"] = model.lambda;
        out["sigmas"] = model.sigmas;
        out["lambdas"] = model.lambdas;
        out["loo_scores"] = dense_to_numpy(model.loo_scores);
        out["weights"] = vector_to_numpy(model.weights);
        return out;
      },
      py::arg("x_ref"), py::arg("x_cur"), py::arg("n_centers") = 100,
      py::arg("sigmas") = std::vector<double>{}, py::arg("lambdas") = std::vector<double>{},
      py::arg("seed") = 0, py::arg("n_threads") = 0);

  module.def(
      "ulsif_ratio",
      [](const py::array& x,
         const py::array_t<double, py::array::c_style | py::array::forcecast>& centers,
         const py::array_t<double, py::array::c_style | py::array::forcecast>& alpha,
         double sigma) {
        if (centers.ndim() != 2) throw shape_error("centers must be 2-D");
        ulsif_model model;
        model.centers.resize(centers.shape(0), centers.shape(1));
        auto view = centers.unchecked<2>();
        for (index r = 0; r < model.centers.rows(); ++r) {
          for (index c = 0; c < model.centers.cols(); ++c) model.centers(r, c) = view(r, c);
        }
        model.alpha = to_vector(alpha, "alpha");
        if (model.alpha.size() != model.centers.rows()) {
          throw shape_error("alpha must have one value per centre");
        }
        model.sigma = sigma;
        const vector<double> ratio =
            with_features(x, "x", [&](const auto& v) { return model.ratio(v); });
        return vector_to_numpy(ratio);
      },
      py::arg("x"), py::arg("centers"), py::arg("alpha"), py::arg("sigma"));

  module.def(
      "postprocess_weights",
      [](const py::array_t<double, py::array::c_style | py::array::forcecast>& raw,
         double max_weight, double clip_quantile, bool normalize) {
        const vector<double> values = to_vector(raw, "weights");
        weight_rules rules;
        rules.max_weight = max_weight;
        rules.clip_quantile = clip_quantile;
        rules.normalize = normalize;
        processed_weights result;
        {
          py::gil_scoped_release release;
          result = imbalance::postprocess_weights(values, rules);
        }
        py::dict out;
        out["weights"] = vector_to_numpy(result.weights);
        out["clip_value"] = result.clip_value;
        out["scale"] = result.scale;
        out["n_clipped"] = result.n_clipped;
        out["ess"] = result.ess;
        out["ess_fraction"] = result.ess_fraction;
        return out;
      },
      py::arg("weights"), py::arg("max_weight") = std::numeric_limits<double>::infinity(),
      py::arg("clip_quantile") = 1.0, py::arg("normalize") = true);

  module.def(
      "effective_sample_size",
      [](const py::array_t<double, py::array::c_style | py::array::forcecast>& weights) {
        return imbalance::effective_sample_size(to_vector(weights, "weights"));
      },
      py::arg("weights"));
}

}  // namespace shiftguard::python
