"""Schema inference and validation (shiftguard.validate: infer_schema, Schema, validate) and
the shared anomaly report.

Oracle: for each anomaly kind, a fault is injected into a clean frame and the offending rows
are computed here with plain pandas/NumPy (comparisons, isna, isin, duplicated); the report
must name exactly those rows (the first max_examples) and their count.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shiftguard import FormatError
from shiftguard.validate import (
    ANOMALY_KINDS,
    Anomaly,
    ColumnSchema,
    Schema,
    ValidationError,
    ValidationReport,
    infer_schema,
    validate,
)

N = 400


def clean_frame(n=N, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 81, n),
            "income": rng.uniform(1000, 9000, n),
            "score": np.where(np.arange(n) % 10 == 3, np.nan, rng.normal(size=n)),
            "member": rng.integers(0, 2, n).astype(bool),
            "city": pd.Series(rng.choice(["Oslo", "Rome", "Lima"], n), dtype=object),
            "plan": pd.Categorical(rng.choice(["free", "pro"], n)),
            "user_id": rng.permutation(n) + 10_000,
            "name": pd.Series([f"user{k}" for k in range(n)], dtype=object),
            "signup": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n),
                                                                  unit="D"),
        }
    )


@pytest.fixture(scope="module")
def reference():
    return clean_frame(N, 0)


@pytest.fixture(scope="module")
def schema(reference):
    return infer_schema(reference)


def fresh(schema_):
    return Schema.from_json(schema_.to_json())


def only(report, column, kind):
    matches = [a for a in report if a.column == column and a.kind == kind]
    assert len(matches) == 1, f"expected one {kind} for {column}, got {report}"
    return matches[0]


def expect_rows(anomaly, mask, max_examples=5):
    expected = np.flatnonzero(np.asarray(mask))
    assert anomaly.rows == tuple(expected[:max_examples].tolist())
    assert anomaly.count == expected.size


# --------------------------------------------------------------------------- inference


def test_inferred_types_ranges_and_flags(reference, schema):
    assert schema.names == list(reference.columns)
    types = {c.name: c.type for c in schema}
    assert types == {
        "age": "integer", "income": "float", "score": "float", "member": "boolean",
        "city": "categorical", "plan": "categorical", "user_id": "integer", "name": "string",
        "signup": "datetime",
    }
    assert schema["age"].minimum == reference["age"].min()
    assert schema["age"].maximum == reference["age"].max()
    assert schema["income"].minimum == reference["income"].min()
    assert not schema["age"].nullable and not schema["age"].unique
    assert schema["user_id"].unique and schema["name"].unique
    assert schema["score"].nullable and schema["score"].allow_nan
    assert schema["score"].max_missing_fraction == pytest.approx(reference["score"].isna().mean())
    assert schema["city"].domain == set(reference["city"])
    assert schema["plan"].domain == {"free", "pro"}
    assert schema["name"].domain is None
    start = (reference["signup"].min() - pd.Timestamp(0)).total_seconds()
    assert schema["signup"].minimum == pytest.approx(start)
    assert schema.min_rows == 1 and not schema.allow_extra_columns


def test_margin_widens_ranges_and_missing_fraction(reference):
    wide = infer_schema(reference, margin=0.25)
    low, high = reference["income"].min(), reference["income"].max()
    assert wide["income"].minimum == pytest.approx(low - 0.25 * (high - low))
    assert wide["income"].maximum == pytest.approx(high + 0.25 * (high - low))
    age_low, age_high = reference["age"].min(), reference["age"].max()
    assert wide["age"].minimum == np.floor(age_low - 0.25 * (age_high - age_low))
    assert wide["score"].max_missing_fraction == pytest.approx(
        reference["score"].isna().mean() * 1.25
    )


def test_categorical_threshold_and_forced_categorical(reference):
    low = infer_schema(reference, categorical_max_distinct=2)
    assert low["city"].type == "string" and low["city"].domain is None
    assert low["plan"].type == "categorical"  # category dtype stays categorical
    forced = infer_schema(reference, categorical=["age"])
    assert forced["age"].type == "categorical"
    assert forced["age"].domain == {str(v) for v in reference["age"].unique()}


def test_a_clean_frame_has_no_anomalies(reference, schema):
    # the reference itself, and a row subset of it, validate cleanly
    assert len(schema.validate(reference)) == 0
    assert validate(reference.iloc[::3], schema).ok
    # so does a numpy array against a schema inferred from one
    x = np.random.default_rng(3).normal(size=(200, 3))
    assert len(infer_schema(x).validate(x[50:])) == 0


# --------------------------------------------------------------------------- each kind


def test_out_of_range_rows(reference, schema):
    frame = reference.copy()
    frame.loc[[7, 150, 333], "age"] = [200, 5, 95]
    frame.loc[12, "income"] = -1.0
    report = schema.validate(frame)
    age = only(report, "age", "out_of_range")
    low, high = schema["age"].minimum, schema["age"].maximum
    expect_rows(age, (frame["age"] < low) | (frame["age"] > high))
    assert "above the maximum" in age.message and "below the minimum" in age.message
    expect_rows(only(report, "income", "out_of_range"), frame["income"] < schema["income"].minimum)
    assert age.severity == "error" and not report.ok


def test_nan_infinite_and_not_nullable(reference, schema):
    frame = reference.copy()
    frame["income"] = frame["income"].astype(float)
    frame.loc[[4, 40], "income"] = np.nan
    frame.loc[9, "income"] = np.inf
    frame["age"] = frame["age"].astype("Int64")
    frame.loc[[20, 21], "age"] = pd.NA
    frame.loc[[3, 8], "city"] = None
    report = schema.validate(frame)
    expect_rows(only(report, "income", "nan"), frame["income"].isna())
    expect_rows(only(report, "income", "infinite"), np.isinf(frame["income"]))
    expect_rows(only(report, "age", "not_nullable"), frame["age"].isna())
    expect_rows(only(report, "city", "not_nullable"), frame["city"].isna())


def test_missing_fraction(reference, schema):
    frame = reference.copy()
    frame.loc[: N // 2, "score"] = np.nan
    report = schema.validate(frame)
    anomaly = only(report, "score", "missing_fraction")
    expect_rows(anomaly, frame["score"].isna())
    assert anomaly.severity == "warning"
    assert report.ok  # warnings only


def test_unseen_categories_are_named_with_counts(reference, schema):
    frame = reference.copy()
    frame.loc[[5, 6, 30], "city"] = "Paris"
    frame.loc[[100], "city"] = "Quito"
    frame["plan"] = frame["plan"].cat.add_categories(["enterprise"])
    frame.loc[[2, 3], "plan"] = "enterprise"
    report = schema.validate(frame)
    city = only(report, "city", "unseen_category")
    expect_rows(city, ~frame["city"].isin(list(schema["city"].domain)))
    assert "'Paris' (3)" in city.message and "'Quito' (1)" in city.message
    assert city.message.index("Paris") < city.message.index("Quito")  # most frequent first
    plan = only(report, "plan", "unseen_category")
    expect_rows(plan, frame["plan"] == "enterprise")


@pytest.mark.parametrize("dtype", [object, "str", "string", "category"])
def test_string_storage_kinds_agree(dtype):
    # object, Arrow-backed str, python-backed string and category columns: same anomalies
    values = ["a", "b", None, "a", "zz", "b", "zz", "q", None, "a"]
    series = pd.Series(values, dtype=dtype)
    if dtype == "category":
        series = series.cat.add_categories(["never"])  # unobserved: not a value
    schema_ = Schema([ColumnSchema("s", "categorical", nullable=False, domain={"a", "b"},
                                   allow_constant=False, unique=True)])
    report = validate(pd.DataFrame({"s": series}), schema_)
    isna = pd.Series(values).isna()
    expect_rows(only(report, "s", "not_nullable"), isna)
    unseen = only(report, "s", "unseen_category")
    expect_rows(unseen, ~pd.Series(values).isin(["a", "b"]) & ~isna)
    assert unseen.message.endswith("outside the domain: 'zz' (2), 'q' (1)")
    dup = pd.Series(values).dropna().duplicated().reindex(isna.index, fill_value=False)
    expect_rows(only(report, "s", "not_unique"), dup)
    constant = pd.Series(["k", None, "k"], dtype=dtype)
    report = validate(pd.DataFrame({"s": constant}), Schema([ColumnSchema(
        "s", "string", allow_constant=False)]))
    assert only(report, "s", "constant_column").message == "all 2 non-missing values equal 'k'"


def test_constant_column_and_not_unique(reference, schema):
    frame = reference.copy()
    frame["income"] = 5000.0
    frame["city"] = "Oslo"
    frame.loc[[50, 60], "user_id"] = frame.loc[[10, 11], "user_id"].to_numpy()
    frame.loc[77, "name"] = frame.loc[0, "name"]
    report = schema.validate(frame)
    assert only(report, "income", "constant_column").severity == "warning"
    assert only(report, "city", "constant_column").rows == ()
    expect_rows(only(report, "user_id", "not_unique"), frame["user_id"].duplicated())
    expect_rows(only(report, "name", "not_unique"), frame["name"].duplicated())


def test_uniqueness_of_large_int64_is_exact():
    # 2**53 + 1 and 2**53 are equal as float64 but distinct ids
    ids = np.array([2**53, 2**53 + 1, 7], dtype=np.int64)
    schema_ = Schema([ColumnSchema("id", "integer", unique=True)])
    assert validate(pd.DataFrame({"id": ids}), schema_).ok
    report = validate(pd.DataFrame({"id": np.array([2**53 + 1, 3, 2**53 + 1])}), schema_)
    assert only(report, "id", "not_unique").rows == (2,)
    # uint64 beyond 2**63, nullable Int64 with NA (NA is not a duplicate), and float ids
    big = np.array([2**64 - 1, 2**63, 2**64 - 1], dtype=np.uint64)
    assert only(validate(pd.DataFrame({"id": big}), schema_), "id", "not_unique").rows == (2,)
    nullable = pd.Series([1, None, 1, None, 2], dtype="Int64")
    report = validate(pd.DataFrame({"id": nullable}), schema_)
    expect_rows(only(report, "id", "not_unique"), nullable.dropna().duplicated().reindex(
        nullable.index, fill_value=False))
    floats = Schema([ColumnSchema("x", unique=True)])
    values = pd.Series([0.5, -0.0, 0.0, np.nan, np.nan, 0.5])
    expect_rows(only(validate(pd.DataFrame({"x": values}), floats), "x", "not_unique"),
                values.dropna().duplicated().reindex(values.index, fill_value=False))


def test_type_mismatch(reference, schema):
    frame = reference.copy()
    frame["age"] = frame["age"].astype(float)
    frame.loc[11, "age"] = 30.5  # not an integer
    frame["income"] = frame["income"].astype(str)  # strings where numbers belong
    frame["name"] = frame["name"].astype(object)
    frame.loc[[4, 9], "name"] = 12  # ints in a string column
    frame["member"] = frame["member"].astype(object)
    frame.loc[1, "member"] = "yes"
    report = schema.validate(frame)
    expect_rows(only(report, "age", "type_mismatch"), frame["age"] % 1 != 0)
    income = only(report, "income", "type_mismatch")
    assert "expects a float column" in income.message and income.rows == ()
    name = only(report, "name", "type_mismatch")
    expect_rows(name, frame["name"].map(lambda v: not isinstance(v, str)))
    assert "(int)" in name.message
    expect_rows(only(report, "member", "type_mismatch"), frame["member"] == "yes")


def test_boolean_object_column_with_missing_values(schema):
    frame = clean_frame(50, 1)
    frame["member"] = frame["member"].astype(object)
    frame.loc[[3, 4], "member"] = None
    report = schema.validate(frame)
    expect_rows(only(report, "member", "not_nullable"), frame["member"].isna())


def test_table_level_kinds_and_order(reference, schema):
    edited = fresh(schema)
    edited.min_rows = 1000
    frame = reference.drop(columns=["income"]).assign(extra=1, other=2.0)
    frame.loc[0, "age"] = 999
    report = edited.validate(frame)
    kinds = [(a.column, a.kind) for a in report]
    assert kinds[0] == (None, "too_few_rows")
    assert ("income", "missing_column") in kinds
    assert kinds[-2:] == [("extra", "unexpected_column"), ("other", "unexpected_column")]
    # schema order, then the documented kind order
    order = [edited.names.index(c) for c, k in kinds[1:-2]]
    assert order == sorted(order)
    edited.allow_extra_columns = True
    assert not edited.validate(frame).filter(kind="unexpected_column")


def test_every_kind_is_documented_with_its_severity(reference, schema):
    seen = {}
    frame = reference.copy()
    frame.loc[0, "age"] = 500
    frame.loc[1, "income"] = np.inf
    frame.loc[2, "income"] = np.nan
    frame.loc[3, "city"] = "Paris"
    frame.loc[4, "name"] = frame.loc[5, "name"]
    frame.loc[:300, "score"] = np.nan
    frame["plan"] = pd.Categorical(["free"] * N)
    for a in schema.validate(frame.assign(extra=0)):
        seen[a.kind] = a.severity
    for kind, severity in seen.items():
        assert ANOMALY_KINDS[kind] == severity


def test_validation_does_not_depend_on_threads(reference, schema):
    frame = reference.copy()
    frame.loc[::7, "income"] = -5.0
    one = schema.validate(frame, n_threads=1)
    two = schema.validate(frame, n_threads=2, max_examples=3)
    assert [(a.column, a.kind, a.count) for a in one] == [(a.column, a.kind, a.count) for a in two]
    assert [a.rows[:3] for a in one] == [a.rows for a in two]


# --------------------------------------------------------------------------- editing, JSON


def test_editing_by_hand(reference, schema):
    edited = fresh(schema)
    edited["age"].maximum = 50
    edited.remove("name")
    edited.add(ColumnSchema("country", "categorical", domain={"NO", "IT"}))
    report = edited.validate(reference)
    expect_rows(only(report, "age", "out_of_range"), reference["age"] > 50)
    only(report, "country", "missing_column")
    only(report, "name", "unexpected_column")
    with pytest.raises(ValueError, match="already has a column 'age'"):
        edited.add(ColumnSchema("age"))
    with pytest.raises(KeyError, match="no column 'nope'"):
        edited["nope"]
    edited["age"].minimum = 60
    with pytest.raises(ValueError, match="minimum 60 is greater than maximum 50"):
        edited.validate(reference)
    edited["age"].minimum = 0
    with pytest.raises(ValueError, match="type must be one of"):
        ColumnSchema("x", "decimal")
    dated = ColumnSchema("when", "datetime", minimum="2024-01-01")
    assert dated.minimum == (pd.Timestamp("2024-01-01") - pd.Timestamp(0)).total_seconds()
    assert "range [" in repr(edited["age"]) and "Schema(" in repr(edited)
    assert list(edited.to_frame().index) == edited.names


def test_json_round_trip_and_files(schema, tmp_path):
    text = schema.to_json()
    document = json.loads(text)
    assert document["format"] == "shiftguard.schema" and document["version"] == 1
    assert set(document["columns"][0]) == {
        "name", "type", "nullable", "max_missing_fraction", "minimum", "maximum", "allow_nan",
        "allow_infinite", "allow_constant", "domain", "unique",
    }
    assert Schema.from_json(text) == schema
    assert Schema.from_dict(schema.to_dict()) == schema
    path = tmp_path / "schema.json"
    schema.save(path)
    assert Schema.load(path) == schema


names_st = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                   max_size=8)
bound_st = st.one_of(st.none(), st.floats(allow_nan=False, width=64))


@st.composite
def column_st(draw, name):
    kind = draw(st.sampled_from(["float", "integer", "boolean", "string", "categorical",
                                 "datetime"]))
    low, high = draw(bound_st), draw(bound_st)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return ColumnSchema(
        name, kind, nullable=draw(st.booleans()),
        max_missing_fraction=draw(st.floats(0, 1)), minimum=low, maximum=high,
        allow_nan=draw(st.booleans()), allow_infinite=draw(st.booleans()),
        allow_constant=draw(st.booleans()),
        domain=draw(st.one_of(st.none(), st.sets(names_st, max_size=5))),
        unique=draw(st.booleans()),
    )


@st.composite
def schema_st(draw):
    names = draw(st.lists(names_st, max_size=6, unique=True))
    return Schema([draw(column_st(n)) for n in names], min_rows=draw(st.integers(0, 10**12)),
                  allow_extra_columns=draw(st.booleans()))


@settings(max_examples=150, deadline=None)
@given(schema_st())
def test_json_round_trip_of_random_schemas(random_schema):
    text = random_schema.to_json(indent=None)
    back = Schema.from_json(text)
    assert back == random_schema
    assert back.to_json(indent=None) == text


# --------------------------------------------------------------------------- bad input


def test_bad_schema_files(schema):
    good = schema.to_json()
    with pytest.raises(FormatError, match="json"):
        Schema.from_json(good[: len(good) // 2])
    newer = good.replace('"version": 1', '"version": 2')
    with pytest.raises(ValueError, match="version 2; this build of shiftguard reads schema "
                                         "versions 1 to 1"):
        Schema.from_json(newer)
    with pytest.raises(ValueError, match="not a shiftguard schema"):
        Schema.from_json('{"format": "pandera", "version": 1}')
    doc = json.loads(good)
    del doc["columns"][0]["nullable"]
    with pytest.raises(ValueError, match=r"columns\[0\] \('age'\) is missing the field 'nullable'"):
        Schema.from_json(json.dumps(doc))
    with pytest.raises(ValueError, match="unknown field 'nulable'"):
        Schema.from_json(good.replace('"nullable"', '"nulable"', 1))
    with pytest.raises(ValueError, match="'unique' must be true or false"):
        Schema.from_json(good.replace('"unique": false', '"unique": "no"', 1))
    with pytest.raises(ValueError, match="'domain' must be an array of strings or null"):
        doc = json.loads(good)
        doc["columns"][4]["domain"] = [1, 2]
        Schema.from_json(json.dumps(doc))
    with pytest.raises(TypeError, match="text must be a str"):
        Schema.from_json(42)


def test_duplicated_column_names_are_refused(reference, schema):
    frame = reference.rename(columns={"income": "age"})
    with pytest.raises(ValueError, match=r"duplicated column names \['age'\]"):
        validate(frame, schema)
    with pytest.raises(ValueError, match="duplicated column names"):
        infer_schema(frame)


def test_zero_rows(reference, schema):
    with pytest.raises(ValueError, match="0 rows"):
        infer_schema(reference.iloc[:0])
    report = schema.validate(reference.iloc[:0])
    assert [a.kind for a in report] == ["too_few_rows"]
    assert "0 rows" in report[0].message


def test_all_nan_column():
    frame = pd.DataFrame({"x": [np.nan] * 4, "y": [None] * 4, "z": [1.0, 2.0, 3.0, 4.0]})
    schema_ = infer_schema(frame)
    assert schema_["x"].nullable and schema_["x"].minimum is None
    assert schema_["x"].max_missing_fraction == 1.0
    assert schema_["y"].nullable
    assert validate(frame, schema_).ok
    # an all-NaN column where numbers are expected: reported, not a crash
    report = validate(frame.assign(z=np.nan), schema_)
    expect_rows(only(report, "z", "nan"), np.ones(4, bool))


def test_mixed_type_object_column():
    frame = pd.DataFrame({"code": pd.Series(["a", 1, "b", 2.5, None], dtype=object)})
    with pytest.raises(ValueError, match=r"'code' mixes value types \(float, int, str\)"):
        infer_schema(frame)
    schema_ = infer_schema(frame, categorical=["code"])
    assert schema_["code"].domain == {"a", "1", "b", "2.5"}
    assert validate(frame, schema_).ok


def test_bad_arguments(reference, schema):
    with pytest.raises(TypeError, match="schema must be a Schema"):
        validate(reference, {"columns": []})
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        validate([[1, 2]], schema)
    with pytest.raises(ValueError, match="margin must be a finite number >= 0"):
        infer_schema(reference, margin=-0.1)
    with pytest.raises(ValueError, match=r"categorical names columns \['nope'\]"):
        infer_schema(reference, categorical=["nope"])
    with pytest.raises(TypeError, match="dtype timedelta64"):
        infer_schema(pd.DataFrame({"t": pd.to_timedelta([1, 2], unit="s")}))
    with pytest.raises(ValueError, match="max_examples must be >= 0"):
        validate(reference, schema, max_examples=-1)


# --------------------------------------------------------------------------- the report


def test_report_rendering(reference, schema):
    frame = reference.copy()
    frame.loc[[3, 4, 5, 6, 7, 8, 9], "age"] = 1000
    frame.loc[2, "city"] = "<script>"
    report = schema.validate(frame)
    text = str(report)
    lines = text.splitlines()
    assert lines[0] == "ValidationReport: 2 errors"
    assert lines[1].split() == ["severity", "column", "kind", "rows", "message"]
    assert "3, 4, 5, 6, 7, ... (7 rows)" in text
    # columns aligned: each field starts at the header's offset
    offset = lines[1].index("kind")
    assert all(line[offset - 2:offset] == "  " for line in lines[2:])
    frame_ = report.to_frame()
    assert list(frame_.columns) == ["column", "kind", "severity", "message", "rows", "count"]
    assert frame_["count"].tolist() == [7, 1]
    assert frame_.loc[0, "rows"] == [3, 4, 5, 6, 7]
    data = json.loads(report.to_json())
    assert data["ok"] is False and data["n_errors"] == 2
    assert ValidationReport.from_json(report.to_json()) == report
    html = report._repr_html_()
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "color:#b00020" in html
    with pytest.raises(ValidationError, match="validation failed with 2 errors") as info:
        report.raise_for_errors()
    assert isinstance(info.value, ValueError) and info.value.report is report
    assert "'age' out_of_range" in str(info.value)
    assert isinstance(report[0], Anomaly) and len(report[1:]) == 1
    assert ValidationReport().raise_for_errors().ok


def test_anomaly_checks_its_fields():
    with pytest.raises(ValueError, match="severity must be one of"):
        Anomaly("a", "nan", "fatal", "x")
    with pytest.raises(TypeError, match="integer row indices"):
        Anomaly("a", "nan", "error", "x", rows=[0.5])
    with pytest.raises(ValueError, match="count .* must be at least"):
        Anomaly("a", "nan", "error", "x", rows=[1, 2], count=1)
    with pytest.raises(TypeError, match="indexed by int or slice"):
        ValidationReport()["a"]
