"""MMDDriftOnline: the statistic against a plain NumPy MMD^2, the run length without drift
against the chosen ERT (seeded simulation with a stated tolerance), detection of a mean
shift, float32 vs float64, determinism across thread counts, bad inputs and pickling."""

import copy
import pickle

import numpy as np
import pytest
from scipy.spatial.distance import pdist

import shiftguard
from shiftguard.drift import MMDDriftOnline, StreamEvents

from conftest import LONG


def numpy_mmd2(x_ref, window, sigma):
    """Unbiased MMD^2 with the Gaussian kernel exp(-|x-y|^2 / (2 sigma^2)); the within-window
    term is 0 when the window holds one observation (the detector's documented convention)."""
    x_ref = np.asarray(x_ref, dtype=np.float64)
    window = np.asarray(window, dtype=np.float64)

    def gram(a, b):
        squared = ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)
        return np.exp(-squared / (2.0 * sigma**2))

    n, m = len(x_ref), len(window)
    k_xx, k_yy, k_xy = gram(x_ref, x_ref), gram(window, window), gram(x_ref, window)
    xx = (k_xx.sum() - np.trace(k_xx)) / (n * (n - 1))
    yy = (k_yy.sum() - np.trace(k_yy)) / (m * (m - 1)) if m >= 2 else 0.0
    return xx + yy - 2.0 * k_xy.mean()


@pytest.fixture
def x_ref(rng):
    return rng.normal(size=(300, 3))


def test_statistic_equals_numpy_mmd(x_ref, rng):
    window_size = 7
    detector = MMDDriftOnline(x_ref, ert=30, window_size=window_size, n_bootstraps=500, seed=3)
    kept = detector.x_ref_
    assert kept.shape == (300 - (2 * window_size - 1), 3)
    # the kept rows are rows of x_ref
    assert all((x_ref == row).all(axis=1).any() for row in kept)
    stream = np.concatenate([rng.normal(size=(40, 3)), rng.normal(0.8, 1.0, (40, 3))])
    checked = 0
    for i, x in enumerate(stream):
        result = detector.predict(x)
        t = result["data"]["time"]
        assert t == detector.t
        window = stream[i + 1 - min(t, window_size) : i + 1]
        np.testing.assert_array_equal(detector.window, window)
        expected = numpy_mmd2(kept, window, detector.sigma_)
        assert result["data"]["distance"] == pytest.approx(expected, rel=1e-10, abs=1e-12)
        step = min(t, 2 * window_size - 1)
        assert result["data"]["threshold"] == detector.thresholds_[step - 1]
        assert result["data"]["is_drift"] == int(expected > detector.thresholds_[step - 1])
        checked += 1
    assert checked == 80


def test_median_heuristic_and_given_sigma(x_ref):
    detector = MMDDriftOnline(x_ref, ert=20, window_size=5, n_bootstraps=100)
    assert detector.sigma is None
    assert detector.sigma_ == pytest.approx(np.median(pdist(x_ref)), rel=1e-12)
    fixed = MMDDriftOnline(x_ref, ert=20, window_size=5, n_bootstraps=100, sigma=0.5)
    assert fixed.sigma == 0.5
    assert fixed.sigma_ == 0.5


def run_lengths(detector, rng, n_runs, batch=20_000):
    """Run lengths without drift: the detector restarts itself after each detection, so the
    gaps between detections are independent run lengths (the partial run at the end of a
    batch is dropped by resetting)."""
    lengths = []
    while len(lengths) < n_runs:
        detections = detector.update_many(rng.normal(size=(batch, 2))).drift_indices
        lengths.extend(np.diff(np.concatenate([[-1], detections])).tolist())
        detector.reset()
    return np.asarray(lengths[:n_runs])


def test_average_run_length_matches_ert():
    """ERT 50, window 10, 2-D normal data. Default: 8 detectors (each its own reference of
    1,000 rows and seed, 20,000 simulated streams) x 1,500 runs. Measured with 10 x 2,000
    runs, the detectors' mean run lengths scatter with a standard deviation of 2.1 (1.7 from
    calibration and reference, 1.1 Monte Carlo), so the mean over 8 x 1,500 runs has a
    standard deviation of about 0.8: the tolerance of 10% of the ERT (5) is over 6 standard
    deviations. The fraction of runs that end within the first window (warm-up thresholds)
    must match the geometric law 1 - (1 - 1/50)^10 = 0.183 within 0.03 (standard error
    0.0035). SHIFTGUARD_LONG_TESTS=1: 40 detectors x 5,000 runs, tolerance 4%."""
    ert, window_size = 50, 10
    n_detectors, n_runs, tolerance = (40, 5000, 0.04) if LONG else (8, 1500, 0.10)
    lengths = []
    for k in range(n_detectors):
        rng = np.random.default_rng(2024 + k)
        detector = MMDDriftOnline(
            rng.normal(size=(1000, 2)), ert=ert, window_size=window_size,
            n_bootstraps=20_000, seed=k,
        )
        lengths.append(run_lengths(detector, rng, n_runs))
    lengths = np.concatenate(lengths)
    assert abs(lengths.mean() - ert) <= tolerance * ert, lengths.mean()
    early = np.mean(lengths <= window_size)
    assert abs(early - (1 - (1 - 1 / ert) ** window_size)) <= 0.03, early


def test_detects_a_mean_shift_quickly(rng):
    x_ref = rng.normal(size=(1000, 4))
    detector = MMDDriftOnline(x_ref, ert=200, window_size=20, n_bootstraps=4000, seed=1)
    delays = []
    for _ in range(20):
        detector.reset()
        before = detector.update_many(rng.normal(size=(30, 4)))
        after = detector.update_many(rng.normal(1.0, 1.0, size=(200, 4)))
        assert len(after.drift_indices) > 0
        delays.append(after.drift_indices[0] + 1)
        del before
    # a one-standard-deviation shift in every feature: a window of 20 sees it within a
    # window's length nearly always
    assert np.median(delays) <= 12, delays
    assert max(delays) <= 40, delays


def test_float32_agrees_with_float64(rng):
    x32 = rng.normal(size=(400, 3)).astype(np.float32)
    d32 = MMDDriftOnline(x32, ert=40, window_size=8, n_bootstraps=800, seed=5)
    d64 = MMDDriftOnline(x32.astype(np.float64), ert=40, window_size=8, n_bootstraps=800, seed=5)
    assert d32.dtype == np.float32 and d64.dtype == np.float64
    assert d32.x_ref_.dtype == np.float32
    np.testing.assert_array_equal(d32.x_ref_.astype(np.float64), d64.x_ref_)
    assert d32.sigma_ == pytest.approx(d64.sigma_, rel=1e-6)
    np.testing.assert_allclose(d32.thresholds_, d64.thresholds_, rtol=1e-4, atol=1e-6)
    stream = rng.normal(0.3, 1.0, size=(60, 3)).astype(np.float32)
    for x in stream:
        d32.update(x)
        d64.update(x)
        assert d32.test_stat == pytest.approx(d64.test_stat, rel=1e-4, abs=1e-6)


def test_thresholds_do_not_depend_on_n_threads(x_ref, rng):
    detectors = [
        MMDDriftOnline(x_ref, ert=25, window_size=6, n_bootstraps=700, seed=9, n_threads=n)
        for n in (1, 2, None)
    ]
    stream = rng.normal(size=(50, 3))
    events = [d.update_many(stream).drift_indices for d in detectors]
    for other, other_events in zip(detectors[1:], events[1:]):
        np.testing.assert_array_equal(other.thresholds_, detectors[0].thresholds_)
        np.testing.assert_array_equal(other.x_ref_, detectors[0].x_ref_)
        np.testing.assert_array_equal(other_events, events[0])
        assert other.test_stat == detectors[0].test_stat
    assert detectors[0].n_threads == 1 and detectors[2].n_threads is None
    other_seed = MMDDriftOnline(x_ref, ert=25, window_size=6, n_bootstraps=700, seed=10)
    assert not np.array_equal(other_seed.thresholds_, detectors[0].thresholds_)


def test_memory_order_and_input_types(x_ref):
    c_order = MMDDriftOnline(np.ascontiguousarray(x_ref), ert=20, window_size=4, n_bootstraps=200)
    f_order = MMDDriftOnline(np.asfortranarray(x_ref), ert=20, window_size=4, n_bootstraps=200)
    strided = MMDDriftOnline(
        np.repeat(x_ref, 2, axis=1)[:, ::2], ert=20, window_size=4, n_bootstraps=200
    )
    listed = MMDDriftOnline(x_ref.tolist(), ert=20, window_size=4, n_bootstraps=200)
    for other in (f_order, strided, listed):
        np.testing.assert_array_equal(other.thresholds_, c_order.thresholds_)
    c_order.update_many(x_ref[:10][:, ::-1][:, ::-1])  # a view with negative strides
    f_order.update_many(np.asfortranarray(x_ref[:10]))
    strided.update([1, 2, 3])  # a list, ints
    assert c_order.test_stat == f_order.test_stat


def test_streaming_api(x_ref, rng):
    detector = MMDDriftOnline(x_ref, ert=20, window_size=5, n_bootstraps=300)
    assert detector.update(rng.normal(size=3)) is detector
    assert detector.t == 1
    assert not detector.warning_detected
    events = detector.update_many(rng.normal(3.0, 1.0, size=(30, 3)))
    assert isinstance(events, StreamEvents)
    assert len(events.drift_indices) > 0
    assert events.warning_indices.size == 0
    assert detector.reset() is detector
    assert detector.t == 0 and not detector.drift_detected
    result = detector.predict(rng.normal(size=3), return_test_stat=False)
    assert set(result["data"]) == {"is_drift", "time", "ert"}
    assert result["meta"]["name"] == "MMDDriftOnline" and result["meta"]["online"]
    assert "MMDDriftOnline(ert=20.0, window_size=5" in repr(detector)


def test_bad_inputs(x_ref):
    with pytest.raises(ValueError, match="ert"):
        MMDDriftOnline(x_ref, ert=0.5, window_size=5)
    with pytest.raises(TypeError, match="ert"):
        MMDDriftOnline(x_ref, ert="50", window_size=5)
    with pytest.raises(ValueError, match="window_size"):
        MMDDriftOnline(x_ref, ert=50, window_size=0)
    with pytest.raises(ValueError, match=r"window_size must be at most \(rows of x_ref - 1\) / 2"):
        MMDDriftOnline(x_ref, ert=50, window_size=150)
    with pytest.raises(TypeError, match="window_size"):
        MMDDriftOnline(x_ref, ert=50, window_size=2.5)
    with pytest.raises(ValueError, match="n_bootstraps"):
        MMDDriftOnline(x_ref, ert=50, window_size=5, n_bootstraps=0)
    with pytest.raises(ValueError, match="sigma"):
        MMDDriftOnline(x_ref, ert=50, window_size=5, sigma=-1.0)
    with pytest.raises(ValueError, match="nan_policy"):
        MMDDriftOnline(x_ref, ert=50, window_size=5, nan_policy="drop")
    with pytest.raises(ValueError, match="n_threads"):
        MMDDriftOnline(x_ref, ert=50, window_size=5, n_threads=0)
    with pytest.raises(ValueError, match="seed"):
        MMDDriftOnline(x_ref, ert=50, window_size=5, seed=-1)
    with pytest.raises(ValueError, match="2-D"):
        MMDDriftOnline(x_ref[:, 0], ert=50, window_size=5)
    with pytest.raises(TypeError, match="x_ref"):
        MMDDriftOnline(np.array([["a", "b"]] * 10), ert=50, window_size=2)
    bad_ref = x_ref.copy()
    bad_ref[4, 1] = np.nan
    with pytest.raises(ValueError, match="x_ref contains NaN at row 4, column 1"):
        MMDDriftOnline(bad_ref, ert=50, window_size=5)
    assert MMDDriftOnline(bad_ref, ert=50, window_size=5, n_bootstraps=50,
                          nan_policy="omit").x_ref_.shape[0] == 299 - 9
    with pytest.raises(ValueError, match="sigma"):
        MMDDriftOnline(np.ones((30, 2)), ert=50, window_size=5)

    detector = MMDDriftOnline(x_ref, ert=50, window_size=5, n_bootstraps=100)
    fitted_on_3 = "x has 2 features but the detector was fitted on 3"
    with pytest.raises(shiftguard.ShapeError, match=fitted_on_3):
        detector.update([1.0, 2.0])
    with pytest.raises(ValueError, match="1-D"):
        detector.update(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="2-D"):
        detector.update_many(np.zeros(3))
    with pytest.raises(shiftguard.ShapeError, match="x has 4 columns"):
        detector.update_many(np.zeros((5, 4)))
    with pytest.raises(TypeError, match="numeric"):
        detector.update(np.array(["a", "b", "c"]))
    with pytest.raises(ValueError, match=r"x\[2\] is NaN .*nan_policy 'raise'"):
        detector.update([0.0, 1.0, np.nan])
    batch = np.zeros((4, 3))
    batch[2, 0] = np.inf
    before = detector.save()
    with pytest.raises(ValueError, match=r"x\[2, 0\] is infinite"):
        detector.update_many(batch)
    assert detector.save() == before and detector.t == 0

    omitting = MMDDriftOnline(x_ref, ert=50, window_size=5, n_bootstraps=100, nan_policy="omit")
    omitting.update([0.0, np.nan, 1.0])
    assert omitting.t == 0
    omitting.update_many(batch)
    assert omitting.t == 3


def test_pickle_save_load_and_copy(x_ref, rng):
    for dtype in (np.float64, np.float32):
        detector = MMDDriftOnline(x_ref.astype(dtype), ert=30, window_size=6, n_bootstraps=300,
                                  seed=2, nan_policy="omit")
        detector.update_many(rng.normal(size=(17, 3)).astype(dtype))
        for restored in (
            pickle.loads(pickle.dumps(detector)),
            MMDDriftOnline.load(detector.save()),
            copy.deepcopy(detector),
        ):
            assert type(restored) is MMDDriftOnline
            assert restored.dtype == dtype
            assert restored.save() == detector.save()
            assert restored.nan_policy == "omit" and restored.ert == 30 and restored.sigma is None
            assert restored.t == detector.t
        restored = pickle.loads(pickle.dumps(detector))
        more = rng.normal(0.5, 1.0, size=(40, 3)).astype(dtype)
        a = detector.update_many(more).drift_indices
        b = restored.update_many(more).drift_indices
        np.testing.assert_array_equal(a, b)
        assert restored.test_stat == detector.test_stat

    data = detector.save()
    with pytest.raises(shiftguard.FormatError):
        MMDDriftOnline.load(data[: len(data) // 2])
    corrupted = bytearray(data)
    corrupted[40] ^= 0xFF
    with pytest.raises(shiftguard.FormatError, match="checksum"):
        MMDDriftOnline.load(bytes(corrupted))
    with pytest.raises(shiftguard.FormatError):
        MMDDriftOnline.load(b"not a state")
    with pytest.raises(TypeError):
        MMDDriftOnline.load("text")
