// Bindings of schema inference and validation (shiftguard/validate/schema.hpp). A table
// reaches C++ as a list of 1-D float64 column arrays, each seen in place through a strided
// view (the float64 columns of a pandas DataFrame are views of its blocks); the schema
// crosses as its JSON document, so the Python layer and C++ share one format and one set of
// checks. Compute runs with the GIL released.

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "shiftguard/validate/schema.hpp"

namespace shiftguard::python {

namespace {

namespace validate = shiftguard::validate;

// Keeps the arrays alive (and any copy viewable() had to make) next to their views.
struct column_views {
  std::vector<py::array> kept;
  std::vector<strided_vector_view<double>> views;
  index n_rows = 0;
};

column_views as_column_views(const std::vector<py::array>& columns,
                             const std::vector<std::string>& names, index n_rows) {
  if (columns.size() != names.size()) {
    throw shape_error("columns has " + std::to_string(columns.size()) + " arrays but names has " +
                      std::to_string(names.size()) + " names");
  }
  column_views out;
  out.n_rows = n_rows;
  out.kept.reserve(columns.size());
  out.views.reserve(columns.size());
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const std::string name = "column '" + names[k] + "'";
    out.kept.push_back(viewable<double>(columns[k], name.c_str()));
    out.views.push_back(vector_view<double>(out.kept.back(), name.c_str()));
  }
  return out;
}

using anomaly_tuple =
    std::tuple<std::string, std::string, std::string, std::string, std::vector<index>,
               std::uint64_t>;

}  // namespace

void bind_validate_schema(py::module_& module) {
  module.def(
      "validate_schema_columns",
      [](const std::vector<py::array>& columns, const std::vector<std::string>& names,
         index n_rows, const std::string& schema_json, std::size_t max_examples,
         int n_threads) {
        const auto schema = validate::schema_from_json_string(schema_json);
        const auto views = as_column_views(columns, names, n_rows);
        validate::validate_options options;
        options.max_examples = max_examples;
        options.n_threads = n_threads;
        std::vector<validate::anomaly> found;
        {
          py::gil_scoped_release release;
          found = validate::validate_columns(views.views, names, n_rows, schema, options);
        }
        std::vector<anomaly_tuple> out;
        out.reserve(found.size());
        for (auto& item : found) {
          out.emplace_back(std::move(item.column), std::move(item.kind),
                           validate::to_string(item.severity), std::move(item.message),
                           std::move(item.rows), item.count);
        }
        return out;
      },
      "Anomalies of float64 columns against a schema (JSON): a list of (column, kind, "
      "severity, message, rows, count) with column '' for table-level findings.",
      py::arg("columns"), py::arg("names"), py::arg("n_rows"), py::arg("schema_json"),
      py::arg("max_examples") = 5, py::arg("n_threads") = 0);

  module.def(
      "infer_schema_columns",
      [](const std::vector<py::array>& columns, const std::vector<std::string>& names,
         index n_rows, const std::vector<std::string>& types, double margin, bool infer_unique,
         int n_threads) {
        validate::infer_options options;
        options.margin = margin;
        options.infer_unique = infer_unique;
        options.n_threads = n_threads;
        for (const auto& type : types) {
          options.types.push_back(validate::column_type_from_string(type));
        }
        const auto views = as_column_views(columns, names, n_rows);
        validate::table_schema schema;
        {
          py::gil_scoped_release release;
          schema = validate::infer_schema_columns(views.views, names, n_rows, options);
        }
        return validate::schema_to_json_string(schema, -1);
      },
      "Schema (JSON text) inferred from float64 columns with the given numeric types.",
      py::arg("columns"), py::arg("names"), py::arg("n_rows"), py::arg("types"),
      py::arg("margin") = 0.0, py::arg("infer_unique") = true, py::arg("n_threads") = 0);

  module.def(
      "duplicate_rows_int64",
      [](const py::array& values, std::size_t max_examples) {
        const py::array kept = viewable<std::int64_t>(values, "values");
        if (kept.ndim() != 1) {
          throw shape_error("values must be 1-D, got " + std::to_string(kept.ndim()) + "-D");
        }
        const auto* data = static_cast<const std::int64_t*>(kept.data());
        const index n = kept.shape(0);
        const index stride = kept.strides(0) / static_cast<index>(sizeof(std::int64_t));
        validate::duplicate_rows_result found;
        {
          py::gil_scoped_release release;
          found = validate::find_duplicate_rows(data, n, stride, max_examples);
        }
        return std::make_pair(found.rows, found.count);
      },
      "Rows repeating an earlier value of an int64 array: (first rows, count).",
      py::arg("values"), py::arg("max_examples") = 5);

  module.def(
      "schema_normalize_json",
      [](const std::string& text, int indent) {
        return validate::schema_to_json_string(validate::schema_from_json_string(text), indent);
      },
      "Reads a schema JSON document (checking everything) and writes it back canonically.",
      py::arg("text"), py::arg("indent") = 2);
}

}  // namespace shiftguard::python
