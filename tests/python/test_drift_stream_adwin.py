"""shiftguard.drift.ADWIN against river 0.26.1's drift.ADWIN (the oracle): identical drift
indices and final window statistics on seeded streams and parameter settings, plus the
streaming API (update/update_many, pickling, save/load) and bad input."""

import copy
import itertools
import pickle
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import shiftguard
from shiftguard.drift import ADWIN, PageHinkley

river_drift = pytest.importorskip("river.drift")
synth = pytest.importorskip("river.datasets.synth")


def river_run(values, **params):
    """river's drift indices, its per-value flags, and its final detector."""
    detector = river_drift.ADWIN(**params)
    flags = []
    for x in values:
        detector.update(float(x))
        flags.append(detector.drift_detected)
    return [i for i, flag in enumerate(flags) if flag], detector


def assert_same_as_river(values, **params):
    values = np.asarray(values, dtype=float)
    expected, oracle = river_run(values, **params)
    ours = ADWIN(**params)
    found = ours.update_many(values).drift_indices.tolist()
    assert found == expected
    assert float(ours.width) == oracle.width
    # The arithmetic follows river's order, so the sums agree to the last bit.
    assert ours.total == oracle.total
    assert ours.variance == oracle.variance
    assert ours.estimation == oracle.estimation
    assert ours.n_detections == oracle.n_detections
    assert ours.drift_detected == oracle.drift_detected
    return found


# --- streams --------------------------------------------------------------------------------


def abrupt(seed):
    rng = np.random.default_rng(seed)
    return np.concatenate(
        [rng.normal(0.0, 1.0, 2000), rng.normal(1.0, 1.0, 2000), rng.normal(0.2, 1.0, 2000)]
    )


def gradual(seed):
    rng = np.random.default_rng(seed)
    ramp = np.concatenate([np.zeros(2000), np.linspace(0.0, 2.0, 3000), np.full(1000, 2.0)])
    return ramp + rng.normal(0.0, 1.0, ramp.size)


def variance_change(seed):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.normal(5.0, 0.5, 3000), rng.normal(5.0, 5.0, 3000)])


def stationary(seed):
    return np.random.default_rng(seed).normal(3.0, 2.0, 10000)


def integers(seed):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.integers(0, 10, 2500), rng.integers(2, 12, 2500)])


def binary(seed):
    rng = np.random.default_rng(seed)
    rate = np.repeat([0.1, 0.4, 0.2], 2000)
    return (rng.random(rate.size) < rate).astype(float)


def friedman_gradual(seed):
    stream = synth.FriedmanDrift(drift_type="gra", position=(1500, 3500), seed=seed)
    return [y for _, y in itertools.islice(stream, 5000)]


def friedman_global(seed):
    stream = synth.FriedmanDrift(
        drift_type="gsg", position=(1500, 3500), transition_window=500, seed=seed
    )
    return [y for _, y in itertools.islice(stream, 5000)]


def friedman_local(seed):
    stream = synth.FriedmanDrift(drift_type="lea", position=(2000, 4000, 6000), seed=seed)
    return [y for _, y in itertools.islice(stream, 8000)]


def sea_labels(seed):
    stream = synth.ConceptDriftStream(
        stream=synth.SEA(seed=seed, variant=0),
        drift_stream=synth.SEA(seed=seed, variant=3),
        position=2500,
        width=200,
        seed=seed,
    )
    return [float(y) for _, y in itertools.islice(stream, 5000)]


def agrawal_salary(seed):
    stream = synth.ConceptDriftStream(
        stream=synth.Agrawal(classification_function=0, seed=seed),
        drift_stream=synth.Agrawal(classification_function=4, seed=seed),
        position=2000,
        width=50,
        seed=seed,
    )
    return [x["salary"] / 1000.0 + 30.0 * y for x, y in itertools.islice(stream, 4000)]


STREAMS = {
    "abrupt": abrupt,
    "gradual": gradual,
    "variance_change": variance_change,
    "stationary": stationary,
    "integers": integers,
    "binary": binary,
    "friedman_gradual": friedman_gradual,
    "friedman_global": friedman_global,
    "friedman_local": friedman_local,
    "sea_labels": sea_labels,
    "agrawal_salary": agrawal_salary,
}

PARAMS = {
    "defaults": {},
    "clock1": {"clock": 1},
    "delta_0.1": {"delta": 0.1, "clock": 8},
    "delta_1e-5": {"delta": 1e-5},
    "grace_period": {"grace_period": 500, "clock": 4},
    "no_grace": {"grace_period": 0, "min_window_length": 1, "clock": 2},
    "min_window_length": {"min_window_length": 50, "clock": 5},
    "max_buckets": {"max_buckets": 2, "clock": 3, "delta": 0.05},
    "many_buckets": {"max_buckets": 12},
}


@pytest.mark.parametrize("stream", sorted(STREAMS))
@pytest.mark.parametrize("seed", [1, 2])
def test_default_parameters_match_river(stream, seed):
    values = STREAMS[stream](seed)
    found = assert_same_as_river(values)
    if stream == "stationary":
        assert found == []


@pytest.mark.parametrize("params", sorted(PARAMS))
@pytest.mark.parametrize("stream", ["abrupt", "gradual", "variance_change", "binary", "sea_labels"])
def test_parameter_settings_match_river(params, stream):
    assert_same_as_river(STREAMS[stream](7), **PARAMS[params])


def test_the_detections_in_the_tests_are_not_vacuous():
    assert len(assert_same_as_river(abrupt(1))) >= 2
    assert len(assert_same_as_river(variance_change(1), clock=1)) >= 1
    assert len(assert_same_as_river(friedman_local(1))) >= 1
    assert len(assert_same_as_river(friedman_gradual(1), delta=0.1, clock=4)) >= 1
    assert len(assert_same_as_river(binary(1), clock=1)) >= 2


def test_single_bucket_rows_match_river():
    # max_buckets=1 leaves empty rows inside the histogram; river handles these streams.
    for seed in range(3):
        assert_same_as_river(abrupt(seed), max_buckets=1, clock=1)


def test_single_bucket_rows_where_river_fails():
    # Here river 0.26.1 raises a Rust panic (it deletes from an empty trailing row after a
    # large shift); shiftguard drops empty trailing rows and keeps going.
    rng = np.random.default_rng(0)
    n = int(rng.integers(20, 3000))
    values = np.concatenate([rng.normal(0, 1, n), rng.normal(rng.uniform(1, 50), 1, 500)])
    params = {"max_buckets": 1, "clock": 1, "min_window_length": 1, "grace_period": 0}
    with pytest.raises(BaseException, match="slice index"):
        river_run(values, delta=0.5, **params)
    ours = ADWIN(delta=0.5, **params)
    assert ours.update_many(values).drift_indices.size > 0
    assert ours.width >= 1
    assert np.isfinite(ours.variance)


def test_river_docstring_example():
    rng = random.Random(12345)
    stream = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
    detector = ADWIN()
    found = [i for i, x in enumerate(stream) if detector.update(x).drift_detected]
    assert found == [1023]
    assert found == river_run(stream)[0]


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.integers(-5, 5), st.floats(-1e3, 1e3, allow_nan=False)),
        min_size=0,
        max_size=400,
    ),
    delta=st.floats(1e-4, 0.9),
    clock=st.integers(1, 5),
    max_buckets=st.integers(2, 6),
    min_window_length=st.integers(1, 8),
    grace_period=st.integers(0, 20),
)
def test_arbitrary_streams_match_river(
    values, delta, clock, max_buckets, min_window_length, grace_period
):
    assert_same_as_river(
        values,
        delta=delta,
        clock=clock,
        max_buckets=max_buckets,
        min_window_length=min_window_length,
        grace_period=grace_period,
    )


# --- streaming API --------------------------------------------------------------------------


def test_update_equals_update_many_and_river_step_by_step():
    values = gradual(3)
    expected_flags = [False] * values.size
    oracle = river_drift.ADWIN(clock=2)
    one = ADWIN(clock=2)
    for i, x in enumerate(values):
        oracle.update(float(x))
        expected_flags[i] = oracle.drift_detected
        assert one.update(x) is one
        assert one.drift_detected == oracle.drift_detected
        assert float(one.width) == oracle.width
    many = ADWIN(clock=2)
    events = many.update_many(values)
    assert events.drift_indices.tolist() == [i for i, f in enumerate(expected_flags) if f]
    assert events.warning_indices.tolist() == []
    assert (many.width, many.total, many.variance) == (one.width, one.total, one.variance)


def test_update_many_accepts_lists_ints_and_float32():
    values = integers(4)
    reference = ADWIN().update_many(values.astype(float)).drift_indices.tolist()
    assert ADWIN().update_many(values.tolist()).drift_indices.tolist() == reference
    assert ADWIN().update_many(values.astype(np.int32)).drift_indices.tolist() == reference
    assert ADWIN().update_many(values.astype(np.float32)).drift_indices.tolist() == reference


@pytest.mark.parametrize("cut", [0, 1, 1500, 2100, 4100])
def test_save_load_and_pickle_mid_stream(cut):
    values = abrupt(5)
    original = ADWIN(clock=4, delta=0.01, nan_policy="omit")
    original.update_many(values[:cut])
    restored = ADWIN.load(original.save())
    pickled = pickle.loads(pickle.dumps(original))
    copied = copy.deepcopy(original)
    expected = original.update_many(values[cut:]).drift_indices.tolist()
    assert expected or cut > 4000
    for other in (restored, pickled, copied):
        assert isinstance(other, ADWIN)
        assert (other.delta, other.clock, other.nan_policy) == (0.01, 4, "omit")
        assert other.update_many(values[cut:]).drift_indices.tolist() == expected
        assert (other.width, other.total, other.variance) == (
            original.width,
            original.total,
            original.variance,
        )


def test_reset_and_parameters():
    detector = ADWIN(delta=0.05, clock=1, max_buckets=3, min_window_length=2, grace_period=4)
    assert repr(detector) == (
        "ADWIN(delta=0.05, clock=1, max_buckets=3, min_window_length=2, grace_period=4, "
        "nan_policy='raise')"
    )
    detector.update_many(abrupt(1)[:3000])
    assert detector.reset() is detector
    assert (detector.width, detector.total, detector.variance, detector.estimation) == (0, 0, 0, 0)
    assert detector.n_bucket_rows == 1
    assert not detector.drift_detected


def test_memory_is_logarithmic_in_the_window():
    detector = ADWIN()
    detector.update_many(np.random.default_rng(0).random(200_000))
    assert detector.width == 200_000
    assert detector.n_bucket_rows <= 16  # about log2(200000 / 5)
    assert len(detector.save()) < 2000


# --- bad input ------------------------------------------------------------------------------


def test_non_finite_values():
    detector = ADWIN()
    detector.update(1.0)
    with pytest.raises(ValueError, match="x is NaN"):
        detector.update(float("nan"))
    with pytest.raises(ValueError, match=r"values\[2\] is NaN"):
        detector.update_many([1.0, 2.0, np.nan, 3.0])
    with pytest.raises(ValueError, match=r"values\[0\] is infinite"):
        detector.update_many([np.inf])
    assert detector.width == 1  # a rejected batch changes nothing
    omitting = ADWIN(nan_policy="omit")
    omitting.update_many([1.0, np.nan, 2.0, -np.inf])
    omitting.update(float("nan"))
    assert (omitting.width, omitting.total) == (2, 3.0)


def test_wrong_types():
    detector = ADWIN()
    with pytest.raises(TypeError, match="x must be a real number"):
        detector.update("1.0")
    with pytest.raises(TypeError, match="values must be numeric"):
        detector.update_many(["a", "b"])
    with pytest.raises(ValueError, match="one-dimensional"):
        detector.update_many(np.zeros((2, 2)))
    with pytest.raises(TypeError, match="delta"):
        ADWIN(delta="0.1")
    with pytest.raises(TypeError, match="clock"):
        ADWIN(clock=1.5)
    with pytest.raises(TypeError, match="grace_period"):
        ADWIN(grace_period=True)
    with pytest.raises(TypeError, match="data must be bytes"):
        ADWIN.load("not bytes")


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"delta": 0.0}, "delta"),
        ({"delta": 1.0}, "delta"),
        ({"delta": -0.5}, "delta"),
        ({"delta": float("nan")}, "delta"),
        ({"clock": 0}, "clock"),
        ({"clock": 2**31}, "clock"),
        ({"max_buckets": 0}, "max_buckets"),
        ({"max_buckets": 2**20 + 1}, "max_buckets"),
        ({"min_window_length": 0}, "min_window_length"),
        ({"grace_period": -1}, "grace_period"),
        ({"nan_policy": "ignore"}, "nan_policy"),
    ],
)
def test_bad_parameters(params, name):
    with pytest.raises(ValueError, match=name):
        ADWIN(**params)


def test_truncated_corrupted_or_foreign_state():
    detector = ADWIN(max_buckets=3)
    detector.update_many(abrupt(2)[:700])
    data = detector.save()
    for length in range(len(data)):
        with pytest.raises(shiftguard.FormatError):
            ADWIN.load(data[:length])
    for position in range(0, len(data), 7):
        corrupted = bytearray(data)
        corrupted[position] ^= 0xFF
        with pytest.raises(shiftguard.FormatError):
            ADWIN.load(bytes(corrupted))
    with pytest.raises(shiftguard.FormatError, match="page_hinkley"):
        ADWIN.load(PageHinkley().save())
    assert issubclass(shiftguard.FormatError, ValueError)
