"""Behaviour shared by the results of the two-sample test functions."""

from __future__ import annotations

from collections.abc import Iterator


class TestResultMixin:
    """SciPy's spelling and unpacking for a result with ``statistic`` and ``p_value``:
    ``result.pvalue`` and ``statistic, pvalue = result`` work as with ``scipy.stats``."""

    __test__ = False  # not a pytest test class, despite its name
    statistic: float
    p_value: float

    @property
    def pvalue(self) -> float:
        """Alias of ``p_value`` (SciPy's spelling)."""
        return self.p_value

    def __iter__(self) -> Iterator[float]:
        return iter((self.statistic, self.p_value))
