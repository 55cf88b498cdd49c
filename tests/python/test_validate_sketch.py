"""Tests of shiftguard.validate's sketches against independent oracles: NumPy (np.quantile,
exact ranks from np.sort, np.unique, np.mean/np.var), collections.Counter; hypothesis
property tests of merging and serialization; bad input with message fragments."""

from __future__ import annotations

import json
import pickle
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import shiftguard
from hypothesis import given, settings
from hypothesis import strategies as st
from shiftguard import _core
from shiftguard.validate import HeavyHitters, HyperLogLog, KLLSketch, Moments


def quantile_rank_error(sorted_x: np.ndarray, q: float, value: float) -> float:
    """0 when q*n lies in [#items < value, #items <= value], else the distance over n."""
    n = sorted_x.size
    below = np.searchsorted(sorted_x, value, side="left")
    at_or_below = np.searchsorted(sorted_x, value, side="right")
    target = q * n
    return max(0.0, below - target, target - at_or_below) / n


# --------------------------------------------------------------------------- KLL


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kll_quantiles_against_numpy(dtype):
    rng = np.random.default_rng(0)
    x = rng.lognormal(size=200_000).astype(dtype)
    sketch = KLLSketch(k=200, seed=3).update(x)
    sorted_x = np.sort(x.astype(np.float64))
    qs = np.linspace(0.01, 0.99, 99)
    answers = sketch.quantiles(qs)
    errors = [quantile_rank_error(sorted_x, q, v) for q, v in zip(qs, answers)]
    assert max(errors) <= sketch.normalized_rank_error
    # The numeric answers are close to NumPy's interpolated quantiles.
    np.testing.assert_allclose(
        answers, np.quantile(sorted_x, qs), atol=0, rtol=0.15
    )
    assert sketch.quantile(0) == sorted_x[0] and sketch.quantile(1) == sorted_x[-1]
    ranks = sketch.rank(np.quantile(sorted_x, [0.1, 0.5, 0.9]))
    np.testing.assert_allclose(ranks, [0.1, 0.5, 0.9], atol=sketch.normalized_rank_error)
    items, weights = sketch.sorted_view()
    assert weights.sum() == sketch.count == x.size
    assert np.all(np.diff(items) >= 0)
    assert sketch.retained < 3 * 200 + 200


def test_kll_skips_non_finite_and_accepts_pandas_and_ints():
    s = pd.Series([1.0, np.nan, 3.0, np.inf, -np.inf, 2.0])
    sketch = KLLSketch().update(s)
    assert sketch.count == 3
    assert (sketch.min, sketch.max) == (1.0, 3.0)
    assert KLLSketch().update(np.arange(10)).quantile(1.0) == 9.0
    assert KLLSketch().update(5.0).count == 1
    empty = KLLSketch()
    assert empty.count == 0 and np.isnan(empty.quantile(0.5)) and np.isnan(empty.min)


def test_kll_merge_of_parts_within_bound():
    rng = np.random.default_rng(1)
    x = rng.normal(size=300_000)
    parts = np.array_split(x, 7)
    sketches = [KLLSketch(seed=i).update(p) for i, p in enumerate(parts)]
    merged = sketches[0]
    for s in sketches[1:]:
        merged = merged.merge(s)
    assert merged.count == x.size and merged.min == x.min() and merged.max == x.max()
    sorted_x = np.sort(x)
    for q in np.linspace(0.05, 0.95, 19):
        assert quantile_rank_error(sorted_x, q, merged.quantile(q)) <= merged.normalized_rank_error
    # merge returns a new sketch and leaves its inputs unchanged
    assert sketches[0].count == parts[0].size


# --------------------------------------------------------------------------- HyperLogLog


@pytest.mark.parametrize("n", [10, 1000, 30_000, 300_000])
def test_hll_within_three_sigma_of_numpy_unique(n):
    rng = np.random.default_rng(n)
    x = rng.integers(0, 2 * n, size=n)
    exact = np.unique(x).size
    sketch = HyperLogLog(precision=12).update(x)
    assert abs(sketch.estimate() - exact) <= 3 * sketch.relative_error * exact + 1


def test_hll_strings_objects_and_missing():
    words = [f"w{i % 5000}" for i in range(20_000)] + [None, np.nan]
    sketch = HyperLogLog().update(words)
    assert abs(sketch.estimate() - 5000) <= 3 * sketch.relative_error * 5000
    series = pd.Series(["a", "b", None, "a"], dtype="object")
    assert round(HyperLogLog().update(series).estimate()) == 2
    assert round(HyperLogLog().update(pd.Categorical(["x", "y", "x"])).estimate()) == 2
    # -0.0 and 0.0 are one value; NaN is skipped
    assert round(HyperLogLog().update(np.array([0.0, -0.0, np.nan])).estimate()) == 1
    assert _core.hash_double(0.0) == _core.hash_double(-0.0)


def test_hll_merge_equals_union_registers():
    rng = np.random.default_rng(5)
    a = rng.integers(0, 100_000, size=40_000).astype(np.float64)
    b = rng.integers(50_000, 150_000, size=40_000).astype(np.float64)
    union = HyperLogLog().update(np.concatenate([a, b]))
    merged = HyperLogLog().update(a).merge(HyperLogLog().update(b))
    assert merged == union
    np.testing.assert_array_equal(merged.registers(), union.registers())
    exact = np.unique(np.concatenate([a, b])).size
    assert abs(merged.estimate() - exact) <= 3 * merged.relative_error * exact


# --------------------------------------------------------------------------- heavy hitters


def test_heavy_hitters_exact_below_capacity_against_counter():
    rng = np.random.default_rng(2)
    items = rng.choice(["red", "green", "blue", "cyan"], size=10_000, p=[0.5, 0.3, 0.15, 0.05])
    sketch = HeavyHitters(capacity=8).update(items)
    counts = Counter(items.tolist())
    assert sketch.max_error == 0
    assert sketch.top() == sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def test_heavy_hitters_bound_above_capacity():
    rng = np.random.default_rng(3)
    items = rng.zipf(1.5, size=50_000).astype(str)
    truth = Counter(items.tolist())
    sketch = HeavyHitters(capacity=32).update(items)
    assert sketch.total_weight == items.size
    assert 0 < sketch.max_error <= items.size // 33
    for item, count in truth.items():
        estimate = sketch.estimate(item)
        assert count - sketch.max_error <= estimate <= count
    # Items above the error are all reported.
    reported = {item for item, _ in sketch.top()}
    assert {item for item, c in truth.items() if c > sketch.max_error} <= reported


def test_heavy_hitters_weights_and_missing():
    sketch = HeavyHitters(4).update(["a", None, "b", np.nan], weights=[2, 5, 3, 7])
    assert sketch.top() == [("b", 3), ("a", 2)]
    assert sketch.total_weight == 5
    assert HeavyHitters().update([1, 2, 1]).top(1) == [("1", 2)]


# --------------------------------------------------------------------------- moments


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_moments_against_numpy(dtype):
    rng = np.random.default_rng(4)
    x = (1e6 + rng.normal(size=100_001)).astype(dtype)
    x[::1000] = np.nan
    m = Moments().update(x)
    finite = x[~np.isnan(x)].astype(np.float64)
    assert m.count == finite.size
    assert m.mean == pytest.approx(np.mean(finite), rel=1e-12)
    assert m.variance() == pytest.approx(np.var(finite, ddof=1), rel=1e-7)
    assert m.variance(0) == pytest.approx(np.var(finite), rel=1e-7)
    assert (m.min, m.max) == (finite.min(), finite.max())
    assert m.std() == pytest.approx(np.std(finite, ddof=1), rel=1e-7)


# --------------------------------------------------------------------------- properties

finite_floats = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
float_lists = st.lists(finite_floats, max_size=300)
words = st.lists(st.text(min_size=0, max_size=6), max_size=200)


@settings(max_examples=60, deadline=None)
@given(float_lists, float_lists, float_lists)
def test_hll_merge_commutative_associative_exact(a, b, c):
    sa, sb, sc = (HyperLogLog(8).update(np.array(v, dtype=np.float64)) for v in (a, b, c))
    assert sa.merge(sb) == sb.merge(sa)
    assert sa.merge(sb).merge(sc) == sa.merge(sb.merge(sc))
    assert sa.merge(sb).merge(sc) == HyperLogLog(8).update(np.array(a + b + c, dtype=np.float64))


@settings(max_examples=60, deadline=None)
@given(words, words, words)
def test_heavy_hitters_merge_exact_below_capacity(a, b, c):
    cap = 1000  # more than the distinct items: exact
    sa, sb, sc = (HeavyHitters(cap).update(v) for v in (a, b, c))
    assert sa.merge(sb) == sb.merge(sa)
    assert sa.merge(sb).merge(sc) == sa.merge(sb.merge(sc))
    assert dict(sa.merge(sb).merge(sc).top()) == dict(Counter(a + b + c))


@settings(max_examples=60, deadline=None)
@given(words, words, words)
def test_heavy_hitters_merge_within_bound_above_capacity(a, b, c):
    cap = 3
    sa, sb, sc = (HeavyHitters(cap).update(v) for v in (a, b, c))
    assert sa.merge(sb) == sb.merge(sa)  # commutative exactly
    truth = Counter(a + b + c)
    total = len(a) + len(b) + len(c)
    for merged in (sa.merge(sb).merge(sc), sa.merge(sb.merge(sc))):
        assert merged.total_weight == total
        assert merged.max_error <= total // (cap + 1)
        for item, count in truth.items():
            assert count - merged.max_error <= merged.estimate(item) <= count


@settings(max_examples=60, deadline=None)
@given(float_lists, float_lists, float_lists)
def test_moments_merge_properties(a, b, c):
    sa, sb, sc = (Moments().update(np.array(v, dtype=np.float64)) for v in (a, b, c))
    assert sa.merge(sb) == sb.merge(sa)  # bit for bit
    left, right = sa.merge(sb).merge(sc), sa.merge(sb.merge(sc))
    whole = np.array(a + b + c, dtype=np.float64)
    for m in (left, right):
        assert m.count == whole.size
        if whole.size:
            assert (m.min, m.max) == (whole.min(), whole.max())
            scale = max(1.0, float(np.abs(whole).max()))
            assert m.mean == pytest.approx(whole.mean(), rel=1e-9, abs=1e-9 * scale)
        if whole.size > 1:
            assert m.variance() == pytest.approx(
                np.var(whole, ddof=1), rel=1e-6, abs=1e-9 * scale**2
            )


@settings(max_examples=40, deadline=None)
@given(float_lists, float_lists, float_lists, st.integers(0, 2**64 - 1))
def test_kll_merge_within_bound(a, b, c, seed):
    k = 16  # small k: the lists are long enough to compact
    sa, sb, sc = (KLLSketch(k, seed).update(np.array(v, dtype=np.float64)) for v in (a, b, c))
    whole = np.sort(np.array(a + b + c, dtype=np.float64))
    for merged in (sa.merge(sb).merge(sc), sa.merge(sb.merge(sc)), sb.merge(sa).merge(sc)):
        assert merged.count == whole.size
        if whole.size == 0:
            continue
        assert (merged.min, merged.max) == (whole[0], whole[-1])
        assert merged.sorted_view()[1].sum() == whole.size
        # Single-query bound at 99% confidence; allow 2 eps for the worst of 9 queries.
        eps = merged.normalized_rank_error
        for q in np.linspace(0.1, 0.9, 9):
            assert quantile_rank_error(whole, q, merged.quantile(q)) <= 2 * eps


@settings(max_examples=60, deadline=None)
@given(float_lists, words, st.integers(8, 300), st.integers(4, 14))
def test_serialization_round_trips(values, items, k, precision):
    x = np.array(values, dtype=np.float64)
    sketches = [
        KLLSketch(k, seed=7).update(x),
        HyperLogLog(precision).update(x),
        HeavyHitters(5).update(items),
        Moments().update(x),
    ]
    for s in sketches:
        cls = type(s)
        assert cls.from_bytes(s.to_bytes()) == s
        assert cls.from_json(s.to_json()) == s
        assert cls.from_json(json.loads(s.to_json())) == s
        assert pickle.loads(pickle.dumps(s)) == s
        assert cls.from_bytes(s.to_bytes()).to_bytes() == s.to_bytes()


def test_loaded_kll_continues_identically():
    rng = np.random.default_rng(8)
    x = rng.normal(size=300_000)
    a = KLLSketch(50, 1).update(x[:123_457])
    b = pickle.loads(pickle.dumps(a))
    a.update(x[123_457:])
    b.update(x[123_457:])
    assert a == b


# --------------------------------------------------------------------------- bad input


def test_bad_parameters():
    with pytest.raises(ValueError, match=r"k must be in \[8, 65535\], got 4"):
        KLLSketch(k=4)
    with pytest.raises(TypeError, match="k must be an int"):
        KLLSketch(k=20.5)
    with pytest.raises(ValueError, match=r"seed must be in"):
        KLLSketch(seed=-1)
    with pytest.raises(ValueError, match=r"precision must be in \[4, 18\], got 19"):
        HyperLogLog(precision=19)
    with pytest.raises(ValueError, match="capacity must be in"):
        HeavyHitters(capacity=0)
    with pytest.raises(TypeError, match="capacity must be an int"):
        HeavyHitters(capacity=True)


def test_bad_values_and_queries():
    sketch = KLLSketch().update([1.0, 2.0])
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\], got 1.5"):
        sketch.quantile(1.5)
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\]"):
        sketch.quantiles([0.5, -0.1])
    with pytest.raises(TypeError, match="q must be a number"):
        sketch.quantile("median")
    with pytest.raises(ValueError, match="must not be NaN"):
        sketch.rank(float("nan"))
    with pytest.raises(ValueError, match="values must be 1-D"):
        sketch.update(np.zeros((2, 2)))
    with pytest.raises(TypeError, match="values must be numeric"):
        sketch.update(np.array(["a", "b"]))
    with pytest.raises(TypeError, match="values must be numeric"):
        Moments().update(["a"])
    with pytest.raises(ValueError, match="weights must be 1-D with one entry per value"):
        HeavyHitters().update(["a", "b"], weights=[1])
    with pytest.raises(ValueError, match="weights must be non-negative"):
        HeavyHitters().update(["a"], weights=[-1])
    with pytest.raises(TypeError, match="weights must be non-negative integers"):
        HeavyHitters().update(["a"], weights=[0.5])
    with pytest.raises(TypeError, match="ddof must be an int"):
        Moments().variance(ddof=0.5)


def test_bad_merges():
    with pytest.raises(ValueError, match="precisions differ"):
        HyperLogLog(10).merge(HyperLogLog(12))
    with pytest.raises(ValueError, match="k differs"):
        KLLSketch(100).merge(KLLSketch(200))
    with pytest.raises(ValueError, match="capacities differ"):
        HeavyHitters(3).merge(HeavyHitters(4))
    with pytest.raises(TypeError, match="can only merge a KLLSketch"):
        KLLSketch().merge(HyperLogLog())


def test_truncated_corrupted_and_foreign_data():
    sketch = KLLSketch(16).update(np.random.default_rng(9).normal(size=5000))
    data = sketch.to_bytes()
    for cut in (0, 5, 20, len(data) // 2, len(data) - 1):
        with pytest.raises(ValueError, match="truncated"):
            KLLSketch.from_bytes(data[:cut])
    corrupted = bytearray(data)
    corrupted[len(data) // 2] ^= 0x10
    with pytest.raises(ValueError, match="checksum"):
        KLLSketch.from_bytes(bytes(corrupted))
    with pytest.raises(ValueError, match="holds a 'validate.sketch.kll'"):
        HyperLogLog.from_bytes(data)
    with pytest.raises(shiftguard.FormatError, match="bad magic"):
        Moments.from_bytes(b"x" * 40)
    with pytest.raises(TypeError, match="data must be bytes"):
        KLLSketch.from_bytes("text")
    state = json.loads(sketch.to_json())
    state["count"] += 1
    with pytest.raises(ValueError, match="weights sum to"):
        KLLSketch.from_json(state)
    state = json.loads(HyperLogLog(4).update([1.0]).to_json())
    state["registers"] = "ff" * 16
    with pytest.raises(ValueError, match="largest possible rank"):
        HyperLogLog.from_json(state)
    with pytest.raises(ValueError, match="json"):
        Moments.from_json("{not json")
    state = json.loads(HeavyHitters(2).update(["a", "b"]).to_json())
    state["items"] = [["a", 0]]
    with pytest.raises(ValueError, match="zero count"):
        HeavyHitters.from_json(state)
