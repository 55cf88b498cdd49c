"""Data sets bundled with the package (nothing is downloaded)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def demo_paths() -> tuple[Path, Path]:
    """Paths of the bundled demo CSV files ``(reference.csv, current.csv)``.

    A customer table (age, income, tenure_months, sessions_per_week, basket_value); the
    current sample has two deliberate shifts: income is about 15% higher and sessions per
    week are more spread out. ``data/_make_demo_data.py`` regenerates them (seeded).
    """
    root = resources.files("shiftguard") / "data"
    return Path(str(root / "reference.csv")), Path(str(root / "current.csv"))


def load_demo():
    """The demo data as two pandas DataFrames ``(reference, current)``.

    Examples
    --------
    >>> from shiftguard.datasets import load_demo
    >>> reference, current = load_demo()
    >>> reference.shape, current.shape
    ((1000, 5), (800, 5))
    """
    import pandas as pd

    reference_path, current_path = demo_paths()
    return pd.read_csv(reference_path), pd.read_csv(current_path)
