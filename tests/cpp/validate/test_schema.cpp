// Tests of shiftguard/validate/schema.hpp: inference, each anomaly kind injected into a clean
// table (rows checked against the injected positions), ordering and thread independence,
// the JSON format and its errors.

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <Eigen/Core>

#include "shiftguard/validate/schema.hpp"

namespace validate = shiftguard::validate;
using shiftguard::matrix;

namespace {

const std::vector<std::string> names = {"age", "income", "flag", "score"};

// age: integers 18..80, income: positive floats, flag: 0/1, score: floats with NaN.
template <class Scalar>
matrix<Scalar> clean_table(Eigen::Index rows, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> age(18, 80);
  std::uniform_real_distribution<double> income(1000.0, 9000.0);
  std::bernoulli_distribution coin(0.5);
  std::normal_distribution<double> normal(0.0, 1.0);
  matrix<Scalar> x(rows, 4);
  for (Eigen::Index row = 0; row < rows; ++row) {
    x(row, 0) = static_cast<Scalar>(age(rng));
    x(row, 1) = static_cast<Scalar>(income(rng));
    x(row, 2) = coin(rng) ? Scalar(1) : Scalar(0);
    x(row, 3) = row % 10 == 3 ? std::numeric_limits<Scalar>::quiet_NaN()
                              : static_cast<Scalar>(normal(rng));
  }
  return x;
}

validate::table_schema reference_schema() {
  validate::infer_options options;
  options.types = {validate::column_type::integer, validate::column_type::floating,
                   validate::column_type::boolean, validate::column_type::floating};
  return validate::infer_schema(clean_table<double>(400, 1), names, options);
}

std::vector<std::string> kinds_of(const std::vector<validate::anomaly>& found) {
  std::vector<std::string> kinds;
  for (const auto& item : found) kinds.push_back(item.kind);
  return kinds;
}

const validate::anomaly* find_kind(const std::vector<validate::anomaly>& found,
                                   const std::string& column, const std::string& kind) {
  for (const auto& item : found) {
    if (item.column == column && item.kind == kind) return &item;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("infer_schema reads types, ranges, missing values and uniqueness") {
  const auto x = clean_table<double>(400, 1);
  const auto schema = reference_schema();
  REQUIRE(schema.columns.size() == 4);
  CHECK(schema.min_rows == 1);
  CHECK_FALSE(schema.allow_extra_columns);
  const auto& age = schema.columns[0];
  CHECK(age.name == "age");
  CHECK(age.type == validate::column_type::integer);
  CHECK(*age.minimum == x.col(0).minCoeff());
  CHECK(*age.maximum == x.col(0).maxCoeff());
  CHECK_FALSE(age.nullable);
  CHECK(age.max_missing_fraction == 0.0);
  CHECK_FALSE(age.unique);  // 400 ages in 18..80 repeat
  const auto& flag = schema.columns[2];
  CHECK(*flag.minimum == 0.0);
  CHECK(*flag.maximum == 1.0);
  const auto& score = schema.columns[3];
  CHECK(score.nullable);
  CHECK(score.allow_nan);
  CHECK(score.max_missing_fraction == doctest::Approx(40.0 / 400.0));
  CHECK_FALSE(score.allow_infinite);
  CHECK_FALSE(score.allow_constant);

  // margin widens the range by a fraction of its width on each side
  validate::infer_options options;
  options.margin = 0.5;
  const auto wide = validate::infer_schema(x.col(1), {"income"}, options);
  const double low = x.col(1).minCoeff(), high = x.col(1).maxCoeff();
  CHECK(*wide.columns[0].minimum == doctest::Approx(low - 0.5 * (high - low)));
  CHECK(*wide.columns[0].maximum == doctest::Approx(high + 0.5 * (high - low)));

  // an integer id column is inferred unique; an all-NaN column has no range
  matrix<double> ids(5, 2);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ids << 4, nan, 9, nan, 1, nan, 7, nan, 3, nan;
  validate::infer_options id_options;
  id_options.types = {validate::column_type::integer, validate::column_type::floating};
  const auto id_schema = validate::infer_schema(ids, {"id", "empty"}, id_options);
  CHECK(id_schema.columns[0].unique);
  CHECK_FALSE(id_schema.columns[1].minimum.has_value());
  CHECK_FALSE(id_schema.columns[1].maximum.has_value());
  CHECK(id_schema.columns[1].max_missing_fraction == 1.0);
  CHECK(id_schema.columns[1].nullable);
}

TEST_CASE_TEMPLATE("a clean table from the same source has no anomalies", Scalar, float,
                   double) {
  auto schema = reference_schema();
  for (auto& column : schema.columns) {  // new data may reach a little beyond the reference
    if (column.type != validate::column_type::boolean) {
      *column.minimum -= 1000;
      *column.maximum += 1000;
    }
    column.max_missing_fraction = std::min(1.0, column.max_missing_fraction * 1.5);
  }
  const auto x = clean_table<Scalar>(300, 2);
  const auto found = validate::validate(x, names, schema);
  CHECK(found.empty());
}

TEST_CASE_TEMPLATE("each injected anomaly is found with its rows", Scalar, float, double) {
  const auto schema = reference_schema();
  const Scalar nan = std::numeric_limits<Scalar>::quiet_NaN();
  const Scalar inf = std::numeric_limits<Scalar>::infinity();
  auto x = clean_table<Scalar>(200, 3);
  // clamp to the reference range so that only the injected faults show
  for (Eigen::Index row = 0; row < x.rows(); ++row) {
    for (int col : {0, 1, 3}) {
      if (std::isnan(x(row, col))) continue;
      x(row, col) = std::clamp<Scalar>(x(row, col), static_cast<Scalar>(*schema.columns[col].minimum),
                                       static_cast<Scalar>(*schema.columns[col].maximum));
    }
  }
  x(7, 0) = 200;     // out_of_range above
  x(150, 0) = 5;     // out_of_range below
  x(11, 0) = 30.5;   // type_mismatch (not an integer)
  x(20, 0) = nan;    // not_nullable (integer column)
  x(4, 1) = nan;     // nan in a float column without NaN
  x(9, 1) = inf;     // infinite
  x(12, 2) = 2;      // type_mismatch (boolean) and out_of_range
  for (Eigen::Index row = 0; row < 100; ++row) x(row, 3) = nan;  // missing_fraction (50% > 10%)

  const auto found = validate::validate(x, names, schema);
  const auto* range = find_kind(found, "age", "out_of_range");
  REQUIRE(range != nullptr);
  CHECK(range->rows == std::vector<Eigen::Index>{7, 150});
  CHECK(range->count == 2);
  CHECK(range->severity == validate::severity::error);
  CHECK(range->message.find("above the maximum") != std::string::npos);
  CHECK(range->message.find("below the minimum") != std::string::npos);
  const auto* integral = find_kind(found, "age", "type_mismatch");
  REQUIRE(integral != nullptr);
  CHECK(integral->rows == std::vector<Eigen::Index>{11});
  const auto* nullable = find_kind(found, "age", "not_nullable");
  REQUIRE(nullable != nullptr);
  CHECK(nullable->rows == std::vector<Eigen::Index>{20});
  const auto* nan_found = find_kind(found, "income", "nan");
  REQUIRE(nan_found != nullptr);
  CHECK(nan_found->rows == std::vector<Eigen::Index>{4});
  const auto* infinite = find_kind(found, "income", "infinite");
  REQUIRE(infinite != nullptr);
  CHECK(infinite->rows == std::vector<Eigen::Index>{9});
  const auto* boolean = find_kind(found, "flag", "type_mismatch");
  REQUIRE(boolean != nullptr);
  CHECK(boolean->rows == std::vector<Eigen::Index>{12});
  const auto* missing = find_kind(found, "score", "missing_fraction");
  REQUIRE(missing != nullptr);
  CHECK(missing->severity == validate::severity::warning);
  CHECK(missing->rows == std::vector<Eigen::Index>{0, 1, 2, 3, 4});  // max_examples = 5
  // rows 0..99 and every tenth row from 103 on (the clean NaN pattern)
  CHECK(missing->count == 100 + 10);
  // schema order, then the fixed kind order within a column
  CHECK(kinds_of(found) ==
        std::vector<std::string>{"type_mismatch", "not_nullable", "out_of_range", "nan",
                                 "infinite", "type_mismatch", "out_of_range",
                                 "missing_fraction"});
}

TEST_CASE("table-level anomalies: too few rows, missing and unexpected columns") {
  auto schema = reference_schema();
  schema.min_rows = 10;
  const auto x = clean_table<double>(3, 4);
  const std::vector<std::string> shuffled = {"extra", "income", "flag", "score"};
  const auto found = validate::validate(x, shuffled, schema);
  CHECK(kinds_of(found).front() == "too_few_rows");
  CHECK(found.front().column.empty());
  const auto* missing = find_kind(found, "age", "missing_column");
  REQUIRE(missing != nullptr);
  CHECK(missing->message.find("'age'") != std::string::npos);
  CHECK(kinds_of(found).back() == "unexpected_column");
  CHECK(found.back().column == "extra");
  schema.allow_extra_columns = true;
  CHECK(find_kind(validate::validate(x, shuffled, schema), "extra", "unexpected_column") ==
        nullptr);

  // zero rows: an anomaly, not a crash
  const matrix<double> empty(0, 4);
  const auto none = validate::validate(empty, names, reference_schema());
  REQUIRE(none.size() == 1);
  CHECK(none[0].kind == "too_few_rows");
  CHECK(none[0].message.find("0 rows") != std::string::npos);
}

TEST_CASE("constant columns and uniqueness") {
  validate::table_schema schema;
  validate::column_schema id;
  id.name = "id";
  id.type = validate::column_type::integer;
  id.unique = true;
  validate::column_schema level;
  level.name = "level";
  level.allow_constant = false;
  schema.columns = {id, level};
  matrix<double> x(8, 2);
  x.col(0) << 5, 3, 5, 9, 3, 3, 1, -0.0;
  x.col(1).setConstant(2.5);
  const auto found = validate::validate(x, {"id", "level"}, schema);
  REQUIRE(found.size() == 2);
  CHECK(found[0].kind == "not_unique");
  CHECK(found[0].rows == std::vector<Eigen::Index>{2, 4, 5});  // repeats of an earlier value
  CHECK(found[0].count == 3);
  CHECK(found[1].kind == "constant_column");
  CHECK(found[1].severity == validate::severity::warning);
  x(0, 1) = 2.0;
  CHECK(validate::validate(x, {"id", "level"}, schema).size() == 1);
  // -0.0 and 0.0 are one value
  x(6, 0) = 0.0;
  CHECK(validate::validate(x, {"id", "level"}, schema)[0].count == 4);
}

TEST_CASE("results do not depend on the thread count; strided views are read in place") {
  const auto schema = reference_schema();
  matrix<double> x = clean_table<double>(500, 5);
  x(3, 0) = 1000;
  x(77, 1) = -1;
  validate::validate_options one;
  one.n_threads = 1;
  validate::validate_options many;
  many.n_threads = 4;
  const auto a = validate::validate(x, names, schema, one);
  const auto b = validate::validate(x, names, schema, many);
  REQUIRE(a.size() == b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    CHECK(a[k].kind == b[k].kind);
    CHECK(a[k].rows == b[k].rows);
    CHECK(a[k].message == b[k].message);
  }
  // a row-major copy seen through a strided map gives the same answer
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = x;
  const shiftguard::strided_matrix_view<double> view(
      row_major.data(), x.rows(), x.cols(),
      Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(1, x.cols()));
  const auto c = validate::validate(view, names, schema);
  REQUIRE(c.size() == a.size());
  for (std::size_t k = 0; k < a.size(); ++k) CHECK(c[k].rows == a[k].rows);
  // separate column views
  std::vector<shiftguard::strided_vector_view<double>> columns;
  for (Eigen::Index col = 0; col < x.cols(); ++col) {
    columns.emplace_back(x.col(col).data(), x.rows(), Eigen::InnerStride<Eigen::Dynamic>(1));
  }
  const auto d = validate::validate_columns(columns, names, x.rows(), schema);
  REQUIRE(d.size() == a.size());
  for (std::size_t k = 0; k < a.size(); ++k) CHECK(d[k].rows == a[k].rows);
}

TEST_CASE("bad arguments throw with clear messages") {
  const auto x = clean_table<double>(10, 6);
  const auto schema = reference_schema();
  CHECK_THROWS_WITH_AS(validate::validate(x, {"a", "b", "a", "c"}, schema),
                       doctest::Contains("duplicated column names: 'a'"),
                       shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(validate::validate(x, {"a", "b"}, schema),
                       doctest::Contains("names has 2 names but x has 4 columns"),
                       shiftguard::shape_error);
  CHECK_THROWS_WITH_AS(validate::infer_schema(matrix<double>(0, 4), names),
                       doctest::Contains("0 rows"), shiftguard::invalid_argument);
  validate::infer_options negative;
  negative.margin = -1;
  CHECK_THROWS_WITH_AS(validate::infer_schema(x, names, negative),
                       doctest::Contains("margin must be"), shiftguard::invalid_argument);
  auto broken = schema;
  broken.columns[0].minimum = 100.0;
  broken.columns[0].maximum = 1.0;
  CHECK_THROWS_WITH_AS(validate::validate(x, names, broken),
                       doctest::Contains("minimum 100 is greater than maximum 1"),
                       shiftguard::invalid_argument);
  broken = schema;
  broken.columns[1].name = "age";
  CHECK_THROWS_WITH_AS(validate::validate(x, names, broken),
                       doctest::Contains("column 'age' twice"), shiftguard::invalid_argument);
  CHECK_THROWS_WITH_AS(validate::column_type_from_string("decimal"),
                       doctest::Contains("got 'decimal'"), shiftguard::invalid_argument);
}

TEST_CASE("JSON round trip keeps every field") {
  auto schema = reference_schema();
  schema.min_rows = 25;
  schema.allow_extra_columns = true;
  validate::column_schema city;
  city.name = "city \"quoted\"";
  city.type = validate::column_type::categorical;
  city.domain = std::set<std::string>{"Oslo", "Zürich", ""};
  city.unique = true;
  city.allow_infinite = true;
  schema.columns.push_back(city);
  schema.columns[1].maximum = std::numeric_limits<double>::infinity();
  const std::string text = validate::schema_to_json_string(schema);
  CHECK(text.find("\"format\": \"shiftguard.schema\"") != std::string::npos);
  const auto back = validate::schema_from_json_string(text);
  REQUIRE(back.columns.size() == schema.columns.size());
  CHECK(back.min_rows == 25);
  CHECK(back.allow_extra_columns);
  for (std::size_t k = 0; k < schema.columns.size(); ++k) {
    const auto& a = schema.columns[k];
    const auto& b = back.columns[k];
    CHECK(a.name == b.name);
    CHECK(a.type == b.type);
    CHECK(a.nullable == b.nullable);
    CHECK(a.max_missing_fraction == b.max_missing_fraction);
    CHECK(a.minimum == b.minimum);
    CHECK(a.maximum == b.maximum);
    CHECK(a.allow_nan == b.allow_nan);
    CHECK(a.allow_infinite == b.allow_infinite);
    CHECK(a.allow_constant == b.allow_constant);
    CHECK(a.domain == b.domain);
    CHECK(a.unique == b.unique);
  }
  CHECK(validate::schema_to_json_string(back) == text);
}

TEST_CASE("malformed, incomplete, mistyped and newer schema files fail with format_error") {
  const std::string good = validate::schema_to_json_string(reference_schema(), -1);
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  using shiftguard::format_error;
  CHECK_THROWS_AS(validate::schema_from_json_string(good.substr(0, good.size() / 2)),
                  format_error);
  CHECK_THROWS_WITH_AS(validate::schema_from_json_string("[1, 2]"),
                       doctest::Contains("must be a JSON object"), format_error);
  CHECK_THROWS_WITH_AS(validate::schema_from_json_string(R"({"format": "other"})"),
                       doctest::Contains("not a shiftguard schema"), format_error);
  CHECK_THROWS_WITH_AS(validate::schema_from_json_string(replaced("\"version\":1", "\"version\":2")),
                       doctest::Contains("reads schema versions 1 to 1"), format_error);
  CHECK_THROWS_WITH_AS(
      validate::schema_from_json_string(replaced("\"version\":1", "\"version\":\"1\"")),
      doctest::Contains("'version' must be an integer"), format_error);
  CHECK_THROWS_WITH_AS(validate::schema_from_json_string(replaced("\"nullable\":", "\"nulable\":")),
                       doctest::Contains("unknown field 'nulable'"), format_error);
  CHECK_THROWS_WITH_AS(
      validate::schema_from_json_string(replaced("\"unique\":false", "\"unique\":0")),
      doctest::Contains("'unique' must be true or false"), format_error);
  CHECK_THROWS_WITH_AS(
      validate::schema_from_json_string(replaced("\"type\":\"integer\"", "\"type\":\"int\"")),
      doctest::Contains("got 'int'"), format_error);
  auto document = shiftguard::json::parse(good);
  document["columns"].as_array()[0]["minimum"] = shiftguard::json::value("low");
  CHECK_THROWS_WITH_AS(validate::schema_from_json(document),
                       doctest::Contains("'minimum' must be a number or null"), format_error);
  document["columns"].as_array()[0]["minimum"] = shiftguard::json::value("-Infinity");
  CHECK(*validate::schema_from_json(document).columns[0].minimum ==
        -std::numeric_limits<double>::infinity());
  CHECK_THROWS_WITH_AS(
      validate::schema_from_json_string(replaced(",\"min_rows\":1", "")),
      doctest::Contains("missing the field 'min_rows'"), format_error);
  CHECK_THROWS_WITH_AS(
      validate::schema_from_json_string(replaced("\"max_missing_fraction\":0", "\"max_missing_fraction\":2")),
      doctest::Contains("max_missing_fraction must be in [0, 1]"), format_error);
}
