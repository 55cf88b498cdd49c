"""shiftguard.drift.binary against river.drift.binary (river 0.26.1, the oracle): identical
drift and warning positions on seeded error streams (abrupt and gradual increases, no drift,
decreases, very low and very high error rates, the errors of a real classifier on river's
concept-drift generators) under several parameter settings; update vs update_many;
pickling and save/load mid-stream; bad inputs and corrupted states."""

from __future__ import annotations

import copy
import functools
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import shiftguard
from shiftguard.drift import binary

river_binary = pytest.importorskip("river.drift.binary")

# (shiftguard class, river class, keyword arguments), the same arguments for both.
SETTINGS = [
    (binary.DDM, "DDM", {}),
    (binary.DDM, "DDM", {"warm_start": 0}),
    (binary.DDM, "DDM", {"warm_start": 100, "warning_threshold": 1.5, "drift_threshold": 2.5}),
    (binary.EDDM, "EDDM", {}),
    (binary.EDDM, "EDDM", {"alpha": 0.8, "beta": 0.75}),
    (binary.EDDM, "EDDM", {"warm_start": 5, "alpha": 1.0, "beta": 0.5}),
    (binary.HDDM_A, "HDDMA", {}),
    (binary.HDDM_A, "HDDMA", {"two_sided_test": True}),
    (
        binary.HDDM_A,
        "HDDMA",
        {"drift_confidence": 0.01, "warning_confidence": 0.05, "two_sided_test": True},
    ),
    (binary.HDDM_W, "HDDMW", {}),
    (binary.HDDM_W, "HDDMW", {"two_sided_test": True}),
    (
        binary.HDDM_W,
        "HDDMW",
        {
            "lambda_val": 0.2,
            "drift_confidence": 0.01,
            "warning_confidence": 0.05,
            "two_sided_test": True,
        },
    ),
    (binary.HDDM_W, "HDDMW", {"lambda_val": 1.0, "two_sided_test": True}),
]
SETTING_IDS = [f"{cls.__name__}-{i}" for i, (cls, _, _) in enumerate(SETTINGS)]

# Error streams: (error rate, length) segments, drawn with a seed per stream.
STREAMS = {
    "abrupt_increase": (1, [(0.1, 1500), (0.4, 1500)]),
    "gradual_increase": (2, [(0.1 + 0.4 * i / 15, 200) for i in range(15)]),
    "no_drift": (3, [(0.2, 3000)]),
    "decrease": (4, [(0.5, 1500), (0.1, 1500)]),
    "very_low_rate": (5, [(0.003, 2000), (0.03, 1500)]),
    "very_high_rate": (6, [(0.97, 1500), (0.999, 500), (0.7, 1000)]),
    "runs_of_zeros_and_ones": (7, [(0.0, 400), (1.0, 40), (0.0, 300), (0.5, 300)]),
}


def segment_stream(seed: int, segments: list[tuple[float, int]]) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.concatenate([(rng.random(n) < p).astype(np.int64) for p, n in segments])


def river_events(detector, values) -> tuple[list[int], list[int]]:
    drifts, warnings = [], []
    for i, x in enumerate(values):
        detector.update(x)
        if detector.drift_detected:
            drifts.append(i)
        if detector.warning_detected:
            warnings.append(i)
    return drifts, warnings


def shiftguard_events(detector, values) -> tuple[list[int], list[int]]:
    events = detector.update_many(np.asarray(values))
    return events.drift_indices.tolist(), events.warning_indices.tolist()


def assert_same_as_river(setting, values) -> tuple[list[int], list[int]]:
    cls, river_name, kwargs = setting
    expected = river_events(getattr(river_binary, river_name)(**kwargs), values.tolist())
    got = shiftguard_events(cls(**kwargs), values)
    assert got[0] == expected[0], "drift positions differ from river's"
    assert got[1] == expected[1], "warning positions differ from river's"
    return expected


@pytest.mark.parametrize("stream", list(STREAMS))
@pytest.mark.parametrize("setting", SETTINGS, ids=SETTING_IDS)
def test_same_drift_and_warning_positions_as_river(setting, stream):
    seed, segments = STREAMS[stream]
    assert_same_as_river(setting, segment_stream(seed, segments))


def test_equivalence_streams_exercise_every_detector():
    """The comparison above is not vacuous: on the abrupt increase, every detector with its
    defaults signals both drift and warnings (and so does river)."""
    values = segment_stream(*STREAMS["abrupt_increase"])
    for cls in (binary.DDM, binary.EDDM, binary.HDDM_A, binary.HDDM_W):
        drifts, warnings = shiftguard_events(cls(), values)
        assert drifts and warnings, cls.__name__
    # and two-sided tests see the decrease (at 1500) that one-sided ones ignore
    values = segment_stream(*STREAMS["decrease"])
    for cls in (binary.HDDM_A, binary.HDDM_W):
        one_sided = shiftguard_events(cls(), values)[0]
        two_sided = shiftguard_events(cls(two_sided_test=True), values)[0]
        assert not [i for i in one_sided if i >= 1500]
        assert [i for i in two_sided if 1500 <= i < 2000]


@functools.cache
def classifier_errors(generator: str) -> np.ndarray:
    """Prequential errors (predict, then learn) of Gaussian naive Bayes on a river
    concept-drift stream: 1 where the prediction was wrong."""
    from river import naive_bayes
    from river.datasets import synth

    if generator == "sea":
        data = synth.ConceptDriftStream(
            stream=synth.SEA(variant=0, seed=1),
            drift_stream=synth.SEA(variant=3, seed=2),
            position=1200,
            width=20,  # near-abrupt (width 1 overflows in river 0.26.1)
            seed=3,
        )
    else:
        data = synth.ConceptDriftStream(
            stream=synth.Agrawal(classification_function=0, seed=1),
            drift_stream=synth.Agrawal(classification_function=4, seed=2),
            position=1200,
            width=300,
            seed=4,
        )
    model = naive_bayes.GaussianNB()
    errors = []
    for x, y in data.take(2500):
        errors.append(int(model.predict_one(x) != y))
        model.learn_one(x, y)
    return np.array(errors)


@pytest.mark.parametrize("generator", ["sea", "agrawal"])
@pytest.mark.parametrize(
    "setting",
    [SETTINGS[0], SETTINGS[3], SETTINGS[4], SETTINGS[7], SETTINGS[10]],
    ids=["DDM", "EDDM", "EDDM-0.8", "HDDM_A-two-sided", "HDDM_W-two-sided"],
)
def test_same_positions_as_river_on_classifier_errors(setting, generator):
    assert_same_as_river(setting, classifier_errors(generator))


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.integers(0, 1), max_size=300),
    setting_index=st.integers(0, len(SETTINGS) - 1),
    warm_start=st.integers(0, 10),
)
def test_same_positions_as_river_on_arbitrary_streams(values, setting_index, warm_start):
    cls, river_name, kwargs = SETTINGS[setting_index]
    if "warm_start" in cls.__init__.__code__.co_varnames:
        kwargs = {**kwargs, "warm_start": warm_start}
    assert_same_as_river((cls, river_name, kwargs), np.array(values, dtype=np.int64))


# ---------------------------------------------------------------------- API and state


ALL = [binary.DDM, binary.EDDM, binary.HDDM_A, binary.HDDM_W]
MIXED = segment_stream(11, [(0.1, 700), (0.5, 700), (0.05, 600)])


@pytest.mark.parametrize("cls", ALL)
def test_update_equals_update_many_and_accepts_bools(cls):
    one_by_one = cls(two_sided_test=True) if "HDDM" in cls.__name__ else cls()
    drifts, warnings = [], []
    for i, x in enumerate(MIXED):
        assert one_by_one.update(bool(x)) is one_by_one
        if one_by_one.drift_detected:
            drifts.append(i)
        if one_by_one.warning_detected:
            warnings.append(i)
    batched = type(one_by_one)(**one_by_one._impl.params())
    events = batched.update_many(MIXED.astype(bool))
    assert events.drift_indices.tolist() == drifts
    assert events.warning_indices.tolist() == warnings
    assert drifts, "the stream should make every detector signal drift"
    assert batched.save() == one_by_one.save()
    # Python and NumPy ints, floats 0.0/1.0, NumPy bools
    for x in (0, 1, np.int64(1), 0.0, 1.0, np.bool_(True), np.float32(0)):
        one_by_one.update(x)


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("split", [0, 1, 350, "just_after_drift", "just_after_warning", 1999])
def test_save_load_and_pickle_mid_stream_continue_identically(cls, split):
    if isinstance(split, str):  # save while a flag is set
        events = cls().update_many(MIXED)
        flagged = events.drift_indices if "drift" in split else events.warning_indices
        split = int(flagged[0]) + 1
    original = cls()
    original.update_many(MIXED[:split])
    restored = [cls.load(original.save()), pickle.loads(pickle.dumps(original))]
    restored.append(copy.deepcopy(original))
    for other in restored:
        assert type(other) is cls
        assert other.drift_detected == original.drift_detected
        assert other.warning_detected == original.warning_detected
    expected = original.update_many(MIXED[split:]).to_dict()
    for other in restored:
        assert other.update_many(MIXED[split:]).to_dict() == expected
        assert other.save() == original.save()


def test_flags_survive_save_load():
    detector = binary.DDM(warm_start=5)
    detector.update_many([0] * 20 + [1])
    assert detector.drift_detected
    restored = binary.DDM.load(detector.save())
    assert restored.drift_detected
    # the next update starts afresh in both
    assert restored.update(0).n_seen == detector.update(0).n_seen == 1


def test_params_attributes_repr_and_aliases():
    detector = binary.HDDM_W(lambda_val=0.1, two_sided_test=True)
    assert detector.lambda_val == 0.1 and detector.two_sided_test is True
    assert detector.drift_confidence == 0.001 and detector.nan_policy == "raise"
    assert repr(detector) == (
        "HDDM_W(drift_confidence=0.001, warning_confidence=0.005, lambda_val=0.1, "
        "two_sided_test=True, nan_policy='raise')"
    )
    assert repr(binary.DDM()) == (
        "DDM(warm_start=30, warning_threshold=2.0, drift_threshold=3.0, nan_policy='raise')"
    )
    assert binary.EDDM().alpha == 0.95 and binary.EDDM().beta == 0.9
    assert binary.HDDMA is binary.HDDM_A and binary.HDDMW is binary.HDDM_W
    assert set(binary.__all__) == {"DDM", "EDDM", "HDDM_A", "HDDM_W", "HDDMA", "HDDMW"}
    loaded = binary.HDDM_W.load(detector.save())
    assert loaded.lambda_val == 0.1 and repr(loaded) == repr(detector)


def test_state_properties_follow_the_stream():
    ddm = binary.DDM(warm_start=3)
    assert np.isnan(ddm.p_min) and np.isnan(ddm.s_min)
    ddm.update_many([0, 1, 0, 0])
    assert ddm.n_seen == 4 and ddm.error_rate == 0.25
    assert ddm.p_min == 0.25 and ddm.s_min == pytest.approx(np.sqrt(0.25 * 0.75 / 4))
    eddm = binary.EDDM()
    eddm.update_many([0, 1, 0, 0, 1, 1])
    assert (eddm.n_seen, eddm.n_errors) == (6, 3)
    assert eddm.mean_distance == pytest.approx(2.0)  # distances 2, 3, 1
    assert eddm.std_distance == pytest.approx(1.0)
    assert eddm.max_level == -1.0
    detector = binary.HDDM_A()
    detector.update_many([1, 0, 0, 0])
    assert detector.n_seen == 4 and detector.error_rate == 0.25
    hddm_w = binary.HDDM_W(lambda_val=0.5)
    hddm_w.update_many([1, 0])
    assert hddm_w.error_rate == 0.5
    hddm_w.reset()
    assert hddm_w.error_rate == 0.0 and not hddm_w.drift_detected


@pytest.mark.parametrize("cls", ALL)
def test_non_binary_values_are_rejected_with_their_position(cls):
    detector = cls()
    detector.update_many([0, 1, 1])
    before = detector.save()
    for bad in (2, -1, 0.5):
        with pytest.raises(ValueError, match=r"x is .*an error stream takes only 0"):
            detector.update(bad)
    with pytest.raises(ValueError, match=r"values\[2\] is 2"):
        detector.update_many([0, 1, 2, 1])
    with pytest.raises(ValueError, match=r"values\[1\] is 0\.5"):
        detector.update_many(np.array([1.0, 0.5]))
    assert detector.save() == before, "a rejected batch must leave the detector unchanged"
    for bad in ("1", None, b"0", [1]):
        with pytest.raises(TypeError, match="x must be 0, 1 or a bool"):
            detector.update(bad)
    with pytest.raises(TypeError, match="values must be numeric"):
        detector.update_many(["0", "1"])
    with pytest.raises(ValueError, match="one-dimensional"):
        detector.update_many(np.zeros((2, 2)))


@pytest.mark.parametrize("cls", ALL)
def test_nan_policy(cls):
    strict = cls()
    with pytest.raises(ValueError, match="x is NaN.*nan_policy"):
        strict.update(float("nan"))
    with pytest.raises(ValueError, match=r"values\[1\] is infinite"):
        strict.update_many([0.0, np.inf])
    lenient = cls(nan_policy="omit")
    with_nan = MIXED.astype(float)
    with_nan[::7] = np.nan
    kept_positions = np.flatnonzero(~np.isnan(with_nan))
    expected = cls().update_many(with_nan[kept_positions])
    events = lenient.update_many(with_nan)
    # non-finite values are skipped; positions refer to the batch given
    assert events.drift_indices.tolist() == kept_positions[expected.drift_indices].tolist()
    assert events.warning_indices.tolist() == kept_positions[expected.warning_indices].tolist()
    state = lenient.save()
    lenient.update(float("nan")).update(float("-inf"))
    assert lenient.save() == state
    with pytest.raises(ValueError, match="nan_policy must be one of"):
        cls(nan_policy="skip")


BAD_PARAMETERS = [
    (binary.DDM, {"warm_start": -1}, "warm_start"),
    (binary.DDM, {"warning_threshold": -0.5}, "warning_threshold"),
    (binary.DDM, {"drift_threshold": float("nan")}, "drift_threshold"),
    (binary.DDM, {"drift_threshold": float("inf")}, "drift_threshold"),
    (binary.EDDM, {"warm_start": -3}, "warm_start"),
    (binary.EDDM, {"alpha": 1.5}, "alpha"),
    (binary.EDDM, {"beta": 0.0, "alpha": 0.5}, "beta"),
    (binary.EDDM, {"alpha": 0.8, "beta": 0.9}, "alpha must be greater than or equal to beta"),
    (binary.HDDM_A, {"drift_confidence": 0.0}, "drift_confidence"),
    (binary.HDDM_A, {"warning_confidence": 1.0}, "warning_confidence"),
    (binary.HDDM_A, {"drift_confidence": -0.1}, "drift_confidence"),
    (binary.HDDM_W, {"drift_confidence": 2.0}, "drift_confidence"),
    (binary.HDDM_W, {"warning_confidence": float("nan")}, "warning_confidence"),
    (binary.HDDM_W, {"lambda_val": 0.0}, "lambda_val"),
    (binary.HDDM_W, {"lambda_val": 1.01}, "lambda_val"),
]


@pytest.mark.parametrize(("cls", "kwargs", "fragment"), BAD_PARAMETERS)
def test_bad_parameters_raise_value_error_naming_them(cls, kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        cls(**kwargs)


@pytest.mark.parametrize(
    ("cls", "kwargs", "name"),
    [
        (binary.DDM, {"warm_start": 3.5}, "warm_start"),
        (binary.DDM, {"warm_start": True}, "warm_start"),
        (binary.DDM, {"drift_threshold": "3"}, "drift_threshold"),
        (binary.EDDM, {"alpha": None}, "alpha"),
        (binary.HDDM_A, {"two_sided_test": 1}, "two_sided_test"),
        (binary.HDDM_W, {"lambda_val": "0.05"}, "lambda_val"),
        (binary.HDDM_W, {"two_sided_test": "yes"}, "two_sided_test"),
    ],
)
def test_parameters_of_the_wrong_type_raise_type_error(cls, kwargs, name):
    with pytest.raises(TypeError, match=name):
        cls(**kwargs)


@pytest.mark.parametrize("cls", ALL)
def test_truncated_and_corrupted_states_raise_format_error(cls):
    detector = cls()
    detector.update_many(MIXED[:800])
    data = detector.save()
    for length in range(len(data)):
        with pytest.raises(shiftguard.FormatError):
            cls.load(data[:length])
    for position in range(len(data)):
        corrupted = bytearray(data)
        corrupted[position] ^= 0x41
        with pytest.raises(shiftguard.FormatError):
            cls.load(bytes(corrupted))
    with pytest.raises(shiftguard.FormatError):
        cls.load(data + b"\x00")
    other = binary.EDDM if cls is binary.DDM else binary.DDM
    with pytest.raises(shiftguard.FormatError, match="holds a"):
        cls.load(other().save())
    with pytest.raises(TypeError, match="data must be bytes"):
        cls.load("not bytes")
