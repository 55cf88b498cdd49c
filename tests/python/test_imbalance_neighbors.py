"""shiftguard.imbalance.kneighbors against scikit-learn's NearestNeighbors (the oracle) on
random data, and against a plain NumPy sort by (distance, index) on data with duplicates,
where scikit-learn's order among tied neighbours depends on its algorithm."""

import numpy as np
import pandas as pd
import pytest
from shiftguard.imbalance import kneighbors
from sklearn.neighbors import NearestNeighbors


def numpy_kneighbors(X, k, query=None):
    """Sort every reference row by (exact distance, index); leave each row out of its own
    neighbours when query is None."""
    X = np.asarray(X, dtype=np.float64)
    Q = X if query is None else np.asarray(query, dtype=np.float64)
    squared = ((Q[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    if query is None:
        np.fill_diagonal(squared, np.inf)
    order = np.lexsort((np.broadcast_to(np.arange(X.shape[0]), squared.shape), squared), axis=1)
    indices = order[:, :k]
    return np.sqrt(np.take_along_axis(squared, indices, axis=1)), indices


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(4))
def test_matches_sklearn_on_continuous_data(seed, dtype):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(400, 1 + seed * 3)).astype(dtype)
    Q = rng.normal(size=(90, X.shape[1])).astype(dtype)
    nn = NearestNeighbors(n_neighbors=6).fit(X.astype(np.float64))
    expected_distances, expected_indices = nn.kneighbors(Q.astype(np.float64))
    distances, indices = kneighbors(X, 6, query=Q)
    assert distances.dtype == dtype
    np.testing.assert_array_equal(indices, expected_indices)
    np.testing.assert_allclose(distances, expected_distances, rtol=1e-5 if dtype == np.float32 else 1e-10)
    # neighbours of the training set itself: the row is left out, as kneighbors() without X
    expected_distances, expected_indices = nn.kneighbors()
    distances, indices = kneighbors(X, 6)
    np.testing.assert_array_equal(indices, expected_indices)
    np.testing.assert_allclose(distances, expected_distances, rtol=1e-5 if dtype == np.float32 else 1e-9, atol=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_duplicates_distances_match_sklearn_and_ties_go_to_the_smaller_index(seed):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 3, size=(120, 2)).astype(np.float64)  # many duplicates and ties
    distances, indices = kneighbors(X, 5)
    for algorithm in ("brute", "kd_tree", "ball_tree"):
        nn = NearestNeighbors(n_neighbors=5, algorithm=algorithm).fit(X)
        expected_distances, expected_indices = nn.kneighbors()
        # same distances; the same neighbour sets where there is no tie at the k-th place
        np.testing.assert_allclose(distances, expected_distances, atol=1e-12)
        untied = distances[:, -1] < np.sort(((X[:, None] - X[None]) ** 2).sum(2) ** 0.5, 1)[:, 6]
        for row in np.flatnonzero(untied):
            assert set(indices[row]) == set(expected_indices[row])
    expected_distances, expected_indices = numpy_kneighbors(X, 5)
    np.testing.assert_array_equal(indices, expected_indices)
    assert (distances == expected_distances).all()  # duplicates at exactly 0


def test_thread_count_and_memory_order_do_not_change_the_result():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(3000, 8))
    one = kneighbors(X, 4, n_threads=1)
    two = kneighbors(np.asfortranarray(X), 4, n_threads=2)
    frame = kneighbors(pd.DataFrame(X), 4, n_threads=3)
    for other in (two, frame):
        np.testing.assert_array_equal(one[1], other[1])
        np.testing.assert_array_equal(one[0], other[0])
    strided = kneighbors(np.repeat(X, 2, axis=1)[:, ::2], 4)
    np.testing.assert_array_equal(one[1], strided[1])


def test_bad_input():
    X = np.arange(20.0).reshape(10, 2)
    with pytest.raises(ValueError, match=r"n_neighbors must be in \[1, 9\]"):
        kneighbors(X, 10)
    with pytest.raises(ValueError, match="n_neighbors must be an int >= 1"):
        kneighbors(X, 0)
    with pytest.raises(TypeError, match="n_neighbors must be an int"):
        kneighbors(X, 2.5)
    bad = X.copy()
    bad[4, 1] = np.nan
    with pytest.raises(ValueError, match="X contains NaN at row 4, column 1"):
        kneighbors(bad, 2)
    with pytest.raises(ValueError, match="query has 3 columns but X has 2"):
        kneighbors(X, 2, query=np.zeros((4, 3)))
    with pytest.raises(TypeError, match="X must hold numbers"):
        kneighbors(np.array([["a", "b"], ["c", "d"]]), 1)
    with pytest.raises(ValueError, match="must be 2-D"):
        kneighbors(np.arange(5.0), 1)
