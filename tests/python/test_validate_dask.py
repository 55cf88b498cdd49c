"""shiftguard.dask.profile: the profile of a Dask DataFrame, built on the workers of a
distributed.LocalCluster (two worker processes) and merged in a tree, equals the single-machine
profile within the sketches' error: exactly for count, missing, min, max, distinct-count
registers and (below capacity) heavy hitters; 1e-9 relative for mean and variance; quantiles
within the KLL rank bound, checked against the exact ranks in the data."""

import dask
import dask.dataframe as dd
import distributed
import numpy as np
import pandas as pd
import pytest
import shiftguard.dask
from shiftguard.validate import Profile, profile

QS = [0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0]


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        yield client


def frame(n=20_000, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(10.0, 3.0, size=n)
    x[rng.random(n) < 0.05] = np.nan
    y = rng.exponential(2.0, size=n)
    y[:3] = [np.inf, -np.inf, np.nan]
    return pd.DataFrame(
        {
            "x": x,
            "y": y,
            "k": rng.integers(0, 500, size=n),
            "city": rng.choice(["paris", "lima", "oslo", "pune", None], size=n,
                               p=[0.4, 0.3, 0.15, 0.1, 0.05]),
        }
    )


def with_empty_partitions(pdf, npartitions):
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    empty = dd.from_pandas(pdf.iloc[:0], npartitions=1)
    return dd.concat([empty, ddf, empty])


def assert_matches(got, expected, data):
    assert isinstance(got, Profile)
    assert got.n_rows == expected.n_rows == len(data)
    assert got.columns == expected.columns
    for name in expected.columns:
        g, e = got[name], expected[name]
        assert g.kind == e.kind, name
        assert (g.count, g.n_missing) == (e.count, e.n_missing), name
        assert g.n_distinct == e.n_distinct, name  # HLL registers merge exactly
        if e.kind == "numeric":
            assert (g.min, g.max) == (e.min, e.max), name
            assert g.mean == pytest.approx(e.mean, rel=1e-9), name
            assert g.variance == pytest.approx(e.variance, rel=1e-9), name
            values = np.sort(data[name].to_numpy(dtype=float))
            values = values[np.isfinite(values)]
            bound = max(g.rank_error, e.rank_error)
            assert 0 < bound < 0.02
            for q, value in zip(QS, g.quantiles(QS)):
                low = np.searchsorted(values, value, side="left") / len(values)
                high = np.searchsorted(values, value, side="right") / len(values)
                assert low - bound <= q <= high + bound, (name, q, value)
        else:
            assert g.top(10) == e.top(10), name


def test_distributed_profile_equals_single_machine_profile(client):
    pdf = frame()
    ddf = with_empty_partitions(pdf, 7)
    assert ddf.npartitions == 9
    got = shiftguard.dask.profile(ddf, split_every=2)
    assert_matches(got, profile(pdf), pdf)
    # the exact numbers, by pandas
    assert got["x"].n_missing == int(pdf["x"].isna().sum())
    assert got["x"].mean == pytest.approx(pdf["x"].mean(), rel=1e-12)
    assert got["k"].max == pdf["k"].max()
    assert got["city"].top(1) == [("paris", int((pdf["city"] == "paris").sum()))]
    # the tasks ran on the workers
    assert len(client.scheduler_info()["workers"]) == 2


def test_partitioning_and_fan_in_do_not_matter_beyond_the_sketch_error(client):
    pdf = frame(n=5_000, seed=1)
    a = shiftguard.dask.profile(dd.from_pandas(pdf, npartitions=3), split_every=8)
    b = shiftguard.dask.profile(dd.from_pandas(pdf, npartitions=11), split_every=3)
    assert_matches(a, profile(pdf), pdf)
    assert_matches(b, profile(pdf), pdf)
    # same partitioning, same fan-in: the same bytes
    again = shiftguard.dask.profile(dd.from_pandas(pdf, npartitions=11), split_every=3)
    assert again.to_bytes() == b.to_bytes()


def test_threaded_and_sync_schedulers_without_a_cluster():
    pdf = frame(n=4_000, seed=2)
    ddf = with_empty_partitions(pdf, 4)
    expected = profile(pdf)
    for scheduler in ("threads", "sync"):
        with dask.config.set(scheduler=scheduler):
            assert_matches(shiftguard.dask.profile(ddf), expected, pdf)
    assert_matches(shiftguard.dask.profile(ddf, scheduler="sync"), expected, pdf)


def test_keywords_reach_every_partition():
    pdf = frame(n=2_000, seed=3)
    ddf = dd.from_pandas(pdf, npartitions=4)
    got = shiftguard.dask.profile(ddf, categorical=["k"], top_k=16, scheduler="sync")
    assert got["k"].kind == "categorical"
    single = profile(pdf, categorical=["k"], top_k=16)
    assert got["k"].count == single["k"].count
    assert got["k"].n_distinct == single["k"].n_distinct
    assert got.options == single.options


def test_all_empty_frame():
    pdf = frame(n=10).iloc[:0]
    got = shiftguard.dask.profile(dd.from_pandas(pdf, npartitions=1), scheduler="sync")
    assert got.n_rows == 0 and got.columns == ["x", "y", "k", "city"]


def test_bad_input():
    with pytest.raises(TypeError, match="dask.dataframe.DataFrame"):
        shiftguard.dask.profile(frame(n=10))
    ddf = dd.from_pandas(frame(n=10), npartitions=2)
    with pytest.raises(ValueError, match="split_every must be >= 2"):
        shiftguard.dask.profile(ddf, split_every=1)
    with pytest.raises(TypeError, match="split_every"):
        shiftguard.dask.profile(ddf, split_every=2.5)
    # bad profile keywords fail before any task runs, with profile's own message
    with pytest.raises(ValueError, match="quantile_k"):
        shiftguard.dask.profile(ddf, quantile_k=2)
    with pytest.raises(ValueError, match="categorical"):
        shiftguard.dask.profile(ddf, categorical=["missing"])


def test_unpickled_partitions_are_profiled():
    # Partitions reach the workers pickled; their arrays then hold equal but distinct dtype
    # objects, which the compiled profile once refused ("must have dtype float64, got float64").
    import pickle

    pdf = frame(n=3_000, seed=4)
    thawed = pickle.loads(pickle.dumps(pdf, protocol=5))
    assert thawed["x"].to_numpy().dtype is not np.dtype(np.float64)
    got = shiftguard.dask.profile(dd.from_pandas(thawed, npartitions=3), scheduler="sync")
    assert_matches(got, profile(pdf), pdf)
