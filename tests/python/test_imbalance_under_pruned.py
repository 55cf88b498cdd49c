"""The pruned neighbour searches of TomekLinks and EditedNearestNeighbours (only the rows that
can be in a link, only the rows that a cheap bound does not certify, get a full search) give
exactly the rows of the full search: compared with a brute-force NumPy Tomek / ENN written
here and with imbalanced-learn 0.14.2, on overlapping classes (many rows certified, many left
to the full search), several seeds, binary and multiclass, float64 and float32."""

import numpy as np
import pytest
from imblearn import under_sampling as imb_under
from shiftguard.imbalance import EditedNearestNeighbours, TomekLinks


def overlapping(seed, n_classes, n_samples=1500, n_features=5, dtype=np.float64):
    """Gaussian classes whose centres are 1.2 apart on the first axis (strong overlap)."""
    rng = np.random.default_rng(seed)
    weights = {2: [0.1, 0.9], 3: [0.08, 0.25, 0.67]}[n_classes]
    y = rng.choice(n_classes, size=n_samples, p=weights)
    X = rng.standard_normal((n_samples, n_features))
    X[:, 0] += 1.2 * y
    return X.astype(dtype), y


def neighbour_order(X):
    """Other rows of each row sorted by (distance, index), distances in float64."""
    X = X.astype(np.float64)
    d = ((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(d, np.inf)
    return np.argsort(d, axis=1, kind="stable")


def brute_tomek(X, y, targeted):
    nearest = neighbour_order(X)[:, 0]
    link = (y != y[nearest]) & (nearest[nearest] == np.arange(len(y)))
    return np.flatnonzero(~(link & np.isin(y, targeted)))


def brute_enn(X, y, targeted, k, kind):
    neighbours = y[neighbour_order(X)[:, :k]]
    keep = np.ones(len(y), dtype=bool)
    for i in np.flatnonzero(np.isin(y, targeted)):
        if kind == "all":
            keep[i] = np.all(neighbours[i] == y[i])
        else:
            keep[i] = np.argmax(np.bincount(neighbours[i], minlength=y.max() + 1)) == y[i]
    return np.concatenate([np.flatnonzero(keep & (y == c)) for c in np.unique(y)])


def certifiable_share(X, y, targeted, k):
    """Share of the targeted rows whose k nearest rows are strictly closer than any row of
    another class (the rows the bound can certify)."""
    X64 = X.astype(np.float64)
    d = ((X64[:, None, :] - X64[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(d, np.inf)
    rows = np.flatnonzero(np.isin(y, targeted))
    shares = []
    for i in rows:
        same = np.sort(d[i, y == y[i]])
        other = d[i, y != y[i]].min()
        shares.append(same[k - 1] < other)
    return np.mean(shares)


CASES = [
    pytest.param(seed, n_classes, dtype, id=f"s{seed}-c{n_classes}-{np.dtype(dtype).name}")
    for seed in (0, 1, 2)
    for n_classes in (2, 3)
    for dtype in (np.float64, np.float32)
]


@pytest.mark.parametrize("seed, n_classes, dtype", CASES)
@pytest.mark.parametrize("strategy", ["auto", "all"])
def test_tomek_links_equal_brute_force_and_imblearn(seed, n_classes, dtype, strategy):
    X, y = overlapping(seed, n_classes, dtype=dtype)
    sampler = TomekLinks(sampling_strategy=strategy)
    sampler.fit_resample(X, y)
    theirs = imb_under.TomekLinks(sampling_strategy=strategy)
    theirs.fit_resample(X, y)
    counts = np.bincount(y)
    targeted = (np.arange(n_classes) if strategy == "all"
                else np.flatnonzero(np.arange(n_classes) != np.argmin(counts)))
    expected = brute_tomek(X, y, targeted)
    assert len(expected) < len(y) - 10  # many links
    np.testing.assert_array_equal(sampler.sample_indices_, expected)
    np.testing.assert_array_equal(sampler.sample_indices_, theirs.sample_indices_)


@pytest.mark.parametrize("seed, n_classes, dtype", CASES)
@pytest.mark.parametrize("k, kind, strategy", [(3, "all", "auto"), (3, "mode", "auto"),
                                               (1, "all", "all"), (5, "mode", "all")])
def test_enn_equals_brute_force_and_imblearn(seed, n_classes, dtype, k, kind, strategy):
    X, y = overlapping(seed, n_classes, dtype=dtype)
    sampler = EditedNearestNeighbours(n_neighbors=k, kind_sel=kind, sampling_strategy=strategy)
    sampler.fit_resample(X, y)
    theirs = imb_under.EditedNearestNeighbours(n_neighbors=k, kind_sel=kind,
                                               sampling_strategy=strategy)
    theirs.fit_resample(X, y)
    counts = np.bincount(y)
    targeted = (np.arange(n_classes) if strategy == "all"
                else np.flatnonzero(np.arange(n_classes) != np.argmin(counts)))
    expected = brute_enn(X, y, targeted, k, kind)
    np.testing.assert_array_equal(sampler.sample_indices_, expected)
    np.testing.assert_array_equal(sampler.sample_indices_, theirs.sample_indices_)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_data_exercise_both_paths(seed):
    # a good share of targeted rows is certifiable by the bound, a good share is not
    for n_classes in (2, 3):
        X, y = overlapping(seed, n_classes)
        targeted = np.arange(n_classes)
        share = certifiable_share(X, y, targeted, 3)
        assert 0.2 < share < 0.9, share
