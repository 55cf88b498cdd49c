"""Streaming detectors of real-valued streams (Page–Hinkley, KSWIN, CUSUM): the same
detection indices as river on the same seeded streams, CUSUM against a plain-Python
oracle, and the shared stream API (update_many, save/load, bad input)."""

from __future__ import annotations

import copy
import itertools
import pickle
import struct
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import shiftguard
from shiftguard.drift import CUSUM, KSWIN, PageHinkley

river_drift = pytest.importorskip("river.drift")
river_synth = pytest.importorskip("river.datasets.synth")


def make_stream(kind: str, seed: int, n: int = 3000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    half = n // 2
    if kind == "abrupt":
        return np.concatenate([rng.normal(0, 1, half), rng.normal(2.5, 1, n - half)])
    if kind == "gradual":
        shift = np.clip((np.arange(n) - half) / 500.0, 0.0, 1.0) * 3.0
        return rng.normal(0, 1, n) + shift
    if kind == "variance":
        return np.concatenate([rng.normal(0, 1, half), rng.normal(0, 4, n - half)])
    if kind == "none":
        return rng.normal(5, 2, n)
    if kind == "integers":
        return np.concatenate([rng.integers(0, 2, half), rng.integers(4, 8, n - half)]).astype(float)
    if kind == "friedman":
        generator = river_synth.FriedmanDrift(drift_type="gra", position=(n // 3, 2 * n // 3), seed=seed)
        return np.array([y for _, y in itertools.islice(generator, n)])
    raise AssertionError(kind)


KINDS = ["abrupt", "gradual", "variance", "none", "integers", "friedman"]


def river_indices(detector, stream) -> list[int]:
    found = []
    for i, x in enumerate(stream):
        detector.update(float(x))
        if detector.drift_detected:
            found.append(i)
    return found


# --- Page–Hinkley -------------------------------------------------------------------------

PH_SETTINGS = [
    {},
    {"mode": "up"},
    {"mode": "down"},
    {"threshold": 10.0, "min_instances": 5},
    {"alpha": 1.0, "delta": 0.1, "threshold": 20.0},
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("params", PH_SETTINGS, ids=str)
def test_page_hinkley_matches_river(kind, params):
    stream = make_stream(kind, seed=11)
    expected = river_indices(river_drift.PageHinkley(**params), stream)
    assert PageHinkley(**params).update_many(stream).drift_indices.tolist() == expected


def test_page_hinkley_state_matches_river():
    stream = make_stream("gradual", seed=2)
    ours, theirs = PageHinkley(), river_drift.PageHinkley()
    for x in stream[:700]:
        ours.update(x)
        theirs.update(float(x))
        assert ours.drift_detected == theirs.drift_detected
    assert ours.mean == pytest.approx(theirs._x_mean.get(), rel=1e-15)
    assert ours.n_seen == theirs._x_mean.n


# --- KSWIN --------------------------------------------------------------------------------

KSWIN_SETTINGS = [
    {"seed": 1},
    {"seed": 42, "window_size": 1000, "stat_size": 30},  # CPython samples with a seen-set
    {"seed": 7, "window_size": 60, "stat_size": 10, "alpha": 0.05},
    {"seed": 2**40 + 3},  # two-word seed
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("params", KSWIN_SETTINGS, ids=str)
def test_kswin_matches_river(kind, params):
    stream = make_stream(kind, seed=5, n=2000)
    expected = river_indices(river_drift.KSWIN(**params), stream)
    assert KSWIN(**params).update_many(stream).drift_indices.tolist() == expected


def test_kswin_initial_window_and_p_value_match_river():
    rng = np.random.default_rng(8)
    initial = rng.normal(0, 1, 100).tolist()
    stream = rng.normal(1.0, 1, 400)
    ours = KSWIN(seed=3, window=initial)
    theirs = river_drift.KSWIN(seed=3, window=initial)
    for x in stream:
        ours.update(x)
        theirs.update(float(x))
        assert ours.drift_detected == theirs.drift_detected
        assert ours.p_value == pytest.approx(theirs.p_value, rel=1e-8, abs=1e-300)
    assert ours.window == list(theirs.window)


def test_kswin_without_seed_records_the_drawn_seed():
    detector = KSWIN()
    assert isinstance(detector.seed, int)
    stream = make_stream("abrupt", seed=1, n=1000)
    replay = KSWIN(seed=detector.seed)
    assert (
        detector.update_many(stream).drift_indices.tolist()
        == replay.update_many(stream).drift_indices.tolist()
    )


# --- CUSUM against a plain-Python oracle --------------------------------------------------


def cusum_oracle(stream, target=None, std=None, burn_in=30, k=0.5, h=5.0, mode="both"):
    found = []
    i = 0
    n = len(stream)
    while i < n:
        mu, sigma = target, std
        if mu is None or sigma is None:
            burn = np.asarray(stream[i : i + burn_in], dtype=float)
            if len(burn) < burn_in:
                break
            mu = float(np.mean(burn)) if target is None else target
            sigma = float(np.std(burn, ddof=1)) if std is None else std
            i += burn_in
        up = down = 0.0
        while i < n:
            z = (stream[i] - mu) / sigma
            up = max(0.0, up + z - k)
            down = max(0.0, down - z - k)
            fired = {"up": up > h, "down": down > h, "both": up > h or down > h}[mode]
            i += 1
            if fired:
                found.append(i - 1)
                break
    return found


CUSUM_SETTINGS = [
    {},
    {"target": 0.0, "std": 1.0},
    {"mode": "up", "k": 0.25, "h": 8.0},
    {"mode": "down", "burn_in": 100},
    {"std": 2.0},
]


@pytest.mark.parametrize("kind", ["abrupt", "gradual", "variance", "none"])
@pytest.mark.parametrize("params", CUSUM_SETTINGS, ids=str)
def test_cusum_matches_oracle(kind, params):
    stream = make_stream(kind, seed=3)
    found = CUSUM(**params).update_many(stream).drift_indices.tolist()
    expected = cusum_oracle(stream, **params)
    # Welford and numpy round differently in the last bits; detections must still agree.
    assert found == expected


def test_cusum_in_control_run_length_is_long():
    # Two-sided chart, k=0.5, h=5: in-control average run length about 465 values
    # (half the one-sided 930). Seeded: 200 runs of N(0,1) with known target and std.
    rng = np.random.default_rng(0)
    lengths = []
    for _ in range(200):
        detector = CUSUM(target=0.0, std=1.0)
        events = detector.update_many(rng.normal(0, 1, 5000)).drift_indices
        lengths.append(events[0] + 1 if len(events) else 5000)
    assert 330 < np.mean(lengths) < 620


# --- The shared API -----------------------------------------------------------------------

FACTORIES = {
    "PageHinkley": lambda: PageHinkley(threshold=20.0),
    "KSWIN": lambda: KSWIN(seed=4),
    "CUSUM": lambda: CUSUM(),
}


@pytest.fixture(params=sorted(FACTORIES))
def factory(request):
    return FACTORIES[request.param]


def test_update_and_update_many_agree(factory):
    stream = make_stream("abrupt", seed=9, n=2500)
    one_by_one = factory()
    single = [i for i, x in enumerate(stream) if one_by_one.update(x).drift_detected]
    batched = factory()
    first = batched.update_many(stream[:1234]).drift_indices
    second = batched.update_many(stream[1234:]).drift_indices + 1234
    assert single == first.tolist() + second.tolist()
    assert len(single) > 0
    assert one_by_one.save() == batched.save()


def test_update_returns_self_and_accepts_python_and_numpy_numbers(factory):
    detector = factory()
    assert detector.update(1) is detector
    detector.update(np.float32(0.5)).update(np.int64(2)).update(True)
    assert detector.drift_detected in (True, False)
    assert detector.warning_detected is False


def test_save_load_mid_stream_continues_identically(factory, tmp_path):
    stream = make_stream("gradual", seed=4, n=3000)
    original = factory()
    original.update_many(stream[:1500])
    restored = type(original).load(original.save())
    assert repr(restored) == repr(original)
    pickled = pickle.loads(pickle.dumps(original))
    copied = copy.deepcopy(original)
    rest = [d.update_many(stream[1500:]).drift_indices.tolist() for d in (original, restored, pickled, copied)]
    assert rest[0] == rest[1] == rest[2] == rest[3]
    assert original.save() == restored.save()


def test_reset_forgets_everything(factory):
    stream = make_stream("abrupt", seed=6)
    fresh = factory()
    used = factory()
    used.update_many(stream[::-1])
    used.reset()
    assert used.update_many(stream).drift_indices.tolist() == fresh.update_many(stream).drift_indices.tolist()


def test_truncated_or_corrupted_state_fails_cleanly(factory):
    detector = factory()
    detector.update_many(make_stream("abrupt", seed=1, n=500))
    data = detector.save()
    kind = type(detector)
    for cut in range(len(data)):
        with pytest.raises(shiftguard.FormatError):
            kind.load(data[:cut])
    for position in range(0, len(data), max(1, len(data) // 200)):
        corrupted = bytearray(data)
        corrupted[position] ^= 0x40
        with pytest.raises(shiftguard.FormatError):
            kind.load(bytes(corrupted))
    with pytest.raises(shiftguard.FormatError, match="trailing"):
        kind.load(data + b"\0")
    with pytest.raises(TypeError, match="bytes"):
        kind.load("not bytes")


def reseal(data: bytes, offset: int, value: int) -> bytes:
    """Overwrite a u32 field and recompute the checksum, as a newer writer would."""
    body = bytearray(data[:-4])
    body[offset : offset + 4] = struct.pack("<I", value)
    return bytes(body) + struct.pack("<I", zlib.crc32(bytes(body)))


def test_wrong_version_or_type_is_reported():
    data = PageHinkley().update(1.0).save()
    assert data[:8] == b"SHFTGRD\0"
    assert reseal(data, 8, 1) == data  # our checksum is zlib's CRC-32
    with pytest.raises(shiftguard.FormatError, match="container format version 2"):
        PageHinkley.load(reseal(data, 8, 2))
    tag_length = struct.unpack("<I", data[12:16])[0]
    with pytest.raises(shiftguard.FormatError, match="layout version 9"):
        PageHinkley.load(reseal(data, 16 + tag_length, 9))
    with pytest.raises(shiftguard.FormatError, match="holds a 'drift.stream.page_hinkley'"):
        KSWIN.load(data)


def test_non_finite_values_raise_with_index_and_lose_nothing(factory):
    detector = factory()
    detector.update_many(make_stream("none", seed=2, n=200))
    before = detector.save()
    with pytest.raises(ValueError, match=r"values\[3\] is NaN"):
        detector.update_many([1.0, 2.0, 3.0, np.nan, 4.0])
    with pytest.raises(ValueError, match=r"values\[1\] is infinite"):
        detector.update_many(np.array([0.0, -np.inf]))
    with pytest.raises(ValueError, match="x is NaN"):
        detector.update(float("nan"))
    assert detector.save() == before


def test_omit_policy_skips_non_finite_values():
    stream = make_stream("abrupt", seed=3)
    holes = stream.copy()
    holes[::7] = np.nan
    kept = stream[~np.isnan(holes)]
    positions = np.flatnonzero(~np.isnan(holes))
    with_holes = PageHinkley(nan_policy="omit").update_many(holes).drift_indices
    clean = PageHinkley().update_many(kept).drift_indices
    assert with_holes.tolist() == positions[clean].tolist()
    detector = PageHinkley(nan_policy="omit")
    detector.update(float("inf"))
    assert detector.n_seen == 0


def test_bad_values_and_arrays_are_rejected(factory):
    detector = factory()
    with pytest.raises(TypeError, match="real number"):
        detector.update("3.0")
    with pytest.raises(TypeError, match="numeric"):
        detector.update_many(["a", "b"])
    with pytest.raises(ValueError, match="one-dimensional"):
        detector.update_many(np.zeros((3, 2)))
    assert detector.update_many([]).drift_indices.tolist() == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: PageHinkley(delta=-0.1), "delta"),
        (lambda: PageHinkley(threshold=-1.0), "threshold"),
        (lambda: PageHinkley(alpha=0.0), "alpha"),
        (lambda: PageHinkley(alpha=1.5), "alpha"),
        (lambda: PageHinkley(min_instances=0), "min_instances"),
        (lambda: PageHinkley(mode="sideways"), "mode"),
        (lambda: KSWIN(alpha=1.5), "alpha"),
        (lambda: KSWIN(alpha=0.0), "alpha"),
        (lambda: KSWIN(window_size=50, stat_size=30), "window_size"),
        (lambda: KSWIN(stat_size=0), "stat_size"),
        (lambda: KSWIN(window=[1.0, float("nan")]), "finite"),
        (lambda: CUSUM(std=0.0), "std"),
        (lambda: CUSUM(h=0.0), "h"),
        (lambda: CUSUM(k=-1.0), "k"),
        (lambda: CUSUM(burn_in=1), "burn_in"),
        (lambda: CUSUM(target=float("inf")), "target"),
        (lambda: PageHinkley(nan_policy="ignore"), "nan_policy"),
    ],
)
def test_bad_parameters_name_the_parameter(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    "make",
    [
        lambda: PageHinkley(min_instances=3.5),
        lambda: PageHinkley(delta="0.1"),
        lambda: KSWIN(seed=1.5),
        lambda: CUSUM(target="0"),
    ],
)
def test_parameters_of_the_wrong_type_raise_type_error(make):
    with pytest.raises(TypeError):
        make()


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=0, max_size=300),
    split=st.integers(0, 300),
    which=st.sampled_from(sorted(FACTORIES)),
)
def test_save_load_round_trip_property(values, split, which):
    detector = FACTORIES[which]()
    detector.update_many(values[:split])
    restored = type(detector).load(detector.save())
    assert restored.save() == detector.save()
    tail = values[split:]
    assert (
        restored.update_many(tail).drift_indices.tolist()
        == detector.update_many(tail).drift_indices.tolist()
    )
