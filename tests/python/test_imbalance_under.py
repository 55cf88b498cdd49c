"""shiftguard's deterministic and random samplers against imbalanced-learn 0.14.2 (the
oracle): the same sample_indices_, outputs and sampling_strategy_ on many seeded data sets
(binary, multiclass, within-class duplicates, float32, string labels, DataFrames), the same
rows for the same seed in the random samplers, imbalanced-learn's own estimator checks, use
inside imblearn.pipeline.Pipeline, and bad input."""

import numpy as np
import pandas as pd
import pytest
from imblearn import over_sampling as imb_over
from imblearn import under_sampling as imb_under
from imblearn.pipeline import Pipeline
from imblearn.utils.estimator_checks import parametrize_with_checks
from shiftguard.imbalance import (
    EditedNearestNeighbours,
    NearMiss,
    RandomOverSampler,
    RandomUnderSampler,
    TomekLinks,
)
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression


def dataset(seed, n_classes=2, n_samples=300, n_features=4, duplicates=False, dtype=np.float64):
    weights = {2: [0.2, 0.8], 3: [0.15, 0.3, 0.55], 4: [0.1, 0.2, 0.3, 0.4]}[n_classes]
    X, y = make_classification(
        n_samples=n_samples, n_features=n_features, n_informative=min(n_features, 3),
        n_redundant=0, n_classes=n_classes, n_clusters_per_class=1, weights=weights,
        flip_y=0.08, class_sep=0.8, random_state=seed,
    )
    if duplicates:
        # repeat some rows with their own label: ties at distance 0 within a class
        rows = np.random.default_rng(seed).choice(n_samples, n_samples // 5, replace=False)
        X = np.vstack([X, X[rows]])
        y = np.concatenate([y, y[rows]])
    return X.astype(dtype), y


CASES = [
    pytest.param(dict(seed=s, n_classes=c, duplicates=d, dtype=t), id=f"s{s}-c{c}-d{int(d)}-{t.__name__}")
    for s, c, d, t in [
        (0, 2, False, np.float64), (1, 2, False, np.float64), (2, 3, False, np.float64),
        (3, 4, False, np.float64), (4, 3, True, np.float64), (5, 2, True, np.float64),
        (6, 3, False, np.float32), (7, 2, False, np.float32), (8, 4, True, np.float64),
        (9, 3, False, np.float64),
    ]
]

DETERMINISTIC = [
    (TomekLinks, imb_under.TomekLinks, {}),
    (TomekLinks, imb_under.TomekLinks, {"sampling_strategy": "all"}),
    (EditedNearestNeighbours, imb_under.EditedNearestNeighbours, {}),
    (EditedNearestNeighbours, imb_under.EditedNearestNeighbours, {"kind_sel": "mode"}),
    (EditedNearestNeighbours, imb_under.EditedNearestNeighbours,
     {"n_neighbors": 5, "sampling_strategy": "all"}),
    (NearMiss, imb_under.NearMiss, {"version": 1}),
    (NearMiss, imb_under.NearMiss, {"version": 2}),
    (NearMiss, imb_under.NearMiss, {"version": 3}),
    (NearMiss, imb_under.NearMiss, {"version": 1, "n_neighbors": 5, "sampling_strategy": "majority"}),
]


def _ids(entry):
    ours, _, params = entry
    return ours.__name__ + "-" + "-".join(f"{k}={v}" for k, v in params.items())


def _same_result(ours, theirs, X, y):
    X_ours, y_ours = ours.fit_resample(X, y)
    X_theirs, y_theirs = theirs.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, theirs.sample_indices_)
    np.testing.assert_array_equal(X_ours, X_theirs)
    np.testing.assert_array_equal(np.asarray(y_ours), np.asarray(y_theirs))
    assert list(ours.sampling_strategy_.items()) == list(theirs.sampling_strategy_.items())
    return X_ours, y_ours


def _deterministic_cases():
    for entry in DETERMINISTIC:
        for case in CASES:
            # NearMiss-3 with duplicated majority rows: its candidates are the union of the
            # rows found around each minority row, and which of two identical rows a tie
            # returns decides whether the union holds one or two copies. scikit-learn's
            # tie order depends on its tree, shiftguard's is by index, so the numbers of
            # candidates can differ (seen: 154 vs 155). Compared on data without duplicates.
            if case.values[0]["duplicates"] and entry[2].get("version") == 3:
                continue
            yield pytest.param(entry, case.values[0], id=f"{case.id}-{_ids(entry)}")


@pytest.mark.parametrize(("entry", "case"), list(_deterministic_cases()))
def test_same_rows_as_imblearn(entry, case):
    import warnings

    ours_class, theirs_class, params = entry
    X, y = dataset(**case)
    ours, theirs = ours_class(**params), theirs_class(**params)
    with warnings.catch_warnings(record=True) as ours_warned:
        warnings.simplefilter("always")
        X_ours, y_ours = ours.fit_resample(X, y)
    with warnings.catch_warnings(record=True) as theirs_warned:
        warnings.simplefilter("always")
        X_theirs, y_theirs = theirs.fit_resample(X, y)
    assert [str(w.message)[:8] for w in ours_warned if w.category is UserWarning].__len__() == len(
        [w for w in theirs_warned if w.category is UserWarning]
    )
    assert list(ours.sampling_strategy_.items()) == list(theirs.sampling_strategy_.items())
    assert X_ours.dtype == X.dtype
    np.testing.assert_array_equal(X_ours, X_theirs)
    np.testing.assert_array_equal(y_ours, y_theirs)
    if case["duplicates"]:
        # Among exact duplicates (same row, same class) scikit-learn's tie order depends on
        # its tree; shiftguard takes the smaller index. The kept rows are equal as values.
        np.testing.assert_array_equal(X[ours.sample_indices_], X[theirs.sample_indices_])
    else:
        np.testing.assert_array_equal(ours.sample_indices_, theirs.sample_indices_)


# ENN kind_sel='mode' is left out: imbalanced-learn 0.14.2 fails on string labels there
# (scipy.stats.mode no longer takes strings); shiftguard's mode on strings is checked below.
@pytest.mark.parametrize("entry", [e for e in DETERMINISTIC[:7] if e[2].get("kind_sel") != "mode"],
                         ids=_ids)
def test_strings_and_dataframes_match_imblearn(entry):
    ours_class, theirs_class, params = entry
    X, y = dataset(11, n_classes=3)
    names = np.array(["wolf", "cat", "dog"])[y]
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    series = pd.Series(names, name="animal")
    ours, theirs = ours_class(**params), theirs_class(**params)
    X_ours, y_ours = ours.fit_resample(frame, series)
    X_theirs, y_theirs = theirs.fit_resample(frame, series)
    np.testing.assert_array_equal(ours.sample_indices_, theirs.sample_indices_)
    pd.testing.assert_frame_equal(X_ours, X_theirs)
    pd.testing.assert_series_equal(y_ours, y_theirs)
    assert list(ours.sampling_strategy_.items()) == list(theirs.sampling_strategy_.items())


def test_enn_mode_with_string_labels_equals_imblearn_on_the_integer_codes():
    X, y = dataset(12, n_classes=3)
    names = np.array(["wolf", "cat", "dog"])[y]  # sorted: cat, dog, wolf
    codes = np.unique(names, return_inverse=True)[1]
    ours = EditedNearestNeighbours(kind_sel="mode")
    _, y_ours = ours.fit_resample(X, names)
    theirs = imb_under.EditedNearestNeighbours(kind_sel="mode")
    theirs.fit_resample(X, codes)
    np.testing.assert_array_equal(ours.sample_indices_, theirs.sample_indices_)
    np.testing.assert_array_equal(y_ours, names[theirs.sample_indices_])


def test_tomek_links_remove_the_links_of_the_targeted_class_only():
    X = np.array([[0.0], [1.0], [1.1], [3.0], [4.0], [6.0]])
    y = np.array([1, 1, 0, 1, 0, 1])
    sampler = TomekLinks()
    sampler.fit_resample(X, y)
    # links: (1, 2) and (3, 4); the majority (1) loses rows 1 and 3
    np.testing.assert_array_equal(sampler.sample_indices_, [0, 2, 4, 5])
    TomekLinks(sampling_strategy="all").fit_resample(X, y)
    np.testing.assert_array_equal(imb_under.TomekLinks().fit_resample(X, y)[1], [1, 0, 0, 1])


def test_cross_class_duplicates_follow_the_documented_tie_rule():
    # Rows 0 and 1 are the same point with different classes: each is the other's nearest
    # neighbour (distance 0; a row is never its own neighbour), so they form a Tomek link,
    # whatever order scikit-learn would list the two in. Rows 4 and 5 form an ordinary link.
    X = np.array([[0.0, 0.0], [0.0, 0.0], [5.0, 5.0], [5.0, 6.0], [9.0, 9.0], [9.0, 8.0]])
    y = np.array([0, 1, 1, 1, 0, 1])
    sampler = TomekLinks(sampling_strategy="all")
    sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.sample_indices_, [2, 3])


@pytest.mark.parametrize("seed", [0, 1, 42, 2**32 - 1])
@pytest.mark.parametrize("strategy", ["auto", "all", "not minority"])
def test_random_under_sampler_same_rows_as_imblearn_for_a_seed(seed, strategy):
    X, y = dataset(seed % 7, n_classes=3)
    for replacement in (False, True):
        ours = RandomUnderSampler(sampling_strategy=strategy, random_state=seed,
                                  replacement=replacement)
        theirs = imb_under.RandomUnderSampler(sampling_strategy=strategy, random_state=seed,
                                              replacement=replacement)
        _same_result(ours, theirs, X, y)


@pytest.mark.parametrize("seed", [0, 3, 123])
def test_random_over_sampler_same_rows_as_imblearn_for_a_seed(seed):
    X, y = dataset(seed % 5, n_classes=4)
    for strategy in ("auto", "minority", "all", {0: 200, 1: 150}):
        ours = RandomOverSampler(sampling_strategy=strategy, random_state=seed)
        theirs = imb_over.RandomOverSampler(sampling_strategy=strategy, random_state=seed)
        _same_result(ours, theirs, X, y)


def test_random_samplers_advance_a_random_state_as_imblearn_does():
    X, y = dataset(3, n_classes=3)
    ours_state, theirs_state = np.random.RandomState(5), np.random.RandomState(5)
    for _ in range(3):
        a = RandomUnderSampler(random_state=ours_state)
        b = imb_under.RandomUnderSampler(random_state=theirs_state)
        _same_result(a, b, X, y)
        a = RandomOverSampler(random_state=ours_state)
        b = imb_over.RandomOverSampler(random_state=theirs_state)
        _same_result(a, b, X, y)
    assert ours_state.randint(10**9) == theirs_state.randint(10**9)


def test_random_under_sampling_is_uniform():
    # each of 20 majority rows is kept with probability 5/20; 4000 seeded runs
    y = np.array([0] * 5 + [1] * 20)
    X = np.arange(50.0).reshape(25, 2)
    kept = np.zeros(25)
    runs = 4000
    for seed in range(runs):
        sampler = RandomUnderSampler(random_state=seed)
        sampler.fit_resample(X, y)
        kept[sampler.sample_indices_] += 1
    frequency = kept[5:] / runs
    # binomial sd = sqrt(0.25 * 0.75 / 4000) = 0.0068; 5 sd
    assert np.abs(frequency - 0.25).max() < 0.035


@parametrize_with_checks(
    [RandomUnderSampler(random_state=0), RandomOverSampler(random_state=0), TomekLinks(),
     EditedNearestNeighbours(), NearMiss(), NearMiss(version=2), NearMiss(version=3)]
)
def test_imblearn_estimator_checks(estimator, check):
    import warnings

    with warnings.catch_warnings():
        # NearMiss-3 on the checks' data keeps fewer rows than asked and says so
        warnings.filterwarnings("ignore", message="NearMiss version 3", category=UserWarning)
        check(estimator)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (RandomUnderSampler(random_state=1), imb_under.RandomUnderSampler(random_state=1)),
        (RandomOverSampler(random_state=1), imb_over.RandomOverSampler(random_state=1)),
        (TomekLinks(), imb_under.TomekLinks()),
        (EditedNearestNeighbours(), imb_under.EditedNearestNeighbours()),
        (NearMiss(version=2), imb_under.NearMiss(version=2)),
    ],
)
def test_inside_an_imblearn_pipeline(ours, theirs):
    X, y = dataset(21, n_classes=3, n_samples=400)
    ours_pipe = Pipeline([("sampler", ours), ("model", LogisticRegression(max_iter=500))])
    theirs_pipe = Pipeline([("sampler", theirs), ("model", LogisticRegression(max_iter=500))])
    ours_pipe.fit(X, y)
    theirs_pipe.fit(X, y)
    np.testing.assert_array_equal(ours_pipe.predict(X), theirs_pipe.predict(X))
    np.testing.assert_allclose(ours_pipe.predict_proba(X), theirs_pipe.predict_proba(X))


SAMPLERS = [RandomUnderSampler, RandomOverSampler, TomekLinks, EditedNearestNeighbours, NearMiss]


@pytest.mark.parametrize("sampler_class", SAMPLERS)
def test_bad_input(sampler_class):
    X, y = dataset(0)
    with pytest.raises(ValueError, match="at least 2 classes"):
        sampler_class().fit_resample(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="Unknown label type"):
        sampler_class().fit_resample(X, y + 0.5)
    bad = X.copy()
    bad[7, 2] = np.nan
    with pytest.raises(ValueError, match="X contains NaN at row 7, column 2"):
        sampler_class().fit_resample(bad, y)
    with pytest.raises(ValueError, match="sampling_strategy must be one of"):
        sampler_class(sampling_strategy="most").fit_resample(X, y)
    with pytest.raises(ValueError, match="X has 300 rows but y has 299"):
        sampler_class().fit_resample(X, y[1:])


def test_bad_parameters_and_k_too_large_for_a_class():
    X, y = dataset(0)
    labels = np.where(y == 0, "rare", "common")
    labels[np.flatnonzero(y == 0)[2:]] = "common"  # the class 'rare' keeps 2 samples
    with pytest.raises(ValueError, match="n_neighbors=3 exceeds the 2 samples of the minority class 'rare'"):
        NearMiss().fit_resample(X, labels)
    with pytest.raises(ValueError, match="n_neighbors_ver3=6 exceeds the 5 samples of class 1"):
        NearMiss(version=3, n_neighbors=1, n_neighbors_ver3=6).fit_resample(X[:8], np.array([0, 1, 1, 1, 0, 1, 1, 0]))
    with pytest.raises(ValueError, match="n_neighbors=400 needs at least 401 samples"):
        EditedNearestNeighbours(n_neighbors=400).fit_resample(X, y)
    with pytest.raises(ValueError, match="version must be 1, 2 or 3"):
        NearMiss(version=4).fit_resample(X, y)
    with pytest.raises(ValueError, match="kind_sel must be 'all' or 'mode'"):
        EditedNearestNeighbours(kind_sel="any").fit_resample(X, y)
    with pytest.raises(TypeError, match="n_neighbors must be an int"):
        EditedNearestNeighbours(n_neighbors=2.5).fit_resample(X, y)
    with pytest.raises(ValueError, match="shrinkage=0.5 is not supported"):
        RandomOverSampler(shrinkage=0.5).fit_resample(X, y)
    with pytest.raises(ValueError, match="random_state must be"):
        RandomUnderSampler(random_state="seed").fit_resample(X, y)
    with pytest.raises(ValueError, match="n_jobs must be an int >= 1"):
        TomekLinks(n_jobs=0).fit_resample(X, y)
    with pytest.raises(ValueError, match="list of the classes"):
        TomekLinks(sampling_strategy={0: 3}).fit_resample(X, y)


@pytest.mark.filterwarnings("ignore:NearMiss version 3:UserWarning")
def test_thread_count_does_not_change_the_rows():
    X, y = dataset(5, n_classes=3, n_samples=2000)
    for make in (lambda j: TomekLinks(n_jobs=j), lambda j: EditedNearestNeighbours(n_jobs=j),
                 lambda j: NearMiss(version=3, n_jobs=j)):
        one, two = make(1), make(2)
        one.fit_resample(X, y)
        two.fit_resample(X, y)
        np.testing.assert_array_equal(one.sample_indices_, two.sample_indices_)
