// Bindings of the small-network trainer (shiftguard/nn.hpp): MLP32/MLP64 (float32/float64
// networks), QuantizedMLP32/64, nn_fit, nn_lr_range_test, nn_fit_temperature. Arrays must have
// the network's dtype (the Python layer converts); C-order arrays are read in place as
// row-major views, other layouts through strided views. Compute runs with the GIL released;
// the per-epoch callback re-acquires it.
//
// The same source builds the baseline module (shiftguard._core, via bind_nn) and, compiled
// with -mavx -mfma, the module shiftguard._core_nn_avx (SHIFTGUARD_NN_AVX_MODULE defined),
// whose classes are module-local so the two never clash.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/nn.hpp"

namespace py = pybind11;

namespace shiftguard::python {

namespace {

template <class Scalar>
using row_major_view =
    Eigen::Map<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>,
               Eigen::Unaligned, Eigen::OuterStride<Eigen::Dynamic>>;

// Calls body(view) with an Eigen view of a 2-D array of dtype Scalar: a row-major Map when
// rows are contiguous (C order, the common case: plain products with no copy), otherwise a
// strided view. The GIL is released around body.
template <class Scalar, class Body>
auto with_rows(const py::array& array, const char* name, Body&& body) {
  const py::array kept = viewable<Scalar>(array, name);
  if (kept.ndim() != 2) {
    throw shape_error(std::string(name) + " must be 2-D (samples x features), got " +
                      std::to_string(kept.ndim()) + "-D");
  }
  const auto item = static_cast<py::ssize_t>(sizeof(Scalar));
  if (kept.strides(1) == item && kept.strides(0) % item == 0 && kept.shape(0) > 0) {
    const row_major_view<Scalar> view(static_cast<const Scalar*>(kept.data()), kept.shape(0),
                                      kept.shape(1),
                                      Eigen::OuterStride<Eigen::Dynamic>(
                                          std::max<py::ssize_t>(kept.strides(0) / item, kept.shape(1))));
    py::gil_scoped_release release;
    return body(view);
  }
  const auto view = matrix_view<Scalar>(kept, name);
  py::gil_scoped_release release;
  return body(view);
}

template <class Scalar>
py::array_t<Scalar> to_numpy_matrix(const matrix<Scalar>& values) {
  py::array_t<Scalar> out({values.rows(), values.cols()});
  Eigen::Map<Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      out.mutable_data(), values.rows(), values.cols()) = values;
  return out;
}

template <class Scalar>
py::array_t<Scalar> to_numpy_vector(const Eigen::Ref<const vector<Scalar>>& values) {
  py::array_t<Scalar> out(values.size());
  std::copy(values.data(), values.data() + values.size(), out.mutable_data());
  return out;
}

// Optional 1-D weights (None -> empty), copied as Scalar.
template <class Scalar>
aligned_vector<Scalar> weights_vector(const py::object& weights, const char* name) {
  if (weights.is_none()) return {};
  const auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(weights);
  if (!array) throw type_error(std::string(name) + " must be a 1-D array of numbers or None");
  if (array.ndim() != 1) {
    throw shape_error(std::string(name) + " must be 1-D, got " + std::to_string(array.ndim()) + "-D");
  }
  aligned_vector<Scalar> out(static_cast<std::size_t>(array.shape(0)));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<Scalar>(array.data()[i]);
  return out;
}

std::vector<double> double_list(const py::handle& value, const char* name) {
  if (value.is_none()) return {};
  const auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(value);
  if (!array || array.ndim() != 1) {
    throw type_error(std::string(name) + " must be a 1-D sequence of numbers or None");
  }
  return std::vector<double>(array.data(), array.data() + array.shape(0));
}

// The config dict of nn_fit / loss_and_gradients / nn_lr_range_test. Unknown keys are
// rejected, so a misspelt option cannot be silently ignored.
nn::train_config parse_config(const py::dict& config, long long* dropout_seed = nullptr) {
  nn::train_config out;
  for (const auto& item : config) {
    const std::string key = py::str(item.first);
    const py::handle value = item.second;
    const auto as_double = [&]() { return value.cast<double>(); };
    const auto as_int = [&]() { return value.cast<long long>(); };
    try {
      if (key == "loss") out.loss.kind = nn::parse_loss(value.cast<std::string>());
      else if (key == "class_weights") out.loss.class_weights = double_list(value, "class_weights");
      else if (key == "logit_offsets") out.loss.logit_offsets = double_list(value, "logit_offsets");
      else if (key == "focal_gamma") out.loss.focal_gamma = as_double();
      else if (key == "huber_delta") out.loss.huber_delta = as_double();
      else if (key == "optimizer") out.optimizer.kind = nn::parse_optimizer(value.cast<std::string>());
      else if (key == "learning_rate") out.optimizer.learning_rate = as_double();
      else if (key == "momentum") out.optimizer.momentum = as_double();
      else if (key == "nesterov") out.optimizer.nesterov = value.cast<bool>();
      else if (key == "beta1") out.optimizer.beta1 = as_double();
      else if (key == "beta2") out.optimizer.beta2 = as_double();
      else if (key == "epsilon") out.optimizer.epsilon = as_double();
      else if (key == "rho") out.optimizer.rho = as_double();
      else if (key == "weight_decay") out.optimizer.weight_decay = as_double();
      else if (key == "clip_norm") out.optimizer.clip_norm = value.is_none() ? 0.0 : as_double();
      else if (key == "schedule") out.schedule.kind = nn::parse_schedule(value.cast<std::string>());
      else if (key == "step_size") out.schedule.step_size = static_cast<int>(as_int());
      else if (key == "gamma") out.schedule.gamma = as_double();
      else if (key == "warmup_epochs") out.schedule.warmup_epochs = static_cast<int>(as_int());
      else if (key == "plateau_patience") out.schedule.plateau_patience = static_cast<int>(as_int());
      else if (key == "plateau_factor") out.schedule.plateau_factor = as_double();
      else if (key == "min_lr") out.schedule.min_lr = as_double();
      else if (key == "batch_size") out.batch_size = static_cast<index>(as_int());
      else if (key == "max_epochs") out.max_epochs = static_cast<int>(as_int());
      else if (key == "shuffle") out.shuffle = value.cast<bool>();
      else if (key == "seed") out.seed = value.cast<std::uint64_t>();
      else if (key == "early_stopping") out.early_stopping = value.cast<bool>();
      else if (key == "patience") out.patience = static_cast<int>(as_int());
      else if (key == "min_delta") out.min_delta = as_double();
      else if (key == "restore_best") out.restore_best = value.cast<bool>();
      else if (key == "n_threads") out.n_threads = static_cast<int>(as_int());
      else if (key == "overfit_patience") out.overfit_patience = static_cast<int>(as_int());
      else if (key == "dropout_seed" && dropout_seed != nullptr) {
        *dropout_seed = value.is_none() ? -1 : as_int();
      } else {
        throw invalid_argument("config has an unknown key '" + key + "'");
      }
    } catch (const py::cast_error&) {
      throw type_error("config['" + key + "'] has the wrong type: " +
                       std::string(py::str(py::type::of(value).attr("__name__"))));
    }
  }
  return out;
}

template <class Scalar>
nn::mlp<Scalar> make_mlp(index n_inputs, const std::vector<index>& hidden_sizes,
                         const std::vector<std::string>& activations, index n_outputs,
                         const std::string& output, const std::vector<double>& dropout,
                         bool layer_norm, const std::string& init, std::uint64_t seed) {
  nn::mlp_spec spec;
  spec.n_inputs = n_inputs;
  spec.hidden_sizes = hidden_sizes;
  for (const auto& name : activations) spec.activations.push_back(nn::parse_activation(name));
  spec.n_outputs = n_outputs;
  spec.output = nn::parse_output(output);
  spec.dropout = dropout;
  spec.layer_norm = layer_norm;
  spec.init = nn::parse_init(init);
  spec.seed = seed;
  return nn::mlp<Scalar>(std::move(spec));
}

// Weights as [(W, b) per dense layer] + [(gamma, beta) per hidden layer when layer_norm].
template <class Scalar>
py::list weights_list(const nn::mlp<Scalar>& model, const Scalar* values) {
  py::list out;
  for (index l = 0; l < model.n_layers(); ++l) {
    const Eigen::Map<const matrix<Scalar>> w(values + model.weight_offset(l), model.fan_in(l),
                                             model.fan_out(l));
    const Eigen::Map<const vector<Scalar>> b(values + model.bias_offset(l), model.fan_out(l));
    out.append(py::make_tuple(to_numpy_matrix<Scalar>(w), to_numpy_vector<Scalar>(b)));
  }
  if (model.layer_norm()) {
    for (index l = 0; l < model.n_hidden(); ++l) {
      const Eigen::Map<const vector<Scalar>> g(values + model.gamma_offset(l), model.fan_out(l));
      const Eigen::Map<const vector<Scalar>> be(values + model.beta_offset(l), model.fan_out(l));
      out.append(py::make_tuple(to_numpy_vector<Scalar>(g), to_numpy_vector<Scalar>(be)));
    }
  }
  return out;
}

template <class Scalar>
void set_weights(nn::mlp<Scalar>& model, const py::list& weights) {
  const index expected = model.n_layers() + (model.layer_norm() ? model.n_hidden() : 0);
  if (static_cast<index>(weights.size()) != expected) {
    throw shape_error("weights must be a list of " + std::to_string(expected) +
                      " (W, b) / (gamma, beta) pairs, got " + std::to_string(weights.size()));
  }
  aligned_vector<Scalar> values = model.parameters();
  const auto copy_into = [&](const py::handle& item, index offset, index rows, index cols,
                             const std::string& what) {
    const auto array = py::array_t<Scalar, py::array::c_style | py::array::forcecast>::ensure(item);
    if (!array) throw type_error(what + " must be an array of numbers");
    const bool vector_like = cols < 0;
    const bool ok = vector_like ? (array.ndim() == 1 && array.shape(0) == rows)
                                : (array.ndim() == 2 && array.shape(0) == rows && array.shape(1) == cols);
    if (!ok) {
      std::string got = "(";
      for (py::ssize_t a = 0; a < array.ndim(); ++a) got += (a ? ", " : "") + std::to_string(array.shape(a));
      got += array.ndim() == 1 ? ",)" : ")";
      throw shape_error(what + " must have shape " +
                        (vector_like ? "(" + std::to_string(rows) + ",)"
                                     : "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")") +
                        ", got " + got);
    }
    const Scalar* data = array.data();
    for (index k = 0; k < array.size(); ++k) {
      if (!std::isfinite(static_cast<double>(data[k]))) throw invalid_argument(what + " contains a non-finite value");
    }
    if (vector_like) {
      std::copy(data, data + rows, values.begin() + offset);
    } else {
      Eigen::Map<matrix<Scalar>>(values.data() + offset, rows, cols) =
          Eigen::Map<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(data, rows, cols);
    }
  };
  for (index l = 0; l < expected; ++l) {
    const py::handle item = weights[static_cast<std::size_t>(l)];
    if (!py::isinstance<py::tuple>(item) && !py::isinstance<py::list>(item)) {
      throw type_error("weights[" + std::to_string(l) + "] must be a pair (tuple)");
    }
    const py::sequence pair = py::reinterpret_borrow<py::sequence>(item);
    if (pair.size() != 2) throw shape_error("weights[" + std::to_string(l) + "] must have 2 entries");
    const std::string at = "weights[" + std::to_string(l) + "]";
    if (l < model.n_layers()) {
      copy_into(pair[0], model.weight_offset(l), model.fan_in(l), model.fan_out(l), at + "[0] (W)");
      copy_into(pair[1], model.bias_offset(l), model.fan_out(l), -1, at + "[1] (b)");
    } else {
      const index h = l - model.n_layers();
      copy_into(pair[0], model.gamma_offset(h), model.fan_out(h), -1, at + "[0] (gamma)");
      copy_into(pair[1], model.beta_offset(h), model.fan_out(h), -1, at + "[1] (beta)");
    }
  }
  model.parameters() = std::move(values);
  model.apply_mask();
}

template <class Scalar>
py::dict fit_result_dict(const nn::fit_result& result) {
  py::dict out;
  out["train_loss"] = to_numpy(result.train_loss);
  out["val_loss"] = to_numpy(result.val_loss);
  out["val_metric"] = to_numpy(result.val_metric);
  out["learning_rate"] = to_numpy(result.learning_rate);
  out["best_epoch"] = result.best_epoch;
  out["n_epochs"] = result.n_epochs;
  out["stop_reason"] = result.stop_reason;
  out["warnings"] = py::cast(result.warnings);
  out["nan_epoch"] = result.nan_epoch;
  return out;
}

template <class Scalar>
py::dict nn_fit(nn::mlp<Scalar>& model, const py::array& x, const py::array& y,
                const py::object& sample_weight, const py::object& x_val, const py::object& y_val,
                const py::object& sample_weight_val, const py::dict& config_dict,
                const py::object& callback) {
  const nn::train_config config = parse_config(config_dict);
  const aligned_vector<Scalar> weights = weights_vector<Scalar>(sample_weight, "sample_weight");
  const aligned_vector<Scalar> weights_val = weights_vector<Scalar>(sample_weight_val, "sample_weight_val");
  if (x_val.is_none() != y_val.is_none()) {
    throw invalid_argument("X_val and Y_val must both be given or both be None");
  }
  std::optional<py::error_already_set> callback_error;
  nn::epoch_callback on_epoch;
  if (!callback.is_none()) {
    on_epoch = [&](const nn::epoch_info& info) {
      py::gil_scoped_acquire acquire;
      try {
        py::dict d;
        d["epoch"] = info.epoch;
        d["train_loss"] = info.train_loss;
        d["val_loss"] = info.val_loss;
        d["val_metric"] = info.val_metric;
        d["learning_rate"] = info.learning_rate;
        const py::object answer = callback(d);
        return answer.is_none() || answer.cast<bool>();
      } catch (py::error_already_set& e) {
        callback_error.emplace(std::move(e));
        return false;
      }
    };
  }
  nn::fit_result result;
  const py::array y_kept = viewable<Scalar>(y, "Y");
  const auto y_view = matrix_view<Scalar>(y_kept, "Y");
  if (x_val.is_none()) {
    with_rows<Scalar>(x, "X", [&](const auto& x_view) {
      result = nn::fit(model, x_view, y_view, weights, config, on_epoch);
      return 0;
    });
  } else {
    const py::array xv_kept = viewable<Scalar>(py::array(x_val), "X_val");
    const auto xv_view = matrix_view<Scalar>(xv_kept, "X_val");
    const py::array yv_kept = viewable<Scalar>(py::array(y_val), "Y_val");
    const auto yv_view = matrix_view<Scalar>(yv_kept, "Y_val");
    with_rows<Scalar>(x, "X", [&](const auto& x_view) {
      result = nn::fit(model, x_view, y_view, weights, xv_view, yv_view, weights_val, config, on_epoch);
      return 0;
    });
  }
  if (callback_error) throw std::move(*callback_error);
  return fit_result_dict<Scalar>(result);
}

template <class Scalar>
void bind_quantized(py::module_& module, const char* name, bool local) {
  using model = nn::quantized_mlp<Scalar>;
  py::class_<model> cls = local ? py::class_<model>(module, name, py::module_local())
                                : py::class_<model>(module, name);
  cls.def(
         "forward",
         [](const model& self, const py::array& x, int n_threads) {
           const matrix<Scalar> out =
               with_rows<Scalar>(x, "X", [&](const auto& view) { return self.forward(view, n_threads); });
           return to_numpy_matrix<Scalar>(out);
         },
         py::arg("X"), py::arg("n_threads") = 1)
      .def(
          "predict_output",
          [](const model& self, const py::array& x, int n_threads) {
            const matrix<Scalar> out = with_rows<Scalar>(
                x, "X", [&](const auto& view) { return self.predict_output(view, n_threads); });
            return to_numpy_matrix<Scalar>(out);
          },
          py::arg("X"), py::arg("n_threads") = 1)
      .def_property_readonly("nbytes", &model::nbytes)
      .def("get_weights", [](const model& self) {
        py::list out;
        for (index l = 0; l < self.n_layers(); ++l) {
          const auto& q = self.quantized_weight(l);
          py::array_t<std::int8_t> w({q.cols(), q.rows()});  // fan_in x fan_out
          for (index k = 0; k < q.cols(); ++k) {
            for (index j = 0; j < q.rows(); ++j) w.mutable_at(k, j) = q(j, k);
          }
          out.append(py::make_tuple(w, to_numpy_vector<Scalar>(self.scale(l))));
        }
        return out;
      });
}

template <class Scalar>
void bind_mlp(py::module_& module, const char* name, bool local) {
  using model = nn::mlp<Scalar>;
  py::class_<model> cls = local ? py::class_<model>(module, name, py::module_local())
                                : py::class_<model>(module, name);
  cls.def(py::init(&make_mlp<Scalar>), py::arg("n_inputs"), py::arg("hidden_sizes"),
          py::arg("activations"), py::arg("n_outputs"), py::arg("output") = "softmax",
          py::arg("dropout") = std::vector<double>{}, py::arg("layer_norm") = false,
          py::arg("init") = "auto", py::arg("seed") = 0)
      .def_property_readonly("n_inputs", &model::n_inputs)
      .def_property_readonly("n_outputs", &model::n_outputs)
      .def_property_readonly("layer_sizes", &model::layer_sizes)
      .def_property_readonly("n_parameters", &model::n_parameters)
      .def_property_readonly("nbytes", &model::nbytes)
      .def_property_readonly("hidden_sizes", [](const model& self) { return self.spec().hidden_sizes; })
      .def_property_readonly("activations",
                             [](const model& self) {
                               std::vector<std::string> names;
                               for (const auto kind : self.spec().activations) names.emplace_back(nn::activation_name(kind));
                               return names;
                             })
      .def_property_readonly("output", [](const model& self) { return std::string(nn::output_name(self.spec().output)); })
      .def_property_readonly("dropout", [](const model& self) { return self.spec().dropout; })
      .def_property_readonly("layer_norm", &model::layer_norm)
      .def_property_readonly("init", [](const model& self) { return std::string(nn::init_name(self.spec().init)); })
      .def_property_readonly("seed", [](const model& self) { return self.spec().seed; })
      .def(
          "forward",
          [](const model& self, const py::array& x, int n_threads) {
            const matrix<Scalar> out =
                with_rows<Scalar>(x, "X", [&](const auto& view) { return self.forward(view, n_threads); });
            return to_numpy_matrix<Scalar>(out);
          },
          py::arg("X"), py::arg("n_threads") = 1)
      .def(
          "predict_output",
          [](const model& self, const py::array& x, int n_threads) {
            const matrix<Scalar> out = with_rows<Scalar>(
                x, "X", [&](const auto& view) { return self.predict_output(view, n_threads); });
            return to_numpy_matrix<Scalar>(out);
          },
          py::arg("X"), py::arg("n_threads") = 1)
      .def("get_weights", [](const model& self) { return weights_list(self, self.parameters().data()); })
      .def("set_weights", &set_weights<Scalar>, py::arg("weights"))
      .def(
          "loss_and_gradients",
          [](const model& self, const py::array& x, const py::array& y,
             const py::object& sample_weight, const py::dict& config_dict) {
            long long dropout_seed = -1;
            const nn::train_config config = parse_config(config_dict, &dropout_seed);
            const aligned_vector<Scalar> weights = weights_vector<Scalar>(sample_weight, "sample_weight");
            const py::array y_kept = viewable<Scalar>(y, "Y");
            const auto y_view = matrix_view<Scalar>(y_kept, "Y");
            aligned_vector<Scalar> gradient;
            const double loss = with_rows<Scalar>(x, "X", [&](const auto& view) {
              return nn::loss_and_gradient(self, view, y_view, weights, config.loss, gradient,
                                           dropout_seed);
            });
            return py::make_tuple(loss, weights_list(self, gradient.data()));
          },
          py::arg("X"), py::arg("Y"), py::arg("sample_weight") = py::none(),
          py::arg("config") = py::dict())
      .def("save", [](const model& self) { return py::bytes(nn::save_model(self)); })
      .def_static(
          "load", [](const py::bytes& data) { return nn::load_model<Scalar>(std::string(data)); },
          py::arg("data"))
      .def(
          "prune",
          [](model& self, double sparsity, const std::string& scope) {
            nn::prune(self, sparsity, nn::parse_prune_scope(scope));
          },
          py::arg("sparsity"), py::arg("scope") = "global")
      .def("sparsity", [](const model& self) { return nn::weight_sparsity(self); })
      .def_property_readonly("has_mask", &model::has_mask)
      .def("quantize_int8", [](const model& self) { return nn::quantize_int8(self); })
      .def("copy", [](const model& self) { return model(self); })
      .def(py::pickle([](const model& self) { return py::bytes(nn::save_model(self)); },
                      [](const py::bytes& data) { return nn::load_model<Scalar>(std::string(data)); }));
}

template <class Scalar>
py::dict lr_range_test(const nn::mlp<Scalar>& model, const py::array& x, const py::array& y,
                       const py::object& sample_weight, const py::dict& config_dict,
                       double lr_min, double lr_max, int n_steps) {
  const nn::train_config config = parse_config(config_dict);
  const aligned_vector<Scalar> weights = weights_vector<Scalar>(sample_weight, "sample_weight");
  const py::array y_kept = viewable<Scalar>(y, "Y");
  const auto y_view = matrix_view<Scalar>(y_kept, "Y");
  const nn::lr_range_result result = with_rows<Scalar>(x, "X", [&](const auto& view) {
    return nn::lr_range_test(model, view, y_view, weights, config, lr_min, lr_max, n_steps);
  });
  py::dict out;
  out["lrs"] = to_numpy(result.learning_rates);
  out["losses"] = to_numpy(result.losses);
  out["raw_losses"] = to_numpy(result.raw_losses);
  out["suggested_lr"] = result.suggested_lr;
  return out;
}

double fit_temperature(const py::array& logits, const py::array& labels,
                       const py::object& sample_weight) {
  const auto z = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(logits);
  if (!z) throw type_error("logits must be an array of numbers");
  const auto lab = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(labels);
  if (!lab) throw type_error("labels must be an array of integers");
  if (lab.ndim() != 1) throw shape_error("labels must be 1-D, got " + std::to_string(lab.ndim()) + "-D");
  index rows = 0, cols = 0;
  if (z.ndim() == 1) {
    rows = z.shape(0);
    cols = 1;
  } else if (z.ndim() == 2) {
    rows = z.shape(0);
    cols = z.shape(1);
  } else {
    throw shape_error("logits must be 1-D (binary) or 2-D, got " + std::to_string(z.ndim()) + "-D");
  }
  const std::vector<std::int64_t> label_values(lab.data(), lab.data() + lab.shape(0));
  std::vector<double> weights;
  if (!sample_weight.is_none()) weights = double_list(sample_weight, "sample_weight");
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> view(
      z.data(), rows, cols);
  py::gil_scoped_release release;
  return nn::fit_temperature(view, label_values, weights);
}

}  // namespace

void bind_nn_into(py::module_& module, bool local) {
  bind_mlp<float>(module, "MLP32", local);
  bind_mlp<double>(module, "MLP64", local);
  bind_quantized<float>(module, "QuantizedMLP32", local);
  bind_quantized<double>(module, "QuantizedMLP64", local);
  module.def("nn_fit", &nn_fit<float>, py::arg("model"), py::arg("X"), py::arg("Y"),
             py::arg("sample_weight") = py::none(), py::arg("X_val") = py::none(),
             py::arg("Y_val") = py::none(), py::arg("sample_weight_val") = py::none(),
             py::arg("config") = py::dict(), py::arg("callback") = py::none());
  module.def("nn_fit", &nn_fit<double>, py::arg("model"), py::arg("X"), py::arg("Y"),
             py::arg("sample_weight") = py::none(), py::arg("X_val") = py::none(),
             py::arg("Y_val") = py::none(), py::arg("sample_weight_val") = py::none(),
             py::arg("config") = py::dict(), py::arg("callback") = py::none());
  module.def("nn_lr_range_test", &lr_range_test<float>, py::arg("model"), py::arg("X"),
             py::arg("Y"), py::arg("sample_weight") = py::none(), py::arg("config") = py::dict(),
             py::arg("lr_min") = 1e-7, py::arg("lr_max") = 10.0, py::arg("n_steps") = 100);
  module.def("nn_lr_range_test", &lr_range_test<double>, py::arg("model"), py::arg("X"),
             py::arg("Y"), py::arg("sample_weight") = py::none(), py::arg("config") = py::dict(),
             py::arg("lr_min") = 1e-7, py::arg("lr_max") = 10.0, py::arg("n_steps") = 100);
  module.def("nn_fit_temperature", &fit_temperature, py::arg("logits"), py::arg("labels"),
             py::arg("sample_weight") = py::none());
}

void bind_nn(py::module_& module) { bind_nn_into(module, false); }

}  // namespace shiftguard::python
