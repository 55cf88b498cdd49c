"""Covariate-shift importance weights. Oracles: the closed-form density ratio of two
Gaussians (correlation thresholds stated per test), scikit-learn's LogisticRegression
(coefficients within 1e-6), a plain NumPy uLSIF written here (closed form, and a brute-force
leave-one-out that refits n times to check the closed-form LOO score), NumPy's quantile
and the ESS formula."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.stats
from shiftguard import _core
from shiftguard.imbalance import (
    CovariateShiftWeights,
    LowEffectiveSampleSizeWarning,
    effective_sample_size,
)
from sklearn.linear_model import LogisticRegression

SHIFT = 0.5


def gaussian_pair(n_ref=2000, n_cur=1500, d=2, seed=0, shift=SHIFT):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n_ref, d)), rng.normal(size=(n_cur, d)) + shift


def true_ratio(x, shift=SHIFT):
    d = x.shape[1]
    return np.exp(shift * x.sum(axis=1) - 0.5 * d * shift**2)


def corr(a, b):
    return float(np.corrcoef(a, b)[0, 1])


# --------------------------------------------------------------------------- against the truth


@pytest.mark.parametrize("seed", [0, 1])
def test_builtin_classifier_weights_correlate_with_truth(seed):
    x_ref, x_cur = gaussian_pair(seed=seed)
    model = CovariateShiftWeights(seed=seed).fit(x_ref, x_cur)
    assert corr(model.raw_weights_, true_ratio(x_ref)) > 0.95
    assert corr(model.weights(x_ref), true_ratio(x_ref)) > 0.95
    assert model.weights_.mean() == pytest.approx(1.0)
    # raw estimates have the scale of the true ratio (mean over the reference ~ 1)
    assert model.raw_weights_.mean() == pytest.approx(1.0, abs=0.1)


@pytest.mark.parametrize("seed", [0, 1])
def test_ulsif_weights_correlate_with_truth(seed):
    x_ref, x_cur = gaussian_pair(seed=seed)
    model = CovariateShiftWeights(method="ulsif", seed=seed).fit(x_ref, x_cur)
    # uLSIF shrinks the heavy upper tail of the true ratio: ranks are right (Spearman > 0.85),
    # the linear correlation is lower (> 0.6; a NumPy uLSIF gives 0.7-0.87 on such data)
    assert scipy.stats.spearmanr(model.raw_weights_, true_ratio(x_ref))[0] > 0.85
    assert corr(model.raw_weights_, true_ratio(x_ref)) > 0.6
    assert model.raw_weights_.mean() == pytest.approx(1.0, abs=0.35)
    assert model.loo_scores_.shape == (5, 5)
    assert model.centers_.shape == (100, 2)
    np.testing.assert_array_equal(model.centers_, x_cur[model.center_rows_])


def test_user_classifier_is_accepted():
    x_ref, x_cur = gaussian_pair(seed=2)
    model = CovariateShiftWeights(classifier=LogisticRegression(C=1.0), seed=2).fit(x_ref, x_cur)
    assert corr(model.raw_weights_, true_ratio(x_ref)) > 0.95
    assert hasattr(model.estimator_, "coef_")
    # With the same C and no cross-fitting, the same weights as the built-in model.
    ours = CovariateShiftWeights(n_folds=1).fit(x_ref, x_cur)
    theirs = CovariateShiftWeights(classifier=LogisticRegression(C=1.0, tol=1e-12,
                                                                 max_iter=10000),
                                   n_folds=1).fit(x_ref, x_cur)
    np.testing.assert_allclose(ours.raw_weights_, theirs.raw_weights_, rtol=1e-5)


def test_small_network_classifier_gives_density_ratio_weights():
    # The "and the small network": shiftguard.nn.MLPClassifier as the probabilistic
    # classifier (cross-fitted). The true ratio here is monotone in x1 + x2, so the weights'
    # ranks must follow it closely; a network is noisier than the logistic model, hence the
    # rank correlation, and the mean of the raw ratio stays near its true value 1.
    import warnings

    from shiftguard.nn import MLPClassifier, OverfittingWarning

    x_ref, x_cur = gaussian_pair(seed=3)
    network = MLPClassifier(hidden_layer_sizes=(8,), alpha=1e-2, max_iter=50,
                            early_stopping=True, random_state=0, verbose=0)
    with warnings.catch_warnings():  # early stopping restores the best epoch of each fold
        warnings.simplefilter("ignore", OverfittingWarning)
        model = CovariateShiftWeights(classifier=network, n_folds=3, seed=3).fit(x_ref, x_cur)
    truth = true_ratio(x_ref)
    # measured on seeds 3-5: Spearman 0.97-0.99, Pearson 0.90-0.95
    assert scipy.stats.spearmanr(model.raw_weights_, truth)[0] > 0.9
    assert corr(model.raw_weights_, truth) > 0.8
    assert model.raw_weights_.mean() == pytest.approx(1.0, abs=0.2)
    assert model.weights_.mean() == pytest.approx(1.0)
    assert 0.0 < model.ess_fraction_ <= 1.0


# --------------------------------------------------------------------------- logistic regression


@pytest.mark.parametrize("C", [0.01, 0.3, 10.0])
def test_logistic_regression_equals_sklearn(C):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(1500, 4)) * [1.0, 2.0, 0.5, 1.0]
    y = (rng.random(1500) < 1 / (1 + np.exp(-(0.3 + x @ [1.0, -0.5, 2.0, 0.0])))).astype(float)
    ours = _core.fit_logistic_regression(x, y, C)
    reference = LogisticRegression(C=C, tol=1e-12, max_iter=100000).fit(x, y)
    assert ours["converged"]
    np.testing.assert_allclose(ours["coef"], reference.coef_[0], atol=1e-6)
    assert ours["intercept"] == pytest.approx(reference.intercept_[0], abs=1e-6)


def test_density_ratio_model_coefficients_equal_sklearn_on_pooled_data():
    x_ref, x_cur = gaussian_pair(seed=4)
    model = CovariateShiftWeights(C=0.5, n_folds=1).fit(x_ref, x_cur)
    pooled = np.vstack([x_ref, x_cur])
    labels = np.r_[np.zeros(len(x_ref)), np.ones(len(x_cur))]
    reference = LogisticRegression(C=0.5, tol=1e-12, max_iter=100000).fit(pooled, labels)
    np.testing.assert_allclose(model.coef_, reference.coef_[0], atol=1e-6)
    expected = len(x_ref) / len(x_cur) * np.exp(reference.decision_function(x_ref))
    np.testing.assert_allclose(model.raw_weights_, expected, rtol=1e-5)


def test_cross_fitted_weights_come_from_models_without_the_row():
    x_ref, x_cur = gaussian_pair(n_ref=300, n_cur=200, seed=5)
    model = CovariateShiftWeights(n_folds=3, seed=7).fit(x_ref, x_cur)
    assert np.bincount(model.fold_).tolist() == [100, 100, 100]
    in_sample = CovariateShiftWeights(n_folds=1).fit(x_ref, x_cur)
    assert not np.allclose(model.raw_weights_, in_sample.raw_weights_)
    # out-of-sample estimates stay close to the in-sample ones (same model family, 2/3 data)
    assert corr(model.raw_weights_, in_sample.raw_weights_) > 0.95


# --------------------------------------------------------------------------- uLSIF vs NumPy


def np_kernel(x, centers, sigma):
    d2 = ((x[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
    return np.exp(-d2 / (2 * sigma**2))


def np_ulsif_alpha(phi_ref, phi_cur, lam):
    h_mat = phi_ref.T @ phi_ref / len(phi_ref)
    h = phi_cur.mean(axis=0)
    return np.maximum(np.linalg.solve(h_mat + lam * np.eye(len(h)), h), 0)


def np_loo_bruteforce(phi_ref, phi_cur, lam):
    """Leave pair i out (reference row i and current row i), refit, score; average."""
    n_min = min(len(phi_ref), len(phi_cur))
    total = 0.0
    for i in range(n_min):
        keep_ref = np.delete(np.arange(len(phi_ref)), i)
        keep_cur = np.delete(np.arange(len(phi_cur)), i)
        alpha = np_ulsif_alpha(phi_ref[keep_ref], phi_cur[keep_cur], lam)
        total += 0.5 * (phi_ref[i] @ alpha) ** 2 - phi_cur[i] @ alpha
    return total / n_min


def test_ulsif_matches_numpy_closed_form_and_bruteforce_loo():
    x_ref, x_cur = gaussian_pair(n_ref=40, n_cur=30, seed=6)
    sigmas, lambdas = [0.5, 1.0, 2.0], [0.01, 0.1, 1.0]
    raw = _core.ulsif(x_ref, x_cur, 10, sigmas, lambdas, 3, 0)
    centers = raw["centers"]
    np.testing.assert_array_equal(centers, x_cur[raw["center_rows"]])
    for s, sigma in enumerate(sigmas):
        phi_ref, phi_cur = np_kernel(x_ref, centers, sigma), np_kernel(x_cur, centers, sigma)
        for j, lam in enumerate(lambdas):
            assert raw["loo_scores"][s, j] == pytest.approx(
                np_loo_bruteforce(phi_ref, phi_cur, lam), rel=1e-8, abs=1e-12)
    best = np.unravel_index(np.argmin(raw["loo_scores"]), raw["loo_scores"].shape)
    assert (raw["sigma"], raw["lambda"]) == (sigmas[best[0]], lambdas[best[1]])
    phi_ref = np_kernel(x_ref, centers, raw["sigma"])
    phi_cur = np_kernel(x_cur, centers, raw["sigma"])
    alpha = np_ulsif_alpha(phi_ref, phi_cur, raw["lambda"])
    np.testing.assert_allclose(raw["alpha"], alpha, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(raw["weights"], phi_ref @ alpha, rtol=1e-8, atol=1e-12)


def test_ulsif_default_grid_is_the_median_distance_times_factors():
    x_ref, x_cur = gaussian_pair(n_ref=200, n_cur=150, seed=7)
    model = CovariateShiftWeights(method="ulsif", n_centers=50).fit(x_ref, x_cur)
    centers = model.centers_
    d = np.sqrt(((centers[:, None] - centers[None]) ** 2).sum(-1))[np.triu_indices(50, 1)]
    median = np.sort(d)[d.size // 2]
    np.testing.assert_allclose(model.sigmas_, median * np.array([0.25, 0.5, 1, 2, 4]))
    np.testing.assert_allclose(model.lambdas_, [1e-3, 1e-2, 1e-1, 1, 10])


# --------------------------------------------------------------------------- post-processing


def test_ess_formula():
    w = np.random.default_rng(8).exponential(size=500)
    assert effective_sample_size(w) == pytest.approx(w.sum() ** 2 / (w**2).sum(), rel=1e-12)
    x_ref, x_cur = gaussian_pair(seed=8)
    model = CovariateShiftWeights().fit(x_ref, x_cur)
    w = model.weights_
    assert model.ess_ == pytest.approx(w.sum() ** 2 / (w**2).sum(), rel=1e-12)
    assert model.ess_fraction_ == pytest.approx(model.ess_ / len(x_ref), rel=1e-12)


def test_clipping_and_normalising_rules():
    x_ref, x_cur = gaussian_pair(seed=9)
    plain = CovariateShiftWeights(normalize=False).fit(x_ref, x_cur)
    np.testing.assert_allclose(plain.weights_, plain.raw_weights_)
    clipped = CovariateShiftWeights(max_weight=2.0).fit(x_ref, x_cur)
    expected = np.minimum(clipped.raw_weights_, 2.0)
    np.testing.assert_allclose(clipped.weights_, expected / expected.mean(), rtol=1e-12)
    assert clipped.n_clipped_ == int((clipped.raw_weights_ > 2.0).sum()) > 0
    q = CovariateShiftWeights(clip_quantile=0.9).fit(x_ref, x_cur)
    threshold = np.quantile(q.raw_weights_, 0.9)
    assert q.clip_value_ == pytest.approx(threshold, rel=1e-12)
    expected = np.minimum(q.raw_weights_, threshold)
    np.testing.assert_allclose(q.weights_, expected / expected.mean(), rtol=1e-12)
    # new rows get the same clip value and scale
    new = np.array([[3.0, 3.0], [-3.0, -3.0]])
    np.testing.assert_allclose(q.weights(new),
                               np.minimum(q.raw_ratio(new), threshold) * q.scale_)
    assert q.ess_ > plain.ess_ * 0.99  # clipping raises the ESS


def test_low_ess_warns():
    x_ref, x_cur = gaussian_pair(n_ref=500, n_cur=500, seed=10, shift=3.0)
    with pytest.warns(LowEffectiveSampleSizeWarning, match="effective sample size"):
        model = CovariateShiftWeights(min_ess_fraction=0.2).fit(x_ref, x_cur)
    assert model.ess_fraction_ < 0.2


# --------------------------------------------------------------------------- API details


def test_pandas_float32_and_thread_independence():
    x_ref, x_cur = gaussian_pair(n_ref=600, n_cur=400, seed=11)
    frame = pd.DataFrame(x_ref, columns=["a", "b"])
    model = CovariateShiftWeights(method="ulsif", n_threads=1).fit(frame, x_cur)
    assert model.feature_names_in_.tolist() == ["a", "b"]
    two = CovariateShiftWeights(method="ulsif", n_threads=2).fit(frame, x_cur)
    np.testing.assert_array_equal(model.weights_, two.weights_)
    single = CovariateShiftWeights(method="ulsif").fit(x_ref.astype(np.float32),
                                                      x_cur.astype(np.float32))
    np.testing.assert_allclose(single.weights_, model.weights_, rtol=1e-3)
    a = CovariateShiftWeights(n_threads=1).fit(x_ref, x_cur)
    b = CovariateShiftWeights(n_threads=2).fit(x_ref, x_cur)
    np.testing.assert_array_equal(a.weights_, b.weights_)
    assert CovariateShiftWeights(C=2.0).get_params()["C"] == 2.0
    assert "C=2.0" in repr(CovariateShiftWeights(C=2.0))
    assert "sigmas=array" in repr(CovariateShiftWeights(sigmas=np.array([1.0, 2.0])))


def test_bad_input():
    x_ref, x_cur = gaussian_pair(n_ref=50, n_cur=40, seed=12)
    bad = x_ref.copy()
    bad[3, 1] = np.nan
    for method in ("classifier", "ulsif"):
        with pytest.raises(ValueError, match="X_ref contains NaN at row 3, column 1"):
            CovariateShiftWeights(method=method).fit(bad, x_cur)
        with pytest.raises(ValueError, match="X_cur has 3 features"):
            CovariateShiftWeights(method=method).fit(x_ref, np.ones((10, 3)))
        with pytest.raises(ValueError, match="at least 2 rows"):
            CovariateShiftWeights(method=method).fit(np.empty((0, 2)), x_cur)
    with pytest.raises(ValueError, match="method must be 'classifier' or 'ulsif'"):
        CovariateShiftWeights(method="kmm").fit(x_ref, x_cur)
    with pytest.raises(TypeError, match="predict_proba"):
        CovariateShiftWeights(classifier=object()).fit(x_ref, x_cur)
    with pytest.raises(ValueError, match="n_folds must be in"):
        CovariateShiftWeights(n_folds=100).fit(x_ref, x_cur)
    with pytest.raises(ValueError, match="max_weight must be a finite number > 0"):
        CovariateShiftWeights(max_weight=-1.0).fit(x_ref, x_cur)
    with pytest.raises(ValueError, match="clip_quantile must be in"):
        CovariateShiftWeights(clip_quantile=0.0).fit(x_ref, x_cur)
    with pytest.raises(ValueError, match="sigmas must be finite and > 0"):
        CovariateShiftWeights(method="ulsif", sigmas=[0.0]).fit(x_ref, x_cur)
    with pytest.raises(ValueError, match="weights must be finite and >= 0, got -1.0"):
        effective_sample_size([1.0, -1.0])
    with pytest.raises(ValueError, match="weights must be finite and >= 0"):
        _core.postprocess_weights(np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="not fitted"):
        CovariateShiftWeights().weights(x_ref)
    model = CovariateShiftWeights().fit(x_ref, x_cur)
    with pytest.raises(ValueError, match="X has 3 features"):
        model.weights(np.ones((2, 3)))
    with pytest.raises(TypeError, match="must hold numbers"):
        model.weights(np.array([["a", "b"]]))
