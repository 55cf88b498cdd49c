"""Column profiles (shiftguard.validate.profile) against pandas, NumPy and SciPy: counts and
moments exactly, quantiles within the sketch's rank bound, distinct counts within the
HyperLogLog error, top values against value_counts; merge properties with hypothesis;
serialisation round trips and failures; drift from profiles against the drift scores on the
full data; bad input."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import scipy.spatial.distance
import scipy.stats
import shiftguard.drift as sd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shiftguard.validate import ColumnProfile, Profile, profile
from shiftguard.validate._profile import _convert


def exact_rank(sorted_values: np.ndarray, x: float) -> float:
    return np.searchsorted(sorted_values, x, side="right") / sorted_values.size


def mixed_frame(n: int = 5000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(10.0, 3.0, n)
    x[rng.choice(n, 50, replace=False)] = np.nan
    y = rng.exponential(2.0, n).astype(np.float32)
    k = rng.integers(0, 20, n)
    s = rng.choice(["red", "green", "blue", "cyan"], n, p=[0.4, 0.3, 0.2, 0.1]).astype(object)
    s[rng.choice(n, 30, replace=False)] = None
    return pd.DataFrame(
        {
            "x": x,
            "y": y,
            "k": k,
            "flag": rng.random(n) < 0.3,
            "s": s,
            "cat": pd.Categorical(rng.choice(["lo", "mid", "hi"], n)),
        }
    )


# ------------------------------------------------------------------------------------------
# Against pandas and NumPy


def test_numeric_columns_match_pandas_describe():
    frame = mixed_frame()
    p = profile(frame)
    assert p.n_rows == len(frame)
    assert p.columns == list(frame.columns)
    described = frame[["x", "y", "k"]].describe()
    missing = frame.isna().sum()
    for name in ["x", "y", "k"]:
        column = p[name]
        assert column.kind == "numeric"
        assert column.count == described.loc["count", name]
        assert column.n_missing == missing[name]
        assert column.min == described.loc["min", name]
        assert column.max == described.loc["max", name]
        np.testing.assert_allclose(column.mean, described.loc["mean", name], rtol=1e-6)
        np.testing.assert_allclose(column.std, described.loc["std", name], rtol=1e-6)
        # against float64 NumPy (pandas reduces float32 in float32)
        values = frame[name].to_numpy(dtype=np.float64)
        values = np.sort(values[~np.isnan(values)])
        np.testing.assert_allclose(column.mean, values.mean(), rtol=1e-12)
        np.testing.assert_allclose(column.variance, values.var(ddof=1), rtol=1e-10)
        for q in (0.05, 0.25, 0.5, 0.75, 0.95):
            estimate = column.quantile(q)  # ties: q must lie in [rank below, rank at] +- eps
            lower = np.searchsorted(values, estimate, side="left") / values.size
            upper = exact_rank(values, estimate)
            assert lower - column.rank_error <= q <= upper + column.rank_error
        np.testing.assert_array_equal(
            column.quantiles([0.25, 0.5]), [column.quantile(0.25), column.quantile(0.5)]
        )
        assert column.rank(values[-1]) == 1.0
        nunique = frame[name].nunique()
        assert abs(column.n_distinct - nunique) <= 3 * 1.04 / 64 * nunique + 1


def test_categorical_columns_match_value_counts():
    frame = mixed_frame()
    p = profile(frame)
    for name in ["flag", "s", "cat"]:
        column = p[name]
        assert column.kind == "categorical"
        counts = frame[name].value_counts()
        assert column.count == counts.sum()
        assert column.n_missing == frame[name].isna().sum()
        top = column.top(len(counts))
        assert sorted(top) == sorted((str(v), int(c)) for v, c in counts.items())
        assert [c for _, c in top] == sorted(counts, reverse=True)  # descending
        assert column.n_distinct == pytest.approx(frame[name].nunique(), abs=0.5)
        assert np.isnan(column.mean) and np.isnan(column.min)
        with pytest.raises(ValueError, match="categorical"):
            column.quantile(0.5)
    assert p["flag"].top(1)[0][0] == "False"


def test_infinities_are_counted_apart_from_the_moments():
    x = np.array([1.0, np.inf, 2.0, -np.inf, np.nan, 3.0])
    column = profile(pd.DataFrame({"x": x}))["x"]
    assert column.count == pd.Series(x).count() == 5
    assert column.n_missing == 1
    assert column.n_infinite == 2
    assert (column.min, column.max, column.mean) == (1.0, 3.0, 2.0)
    assert column.quantile(1.0) == 3.0
    assert column.n_distinct == pytest.approx(5, abs=0.5)


def test_single_float64_block_reaches_the_core_without_a_copy():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.normal(size=(1000, 4)), columns=list("abcd"))
    converted = _convert(frame, None)
    assert converted.block is not None
    assert np.shares_memory(converted.block, frame["a"].to_numpy())
    # mixed frames: float64 columns are per-column views
    frame["s"] = "x"
    converted = _convert(frame, None)
    assert converted.block is None
    assert np.shares_memory(converted.columns[0], frame["a"].to_numpy())
    # same numbers either way
    a = profile(frame[list("abcd")])
    b = profile(frame)
    for name in "abcd":
        assert a[name].quantile(0.3) == b[name].quantile(0.3)
        assert a[name].variance == b[name].variance


def test_pyarrow_table_and_numpy_array_give_the_same_profile_as_the_frame():
    frame = mixed_frame(3000, seed=2).drop(columns=["cat"])
    table = pa.Table.from_pandas(frame, preserve_index=False)
    assert profile(table).to_bytes() == profile(frame).to_bytes()
    # chunked columns, nulls in a numeric column, a dictionary column
    chunked = pa.concat_tables([table.slice(0, 1000), table.slice(1000)])
    assert profile(chunked).to_bytes() == profile(frame).to_bytes()
    ints = pa.table({"i": pa.array([1, None, 3], pa.int64()),
                     "d": pa.array(["a", "b", "a"]).dictionary_encode()})
    p = profile(ints)
    assert (p["i"].count, p["i"].n_missing, p["i"].mean) == (2, 1, 2.0)
    assert p["d"].kind == "categorical" and p["d"].top(1) == [("a", 2)]
    array = np.random.default_rng(3).normal(size=(500, 3))
    from_array = profile(array)
    assert from_array.columns == ["f0", "f1", "f2"]
    assert from_array.to_bytes() == profile(pd.DataFrame(array, columns=["f0", "f1", "f2"])).to_bytes()
    assert profile(array.astype(np.float32))["f1"].count == 500


def test_nullable_and_datetime_columns():
    frame = pd.DataFrame(
        {
            "i": pd.array([1, None, 3, 4], dtype="Int64"),
            "t": pd.to_datetime(["2024-01-01", None, "2024-01-02", "2024-01-01"]),
            "o": pd.Series(["a", pd.NA, None, np.nan], dtype=object),
        }
    )
    p = profile(frame)
    assert (p["i"].kind, p["i"].count, p["i"].n_missing, p["i"].mean) == ("numeric", 3, 1, 8 / 3)
    assert (p["t"].kind, p["t"].count, p["t"].n_missing) == ("categorical", 3, 1)
    assert p["t"].top(1) == [("2024-01-01 00:00:00", 2)]
    assert (p["o"].count, p["o"].n_missing) == (1, 3)


def test_categorical_option_and_to_frame():
    frame = pd.DataFrame({"code": [1, 2, 2, 3], "x": [0.5, 1.5, 2.5, 3.5]})
    p = profile(frame, categorical=["code"])
    assert p["code"].kind == "categorical"
    assert p["code"].top(1) == [("2", 2)]
    table = p.to_frame()
    assert list(table.index) == ["code", "x"]
    assert table.loc["x", "50%"] in (1.5, 2.5)
    assert table.loc["x", "count"] == 4 and table.loc["code", "top"] == "2"
    with pytest.raises(ValueError, match="nope"):
        profile(frame, categorical=["nope"])


def test_thread_count_does_not_change_the_result():
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(rng.normal(size=(300_000, 6)))
    frame.columns = [f"c{j}" for j in range(6)]
    one = profile(frame, n_jobs=1).to_bytes()
    two = profile(frame, n_jobs=2).to_bytes()
    assert one == two
    long = pd.DataFrame({"x": rng.normal(size=2_200_000)})  # two row blocks
    assert profile(long, n_jobs=1).to_bytes() == profile(long, n_jobs=2).to_bytes()


# ------------------------------------------------------------------------------------------
# Merge properties (hypothesis)

values = st.one_of(
    st.floats(min_value=-1e6, max_value=1e6),
    st.sampled_from([np.nan, np.inf, -np.inf]),
    st.integers(-5, 5).map(float),
)
frames = st.integers(0, 120).flatmap(
    lambda n: st.tuples(
        st.lists(values, min_size=n, max_size=n),
        st.lists(st.sampled_from(["a", "b", "c", "d", None]), min_size=n, max_size=n),
    )
).map(lambda t: pd.DataFrame({"x": np.array(t[0], dtype=np.float64),
                              "s": pd.Series(t[1], dtype=object)}))


def _column_json(p: Profile, name: str) -> dict:
    doc = json.loads(p.to_json())
    return next(c for c in doc["columns"] if c["name"] == name)


def assert_profiles_agree(merged: Profile, whole: Profile, data: pd.DataFrame):
    assert merged.n_rows == whole.n_rows
    for name in merged.columns:
        m, w = merged[name], whole[name]
        assert (m.count, m.n_missing, m.n_infinite) == (w.count, w.n_missing, w.n_infinite)
        np.testing.assert_array_equal([m.min, m.max], [w.min, w.max])
        finite_values = m.kind == "numeric" and m.count - m.n_infinite > 0
        scale = max(abs(m.min), abs(m.max)) if finite_values else 0.0
        # 1e-9 relative; the absolute part covers means and variances near zero
        np.testing.assert_allclose(m.mean, w.mean, rtol=1e-9, atol=1e-12 * scale)
        np.testing.assert_allclose(m.variance, w.variance, rtol=1e-9, atol=1e-12 * scale**2)
        assert _column_json(merged, name)["hll"] == _column_json(whole, name)["hll"]
        assert sorted(m.top(10)) == sorted(w.top(10))  # below capacity: exact
        if m.kind == "numeric" and m.count - m.n_infinite > 0:
            finite = data[name].to_numpy()
            finite = np.sort(finite[np.isfinite(finite)])
            for q in (0.1, 0.5, 0.9):
                estimate = m.quantile(q)
                lower = np.searchsorted(finite, estimate, side="left") / finite.size
                upper = exact_rank(finite, estimate)
                assert lower - m.rank_error <= q <= upper + m.rank_error


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames, frames, frames)
def test_merge_equals_profile_of_concatenation_and_is_commutative_and_associative(a, b, c):
    pa_, pb, pc = profile(a), profile(b), profile(c)
    ab = pd.concat([a, b], ignore_index=True)
    assert_profiles_agree(pa_.merge(pb), profile(ab), ab)
    assert_profiles_agree(pb.merge(pa_), profile(ab), ab)
    abc = pd.concat([a, b, c], ignore_index=True)
    left = pa_.merge(pb).merge(pc)
    right = pa_.merge(pb.merge(pc))
    assert_profiles_agree(left, profile(abc), abc)
    assert_profiles_agree(right, profile(abc), abc)
    assert_profiles_agree(Profile.merge_all([pa_, pb, pc]), profile(abc), abc)


@settings(max_examples=40, deadline=None)
@given(frames)
def test_bytes_json_and_pickle_round_trips(frame):
    p = profile(frame)
    data = p.to_bytes()
    assert Profile.from_bytes(data).to_bytes() == data
    text = p.to_json()
    assert Profile.from_json(text).to_bytes() == data
    assert Profile.from_json(json.loads(text)).to_json() == text
    assert pickle.loads(pickle.dumps(p)) == p


def test_save_and_load(tmp_path):
    p = profile(mixed_frame(200))
    p.save(tmp_path / "p.bin")
    assert Profile.load(tmp_path / "p.bin") == p


def test_large_merge_quantiles_against_the_concatenation():
    rng = np.random.default_rng(5)
    parts = [pd.DataFrame({"x": rng.normal(i, 1.0, 50_000)}) for i in range(4)]
    merged = Profile.merge_all([profile(part, seed=i) for i, part in enumerate(parts)])
    values = np.sort(pd.concat(parts)["x"].to_numpy())
    for q in np.linspace(0.01, 0.99, 15):
        assert abs(exact_rank(values, merged["x"].quantile(q)) - q) <= merged["x"].rank_error


# ------------------------------------------------------------------------------------------
# Drift from profiles


def test_drift_from_profiles_against_scores_on_the_full_data():
    rng = np.random.default_rng(6)
    n = 50_000
    ref = pd.DataFrame({"x": rng.normal(0.0, 1.0, n), "s": rng.choice(list("abc"), n)})
    cur = pd.DataFrame({"x": rng.normal(0.4, 1.2, n),
                        "s": rng.choice(list("abcd"), n, p=[0.4, 0.3, 0.2, 0.1])})
    scores = profile(ref).drift(profile(cur))
    assert list(scores.index) == ["x", "s"]
    x = scores.loc["x"]
    # sketched ranks are within rank_error of the exact ones: stated tolerances below
    exact_psi = sd.psi(ref["x"], cur["x"]).statistic
    exact_js = sd.jensen_shannon(ref["x"], cur["x"]).statistic
    assert x["psi"] == pytest.approx(exact_psi, rel=0.15)
    assert x["jensen_shannon"] == pytest.approx(exact_js, rel=0.1)
    ks = scipy.stats.ks_2samp(ref["x"], cur["x"]).statistic
    assert abs(x["linf"] - ks) <= x["rank_error"]
    w = scipy.stats.wasserstein_distance(ref["x"], cur["x"])
    assert x["wasserstein"] == pytest.approx(w, rel=0.05)
    # categorical: proportions exact (few categories), scores on them
    s = scores.loc["s"]
    p_ref = ref["s"].value_counts(normalize=True).reindex(list("abcd"), fill_value=0.0)
    p_cur = cur["s"].value_counts(normalize=True).reindex(list("abcd"), fill_value=0.0)
    assert s["linf"] == pytest.approx(np.abs(p_ref - p_cur).max(), abs=1e-12)
    assert s["jensen_shannon"] == pytest.approx(
        scipy.spatial.distance.jensenshannon(p_ref, p_cur, base=2), abs=1e-9
    )
    floored_r, floored_c = np.maximum(p_ref, 1e-4), np.maximum(p_cur, 1e-4)
    expected_psi = float(np.sum((floored_c - floored_r) * np.log(floored_c / floored_r)))
    assert s["psi"] == pytest.approx(expected_psi, rel=1e-9)
    assert np.isnan(s["wasserstein"])
    # no drift against itself
    same = profile(ref).drift(profile(ref))
    assert same.loc["x", "linf"] == 0.0 and same.loc["x", "wasserstein"] == 0.0
    assert same.loc["x", "psi"] == pytest.approx(0.0, abs=1e-12)


def test_drift_bad_input():
    p = profile(pd.DataFrame({"x": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="'y'"):
        p.drift(profile(pd.DataFrame({"y": [1.0, 2.0]})))
    with pytest.raises(ValueError, match="n_bins"):
        p.drift(p, n_bins=1)
    with pytest.raises(TypeError, match="Profile"):
        p.drift(pd.DataFrame({"x": [1.0]}))
    empty = profile(pd.DataFrame({"x": [np.nan, np.nan]}))
    assert np.isnan(p.drift(empty).loc["x", "psi"])


# ------------------------------------------------------------------------------------------
# Bad input


def test_duplicated_column_names_are_rejected():
    frame = pd.DataFrame([[1.0, 2.0]], columns=["a", "a"])
    with pytest.raises(ValueError, match="duplicated: 'a'"):
        profile(frame)
    frame = pd.DataFrame([[1.0, 2.0]], columns=[1, "1"])
    with pytest.raises(ValueError, match="duplicated: '1'"):
        profile(frame)


def test_non_string_column_names_become_strings():
    p = profile(pd.DataFrame({0: [1.0], ("a", 1): [2.0]}))
    assert p.columns == ["0", "('a', 1)"]
    assert p[0].mean == 1.0 and 0 in p


def test_zero_rows_give_an_empty_profile_that_is_the_identity_of_merge():
    frame = mixed_frame(100)
    empty = profile(frame.iloc[:0])
    assert empty.n_rows == 0
    assert all(empty[name].count == 0 for name in empty.columns)
    full = profile(frame)
    assert empty.merge(full) == full
    assert full.merge(empty) == full
    # a zero-row object column (kind undecidable) still merges with a numeric one
    assert profile(pd.DataFrame({"x": pd.Series([], dtype=object)})).merge(
        profile(pd.DataFrame({"x": [1.0]}))
    ).n_rows == 1


def test_all_nan_column():
    column = profile(pd.DataFrame({"x": [np.nan] * 5, "y": [1.0] * 5}))["x"]
    assert (column.count, column.n_missing) == (0, 5)
    assert np.isnan(column.min) and np.isnan(column.max) and np.isnan(column.mean)
    assert np.isnan(column.quantile(0.5)) and column.n_distinct == 0


def test_mixed_type_object_column_is_flagged():
    frame = pd.DataFrame({"m": pd.Series([1, "1", 2.5, None, "x"], dtype=object),
                          "t": pd.Series(["a", "b", None], dtype=object).reindex(range(5))})
    p = profile(frame)
    assert p["m"].kind == "categorical" and p["m"].mixed_types
    assert p["m"].count == 4 and p["m"].n_missing == 1
    # 1 and "1" print alike: one categorical value "1" seen twice
    assert sorted(p["m"].top(10)) == [("1", 2), ("2.5", 1), ("x", 1)]
    assert not p["t"].mixed_types


def test_merge_mismatches_name_the_column():
    a = profile(pd.DataFrame({"x": [1.0], "y": [2.0]}))
    with pytest.raises(ValueError, match="'y'"):
        a.merge(profile(pd.DataFrame({"x": [1.0], "z": [2.0]})))
    with pytest.raises(ValueError, match="column 'y' is numeric"):
        a.merge(profile(pd.DataFrame({"x": [1.0], "y": ["b"]})))
    with pytest.raises(ValueError, match="quantile_k"):
        a.merge(profile(pd.DataFrame({"x": [1.0], "y": [2.0]}), quantile_k=100))
    with pytest.raises(TypeError, match="Profile"):
        a.merge("x")
    with pytest.raises(ValueError, match="at least one"):
        Profile.merge_all([])


def test_corrupted_truncated_and_newer_data_fail_to_load():
    p = profile(mixed_frame(300))
    data = bytearray(p.to_bytes())
    with pytest.raises(ValueError, match="truncated"):
        Profile.from_bytes(bytes(data[:-7]))
    data[len(data) // 2] ^= 0x44
    with pytest.raises(ValueError, match="checksum"):
        Profile.from_bytes(bytes(data))
    with pytest.raises(ValueError, match="bad magic"):
        Profile.from_bytes(b"x" * 40)
    doc = json.loads(p.to_json())
    doc["version"] = 99
    with pytest.raises(ValueError, match="version 99"):
        Profile.from_json(doc)
    doc["version"] = 1
    doc["format"] = "other"
    with pytest.raises(ValueError, match="shiftguard.profile"):
        Profile.from_json(doc)
    with pytest.raises(ValueError, match="json"):
        Profile.from_json(p.to_json()[:100])
    with pytest.raises(TypeError):
        Profile.from_bytes("text")


def test_bad_arguments():
    frame = pd.DataFrame({"x": [1.0]})
    with pytest.raises(TypeError, match="DataFrame"):
        profile([[1.0, 2.0]])
    with pytest.raises(ValueError, match="2-D"):
        profile(np.zeros(3))
    with pytest.raises(TypeError, match="complex"):
        profile(pd.DataFrame({"z": [1j]}))
    with pytest.raises(ValueError, match="quantile_k"):
        profile(frame, quantile_k=4)
    with pytest.raises(ValueError, match="hll_precision"):
        profile(frame, hll_precision=30)
    with pytest.raises(TypeError, match="top_k"):
        profile(frame, top_k=2.5)
    with pytest.raises(ValueError, match="n_jobs"):
        profile(frame, n_jobs=0)
    with pytest.raises(ValueError, match="seed"):
        profile(frame, seed=-1)
    with pytest.raises(KeyError):
        profile(frame)["nope"]
    with pytest.raises(TypeError):
        Profile("state")
    assert isinstance(profile(frame)["x"], ColumnProfile)
