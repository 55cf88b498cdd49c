"""The bindings accept arrays whose dtype is equal to, but not the same object as, NumPy's
canonical one: arrays unpickled on Dask, multiprocessing or joblib workers carry such dtypes.
They used to be refused with "must have dtype float64, got float64"."""

import pickle

import numpy as np
import pytest
import shiftguard
from shiftguard import validate
from shiftguard.imbalance import SMOTE, compute_sample_weight


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unpickled_arrays_reach_every_area(dtype):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3)).astype(dtype)
    thawed = pickle.loads(pickle.dumps(x))
    assert thawed.dtype == x.dtype and thawed.dtype is not np.dtype(dtype)
    # drift
    fresh = shiftguard.KSDrift(x).predict(x[:100]).to_dict()
    again = shiftguard.KSDrift(thawed).predict(thawed[:100]).to_dict()
    np.testing.assert_array_equal(fresh["data"]["p_val"], again["data"]["p_val"])
    # validate: sketches and profiles
    sketch = validate.KLLSketch().update(thawed[:, 0])
    assert sketch.quantile(0.5) == validate.KLLSketch().update(x[:, 0]).quantile(0.5)
    assert validate.profile(thawed).to_bytes() == validate.profile(x).to_bytes()
    # imbalance
    y = (x[:, 0] > 0.8).astype(int)
    a = SMOTE(random_state=0).fit_resample(x, y)[0]
    b = SMOTE(random_state=0).fit_resample(thawed, pickle.loads(pickle.dumps(y)))[0]
    np.testing.assert_array_equal(a, b)
    assert compute_sample_weight("balanced", y).shape == (200,)


def test_non_native_byte_order_is_still_converted_or_refused_clearly():
    x = np.arange(12, dtype=">f8").reshape(6, 2)
    report = validate.profile(x)
    assert report["f0"].max == 10.0
