"""The anomaly report shared by every validation check (schemas, integrity checks, tensor
batches): one record shape, :class:`Anomaly`, and one container, :class:`ValidationReport`,
that prints as an aligned text table, converts to a pandas DataFrame, a dict and JSON, and
renders as an HTML table in a notebook.

>>> from shiftguard.validate import Anomaly, ValidationReport
>>> report = ValidationReport([
...     Anomaly("age", "out_of_range", "error", "2 values above the maximum 120", rows=(3, 9)),
...     Anomaly("city", "missing_fraction", "warning", "12% missing, expected at most 5%"),
... ])
>>> report.ok, len(report), len(report.errors), len(report.warnings)
(False, 2, 1, 1)
>>> print(report)
ValidationReport: 1 error, 1 warning
severity  column  kind              rows  message
error     age     out_of_range      3, 9  2 values above the maximum 120
warning   city    missing_fraction        12% missing, expected at most 5%
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

__all__ = ["SEVERITIES", "Anomaly", "ValidationError", "ValidationReport"]

#: The severities, most severe first. Only ``'error'`` makes a report not ``ok``.
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")

_COLOURS = {"error": "#b00020", "warning": "#e65100", "info": "#0d47a1"}
_COLUMNS = ("severity", "column", "kind", "rows", "message")


class ValidationError(ValueError):
    """Raised by :meth:`ValidationReport.raise_for_errors` when a report holds errors; the
    message lists them, and the report is kept in ``.report``."""

    def __init__(self, message: str, report: ValidationReport | None = None) -> None:
        super().__init__(message)
        self.report = report


def _as_row_indices(rows: Any) -> tuple[int, ...]:
    if rows is None:
        return ()
    if isinstance(rows, (str, bytes)):
        raise TypeError(f"rows must be a sequence of row indices, got {type(rows).__name__}")
    values = np.asarray(rows)
    if values.size == 0:
        return ()
    if values.ndim != 1 or values.dtype.kind not in "iu":
        raise TypeError(
            f"rows must be a 1-D sequence of integer row indices, got {values.dtype} "
            f"with shape {values.shape}"
        )
    if (values < 0).any():
        raise ValueError(f"rows must be non-negative row indices, got {values.min()}")
    return tuple(int(v) for v in values)


@dataclass(frozen=True)
class Anomaly:
    """One finding of a validation check.

    Parameters
    ----------
    column : str or None
        The column it concerns; None for a finding about the whole table (too few rows).
    kind : str
        What was found, a short snake_case name such as ``'out_of_range'`` or
        ``'missing_column'`` (each check documents its kinds).
    severity : {'error', 'warning', 'info'}
        Only errors make a :class:`ValidationReport` not ``ok``.
    message : str
        A sentence for people: what was expected and what was found.
    rows : tuple of int, default ()
        The first few offending row indices (positions, 0-based), ascending; empty when the
        finding is not about rows.
    count : int or None, default None
        How many rows offend in total (``len(rows)`` may be smaller: only the first few are
        kept); None when the finding is not about rows.

    Examples
    --------
    >>> from shiftguard.validate import Anomaly
    >>> a = Anomaly("age", "nan", "error", "3 NaN values", rows=[4, 7, 8], count=3)
    >>> a.rows, a.count
    ((4, 7, 8), 3)
    >>> a.to_dict()["kind"]
    'nan'
    """

    column: str | None
    kind: str
    severity: str
    message: str
    rows: tuple[int, ...] = ()
    count: int | None = None

    def __post_init__(self) -> None:
        if self.column is not None and not isinstance(self.column, str):
            raise TypeError(f"column must be a str or None, got {type(self.column).__name__}")
        if not isinstance(self.kind, str) or not self.kind:
            raise TypeError(f"kind must be a non-empty str, got {self.kind!r}")
        if self.severity not in SEVERITIES:
            allowed = ", ".join(repr(s) for s in SEVERITIES)
            raise ValueError(f"severity must be one of {allowed}, got {self.severity!r}")
        if not isinstance(self.message, str):
            raise TypeError(f"message must be a str, got {type(self.message).__name__}")
        object.__setattr__(self, "rows", _as_row_indices(self.rows))
        if self.count is not None:
            if isinstance(self.count, bool) or not isinstance(self.count, (int, np.integer)):
                raise TypeError(f"count must be an int or None, got {self.count!r}")
            if self.count < len(self.rows):
                raise ValueError(
                    f"count ({self.count}) must be at least the number of example rows "
                    f"({len(self.rows)})"
                )
            object.__setattr__(self, "count", int(self.count))

    def rows_text(self) -> str:
        """The example rows as text: ``'3, 9'``, or ``'3, 9, ... (12 rows)'`` when more offend."""
        text = ", ".join(str(r) for r in self.rows)
        if self.count is not None and self.count > len(self.rows):
            text = f"{text}, ... ({self.count} rows)" if text else f"({self.count} rows)"
        return text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with the six fields (rows as a list)."""
        return {
            "column": self.column,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "rows": list(self.rows),
            "count": self.count,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Anomaly:
        """Inverse of :meth:`to_dict`."""
        if not isinstance(data, dict):
            raise TypeError(f"an anomaly must be a dict, got {type(data).__name__}")
        missing = [k for k in ("column", "kind", "severity", "message") if k not in data]
        if missing:
            raise ValueError(f"anomaly dict is missing the keys {missing}")
        return cls(
            data["column"],
            data["kind"],
            data["severity"],
            data["message"],
            tuple(data.get("rows") or ()),
            data.get("count"),
        )


@dataclass(frozen=True, init=False)
class ValidationReport:
    """The anomalies found by a validation, in the order the check produced them.

    Parameters
    ----------
    anomalies : iterable of Anomaly, default ()

    Attributes
    ----------
    ok : bool
        True when no anomaly has severity ``'error'`` (warnings and infos allowed).
    errors, warnings, infos : tuple of Anomaly
        The anomalies of each severity.

    Examples
    --------
    >>> from shiftguard.validate import Anomaly, ValidationReport
    >>> report = ValidationReport([Anomaly(None, "too_few_rows", "error", "3 rows, expected 10")])
    >>> report.ok
    False
    >>> report.to_frame()[["column", "kind", "severity"]]
      column          kind severity
    0   None  too_few_rows    error
    >>> report.raise_for_errors()
    Traceback (most recent call last):
    ...
    shiftguard.validate._report.ValidationError: validation failed with 1 error:
      - (table) too_few_rows: 3 rows, expected 10
    >>> ValidationReport().ok
    True
    """

    anomalies: tuple[Anomaly, ...]

    def __init__(self, anomalies: Iterable[Anomaly] = ()) -> None:
        items = tuple(anomalies)
        for k, item in enumerate(items):
            if not isinstance(item, Anomaly):
                raise TypeError(f"anomalies[{k}] must be an Anomaly, got {type(item).__name__}")
        object.__setattr__(self, "anomalies", items)

    # ------------------------------------------------------------------ access

    @property
    def ok(self) -> bool:
        return not any(a.severity == "error" for a in self.anomalies)

    @property
    def errors(self) -> tuple[Anomaly, ...]:
        return tuple(a for a in self.anomalies if a.severity == "error")

    @property
    def warnings(self) -> tuple[Anomaly, ...]:
        return tuple(a for a in self.anomalies if a.severity == "warning")

    @property
    def infos(self) -> tuple[Anomaly, ...]:
        return tuple(a for a in self.anomalies if a.severity == "info")

    def __len__(self) -> int:
        return len(self.anomalies)

    def __iter__(self) -> Iterator[Anomaly]:
        return iter(self.anomalies)

    def __bool__(self) -> bool:
        # A report is a container: truthiness is "has anomalies", as for a list. Use .ok for
        # "passed".
        return bool(self.anomalies)

    @overload
    def __getitem__(self, index: int) -> Anomaly: ...

    @overload
    def __getitem__(self, index: slice) -> ValidationReport: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ValidationReport(self.anomalies[index])
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(
                f"a ValidationReport is indexed by int or slice, got {type(index).__name__}; "
                "use .filter(column=...) to select by column"
            )
        return self.anomalies[int(index)]

    def __add__(self, other: ValidationReport) -> ValidationReport:
        if not isinstance(other, ValidationReport):
            return NotImplemented
        return ValidationReport(self.anomalies + other.anomalies)

    def filter(
        self,
        *,
        column: str | None = None,
        kind: str | None = None,
        severity: str | None = None,
    ) -> ValidationReport:
        """The anomalies matching every given field (a new report).

        >>> from shiftguard.validate import Anomaly, ValidationReport
        >>> r = ValidationReport([Anomaly("a", "nan", "error", "NaN"),
        ...                       Anomaly("b", "nan", "warning", "NaN")])
        >>> len(r.filter(severity="error")), len(r.filter(kind="nan"))
        (1, 2)
        """
        return ValidationReport(
            a
            for a in self.anomalies
            if (column is None or a.column == column)
            and (kind is None or a.kind == kind)
            and (severity is None or a.severity == severity)
        )

    # ------------------------------------------------------------------ rendering

    def summary(self) -> str:
        """One line: ``'no anomalies'`` or the counts per severity (``'1 error, 2 warnings'``)."""
        if not self.anomalies:
            return "no anomalies"
        parts = []
        for severity in SEVERITIES:
            n = sum(a.severity == severity for a in self.anomalies)
            if n:
                parts.append(f"{n} {severity}{'' if n == 1 else 's'}")
        return ", ".join(parts)

    def __str__(self) -> str:
        header = f"ValidationReport: {self.summary()}"
        if not self.anomalies:
            return header
        cells = [
            (a.severity, "(table)" if a.column is None else a.column, a.kind, a.rows_text(),
             a.message)
            for a in self.anomalies
        ]
        widths = [max(len(_COLUMNS[j]), *(len(c[j]) for c in cells)) for j in range(4)]
        lines = [header]
        for row in [_COLUMNS, *cells]:
            text = "  ".join(f"{row[j]:<{widths[j]}}" for j in range(4)) + "  " + row[4]
            lines.append(text.rstrip())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<ValidationReport: {self.summary()}>"

    def to_frame(self):
        """One row per anomaly: columns ``column, kind, severity, message, rows, count``."""
        import pandas as pd

        return pd.DataFrame(
            {
                "column": pd.Series([a.column for a in self.anomalies], dtype=object),
                "kind": pd.Series([a.kind for a in self.anomalies], dtype=object),
                "severity": pd.Series([a.severity for a in self.anomalies], dtype=object),
                "message": pd.Series([a.message for a in self.anomalies], dtype=object),
                "rows": pd.Series([list(a.rows) for a in self.anomalies], dtype=object),
                "count": pd.Series(
                    [a.count for a in self.anomalies], dtype="Int64"
                ),
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """``{'ok', 'n_errors', 'n_warnings', 'n_infos', 'anomalies': [Anomaly.to_dict()]}``."""
        return {
            "ok": self.ok,
            "n_errors": len(self.errors),
            "n_warnings": len(self.warnings),
            "n_infos": len(self.infos),
            "anomalies": [a.to_dict() for a in self.anomalies],
        }

    def to_json(self, indent: int | None = None) -> str:
        """:meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ValidationReport:
        """Inverse of :meth:`to_dict` (the counts are recomputed, not trusted)."""
        if not isinstance(data, dict) or not isinstance(data.get("anomalies"), list):
            raise ValueError("a report dict needs an 'anomalies' list")
        return cls(Anomaly.from_dict(a) for a in data["anomalies"])

    @classmethod
    def from_json(cls, text: str) -> ValidationReport:
        """Inverse of :meth:`to_json`."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"report JSON is malformed: {exc}") from None
        return cls.from_dict(data)

    def _repr_html_(self) -> str:
        colour = _COLOURS["error"] if not self.ok else "#1b5e20"
        rows = "".join(
            "<tr>"
            f"<td style='color:{_COLOURS[a.severity]};font-weight:bold'>"
            f"{html.escape(a.severity)}</td>"
            f"<td>{html.escape('(table)' if a.column is None else a.column)}</td>"
            f"<td>{html.escape(a.kind)}</td>"
            f"<td>{html.escape(a.rows_text())}</td>"
            f"<td>{html.escape(a.message)}</td>"
            "</tr>"
            for a in self.anomalies
        )
        head = "".join(f"<th>{name}</th>" for name in _COLUMNS)
        return (
            f"<div><strong style='color:{colour}'>ValidationReport: "
            f"{html.escape(self.summary())}</strong>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
        )

    def raise_for_errors(self) -> ValidationReport:
        """Raise :class:`ValidationError` (a ``ValueError``) listing the errors, if any;
        otherwise return the report (so calls chain)."""
        errors = self.errors
        if not errors:
            return self
        lines = [f"validation failed with {len(errors)} error{'' if len(errors) == 1 else 's'}:"]
        for a in errors:
            where = "(table)" if a.column is None else repr(a.column)
            lines.append(f"  - {where} {a.kind}: {a.message}")
        raise ValidationError("\n".join(lines), self)
