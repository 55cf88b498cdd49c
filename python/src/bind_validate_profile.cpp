// Bindings of the column profiles (shiftguard::validate::table_profile). The Python layer
// (shiftguard.validate._profile) splits a DataFrame / pyarrow Table / array into numeric
// columns and categorical ones (distinct strings and counts); numeric data reaches C++ as
// strided views without copying: one 2-D block (e.g. a DataFrame's single float64 block) and/or
// a list of 1-D arrays. Compute runs with the GIL released.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/validate/profile.hpp"

namespace shiftguard::python {

namespace {

using validate::column_profile;
using validate::profile_options;
using validate::table_profile;

struct categorical_input {
  std::string name;
  std::vector<std::string> values;
  std::vector<std::uint64_t> counts;
  std::uint64_t n_missing = 0;
  bool mixed_types = false;
};

profile_options make_options(int quantile_k, int hll_precision, std::size_t top_k,
                             std::uint64_t seed, int n_threads) {
  profile_options options;
  options.quantile_k = quantile_k;
  options.hll_precision = hll_precision;
  options.top_k = top_k;
  options.seed = seed;
  options.n_threads = n_threads;
  validate::detail::check_profile_options(options);
  return options;
}

// Column views of a float64 array (2-D: one view per column; 1-D: one view).
void add_views(const py::array& kept, const std::vector<std::string>& names,
               std::vector<validate::column_view<double>>& out, std::int64_t n_rows) {
  const auto item = static_cast<py::ssize_t>(sizeof(double));
  const auto* data = static_cast<const double*>(kept.data());
  if (kept.ndim() == 2) {
    if (kept.shape(0) != n_rows) {
      throw shape_error("block has " + std::to_string(kept.shape(0)) + " rows, expected " +
                        std::to_string(n_rows));
    }
    if (static_cast<std::size_t>(kept.shape(1)) != names.size()) {
      throw shape_error("block has " + std::to_string(kept.shape(1)) + " columns but " +
                        std::to_string(names.size()) + " names");
    }
    for (py::ssize_t j = 0; j < kept.shape(1); ++j) {
      out.push_back({names[static_cast<std::size_t>(j)], data + j * (kept.strides(1) / item),
                     n_rows, static_cast<std::ptrdiff_t>(kept.strides(0) / item)});
    }
    return;
  }
  if (kept.ndim() != 1 || kept.shape(0) != n_rows) {
    throw shape_error("column '" + names.front() + "' must be 1-D with " + std::to_string(n_rows) +
                      " rows");
  }
  out.push_back({names.front(), data, n_rows, static_cast<std::ptrdiff_t>(kept.strides(0) / item)});
}

table_profile build(const py::object& block, const std::vector<std::string>& block_names,
                    const std::vector<py::array>& columns,
                    const std::vector<std::string>& column_names,
                    const std::vector<categorical_input>& categorical,
                    const std::vector<std::string>& order, std::int64_t n_rows, int quantile_k,
                    int hll_precision, std::size_t top_k, std::uint64_t seed, int n_threads) {
  const profile_options options = make_options(quantile_k, hll_precision, top_k, seed, n_threads);
  if (columns.size() != column_names.size()) {
    throw shape_error("columns and column_names differ in length");
  }
  std::vector<py::array> kept;  // keeps copies (if any) alive while C++ reads them
  std::vector<validate::column_view<double>> views;
  if (!block.is_none()) {
    kept.push_back(viewable<double>(block.cast<py::array>(), "block"));
    if (kept.back().ndim() != 2) throw shape_error("block must be 2-D");
    add_views(kept.back(), block_names, views, n_rows);
  } else if (!block_names.empty()) {
    throw shape_error("block_names given without a block");
  }
  for (std::size_t j = 0; j < columns.size(); ++j) {
    kept.push_back(viewable<double>(columns[j], column_names[j].c_str()));
    add_views(kept.back(), {column_names[j]}, views, n_rows);
  }
  py::gil_scoped_release release;
  std::vector<column_profile> profiled = validate::profile_numeric_columns(views, options);
  for (std::size_t j = 0; j < categorical.size(); ++j) {
    const auto& input = categorical[j];
    profiled.push_back(validate::profile_categorical(input.name, input.values, input.counts,
                                                     input.n_missing, options,
                                                     input.mixed_types));
  }
  // the caller's column order
  std::vector<column_profile> ordered;
  ordered.reserve(order.size());
  std::vector<bool> used(profiled.size(), false);
  for (const auto& name : order) {
    bool found = false;
    for (std::size_t j = 0; j < profiled.size(); ++j) {
      if (!used[j] && profiled[j].name == name) {
        ordered.push_back(std::move(profiled[j]));
        used[j] = true;
        found = true;
        break;
      }
    }
    if (!found) throw invalid_argument("column '" + name + "' of order was not profiled");
  }
  if (ordered.size() != profiled.size()) {
    throw invalid_argument("order names " + std::to_string(order.size()) + " of " +
                           std::to_string(profiled.size()) + " profiled columns");
  }
  return table_profile(n_rows, std::move(ordered), options);
}

py::array_t<double> quantiles(const column_profile& column, const py::array_t<double>& qs) {
  const auto view = qs.unchecked<1>();
  py::array_t<double> out(view.shape(0));
  auto* data = out.mutable_data();
  for (py::ssize_t i = 0; i < view.shape(0); ++i) data[i] = column.quantile(view(i));
  return out;
}

}  // namespace

void bind_validate_profile(py::module_& module) {
  py::class_<categorical_input>(module, "ProfileCategoricalInput")
      .def(py::init([](std::string name, std::vector<std::string> values,
                       const py::array_t<std::uint64_t, py::array::forcecast>& counts,
                       std::uint64_t n_missing, bool mixed_types) {
             categorical_input input;
             input.name = std::move(name);
             input.values = std::move(values);
             const auto view = counts.unchecked<1>();
             input.counts.assign(view.data(0), view.data(0) + view.shape(0));
             input.n_missing = n_missing;
             input.mixed_types = mixed_types;
             return input;
           }),
           py::arg("name"), py::arg("values"), py::arg("counts"), py::arg("n_missing"),
           py::arg("mixed_types"));

  py::class_<column_profile>(module, "ColumnProfileState")
      .def_property_readonly("name", [](const column_profile& c) { return c.name; })
      .def_property_readonly("kind",
                             [](const column_profile& c) { return validate::to_string(c.kind); })
      .def_property_readonly("count", [](const column_profile& c) { return c.count; })
      .def_property_readonly("n_missing", [](const column_profile& c) { return c.n_missing; })
      .def_property_readonly("n_infinite", [](const column_profile& c) { return c.n_infinite; })
      .def_property_readonly("n_finite", &column_profile::n_finite)
      .def_property_readonly("mixed_types", [](const column_profile& c) { return c.mixed_types; })
      .def_property_readonly("mean", &column_profile::mean)
      .def("variance", &column_profile::variance, py::arg("ddof") = 1)
      .def_property_readonly("min", &column_profile::min)
      .def_property_readonly("max", &column_profile::max)
      .def("quantile", &column_profile::quantile, py::arg("q"))
      .def("quantiles", &quantiles, py::arg("qs"))
      .def("rank", &column_profile::rank, py::arg("x"))
      .def_property_readonly("n_distinct", &column_profile::n_distinct)
      .def("top", &column_profile::top, py::arg("n"))
      .def_property_readonly("rank_error",
                             [](const column_profile& c) { return c.kll.normalized_rank_error(); })
      .def_property_readonly("distinct_relative_error",
                             [](const column_profile& c) { return c.hll.relative_error(); })
      .def_property_readonly("top_max_error",
                             [](const column_profile& c) { return c.heavy_hitters.max_error(); })
      .def("sorted_view", [](const column_profile& c) {
        const auto items = c.kll.sorted_view();
        py::array_t<double> values(static_cast<py::ssize_t>(items.size()));
        py::array_t<std::uint64_t> weights(static_cast<py::ssize_t>(items.size()));
        for (std::size_t i = 0; i < items.size(); ++i) {
          values.mutable_data()[i] = items[i].first;
          weights.mutable_data()[i] = items[i].second;
        }
        return py::make_tuple(values, weights);
      });

  py::class_<table_profile>(module, "TableProfile")
      .def_property_readonly("n_rows", &table_profile::n_rows)
      .def("names", &table_profile::names)
      .def(
          "column",
          [](const table_profile& p, const std::string& name) { return p.column(name); },
          py::arg("name"))
      .def("options",
           [](const table_profile& p) {
             py::dict out;
             out["quantile_k"] = p.options().quantile_k;
             out["hll_precision"] = p.options().hll_precision;
             out["top_k"] = p.options().top_k;
             out["seed"] = p.options().seed;
             return out;
           })
      .def("merged", &table_profile::merged, py::arg("other"),
           py::call_guard<py::gil_scoped_release>())
      .def("to_bytes",
           [](const table_profile& p) {
             std::string bytes;
             {
               py::gil_scoped_release release;
               bytes = p.to_bytes();
             }
             return py::bytes(bytes);
           })
      .def_static(
          "from_bytes",
          [](const py::bytes& data) {
            const std::string_view view = data;
            py::gil_scoped_release release;
            return table_profile::from_bytes(view);
          },
          py::arg("data"))
      .def(
          "to_json", [](const table_profile& p, int indent) { return p.dump_json(indent); },
          py::arg("indent") = -1)
      .def_static(
          "from_json", [](const std::string& text) { return table_profile::from_json(std::string_view(text)); },
          py::arg("text"));

  module.def("validate_profile", &build, py::arg("block"), py::arg("block_names"),
             py::arg("columns"), py::arg("column_names"), py::arg("categorical"),
             py::arg("order"), py::arg("n_rows"), py::arg("quantile_k"), py::arg("hll_precision"),
             py::arg("top_k"), py::arg("seed"), py::arg("n_threads"));

  module.def(
      "validate_profile_merge_all",
      [](const std::vector<table_profile>& profiles) {
        py::gil_scoped_release release;
        return validate::merge_all(profiles);
      },
      py::arg("profiles"));

  module.def(
      "validate_profile_drift",
      [](const table_profile& reference, const table_profile& current, int n_bins) {
        validate::profile_drift_options options;
        options.n_bins = n_bins;
        std::vector<validate::column_drift> scores;
        {
          py::gil_scoped_release release;
          scores = validate::profile_drift(reference, current, options);
        }
        py::dict out;
        std::vector<std::string> names;
        std::vector<std::string> kinds;
        std::vector<double> psi, js, linf, wasserstein, rank_error;
        std::vector<std::int64_t> n_bins_used;
        for (const auto& s : scores) {
          names.push_back(s.name);
          kinds.push_back(validate::to_string(s.kind));
          psi.push_back(s.psi);
          js.push_back(s.jensen_shannon);
          linf.push_back(s.linf);
          wasserstein.push_back(s.wasserstein);
          rank_error.push_back(s.rank_error);
          n_bins_used.push_back(static_cast<std::int64_t>(s.n_bins));
        }
        out["name"] = names;
        out["kind"] = kinds;
        out["psi"] = to_numpy(psi);
        out["jensen_shannon"] = to_numpy(js);
        out["linf"] = to_numpy(linf);
        out["wasserstein"] = to_numpy(wasserstein);
        out["rank_error"] = to_numpy(rank_error);
        out["n_bins"] = to_numpy(n_bins_used);
        return out;
      },
      py::arg("reference"), py::arg("current"), py::arg("n_bins"));
}

}  // namespace shiftguard::python
