"""SMOTE, BorderlineSMOTE, ADASYN and SMOTENC against independent oracles.

Synthetic samples are random, so they are checked on their defining properties with
neighbours computed here by scikit-learn's NearestNeighbors (every new point on a segment
between a seed and one of its k nearest neighbours; seeds of Borderline-SMOTE are the danger
samples; ADASYN's per-sample counts follow its formula; SMOTE-NC's categories come from the
neighbours), and on the counts they produce, compared with imbalanced-learn's.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from imblearn import over_sampling as imb_over  # noqa: E402
from shiftguard.imbalance import ADASYN, SMOTE, SMOTENC, BorderlineSMOTE  # noqa: E402
from sklearn.neighbors import NearestNeighbors  # noqa: E402

TOL = 1e-9


def blobs(n_per_class=(200, 30), n_features=3, seed=0, spread=1.0):
    rng = np.random.default_rng(seed)
    X = np.vstack(
        [rng.normal(spread * c, 1.0, size=(n, n_features)) for c, n in enumerate(n_per_class)]
    )
    y = np.concatenate([np.full(n, c) for c, n in enumerate(n_per_class)])
    return X, y


def segment_matches(points, X, seeds, neighbours):
    """For each point, the (seed, neighbour, gap) pairs it lies on: seeds[i] with each of
    neighbours[i] (rows of X). Returns, per point, a list of (seed, neighbour, gap)."""
    starts = X[np.repeat(seeds, neighbours.shape[1])]
    ends = X[neighbours.ravel()]
    seed_rows = np.repeat(seeds, neighbours.shape[1])
    direction = ends - starts
    out = []
    for point in points:
        offset = point - starts
        length2 = np.einsum("ij,ij->i", direction, direction)
        gap = np.einsum("ij,ij->i", offset, direction) / length2
        residual = np.abs(offset - gap[:, None] * direction).max(axis=1)
        ok = (residual <= TOL) & (gap >= -TOL) & (gap <= 1 + TOL)
        out.append([(int(seed_rows[m]), int(neighbours.ravel()[m]), float(gap[m]))
                    for m in np.flatnonzero(ok)])
    return out


def knn_rows(X, query_rows, pool_rows, k):
    """k nearest rows (of X) of each query row among pool rows, itself excluded (sklearn)."""
    nn = NearestNeighbors(n_neighbors=k + 1).fit(X[pool_rows])
    _, idx = nn.kneighbors(X[query_rows])
    rows = pool_rows[idx]
    out = np.empty((len(query_rows), k), dtype=np.int64)
    for i, q in enumerate(query_rows):
        r = [v for v in rows[i] if v != q]
        out[i] = r[:k]
    return out


# -- SMOTE ------------------------------------------------------------------------------


def test_smote_every_new_point_is_on_a_segment_to_a_k_nearest_class_neighbour():
    X, y = blobs()
    X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    assert Counter(y_res) == Counter(imb_over.SMOTE(random_state=0).fit_resample(X, y)[1])
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)
    new = X_res[len(X):]
    assert (y_res[len(y):] == 1).all() and len(new) == 170
    minority = np.flatnonzero(y == 1)
    neighbours = knn_rows(X, minority, minority, 5)
    matches = segment_matches(new, X, minority, neighbours)
    assert all(matches), "a synthetic point is on no segment to a 5-NN of its class"
    # Many seeds are used and the gaps cover [0, 1).
    gaps = np.array([m[0][2] for m in matches])
    assert gaps.min() < 0.1 and gaps.max() > 0.9
    assert len({m[0][0] for m in matches}) > 20


def test_smote_a_point_of_the_wrong_neighbours_is_detected():
    # The oracle itself can fail: with 2-NN instead of 5-NN some points match no segment.
    X, y = blobs(seed=1)
    X_res, _ = SMOTE(random_state=1).fit_resample(X, y)
    minority = np.flatnonzero(y == 1)
    matches = segment_matches(X_res[len(X):], X, minority, knn_rows(X, minority, minority, 2))
    assert not all(matches)


@pytest.mark.parametrize(
    "strategy",
    ["auto", "minority", "not minority", "not majority", "all",
     {0: 200, 1: 120, 2: 90}, lambda y: {1: 150, 2: 60}],
)
@pytest.mark.parametrize("name", ["SMOTE", "BorderlineSMOTE", "ADASYN"])
def test_counts_equal_imblearn_for_every_strategy_form(strategy, name):
    X, y = blobs((200, 40, 30), n_features=2, seed=3)
    ours = {"SMOTE": SMOTE, "BorderlineSMOTE": BorderlineSMOTE, "ADASYN": ADASYN}[name]
    theirs = getattr(imb_over, name)
    _, y_ours = ours(sampling_strategy=strategy, random_state=0).fit_resample(X, y)
    _, y_theirs = theirs(sampling_strategy=strategy, random_state=0).fit_resample(X, y)
    assert Counter(y_ours) == Counter(y_theirs)


@pytest.mark.parametrize("ratio", [0.5, 0.8, 1.0])
def test_float_strategy_counts_equal_imblearn(ratio):
    X, y = blobs((200, 30), seed=4)
    for ours, theirs in [(SMOTE, imb_over.SMOTE), (ADASYN, imb_over.ADASYN),
                         (BorderlineSMOTE, imb_over.BorderlineSMOTE)]:
        _, a = ours(sampling_strategy=ratio, random_state=0).fit_resample(X, y)
        _, b = theirs(sampling_strategy=ratio, random_state=0).fit_resample(X, y)
        assert Counter(a) == Counter(b)


def test_string_labels_and_class_order():
    X, y = blobs((100, 20, 15), n_features=2, seed=5)
    labels = np.array(["zebra", "ant", "moth"])[y]
    X_res, y_res = SMOTE(random_state=0).fit_resample(X, labels)
    # New samples come class by class in sorted label order: 'ant' (80) then 'moth' (85).
    assert y_res[len(y):].tolist() == ["ant"] * 80 + ["moth"] * 85
    assert Counter(y_res) == {"zebra": 100, "ant": 100, "moth": 100}


def test_seeded_reproducibility_and_thread_count():
    X, y = blobs((500, 60), seed=6)
    a = SMOTE(random_state=3, n_threads=1).fit_resample(X, y)[0]
    b = SMOTE(random_state=3, n_threads=2).fit_resample(X, y)[0]
    c = SMOTE(random_state=3).fit_resample(X, y)[0]
    d = SMOTE(random_state=4).fit_resample(X, y)[0]
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, d)
    for sampler in (BorderlineSMOTE(kind="borderline-2", random_state=2), ADASYN(random_state=2)):
        one = sampler.set_params(n_threads=1).fit_resample(X, y)[0]
        two = sampler.set_params(n_threads=2).fit_resample(X, y)[0]
        np.testing.assert_array_equal(one, two)


def test_float32_and_dataframe_are_kept():
    X, y = blobs(seed=7)
    X32 = X.astype(np.float32)
    X_res, _ = SMOTE(random_state=0).fit_resample(X32, y)
    assert X_res.dtype == np.float32
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    F_res, y_res = SMOTE(random_state=0).fit_resample(frame, pd.Series(y, name="target"))
    assert list(F_res.columns) == ["a", "b", "c"] and y_res.name == "target"
    np.testing.assert_allclose(F_res.to_numpy(), SMOTE(random_state=0).fit_resample(X, y)[0])


def test_k_neighbors_object_uses_its_n_neighbors_minus_one():
    X, y = blobs(seed=8)
    by_object = SMOTE(k_neighbors=NearestNeighbors(n_neighbors=4), random_state=0)
    X_a, _ = by_object.fit_resample(X, y)
    X_b, _ = SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_a, X_b)
    assert by_object.k_neighbors_used_ == {1: 3}


# -- Borderline-SMOTE --------------------------------------------------------------------


def danger_rows(X, y, label, m):
    rows = np.flatnonzero(y == label)
    neighbours = knn_rows(X, rows, np.arange(len(X)), m)
    n_other = (y[neighbours] != label).sum(axis=1)
    return rows[(n_other >= m / 2) & (n_other < m)]


def test_borderline_1_seeds_are_only_danger_samples():
    X, y = blobs((300, 40), n_features=2, seed=9)
    sampler = BorderlineSMOTE(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    danger = danger_rows(X, y, 1, 10)
    assert 0 < len(danger) < 40
    np.testing.assert_array_equal(sampler.in_danger_indices[1], danger)
    reference = imb_over.BorderlineSMOTE(random_state=0)
    reference.fit_resample(X, y)
    np.testing.assert_array_equal(np.sort(reference.in_danger_indices[1]), danger)
    minority = np.flatnonzero(y == 1)
    matches = segment_matches(X_res[len(X):], X, danger, knn_rows(X, danger, minority, 5))
    assert all(matches)
    # The same points are NOT all explained by the non-danger minority samples.
    safe = np.setdiff1d(minority, danger)
    other = segment_matches(X_res[len(X):], X, safe, knn_rows(X, safe, minority, 5))
    assert not all(other)


def test_borderline_2_moves_less_than_half_way_towards_other_classes():
    X, y = blobs((300, 40), n_features=2, seed=10)
    X_res, _ = BorderlineSMOTE(kind="borderline-2", random_state=0).fit_resample(X, y)
    danger = danger_rows(X, y, 1, 10)
    everyone = np.arange(len(X))
    matches = segment_matches(X_res[len(X):], X, danger, knn_rows(X, danger, everyone, 5))
    assert all(matches)
    towards_majority = 0
    for candidates in matches:
        if all(y[neighbour] != 1 for _, neighbour, _ in candidates):
            towards_majority += 1
            assert any(0.0 <= gap <= 0.5 + TOL for _, _, gap in candidates)
    assert towards_majority > 10


def test_borderline_without_danger_adds_nothing():
    X, y = blobs((100, 20), n_features=2, seed=11, spread=50.0)
    X_res, y_res = BorderlineSMOTE(random_state=0).fit_resample(X, y)
    _, y_ref = imb_over.BorderlineSMOTE(random_state=0).fit_resample(X, y)
    assert len(y_res) == len(y_ref) == 120


# -- ADASYN ------------------------------------------------------------------------------


def test_adasyn_per_sample_counts_follow_the_majority_share():
    X, y = blobs((300, 40), n_features=2, seed=12)
    sampler = ADASYN(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    minority = np.flatnonzero(y == 1)
    neighbours = knn_rows(X, minority, np.arange(len(X)), 5)
    ratio = (y[neighbours] != 1).sum(axis=1) / 5
    expected = np.rint(ratio / ratio.sum() * 260).astype(int)
    np.testing.assert_array_equal(sampler.samples_per_seed_[1], expected)
    assert len(y_res) - len(y) == expected.sum()
    _, y_ref = imb_over.ADASYN(random_state=0).fit_resample(X, y)
    assert Counter(y_res) == Counter(y_ref)
    matches = segment_matches(X_res[len(X):], X, minority, knn_rows(X, minority, minority, 5))
    assert all(matches)
    # Samples with no majority neighbour seed nothing; the hardest seed the most.
    assert (expected[ratio == 0] == 0).all()
    seeds = Counter(m[0][0] for m in matches)
    assert seeds.most_common(1)[0][0] in minority[ratio == ratio.max()]


def test_adasyn_without_majority_neighbours_is_an_error():
    X, y = blobs((100, 20), n_features=2, seed=13, spread=50.0)
    with pytest.raises(ValueError, match="no neighbour of any sample of class 1"):
        ADASYN(random_state=0).fit_resample(X, y)


# -- SMOTE-NC ----------------------------------------------------------------------------


def mixed_frame(n_major=150, n_minor=25, seed=14):
    rng = np.random.default_rng(seed)
    n = n_major + n_minor
    frame = pd.DataFrame({
        "height": rng.normal(0, 1, n) + np.r_[np.zeros(n_major), np.ones(n_minor)],
        "colour": pd.Categorical(rng.choice(["red", "green", "blue"], n)),
        "weight": rng.normal(0, 2, n),
        "size": rng.choice(["S", "M", "L", "XL"], n).astype(object),
    })
    y = np.r_[np.zeros(n_major, dtype=int), np.ones(n_minor, dtype=int)]
    return frame, y


def test_smotenc_categories_come_from_the_neighbours():
    frame, y = mixed_frame()
    sampler = SMOTENC(categorical_features=["colour", "size"], random_state=0)
    X_res, y_res = sampler.fit_resample(frame, y)
    reference = imb_over.SMOTENC(categorical_features=["colour", "size"], random_state=0)
    _, y_ref = reference.fit_resample(frame, y)
    assert Counter(y_res) == Counter(y_ref)
    assert sampler.median_std_[1] == pytest.approx(reference.median_std_[1], rel=1e-12)
    pd.testing.assert_frame_equal(X_res.iloc[: len(frame)], frame)
    assert X_res["colour"].dtype == frame["colour"].dtype
    # Oracle: neighbours on [continuous, one-hot * med / sqrt(2)] with sklearn.
    minority = np.flatnonzero(y == 1)
    med = np.median(frame[["height", "weight"]].to_numpy()[minority].std(axis=0))
    onehot = pd.get_dummies(frame[["colour", "size"]].astype(str)).to_numpy(float)
    encoded = np.hstack([frame[["height", "weight"]].to_numpy(), onehot * med / np.sqrt(2)])
    neighbours = knn_rows(encoded, minority, minority, 5)
    new = X_res.iloc[len(frame):]
    continuous = frame[["height", "weight"]].to_numpy()
    matches = segment_matches(new[["height", "weight"]].to_numpy(), continuous, minority,
                              neighbours)
    assert all(matches)
    position = {row: i for i, row in enumerate(minority)}
    def most_frequent_among_neighbours(seed, row):
        nn = neighbours[position[seed]]
        for column in ("colour", "size"):
            votes = Counter(frame[column].iloc[nn])
            if votes[row[column]] != max(votes.values()):
                return False
        return True

    # A point on the segment (a, b) is also on (b, a) when a and b are mutual neighbours:
    # one of its candidate seeds must explain its categories.
    for (_, row), candidates in zip(new.iterrows(), matches):
        assert any(most_frequent_among_neighbours(seed, row) for seed, _, _ in candidates)


def test_smotenc_indices_mask_and_numpy_object_input():
    frame, y = mixed_frame(seed=15)
    array = frame.astype(object).to_numpy()
    by_index = SMOTENC(categorical_features=[1, 3], random_state=0).fit_resample(array, y)[0]
    mask = np.array([False, True, False, True])
    by_mask = SMOTENC(categorical_features=mask, random_state=0).fit_resample(array, y)[0]
    assert by_index.dtype == object and by_index.shape == (300, 4)
    np.testing.assert_array_equal(by_index, by_mask)
    assert set(by_index[150:, 1]) <= {"red", "green", "blue"}
    by_name = SMOTENC(categorical_features=["colour", "size"], random_state=0)
    frame_res = by_name.fit_resample(frame, y)[0]
    np.testing.assert_allclose(frame_res["height"].to_numpy(), by_index[:, 0].astype(float))
    assert (frame_res["size"].to_numpy() == by_index[:, 3]).all()


def test_smotenc_auto_needs_categorical_dtype_columns():
    frame, y = mixed_frame(seed=16)
    frame["size"] = frame["size"].astype("category")
    sampler = SMOTENC(categorical_features="auto", random_state=0)
    sampler.fit_resample(frame, y)
    np.testing.assert_array_equal(sampler.categorical_features_, [1, 3])
    with pytest.raises(ValueError, match="'auto' needs a pandas DataFrame"):
        SMOTENC(categorical_features="auto").fit_resample(frame.to_numpy(), y)
    with pytest.raises(ValueError, match="needs categorical features"):
        SMOTENC(categorical_features=[]).fit_resample(frame[["height", "weight"]], y)
    with pytest.raises(ValueError, match="needs continuous features"):
        SMOTENC(categorical_features=[0, 1]).fit_resample(frame[["colour", "size"]], y)
    with pytest.raises(ValueError, match="unknown column"):
        SMOTENC(categorical_features=["nope"]).fit_resample(frame, y)
    with pytest.raises(ValueError, match="index 9 is out of range"):
        SMOTENC(categorical_features=[9]).fit_resample(frame, y)


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [SMOTE, BorderlineSMOTE, ADASYN])
def test_small_class_error_names_class_and_count(cls):
    X, y = blobs((50, 4), n_features=2, seed=17)
    labels = np.where(y == 1, "rare", "common")
    parameter = "n_neighbors" if cls is ADASYN else "k_neighbors"
    message = rf"class 'rare' has 4 samples, fewer than {parameter} \+ 1 = 6"
    with pytest.raises(ValueError, match=message):
        cls(random_state=0).fit_resample(X, labels)


def test_adapt_k_neighbors_uses_class_size_minus_one():
    X, y = blobs((50, 4), n_features=2, seed=18)
    sampler = SMOTE(random_state=0, adapt_k_neighbors=True)
    X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.k_neighbors_used_ == {1: 3}
    minority = np.flatnonzero(y == 1)
    assert all(segment_matches(X_res[54:], X, minority, knn_rows(X, minority, minority, 3)))
    single = np.r_[np.zeros(50, dtype=int), [1]]
    with pytest.raises(ValueError, match="class 1 has 1 sample, fewer"):
        SMOTE(adapt_k_neighbors=True).fit_resample(X[:51], single)


def test_single_class_nan_and_bad_parameters():
    X, y = blobs(seed=19)
    with pytest.raises(ValueError, match="at least 2 classes"):
        SMOTE().fit_resample(X, np.zeros(len(X), dtype=int))
    bad = X.copy()
    bad[5, 2] = np.nan
    with pytest.raises(ValueError, match="NaN at row 5, column 2"):
        SMOTE().fit_resample(bad, y)
    with pytest.raises(ValueError, match="kind must be 'borderline-1' or 'borderline-2'"):
        BorderlineSMOTE(kind="borderline-3").fit_resample(X, y)
    with pytest.raises(ValueError, match="k_neighbors must be >= 1, got 0"):
        SMOTE(k_neighbors=0).fit_resample(X, y)
    with pytest.raises(TypeError, match="k_neighbors must be an int or"):
        SMOTE(k_neighbors="five").fit_resample(X, y)
    with pytest.raises(TypeError, match="random_state must be"):
        SMOTE(random_state="seed").fit_resample(X, y)
    with pytest.raises(ValueError, match="continuous values"):
        SMOTE().fit_resample(X, y + 0.5)


# -- scikit-learn / imbalanced-learn integration -----------------------------------------


def test_pipeline():
    from imblearn.pipeline import make_pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score

    X, y = blobs((400, 20), n_features=2, seed=20, spread=1.5)
    plain = LogisticRegression().fit(X, y)
    pipeline = make_pipeline(SMOTE(random_state=0), LogisticRegression()).fit(X, y)
    assert balanced_accuracy_score(y, pipeline.predict(X)) > balanced_accuracy_score(
        y, plain.predict(X)
    )


def _instances():
    from shiftguard.imbalance import SMOTEENN, SMOTETomek

    return [
        SMOTETomek(random_state=0),
        SMOTEENN(random_state=0),
        SMOTE(random_state=0),
        BorderlineSMOTE(random_state=0),
        BorderlineSMOTE(kind="borderline-2", random_state=0),
        ADASYN(random_state=0),
    ]


from imblearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402


@parametrize_with_checks(_instances())
def test_imblearn_estimator_checks(estimator, check):
    check(estimator)


# -- SMOTETomek / SMOTEENN ---------------------------------------------------------------


def _combine_cases():
    from imblearn.under_sampling import EditedNearestNeighbours as ImbENN
    from imblearn.under_sampling import TomekLinks as ImbTomek
    from shiftguard.imbalance import SMOTEENN, SMOTETomek

    return [
        (SMOTETomek, "tomek", ImbTomek, "SMOTETomek"),
        (SMOTEENN, "enn", ImbENN, "SMOTEENN"),
    ]


@pytest.mark.parametrize("case", range(2))
def test_combined_samplers_equal_imblearn_given_the_same_smote(case):
    ours, parameter, imb_cleaner, _ = _combine_cases()[case]

    X, y = blobs((300, 40), n_features=2, seed=21)
    X_res, y_res = ours(random_state=0).fit_resample(X, y)
    # Oracle: what imbalanced-learn's combined sampler does (its fit_resample is SMOTE, then
    # the cleaner on SMOTE's output), with shiftguard's SMOTE (same synthetic points; imblearn's
    # SMOTETomek only accepts its own SMOTE class) and imbalanced-learn's own cleaner.
    X_over, y_over = SMOTE(random_state=0).fit_resample(X, y)
    X_ref, y_ref = imb_cleaner(sampling_strategy="all").fit_resample(X_over, y_over)
    assert len(y_ref) < len(y_over)
    np.testing.assert_array_equal(X_res, X_ref)
    np.testing.assert_array_equal(y_res, y_ref)
    assert len(y_res) < 600
    # The cleaner can be imbalanced-learn's, and smote any over-sampler.
    X_mixed, _ = ours(
        smote=SMOTE(random_state=0), **{parameter: imb_cleaner(sampling_strategy="all")}
    ).fit_resample(X, y)
    np.testing.assert_array_equal(X_mixed, X_ref)


def test_combined_samplers_reject_a_non_sampler():
    from shiftguard.imbalance import SMOTETomek

    X, y = blobs(seed=22)
    with pytest.raises(TypeError, match="smote must be a sampler with fit_resample"):
        SMOTETomek(smote=42).fit_resample(X, y)
