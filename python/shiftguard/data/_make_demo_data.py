"""Regenerates the bundled demo data (reference.csv, current.csv). Seeded: output is stable.

A small customer table. The current sample has two deliberate shifts: ``income`` moved up
by about 15% and ``sessions_per_week`` became more spread out; the other columns are drawn
from the same distributions as the reference.
"""

from pathlib import Path

import numpy as np
import pandas as pd


def make(n: int, rng: np.random.Generator, shifted: bool) -> pd.DataFrame:
    age = rng.normal(41, 12, n).clip(18, 90)
    income = rng.lognormal(np.log(52000 * (1.15 if shifted else 1.0)), 0.35, n)
    tenure = rng.gamma(2.0, 14.0, n)
    sessions = rng.normal(5.0, 2.4 if shifted else 1.5, n).clip(0, None)
    basket = rng.gamma(3.0, 18.0, n)
    return pd.DataFrame({
        "age": age.round(1),
        "income": income.round(0),
        "tenure_months": tenure.round(1),
        "sessions_per_week": sessions.round(2),
        "basket_value": basket.round(2),
    })


if __name__ == "__main__":
    here = Path(__file__).parent
    rng = np.random.default_rng(2026)
    make(1000, rng, shifted=False).to_csv(here / "reference.csv", index=False)
    make(800, rng, shifted=True).to_csv(here / "current.csv", index=False)
