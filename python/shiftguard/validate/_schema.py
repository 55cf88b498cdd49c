"""Schema inference and validation of tables.

:func:`infer_schema` reads a reference table and writes down what each column holds: its
type, whether values may be missing and how many, the range of numeric values (optionally
widened by a margin), whether NaN, infinities or a constant column occur, the domain of
categorical columns and whether values are unique. The :class:`Schema` can be edited by hand
(``schema["age"].maximum = 120``), saved as JSON and used to :func:`validate` new tables,
which returns a :class:`~shiftguard.validate.ValidationReport` of anomalies, each with the
column, the kind, a severity, a message and the first offending row indices.

The numeric checks run in C++ (``include/shiftguard/validate/schema.hpp``), one column per
task in parallel, on each column's float64 view (float64 columns of a DataFrame are read in
place, other numeric columns converted one at a time). Categorical domains are checked on
``pandas.factorize``'s uniques, and uniqueness by hashing (``factorize``), never by a loop
over rows in Python.

Anomaly kinds (severity): ``too_few_rows`` (error), ``missing_column`` (error),
``type_mismatch`` (error), ``not_nullable`` (error), ``nan`` (error), ``missing_fraction``
(warning), ``infinite`` (error), ``out_of_range`` (error), ``unseen_category`` (error),
``constant_column`` (warning), ``not_unique`` (error), ``unexpected_column`` (error); for one
column they are reported in this order, columns in schema order, table-level findings first
and unexpected columns last.

>>> import pandas as pd
>>> from shiftguard.validate import infer_schema
>>> reference = pd.DataFrame({"age": [23, 41, 35, 62], "city": ["Oslo", "Rome", "Oslo", "Rome"]})
>>> schema = infer_schema(reference)
>>> schema["age"].minimum, schema["age"].maximum, sorted(schema["city"].domain)
(23.0, 62.0, ['Oslo', 'Rome'])
>>> report = schema.validate(pd.DataFrame({"age": [30, 130], "city": ["Oslo", "Paris"]}))
>>> print(report)
ValidationReport: 2 errors
severity  column  kind             rows  message
error     age     out_of_range     1     1 value above the maximum 62 (largest 130)
error     city    unseen_category  1     1 value outside the domain: 'Paris' (1)
"""

from __future__ import annotations

import datetime as _datetime
import json
import math
import os
import pathlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from .. import _core
from .._validation import check_n_threads
from ._report import Anomaly, ValidationReport

__all__ = [
    "ANOMALY_KINDS",
    "COLUMN_TYPES",
    "ColumnSchema",
    "Schema",
    "infer_schema",
    "validate",
]

#: The column types, as written in schema files.
COLUMN_TYPES: tuple[str, ...] = (
    "float",
    "integer",
    "boolean",
    "string",
    "categorical",
    "datetime",
)
_NUMERIC_TYPES = frozenset({"float", "integer", "boolean", "datetime"})

#: The anomaly kinds with their severity, in the order they are reported for one column.
ANOMALY_KINDS: dict[str, str] = {
    "too_few_rows": "error",
    "missing_column": "error",
    "type_mismatch": "error",
    "not_nullable": "error",
    "nan": "error",
    "missing_fraction": "warning",
    "infinite": "error",
    "out_of_range": "error",
    "unseen_category": "error",
    "constant_column": "warning",
    "not_unique": "error",
    "unexpected_column": "error",
}
_KIND_RANK = {kind: rank for rank, kind in enumerate(ANOMALY_KINDS)}
_FORMAT = "shiftguard.schema"
_UNSEEN_NAMED = 10  # unseen categories named in a message


# --------------------------------------------------------------------------- the schema


def _seconds(value: Any, where: str) -> float:
    """A datetime bound as seconds since the Unix epoch (UTC)."""
    import pandas as pd

    if isinstance(value, (str, _datetime.datetime, _datetime.date, np.datetime64, pd.Timestamp)):
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{where} must be a number or a date, got {value!r}: {exc}") from None
        if stamp is pd.NaT:
            raise ValueError(f"{where} must be a date, got NaT")
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return (stamp - pd.Timestamp(0)) / pd.Timedelta(seconds=1)
    return value


def _check_number(value: Any, where: str, allow_none: bool = True) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        expected = "a number or None" if allow_none else "a number"
        raise TypeError(f"{where} must be {expected}, got {value!r}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{where} must be a number, got NaN")
    return value


def _check_bool(value: Any, where: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{where} must be True or False, got {value!r}")
    return bool(value)


@dataclass
class ColumnSchema:
    """What one column may hold; edit the attributes freely (they are checked when the
    schema is used or saved).

    Parameters
    ----------
    name : str
    type : {'float', 'integer', 'boolean', 'string', 'categorical', 'datetime'}
    nullable : bool, default True
        Missing values (NaN, None, NA, NaT) allowed at all (else ``not_nullable``, or ``nan``
        in a float column).
    max_missing_fraction : float in [0, 1], default 1.0
        A larger fraction of missing values gives a ``missing_fraction`` warning.
    minimum, maximum : float or None
        Closed bounds on the finite values (``out_of_range``). For datetime columns, seconds
        since the Unix epoch (UTC); a date string or Timestamp may be assigned.
    allow_nan : bool, default True
        NaN allowed in a float column (NaN is also a missing value, so it needs ``nullable``).
    allow_infinite : bool, default False
        +-inf allowed (else ``infinite``).
    allow_constant : bool, default True
        A column whose non-missing values are all equal is expected (else
        ``constant_column``).
    domain : set of str or None
        Allowed values of a categorical or string column, compared as strings (``str(value)``);
        None allows any (else ``unseen_category``).
    unique : bool, default False
        No non-missing value may repeat (else ``not_unique``).

    Examples
    --------
    >>> from shiftguard.validate import ColumnSchema
    >>> column = ColumnSchema("age", "integer", nullable=False, minimum=0, maximum=120)
    >>> column.to_dict()["maximum"]
    120.0
    """

    name: str
    type: str = "float"
    nullable: bool = True
    max_missing_fraction: float = 1.0
    minimum: float | None = None
    maximum: float | None = None
    allow_nan: bool = True
    allow_infinite: bool = False
    allow_constant: bool = True
    domain: set[str] | None = None
    unique: bool = False

    def __post_init__(self) -> None:
        self._check()

    def _check(self) -> None:
        where = f"column {self.name!r}"
        if not isinstance(self.name, str):
            raise TypeError(f"column name must be a str, got {self.name!r}")
        if self.type not in COLUMN_TYPES:
            allowed = ", ".join(repr(t) for t in COLUMN_TYPES)
            raise ValueError(f"{where}: type must be one of {allowed}, got {self.type!r}")
        for name in ("nullable", "allow_nan", "allow_infinite", "allow_constant", "unique"):
            setattr(self, name, _check_bool(getattr(self, name), f"{where}: {name}"))
        fraction = _check_number(
            self.max_missing_fraction, f"{where}: max_missing_fraction", allow_none=False
        )
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"{where}: max_missing_fraction must be in [0, 1], got {fraction}")
        self.max_missing_fraction = fraction
        for name in ("minimum", "maximum"):
            value = getattr(self, name)
            if self.type == "datetime":
                value = _seconds(value, f"{where}: {name}")
            setattr(self, name, _check_number(value, f"{where}: {name}"))
        if (
            self.minimum is not None
            and self.maximum is not None
            and self.minimum > self.maximum
        ):
            raise ValueError(
                f"{where}: minimum {self.minimum:g} is greater than maximum {self.maximum:g}"
            )
        if self.domain is not None:
            if isinstance(self.domain, (str, bytes)) or not isinstance(self.domain, Iterable):
                raise TypeError(f"{where}: domain must be a set of values or None, got "
                                f"{self.domain!r}")
            self.domain = {str(value) for value in self.domain}

    def to_dict(self) -> dict[str, Any]:
        """The column as in the JSON file (domain as a sorted list; +-inf as floats)."""
        self._check()
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["domain"] = None if self.domain is None else sorted(self.domain)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnSchema:
        """Inverse of :meth:`to_dict`."""
        if not isinstance(data, dict):
            raise TypeError(f"a column schema must be a dict, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"column schema has unknown fields {unknown}")
        if "name" not in data:
            raise ValueError("column schema needs a 'name'")
        values = dict(data)
        for key in ("minimum", "maximum"):
            if isinstance(values.get(key), str) and values[key] in ("Infinity", "-Infinity"):
                values[key] = float(values[key].replace("Infinity", "inf"))
        return cls(**values)

    def __repr__(self) -> str:
        parts = [f"{self.name!r}", self.type]
        parts.append("nullable" if self.nullable else "not nullable")
        if self.nullable and self.max_missing_fraction < 1.0:
            parts.append(f"missing <= {self.max_missing_fraction:.4g}")
        if self.minimum is not None or self.maximum is not None:
            low = "-inf" if self.minimum is None else f"{self.minimum:.6g}"
            high = "inf" if self.maximum is None else f"{self.maximum:.6g}"
            parts.append(f"range [{low}, {high}]")
        if self.type == "float" and self.allow_nan and self.nullable:
            parts.append("NaN allowed")
        if self.allow_infinite:
            parts.append("inf allowed")
        if self.domain is not None:
            shown = sorted(self.domain)
            text = ", ".join(repr(v) for v in shown[:5]) + (", ..." if len(shown) > 5 else "")
            parts.append(f"domain {{{text}}} ({len(shown)})")
        if self.unique:
            parts.append("unique")
        if not self.allow_constant:
            parts.append("not constant")
        return f"ColumnSchema({', '.join(parts)})"


class Schema:
    """What a table may hold: its columns (in order), the minimum number of rows and whether
    columns the schema does not name are allowed.

    Parameters
    ----------
    columns : iterable of ColumnSchema
    min_rows : int, default 1
        Fewer rows is a ``too_few_rows`` error.
    allow_extra_columns : bool, default False
        Else each column the schema does not name is an ``unexpected_column`` error.

    Examples
    --------
    >>> from shiftguard.validate import ColumnSchema, Schema
    >>> schema = Schema([ColumnSchema("age", "integer", minimum=0, maximum=120)])
    >>> schema.add(ColumnSchema("city", "categorical", domain={"Oslo", "Rome"}))
    >>> schema["age"].maximum = 130
    >>> schema.names
    ['age', 'city']
    >>> Schema.from_json(schema.to_json()) == schema
    True
    >>> schema.remove("city")
    >>> len(schema)
    1
    """

    def __init__(
        self,
        columns: Iterable[ColumnSchema] = (),
        *,
        min_rows: int = 1,
        allow_extra_columns: bool = False,
    ) -> None:
        self.columns: list[ColumnSchema] = []
        for column in columns:
            self.add(column)
        self.min_rows = min_rows
        self.allow_extra_columns = allow_extra_columns
        self._check()

    # ------------------------------------------------------------------ editing

    def _check(self) -> None:
        if isinstance(self.min_rows, bool) or not isinstance(self.min_rows, (int, np.integer)):
            raise TypeError(f"min_rows must be an int >= 0, got {self.min_rows!r}")
        if self.min_rows < 0:
            raise ValueError(f"min_rows must be >= 0, got {self.min_rows}")
        self.min_rows = int(self.min_rows)
        self.allow_extra_columns = _check_bool(self.allow_extra_columns, "allow_extra_columns")
        seen: set[str] = set()
        for column in self.columns:
            if not isinstance(column, ColumnSchema):
                raise TypeError(f"columns must be ColumnSchema, got {type(column).__name__}")
            if column.name in seen:
                raise ValueError(f"schema has the column {column.name!r} twice")
            seen.add(column.name)
            column._check()

    @property
    def names(self) -> list[str]:
        """The column names, in order."""
        return [c.name for c in self.columns]

    def __getitem__(self, name: str) -> ColumnSchema:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"the schema has no column {name!r}; its columns are {self.names}")

    def __contains__(self, name: object) -> bool:
        return any(c.name == name for c in self.columns)

    def __iter__(self) -> Iterator[ColumnSchema]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Schema):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def add(self, column: ColumnSchema) -> None:
        """Append a column (ValueError if the name is taken)."""
        if not isinstance(column, ColumnSchema):
            raise TypeError(f"column must be a ColumnSchema, got {type(column).__name__}")
        if column.name in self:
            raise ValueError(f"schema already has a column {column.name!r}")
        self.columns.append(column)

    def remove(self, name: str) -> None:
        """Remove the column called ``name`` (KeyError if absent)."""
        self.columns.remove(self[name])

    def __delitem__(self, name: str) -> None:
        self.remove(name)

    # ------------------------------------------------------------------ formats

    def to_dict(self) -> dict[str, Any]:
        """The JSON document as a dict (``format``, ``version``, ``min_rows``,
        ``allow_extra_columns``, ``columns``)."""
        self._check()
        return {
            "format": _FORMAT,
            "version": 1,
            "min_rows": self.min_rows,
            "allow_extra_columns": self.allow_extra_columns,
            "columns": [c.to_dict() for c in self.columns],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Schema:
        """Inverse of :meth:`to_dict`, with the checks of :meth:`from_json`."""
        return cls.from_json(json.dumps(_json_ready(data)))

    def _core_json(self) -> str:
        return json.dumps(_json_ready(self.to_dict()))

    def to_json(self, indent: int | None = 2) -> str:
        """The schema as JSON text (see ``docs/validate-schema.md`` for the fields)."""
        return _core.schema_normalize_json(self._core_json(), -1 if indent is None else indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> Schema:
        """Read a schema from JSON text. Raises ValueError (``shiftguard.FormatError``) for
        malformed JSON, a file that is not a schema, a version this build does not read, a
        missing, mistyped or unknown field."""
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        document = json.loads(_core.schema_normalize_json(text, -1))
        schema = cls(
            [ColumnSchema.from_dict(c) for c in document["columns"]],
            min_rows=document["min_rows"],
            allow_extra_columns=document["allow_extra_columns"],
        )
        return schema

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_json` to ``path``."""
        pathlib.Path(path).write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Schema:
        """Read a schema written by :meth:`save`."""
        return cls.from_json(pathlib.Path(path).read_text(encoding="utf-8"))

    def to_frame(self):
        """One row per column (the fields of :class:`ColumnSchema`), indexed by name."""
        import pandas as pd

        rows = [c.to_dict() for c in self.columns]
        frame = pd.DataFrame(rows, columns=[f.name for f in fields(ColumnSchema)])
        return frame.set_index("name")

    def __repr__(self) -> str:
        lines = [
            f"Schema({len(self.columns)} columns, min_rows={self.min_rows}, "
            f"allow_extra_columns={self.allow_extra_columns})"
        ]
        lines += [f"  {column!r}" for column in self.columns]
        return "\n".join(lines)

    def validate(self, data: Any, *, max_examples: int = 5, n_threads: int | None = None
                 ) -> ValidationReport:
        """:func:`validate` ``data`` against this schema."""
        return validate(data, self, max_examples=max_examples, n_threads=n_threads)


def _json_ready(value: Any) -> Any:
    """Non-finite floats as the strings the C++ JSON reader accepts."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


# --------------------------------------------------------------------------- input


def _as_frame(data: Any, name: str):
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise ValueError(f"{name} must be 2-D (samples x features), got {data.ndim}-D")
        frame = pd.DataFrame(data, columns=[f"f{k}" for k in range(data.shape[1])], copy=False)
    elif type(data).__module__.startswith("pyarrow") and hasattr(data, "to_pandas"):
        frame = data.to_pandas()
    else:
        raise TypeError(
            f"{name} must be a pandas DataFrame, a pyarrow Table or a 2-D numpy array, "
            f"got {type(data).__name__}"
        )
    names = [str(c) for c in frame.columns]
    counts: dict[str, int] = {}
    for column in names:
        counts[column] = counts.get(column, 0) + 1
    duplicated = [c for c, n in counts.items() if n > 1]
    if duplicated:
        raise ValueError(
            f"{name} has duplicated column names {duplicated}; a schema refers to columns by "
            "name, so rename them first"
        )
    return frame, names


def _dtype_family(dtype: Any) -> str:
    """'float', 'integer', 'boolean', 'datetime', 'timedelta', 'category', 'object', 'string'
    or 'other'."""
    import pandas as pd

    if isinstance(dtype, pd.CategoricalDtype):
        return "category"
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "timedelta"
    if pd.api.types.is_object_dtype(dtype):
        return "object"
    if pd.api.types.is_string_dtype(dtype):
        return "string"
    return "other"


def _float_view(series: Any, family: str) -> np.ndarray:
    """The column as float64 with NaN for missing values: the column's own buffer for
    float64 numpy columns, a converted copy of this column otherwise."""
    if family == "datetime":
        values = series
        if getattr(values.dtype, "tz", None) is not None:
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        stamps = values.to_numpy(dtype="datetime64[us]")
        out = stamps.astype(np.int64).astype(np.float64) / 1e6
        out[np.isnat(stamps)] = np.nan
        return out
    dtype = series.dtype
    if isinstance(dtype, np.dtype):
        if dtype == np.float64:
            return series.to_numpy()
        return series.to_numpy().astype(np.float64)
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def _value_type_name(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    if isinstance(value, str):
        return "str"
    return type(value).__name__


def _factorize(series: Any) -> tuple[np.ndarray, Any]:
    import pandas as pd

    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes), uniques


def _strings(uniques: Any) -> list[str]:
    return [str(value) for value in uniques]


def _first_occurrence(codes: np.ndarray) -> np.ndarray:
    """True where a code appears for the first time (factorize numbers codes in order of
    first appearance, so a row is a first occurrence iff its code exceeds every earlier one)."""
    if codes.size == 0:
        return np.zeros(0, dtype=bool)
    previous_max = np.maximum.accumulate(np.concatenate(([-1], codes[:-1])))
    return codes > previous_max


# --------------------------------------------------------------------------- inference


def _check_margin(margin: Any) -> float:
    if isinstance(margin, bool) or not isinstance(margin, (int, float, np.integer, np.floating)):
        raise TypeError(f"margin must be a number >= 0, got {margin!r}")
    margin = float(margin)
    if not math.isfinite(margin) or margin < 0:
        raise ValueError(f"margin must be a finite number >= 0, got {margin}")
    return margin


def infer_schema(
    data: Any,
    *,
    margin: float = 0.0,
    categorical_max_distinct: int = 50,
    categorical: Sequence[str] | None = None,
    infer_unique: bool = True,
    n_threads: int | None = None,
) -> Schema:
    """Infer a :class:`Schema` from a reference table.

    Per column: the type from the dtype (float, integer, boolean, datetime; object, string
    and category columns become ``'categorical'`` with their observed values as the domain
    when they hold at most ``categorical_max_distinct`` distinct values, else ``'string'``),
    ``nullable`` (missing values occur), ``max_missing_fraction`` (the observed fraction times
    ``1 + margin``), the range of the finite values widened by ``margin`` times its width on
    each side (rounded outwards for integers), ``allow_nan``, ``allow_infinite``,
    ``allow_constant`` (the column is constant) and ``unique`` (integer and string columns
    whose values are all distinct). ``min_rows`` is 1 and extra columns are not allowed.

    Parameters
    ----------
    data : pandas.DataFrame, pyarrow.Table or 2-D numpy array
    margin : float >= 0, default 0.0
    categorical_max_distinct : int, default 50
    categorical : sequence of str, optional
        Columns to treat as categorical whatever their dtype (numbers compared by their
        string form; also accepts object columns that mix value types).
    infer_unique : bool, default True
    n_threads : int, optional
        Threads of the numeric pass (default: all cores).

    Raises
    ------
    ValueError
        Zero rows, duplicated column names, an object column that mixes value types (unless
        listed in ``categorical``), a negative margin.
    TypeError
        A column of unsupported dtype (complex, timedelta, ...).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from shiftguard.validate import infer_schema
    >>> frame = pd.DataFrame({"x": [1.5, np.nan, 3.0, 2.0], "id": [4, 1, 3, 2],
    ...                       "kind": pd.Categorical(["a", "b", "a", "a"])})
    >>> schema = infer_schema(frame, margin=0.1)
    >>> schema["x"]  # doctest: +NORMALIZE_WHITESPACE
    ColumnSchema('x', float, nullable, missing <= 0.275, range [1.35, 3.15], NaN allowed,
                 not constant)
    >>> schema["id"].unique, schema["kind"].type, sorted(schema["kind"].domain)
    (True, 'categorical', ['a', 'b'])
    """
    frame, names = _as_frame(data, "data")
    margin = _check_margin(margin)
    if (
        isinstance(categorical_max_distinct, bool)
        or not isinstance(categorical_max_distinct, (int, np.integer))
        or categorical_max_distinct < 0
    ):
        raise ValueError(
            f"categorical_max_distinct must be an int >= 0, got {categorical_max_distinct!r}"
        )
    forced = set() if categorical is None else {str(c) for c in categorical}
    unknown = sorted(forced - set(names))
    if unknown:
        raise ValueError(f"categorical names columns {unknown} that data does not have")
    infer_unique = _check_bool(infer_unique, "infer_unique")
    threads = check_n_threads(n_threads)
    n_rows = len(frame)
    if n_rows == 0:
        raise ValueError("cannot infer a schema from a table with 0 rows")

    inferred: dict[str, ColumnSchema] = {}
    numeric_columns: list[np.ndarray] = []
    numeric_names: list[str] = []
    numeric_types: list[str] = []
    for position, name in enumerate(names):
        series = frame.iloc[:, position]
        family = _dtype_family(series.dtype)
        if name not in forced and family in ("float", "integer", "boolean", "datetime"):
            numeric_columns.append(_float_view(series, family))
            numeric_names.append(name)
            numeric_types.append(family)
            continue
        if family in ("timedelta", "other"):
            raise TypeError(
                f"column {name!r} has dtype {series.dtype}, which a schema does not describe; "
                "convert it (for example timedeltas with .dt.total_seconds())"
            )
        inferred[name] = _infer_categorical(
            name, series, family, name in forced, margin, categorical_max_distinct, infer_unique
        )
    if numeric_names:
        document = json.loads(
            _core.infer_schema_columns(
                numeric_columns, numeric_names, n_rows, numeric_types, margin, infer_unique,
                threads,
            )
        )
        for item in document["columns"]:
            inferred[item["name"]] = ColumnSchema.from_dict(item)
    return Schema([inferred[name] for name in names])


def _infer_categorical(
    name: str,
    series: Any,
    family: str,
    forced: bool,
    margin: float,
    categorical_max_distinct: int,
    infer_unique: bool,
) -> ColumnSchema:
    codes, uniques = _factorize(series)
    n_rows = codes.size
    present = codes >= 0
    n_missing = int(n_rows - np.count_nonzero(present))
    if not forced and family == "object":
        kinds = sorted({_value_type_name(v) for v in uniques})
        if len(kinds) > 1:
            raise ValueError(
                f"column {name!r} mixes value types ({', '.join(kinds)}); convert it (for "
                f"example df[{name!r}].astype(str)) or pass categorical=[{name!r}] to compare "
                "its values as strings"
            )
    n_distinct = len(uniques)
    is_categorical = forced or family == "category" or n_distinct <= categorical_max_distinct
    n_present = n_rows - n_missing
    return ColumnSchema(
        name,
        "categorical" if is_categorical else "string",
        nullable=n_missing > 0,
        max_missing_fraction=min(1.0, n_missing / n_rows * (1.0 + margin)),
        allow_nan=False,
        allow_constant=n_distinct <= 1,
        domain=set(_strings(uniques)) if is_categorical else None,
        unique=bool(
            infer_unique and not is_categorical and n_present >= 2 and n_distinct == n_present
        ),
    )


# --------------------------------------------------------------------------- validation


def _check_max_examples(max_examples: Any) -> int:
    if isinstance(max_examples, bool) or not isinstance(max_examples, (int, np.integer)):
        raise TypeError(f"max_examples must be an int >= 0, got {max_examples!r}")
    if max_examples < 0:
        raise ValueError(f"max_examples must be >= 0, got {max_examples}")
    return int(max_examples)


def _rows(mask_or_indices: np.ndarray, max_examples: int) -> tuple[tuple[int, ...], int]:
    indices = (
        np.flatnonzero(mask_or_indices) if mask_or_indices.dtype == bool else mask_or_indices
    )
    return tuple(int(i) for i in indices[:max_examples]), int(indices.size)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _anomaly(column: str | None, kind: str, message: str, rows: tuple[int, ...] = (),
             count: int | None = None) -> Anomaly:
    return Anomaly(column, kind, ANOMALY_KINDS[kind], message, rows, count)


def validate(
    data: Any,
    schema: Schema,
    *,
    max_examples: int = 5,
    n_threads: int | None = None,
) -> ValidationReport:
    """Validate a table against a schema.

    Parameters
    ----------
    data : pandas.DataFrame, pyarrow.Table or 2-D numpy array
        Columns are matched to the schema by name (a numpy array's columns are ``f0``,
        ``f1``, ...).
    schema : Schema
    max_examples : int, default 5
        Offending row positions kept per anomaly (the total is in ``Anomaly.count``).
    n_threads : int, optional
        Threads of the numeric pass (default: all cores).

    Returns
    -------
    ValidationReport
        Table-level anomalies first, then per schema column in schema order (kinds in the
        order of :data:`ANOMALY_KINDS`), then unexpected columns in table order.

    Raises
    ------
    ValueError
        Duplicated column names in ``data``, an inconsistent schema.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from shiftguard.validate import ColumnSchema, Schema, validate
    >>> schema = Schema([ColumnSchema("x", nullable=False, minimum=0.0, maximum=1.0)])
    >>> report = validate(pd.DataFrame({"x": [0.5, np.nan, 2.0], "y": [1, 2, 3]}), schema)
    >>> [(a.column, a.kind, a.rows) for a in report]
    [('x', 'nan', (1,)), ('x', 'out_of_range', (2,)), ('y', 'unexpected_column', ())]
    """
    if not isinstance(schema, Schema):
        raise TypeError(f"schema must be a Schema, got {type(schema).__name__}")
    frame, names = _as_frame(data, "data")
    max_examples = _check_max_examples(max_examples)
    threads = check_n_threads(n_threads)
    schema._check()
    n_rows = len(frame)
    position_in_frame = {name: k for k, name in enumerate(names)}
    found: list[tuple[tuple[int, int, int], Anomaly]] = []

    def add(group: int, position: int, item: Anomaly) -> None:
        found.append(((group, position, _KIND_RANK[item.kind]), item))

    if n_rows < schema.min_rows:
        add(0, 0, _anomaly(None, "too_few_rows",
                           f"the table has {_plural(n_rows, 'row')}, the schema needs at least "
                           f"{schema.min_rows}"))

    numeric_columns: list[np.ndarray] = []
    numeric_schema: list[ColumnSchema] = []
    schema_position: dict[str, int] = {}
    for position, column in enumerate(schema.columns):
        schema_position[column.name] = position
        if column.name not in position_in_frame:
            add(1, position, _anomaly(column.name, "missing_column",
                                      f"the column {column.name!r} of the schema is missing "
                                      "from the table"))
            continue
        series = frame.iloc[:, position_in_frame[column.name]]
        family = _dtype_family(series.dtype)
        if column.type in _NUMERIC_TYPES:
            values = _numeric_values(column, series, family, max_examples,
                                     lambda item, p=position: add(1, p, item))
            if values is None:
                continue
            numeric_columns.append(values)
            # Uniqueness: C++ hashes the float64 view, exact unless the column holds integers
            # (which that view rounds beyond 2**53): those are hashed as int64 here.
            exact_in_view = not (family == "integer" and column.unique)
            numeric_schema.append(ColumnSchema(**{
                **column.to_dict(), "unique": column.unique and exact_in_view, "domain": None}))
            if not exact_in_view:
                _check_unique_integers(column, series, max_examples,
                                       lambda item, p=position: add(1, p, item))
        else:
            _check_categorical(column, series, family, max_examples,
                               lambda item, p=position: add(1, p, item))

    if numeric_columns:
        sub_schema = Schema(numeric_schema, min_rows=0, allow_extra_columns=True)
        for column, kind, severity, message, rows, count in _core.validate_schema_columns(
            numeric_columns, [c.name for c in numeric_schema], n_rows, sub_schema._core_json(),
            max_examples, threads,
        ):
            item = Anomaly(column, kind, severity, message, tuple(rows), int(count) or None)
            add(1, schema_position[column], item)

    if not schema.allow_extra_columns:
        for position, name in enumerate(names):
            if name not in schema_position:
                add(2, position, _anomaly(name, "unexpected_column",
                                          f"the column {name!r} is not in the schema"))
    found.sort(key=lambda pair: pair[0])
    return ValidationReport(item for _, item in found)


def _numeric_values(column: ColumnSchema, series: Any, family: str, max_examples: int,
                    add: Any) -> np.ndarray | None:
    """The float64 view of a column the schema types as numeric, or None after reporting a
    type mismatch."""
    expected = column.type
    accepted = {
        "float": {"float", "integer", "boolean"},
        "integer": {"float", "integer", "boolean"},
        "boolean": {"float", "integer", "boolean"},
        "datetime": {"datetime"},
    }[expected]
    if family in accepted:
        return _float_view(series, family)
    if expected == "boolean" and family == "object":
        # True/False with None: map the (few) distinct values, never the rows, in Python
        codes, uniques = _factorize(series)
        is_bool = np.array([isinstance(v, (bool, np.bool_)) for v in uniques], dtype=bool)
        if is_bool.all():
            lookup = np.array([float(v) for v in uniques] + [np.nan])
            return lookup[codes]  # code -1 (missing) picks the trailing NaN
        bad = np.isin(codes, np.flatnonzero(~is_bool))
        rows, count = _rows(bad, max_examples)
        kinds = sorted({_value_type_name(v) for v in uniques[~is_bool]})
        add(_anomaly(column.name, "type_mismatch",
                     f"{_plural(count, 'value')} of the boolean column are not booleans "
                     f"({', '.join(kinds)})", rows, count))
        return None
    add(_anomaly(column.name, "type_mismatch",
                 f"the schema expects a {expected} column, the table's has dtype "
                 f"{series.dtype}"))
    return None


def _check_unique(column: ColumnSchema, codes: np.ndarray, max_examples: int, add: Any) -> None:
    duplicate = (codes >= 0) & ~_first_occurrence(codes)
    if duplicate.any():
        rows, count = _rows(duplicate, max_examples)
        add(_anomaly(column.name, "not_unique",
                     f"{_plural(count, 'value')} repeat an earlier value in a column that must "
                     "be unique", rows, count))


def _check_unique_integers(column: ColumnSchema, series: Any, max_examples: int,
                           add: Any) -> None:
    values = series.to_numpy() if isinstance(series.dtype, np.dtype) else None
    if values is not None and values.dtype.kind in "iu" and values.dtype.itemsize <= 8:
        # astype(int64) is one-to-one on every integer dtype (uint64 wraps), so equal keys
        # are equal values
        rows, count = _core.duplicate_rows_int64(values.astype(np.int64, copy=False),
                                                 max_examples)
        if count:
            add(_anomaly(column.name, "not_unique",
                         f"{_plural(count, 'value')} repeat an earlier value in a column that "
                         "must be unique", tuple(rows), count))
        return
    codes, _ = _factorize(series)  # nullable integers (with NA)
    _check_unique(column, codes, max_examples, add)


def _arrow_strings(series: Any) -> Any:
    """The pyarrow array behind an Arrow-backed string column (pandas' default ``str`` dtype
    with pyarrow installed), without a copy; None for other columns."""
    array = series.array
    if type(array).__name__ not in ("ArrowStringArray", "ArrowStringArrayNumpySemantics",
                                    "ArrowExtensionArray"):
        return None
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - only Arrow-backed arrays reach here
        return None
    values = pa.array(array)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values if pa.types.is_string(values.type) or pa.types.is_large_string(
        values.type) else None


class _Distinct:
    """What the categorical checks need of a column: missing rows, the distinct non-missing
    values with their counts, the rows outside a domain, duplicates. Computed from the
    category codes, from Arrow's kernels for Arrow-backed strings, or by pandas.factorize
    (object columns) -- each on the distinct values, never a Python loop over rows."""

    def __init__(self, series: Any, family: str) -> None:
        self.series = series
        self.arrow = _arrow_strings(series) if family == "string" else None
        self.n_rows = len(series)
        self._codes: np.ndarray | None = None
        self._uniques: Any = None
        self._in_appearance_order = True
        if self.arrow is not None:
            self.n_missing = self.arrow.null_count
            return
        if family == "category":
            self._codes = np.asarray(series.cat.codes.to_numpy(), dtype=np.int64)
            categories = series.cat.categories
            counts = np.bincount(self._codes[self._codes >= 0], minlength=len(categories))
            # unobserved categories are not values of the column
            self._uniques = categories
            self._observed = counts > 0
            self._in_appearance_order = False
        else:
            self._codes, self._uniques = _factorize(series)
            self._observed = np.ones(len(self._uniques), dtype=bool)
        self.n_missing = int(np.count_nonzero(self._codes < 0))

    def missing_mask(self) -> np.ndarray:
        if self.arrow is not None:
            import pyarrow.compute as pc

            return np.asarray(pc.is_null(self.arrow).to_numpy(zero_copy_only=False))
        return self._codes < 0

    def uniques(self) -> Any:
        """The distinct non-missing values (object columns: as factorize returns them)."""
        if self.arrow is not None:
            import pyarrow.compute as pc

            return pc.unique(self.arrow.drop_null()).to_pylist()
        return self._uniques[self._observed]

    def n_distinct(self) -> int:
        if self.arrow is not None:
            import pyarrow.compute as pc

            return int(pc.count_distinct(self.arrow).as_py())
        return int(np.count_nonzero(self._observed))

    def outside(self, domain: set[str]) -> tuple[np.ndarray, list[tuple[str, int]]]:
        """Rows whose value (as a string) is not in ``domain``, and the unseen values with
        their counts."""
        if self.arrow is not None:
            import pyarrow as pa
            import pyarrow.compute as pc

            inside = pc.is_in(self.arrow, value_set=pa.array(sorted(domain), type=self.arrow.type))
            mask = ~np.asarray(inside.to_numpy(zero_copy_only=False), dtype=bool)
            if self.n_missing:  # is_in says False for nulls; missing values are not unseen
                mask &= ~self.missing_mask()
            if not mask.any():
                return mask, []
            counts = pc.value_counts(self.arrow.filter(pa.array(mask))).to_pylist()
            return mask, [(item["values"], int(item["counts"])) for item in counts]
        strings = _strings(self._uniques)
        unseen = np.array([self._observed[k] and text not in domain
                           for k, text in enumerate(strings)], dtype=bool)
        if not unseen.any():
            return np.zeros(self.n_rows, dtype=bool), []
        counts = np.bincount(self._codes[self._codes >= 0], minlength=len(strings))
        unseen_codes = np.flatnonzero(unseen)
        return np.isin(self._codes, unseen_codes), [(strings[k], int(counts[k]))
                                                     for k in unseen_codes]

    def first_value(self) -> str:
        return str(self.uniques()[0])

    def codes_in_appearance_order(self) -> np.ndarray:
        if self.arrow is None and self._in_appearance_order:
            return self._codes
        codes, _ = _factorize(self.series)
        return codes


def _check_categorical(column: ColumnSchema, series: Any, family: str, max_examples: int,
                       add: Any) -> None:
    if column.type == "string" and family not in ("object", "string", "category"):
        add(_anomaly(column.name, "type_mismatch",
                     f"the schema expects a string column, the table's has dtype "
                     f"{series.dtype}"))
        return
    distinct = _Distinct(series, family)
    n_rows = distinct.n_rows
    if column.type == "string" and family == "object":
        uniques = distinct.uniques()
        is_str = np.array([isinstance(v, str) for v in uniques], dtype=bool)
        if not is_str.all():
            bad = np.isin(distinct._codes, np.flatnonzero(~is_str))
            rows, count = _rows(bad, max_examples)
            kinds = sorted({_value_type_name(v) for v in uniques[~is_str]})
            add(_anomaly(column.name, "type_mismatch",
                         f"{_plural(count, 'value')} of the string column are not strings "
                         f"({', '.join(kinds)})", rows, count))
    n_missing = distinct.n_missing
    if n_missing:
        if not column.nullable:
            rows, count = _rows(distinct.missing_mask(), max_examples)
            add(_anomaly(column.name, "not_nullable",
                         f"{_plural(count, 'missing value')} in a column that is not nullable",
                         rows, count))
        elif n_missing / n_rows > column.max_missing_fraction:
            rows, count = _rows(distinct.missing_mask(), max_examples)
            add(_anomaly(column.name, "missing_fraction",
                         f"{100 * n_missing / n_rows:.4g}% missing ({n_missing} of {n_rows} "
                         f"rows), expected at most {100 * column.max_missing_fraction:.4g}%",
                         rows, count))
    n_present = n_rows - n_missing
    if column.domain is not None and n_present:
        mask, unseen = distinct.outside(column.domain)
        if unseen:
            unseen.sort(key=lambda item: (-item[1], item[0]))
            named = ", ".join(f"{text!r} ({count})" for text, count in unseen[:_UNSEEN_NAMED])
            if len(unseen) > _UNSEEN_NAMED:
                named += f" and {len(unseen) - _UNSEEN_NAMED} more"
            rows, count = _rows(mask, max_examples)
            add(_anomaly(column.name, "unseen_category",
                         f"{_plural(count, 'value')} outside the domain: {named}", rows, count))
    needs_distinct = (not column.allow_constant and n_present >= 2) or column.unique
    n_distinct = distinct.n_distinct() if needs_distinct else 0
    if not column.allow_constant and n_present >= 2 and n_distinct == 1:
        add(_anomaly(column.name, "constant_column",
                     f"all {n_present} non-missing values equal {distinct.first_value()!r}"))
    if column.unique and n_distinct < n_present:
        _check_unique(column, distinct.codes_in_appearance_order(), max_examples, add)
