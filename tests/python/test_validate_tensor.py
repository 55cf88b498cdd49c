"""N-d batch validation (shiftguard.validate: TensorSchema, infer_tensor_schema, validate_tensor,
describe_tensor) against plain NumPy computations; faults injected at known sample indices;
strided views read without a copy (tracemalloc)."""

import json
import tracemalloc

import numpy as np
import pytest
from shiftguard.validate import (
    TensorSchema,
    ValidationReport,
    describe_tensor,
    infer_tensor_schema,
    validate_tensor,
)


def images(n=40, h=6, w=5, c=3, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind in "iu":
        return rng.integers(0, 200, size=(n, h, w, c)).astype(dtype)
    offsets = np.array([0.2, 0.5, 0.8][:c] + [0.1] * max(0, c - 3))
    return (offsets + 0.1 * rng.standard_normal((n, h, w, c))).astype(dtype)


def numpy_channel_stats(x, channel_axis):
    """Per-channel mean, std (ddof 0) and spread of per-sample means, by NumPy in float64."""
    x = np.asarray(x, dtype=np.float64)
    if channel_axis is None:
        flat = x.reshape(x.shape[0], -1)[:, :, None]
    else:
        moved = np.moveaxis(x, channel_axis, -1)
        flat = moved.reshape(x.shape[0], -1, x.shape[channel_axis])
    values = flat.transpose(2, 0, 1).reshape(flat.shape[2], -1)
    mean = values.mean(axis=1)
    std = values.std(axis=1)
    spread = flat.mean(axis=1).std(axis=0, ddof=1)
    return mean, std, spread


def kinds(report):
    return [a.kind for a in report]


def by_kind(report, kind):
    found = [a for a in report if a.kind == kind]
    assert len(found) == 1, f"expected one {kind!r} anomaly in\n{report}"
    return found[0]


# --------------------------------------------------------------------------- statistics


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8, np.int32, np.int64])
@pytest.mark.parametrize("channel_axis", [-1, 1, None])
def test_channel_statistics_match_numpy(dtype, channel_axis):
    x = images(dtype=dtype, seed=3)
    if channel_axis == 1:
        x = np.moveaxis(x, -1, 1)  # N x C x H x W, a transposed view
    summary = describe_tensor(x, channel_axis=channel_axis)
    axis = None if channel_axis is None else channel_axis % x.ndim
    mean, std, spread = numpy_channel_stats(x, axis)
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(summary.channel_mean, mean, rtol=rtol)
    np.testing.assert_allclose(summary.channel_std, std, rtol=rtol)
    np.testing.assert_allclose(summary.channel_mean_spread, spread, rtol=rtol)
    if axis is None:
        np.testing.assert_array_equal(summary.channel_min, [x.min()])
    else:
        reduce = tuple(a for a in range(x.ndim) if a != axis)
        np.testing.assert_array_equal(summary.channel_min, x.min(axis=reduce))
        np.testing.assert_array_equal(summary.channel_max, x.max(axis=reduce))
    assert summary.minimum == x.min() and summary.maximum == x.max()
    schema = infer_tensor_schema(x, channel_axis=channel_axis)
    np.testing.assert_allclose(schema.channel_mean, mean, rtol=rtol)
    np.testing.assert_allclose(schema.channel_std, std, rtol=rtol)
    assert schema.dtype == np.dtype(dtype).name
    assert schema.channel_axis == axis
    assert validate_tensor(x, schema).ok


def test_statistics_skip_non_finite_values_like_nanmean():
    x = images(seed=4).astype(np.float64)
    x[2, 1, 1, 0] = np.nan
    x[7, 0, 0, 2] = np.inf
    s = describe_tensor(x)
    finite = np.where(np.isfinite(x), x, np.nan)
    np.testing.assert_allclose(s.channel_mean, np.nanmean(finite, axis=(0, 1, 2)), rtol=1e-12)
    np.testing.assert_allclose(s.channel_std, np.nanstd(finite, axis=(0, 1, 2)), rtol=1e-12)
    assert (s.n_nan, s.n_infinite) == (1, 1)
    np.testing.assert_array_equal(s.channel_count, np.isfinite(x).sum(axis=(0, 1, 2)))


def test_results_do_not_depend_on_thread_count():
    x = images(n=600, seed=5, dtype=np.float64)
    one = describe_tensor(x, n_threads=1)
    for threads in (2, 3, None):
        other = describe_tensor(x, n_threads=threads)
        np.testing.assert_array_equal(one.channel_mean, other.channel_mean)
        np.testing.assert_array_equal(one.channel_std, other.channel_std)
        np.testing.assert_array_equal(one.channel_mean_spread, other.channel_mean_spread)


# --------------------------------------------------------------------------- injected faults


def test_injected_faults_are_found_at_their_sample_indices():
    reference = images(n=200, seed=10)
    schema = infer_tensor_schema(reference, range_margin=0.5)
    batch = images(n=48, seed=11)
    assert validate_tensor(batch, schema).ok
    batch[3, 2, 2, 1] = np.nan
    batch[17, 0, 4, 0] = np.nan
    batch[17, 5, 4, 2] = np.nan
    batch[8, 1, 1, 1] = np.inf
    batch[4, 3, 3, 0] = 50.0
    batch[30, 0, 0, 2] = -50.0
    batch[12] = 0.0
    batch[25] = 0.7
    report = validate_tensor(batch, schema)
    assert isinstance(report, ValidationReport)
    # the blank and out-of-range samples also move the channel means (channel_* warnings)
    assert [k for k in kinds(report) if not k.startswith("channel_")] == [
        "nan", "infinite", "out_of_range", "blank_sample"
    ]
    assert kinds(report)[:3] == ["nan", "infinite", "out_of_range"]
    nan = by_kind(report, "nan")
    assert nan.rows == (3, 17) and nan.count == 2 and nan.severity == "error"
    assert "3 NaN values in 2 samples" in nan.message
    assert by_kind(report, "infinite").rows == (8,)
    out = by_kind(report, "out_of_range")
    assert out.rows == (4, 30)
    assert "1 below, 1 above" in out.message
    blank = by_kind(report, "blank_sample")
    assert blank.rows == (12, 25) and blank.severity == "warning"
    assert not report.ok
    with pytest.raises(ValueError, match="NaN"):
        report.raise_for_errors()
    # max_rows keeps the first indices, count keeps the total
    few = validate_tensor(batch, schema, max_rows=1)
    assert by_kind(few, "nan").rows == (3,) and by_kind(few, "nan").count == 2
    # NumPy finds the same samples
    sample_axes = (1, 2, 3)
    np.testing.assert_array_equal(np.flatnonzero(np.isnan(batch).any(axis=sample_axes)), nan.rows)
    flat = batch.reshape(len(batch), -1)
    np.testing.assert_array_equal(np.flatnonzero(flat.min(axis=1) == flat.max(axis=1)), blank.rows)


def test_blank_by_epsilon_and_all_nan_sample():
    x = images(n=20, seed=12, dtype=np.float64)
    x[6] = 0.3 + 1e-6 * x[6]
    x[9] = np.nan
    s = describe_tensor(x, blank_epsilon=1e-4)
    np.testing.assert_array_equal(s.blank_samples, [6, 9])
    np.testing.assert_array_equal(describe_tensor(x).blank_samples, [9])
    assert describe_tensor(x, check_blank=False).blank_samples.size == 0


def test_channel_drift_warnings_and_false_alarm_rate():
    rng = np.random.default_rng(20)

    def draw(n):
        # each image has its own brightness, so the samples' means spread
        brightness = rng.normal(0.0, 0.05, size=(n, 1, 1, 1))
        return 0.5 + brightness + 0.1 * rng.standard_normal((n, 4, 4, 3))

    schema = infer_tensor_schema(draw(400), infer_range=False)
    # Same distribution: at 4 standard errors a false alarm is rare; 3 channels x 100 batches.
    alarms = sum(
        "channel_mean" in kinds(validate_tensor(draw(32), schema)) for _ in range(100)
    )
    assert alarms <= 2
    shifted = draw(32)
    shifted[..., 1] += 0.08
    report = validate_tensor(shifted, schema)
    mean = by_kind(report, "channel_mean")
    assert mean.column == "channel 1" and mean.severity == "warning"
    assert report.ok  # warnings only
    scaled = draw(64)
    scaled[..., 2] = 0.5 + 2.0 * (scaled[..., 2] - 0.5)
    std = by_kind(validate_tensor(scaled, schema), "channel_std")
    assert std.column == "channel 2"


def test_shape_dtype_and_too_few_samples():
    schema = infer_tensor_schema(images(), range_margin=1.0)
    assert schema.shape == (-1, 6, 5, 3)
    report = validate_tensor(images(n=5, w=4), schema)
    assert "axis 2 has size 4, expected 5" in by_kind(report, "shape").message
    report = validate_tensor(images(n=5).astype(np.float64), schema)
    assert by_kind(report, "dtype").message == "batch has dtype float64, the schema expects float32"
    report = validate_tensor(images(n=5).reshape(5, 30, 3), schema)
    assert "3 axes" in by_kind(report, "shape").message
    schema.min_samples = 10
    assert "too_few_samples" in kinds(validate_tensor(images(n=5), schema))
    assert "too_few_samples" in kinds(validate_tensor(np.zeros((0, 6, 5, 3), np.float32), schema))


# --------------------------------------------------------------------------- no copies


def test_strided_views_equal_their_contiguous_copies():
    base = images(n=30, seed=7, dtype=np.float64)
    views = {
        "every other sample": (base[::2], -1),
        "reversed samples and rows": (base[::-1, ::-1], -1),
        "crop": (base[:, 1:5, 1:4, :2], -1),
        "channels first": (base.transpose(0, 3, 1, 2), 1),
        "fortran order": (np.asfortranarray(base), -1),
        "broadcast": (np.broadcast_to(base[:1], (9, 6, 5, 3)), -1),
    }
    for name, (view, axis) in views.items():
        got = describe_tensor(view, channel_axis=axis)
        expected = describe_tensor(np.ascontiguousarray(view), channel_axis=axis)
        np.testing.assert_allclose(got.channel_mean, expected.channel_mean, rtol=1e-13, err_msg=name)
        np.testing.assert_allclose(got.channel_std, expected.channel_std, rtol=1e-12, err_msg=name)
        mean, _, _ = numpy_channel_stats(view, axis % view.ndim)
        np.testing.assert_allclose(got.channel_mean, mean, rtol=1e-12, err_msg=name)
    # reversed samples: indices are logical (as NumPy indexes the view)
    x = base.copy()
    x[2] = 0.0
    assert by_kind(validate_tensor(x[::-1], infer_tensor_schema(base)), "blank_sample").rows == (27,)


def test_a_400_mb_strided_view_is_validated_without_copying():
    # 1000 x 10 x 100 x 100 float32 = 400 MB; validated through a transposed, strided view.
    base = np.empty((1000, 100, 100, 10), dtype=np.float32)
    base[...] = np.random.default_rng(0).random((1, 100, 100, 10), dtype=np.float32)
    base[::7] += 0.25
    view = base.transpose(0, 3, 1, 2)[:, :, ::-1, :]  # N x C x H x W, rows reversed
    assert not view.flags.c_contiguous and not view.flags.f_contiguous
    schema = TensorSchema(shape=(-1, 10, 100, 100), dtype="float32", channel_axis=1,
                          minimum=0.0, maximum=1.0)
    # tracemalloc sees NumPy's buffers: a copy of even a small view shows up in the peak.
    small = view[:10]
    tracemalloc.start()
    np.ascontiguousarray(small)
    _, copy_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert copy_peak >= small.nbytes
    tracemalloc.start()
    report = validate_tensor(view, schema)
    summary = describe_tensor(view, channel_axis=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1_000_000, f"validation allocated {peak} bytes: the view was copied"
    assert base.nbytes == 400_000_000
    out = by_kind(report, "out_of_range")
    assert out.count == 143 and out.rows[:3] == (0, 7, 14)  # 1000 / 7 rounded up
    expected = base.mean(axis=(0, 1, 2), dtype=np.float64)
    np.testing.assert_allclose(summary.channel_mean, expected, rtol=1e-6)


def test_torch_cpu_tensor_is_read_in_place():
    torch = pytest.importorskip("torch")
    x = torch.from_numpy(images(n=12, seed=8)).permute(0, 3, 1, 2)  # N x C x H x W view
    s = describe_tensor(x, channel_axis=1)
    np.testing.assert_allclose(s.channel_mean, x.double().mean(dim=(0, 2, 3)).numpy(), rtol=1e-6)


# --------------------------------------------------------------------------- dtypes


@pytest.mark.parametrize(
    "dtype", [np.bool_, np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64,
              np.uint64, np.float32, np.float64]
)
def test_every_supported_dtype(dtype):
    x = (np.arange(60).reshape(5, 4, 3) % 2).astype(dtype)
    s = describe_tensor(x)
    np.testing.assert_allclose(s.channel_mean, x.astype(np.float64).mean(axis=(0, 1)))
    schema = infer_tensor_schema(x)
    assert schema.dtype == np.dtype(dtype).name
    assert validate_tensor(x, schema).ok


def test_big_endian_and_unaligned_strides_are_converted():
    x = images(n=10, seed=9, dtype=np.float64)
    big = x.astype(">f8")
    np.testing.assert_allclose(describe_tensor(big).channel_mean, describe_tensor(x).channel_mean)
    record = np.zeros(10 * 6 * 5 * 3, dtype=[("a", np.uint8), ("b", np.float64)])
    record["b"] = x.ravel()
    field = record["b"].reshape(10, 6, 5, 3)  # strides of 9 bytes
    np.testing.assert_allclose(describe_tensor(field).channel_mean, describe_tensor(x).channel_mean)


@pytest.mark.parametrize(
    ("value", "error", "fragment"),
    [
        (np.zeros((4, 3), dtype=np.float16), TypeError, "float16"),
        (np.zeros((4, 3), dtype=np.complex128), TypeError, "complex128"),
        (np.array([["a", "b"]] * 3), TypeError, "<U1"),
        (np.zeros((4, 3), dtype=object), TypeError, "object"),
        ("abc", TypeError, "str"),
        (np.float64(1.0), ValueError, "0-d"),
    ],
)
def test_bad_batches(value, error, fragment):
    with pytest.raises(error, match=fragment):
        describe_tensor(value)
    with pytest.raises(error, match=fragment):
        validate_tensor(value, TensorSchema())


def test_bad_arguments():
    x = images(n=4)
    with pytest.raises(ValueError, match="channel_axis 4 is out of range"):
        infer_tensor_schema(x, channel_axis=4)
    with pytest.raises(ValueError, match="sample axis 0"):
        describe_tensor(x, channel_axis=0)
    with pytest.raises(ValueError, match="at least 2 samples"):
        infer_tensor_schema(x[:1])
    with pytest.raises(ValueError, match="range_margin"):
        infer_tensor_schema(x, range_margin=-1)
    with pytest.raises(TypeError, match="schema must be a TensorSchema"):
        validate_tensor(x, {"shape": [-1, 6, 5, 3]})
    with pytest.raises(ValueError, match="max_rows"):
        validate_tensor(x, TensorSchema(), max_rows=0)
    with pytest.raises(ValueError, match="n_threads"):
        describe_tensor(x, n_threads=0)
    with pytest.raises(ValueError, match="minimum must be <= maximum"):
        TensorSchema(minimum=2, maximum=1)
    with pytest.raises(ValueError, match="same length"):
        TensorSchema(channel_mean=(0.0,), channel_std=(), channel_mean_spread=())
    with pytest.raises(ValueError, match="channel_axis must be < the number of axes"):
        TensorSchema(shape=(-1, 3), channel_axis=2)
    with pytest.raises(ValueError, match="dtype must be None or one of"):
        TensorSchema(dtype="float16")
    with pytest.raises(TypeError, match="allow_nan must be a bool"):
        TensorSchema(allow_nan="yes")
    # a schema edited into an invalid state is caught by the core
    schema = TensorSchema()
    schema.mean_tolerance = -1.0
    with pytest.raises(ValueError, match="mean_tolerance"):
        validate_tensor(x, schema)


# --------------------------------------------------------------------------- JSON


def test_schema_json_round_trip(tmp_path):
    x = images(seed=13, dtype=np.float64)
    x[0, 0, 0, 0] = np.nan
    schema = infer_tensor_schema(x, wildcard_axes=(0, -2), blank_epsilon=1e-3)
    assert schema.shape == (-1, 6, -1, 3) and schema.allow_nan and not schema.allow_infinite
    again = TensorSchema.from_json(schema.to_json())
    assert again == schema
    data = json.loads(schema.to_json())
    assert data["format"] == "shiftguard.tensor_schema" and data["version"] == 1
    schema.save(tmp_path / "schema.json")
    assert TensorSchema.load(tmp_path / "schema.json") == schema
    assert validate_tensor(x, again).ok
    unbounded = TensorSchema(shape=(-1, 3))
    assert json.loads(unbounded.to_json())["minimum"] is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"format": "shiftguard.tensor_schema", "version": 2}', "newer than this shiftguard"),
        ('{"format": "other", "version": 1}', "not a tensor schema"),
        ('{"format": "shiftguard.tensor_schema", "version": 1, "colour": 1}', "unknown keys: colour"),
        ('{"format": "shiftguard.tensor_schema", "version": 1, "shape": [-2]}', "shape entry"),
        ('{"format": "shiftguard.tensor_schema", "version": 1', "not valid JSON"),
    ],
)
def test_bad_schema_json(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        TensorSchema.from_json(text)
