#!/usr/bin/env python3
"""Benchmark of shiftguard's label-shift and covariate-shift estimators against
scikit-learn and plain NumPy equivalents, in one process on identical seeded data:

* logistic regression (density-ratio classifier), 20,000 + 20,000 rows x 10 features:
  ``shiftguard._core.fit_logistic_regression`` (Newton, C++) against
  ``sklearn.linear_model.LogisticRegression(C=1)`` (lbfgs, its default tol), coefficients
  compared; and 5-fold cross-fitted weights, ``CovariateShiftWeights()`` against the same
  loop written with scikit-learn;
* uLSIF, 5,000 + 5,000 rows x 10 features, 100 centres, 5 x 5 grid with the closed-form
  leave-one-out score: ``CovariateShiftWeights(method="ulsif")`` against the same algorithm
  written in NumPy (vectorised over the left-out pairs);
* label shift, 20,000 + 20,000 rows, 5 classes: BBSE with a 200-replicate bootstrap interval
  and EM, against NumPy (bootstrap as a Python loop of vectorised replicates).

Medians of repeated runs; ratio = peer median / shiftguard median (above 1: shiftguard is
faster). The machine may be shared: say so with the figures.

Usage::

    python benchmarks/bench_imbalance_shift.py [--quick] [--threads N]
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import time

import numpy as np
import shiftguard
import sklearn
from _machine import cpu_model
from shiftguard import _core
from shiftguard.imbalance import CovariateShiftWeights, estimate_label_shift
from sklearn.linear_model import LogisticRegression

SEED = 20261123


def timed(fn, repeat):
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def row(name, ours, peer, note=""):
    print(f"{name:<52} shiftguard {ours * 1e3:9.1f} ms   peer {peer * 1e3:9.1f} ms   "
          f"ratio {peer / ours:6.2f}  {note}")


# --------------------------------------------------------------------------- NumPy peers


def sklearn_cross_fitted(x_ref, x_cur, n_folds, seed):
    rng = np.random.default_rng(seed)
    fold_ref = np.empty(len(x_ref), int)
    fold_ref[rng.permutation(len(x_ref))] = np.arange(len(x_ref)) % n_folds
    fold_cur = np.empty(len(x_cur), int)
    fold_cur[rng.permutation(len(x_cur))] = np.arange(len(x_cur)) % n_folds
    weights = np.empty(len(x_ref))
    for f in range(n_folds):
        tr, tc = fold_ref != f, fold_cur != f
        x = np.vstack([x_ref[tr], x_cur[tc]])
        y = np.r_[np.zeros(tr.sum()), np.ones(tc.sum())]
        model = LogisticRegression(C=1.0).fit(x, y)
        weights[~tr] = tr.sum() / tc.sum() * np.exp(model.decision_function(x_ref[~tr]))
    return weights


def numpy_ulsif(x_ref, x_cur, n_centers, sigma_factors, lambdas, seed):
    rng = np.random.default_rng(seed)
    centers = x_cur[rng.permutation(len(x_cur))[:n_centers]]
    d = np.sqrt(((centers[:, None] - centers[None]) ** 2).sum(-1))[np.triu_indices(n_centers, 1)]
    median = np.sort(d)[d.size // 2]

    def kernel(x, sigma):
        d2 = (x**2).sum(1)[:, None] + (centers**2).sum(1)[None] - 2 * x @ centers.T
        return np.exp(-np.maximum(d2, 0) / (2 * sigma**2))

    n_ref, n_cur = len(x_ref), len(x_cur)
    n_min = min(n_ref, n_cur)
    best = (np.inf, None, None)
    for factor in sigma_factors:
        sigma = factor * median
        pr, pc = kernel(x_ref, sigma).T, kernel(x_cur, sigma).T  # b x n
        h_mat = pr @ pr.T / n_ref
        h = pc.mean(1)
        xr, xc = pr[:, :n_min], pc[:, :n_min]
        for lam in lambdas:
            b_inv = np.linalg.inv(h_mat + lam * (n_ref - 1) / n_ref * np.eye(n_centers))
            b_h = b_inv @ h
            b_r = b_inv @ xr
            denom = n_ref - (xr * b_r).sum(0)
            b0 = b_h[:, None] + b_r * ((h @ b_r) / denom)
            b1 = b_inv @ xc + b_r * ((xc * b_r).sum(0) / denom)
            b2 = np.maximum(0, (n_ref - 1) / (n_ref * (n_cur - 1)) * (n_cur * b0 - b1))
            wr, wc = (xr * b2).sum(0), (xc * b2).sum(0)
            score = (wr @ wr / 2 - wc.sum()) / n_min
            if score < best[0]:
                best = (score, sigma, lam)
    _, sigma, lam = best
    pr, pc = kernel(x_ref, sigma), kernel(x_cur, sigma)
    alpha = np.maximum(np.linalg.solve(pr.T @ pr / n_ref + lam * np.eye(n_centers),
                                       pc.mean(0)), 0)
    return pr @ alpha


def numpy_bbse(y_val, proba_val, proba_target, n_bootstrap, seed):
    k = proba_val.shape[1]
    pred_val = proba_val.argmax(1)
    pred_target = proba_target.argmax(1)

    def solve(yv, pv, pt):
        c = np.zeros((k, k))
        np.add.at(c, (pv, yv), 1.0)
        c /= len(yv)
        mu = np.bincount(pt, minlength=k) / len(pt)
        w = np.linalg.solve(c, mu)
        q = np.clip(w, 0, None) * c.sum(0)
        return q / q.sum()

    point = solve(y_val, pred_val, pred_target)
    rng = np.random.default_rng(seed)
    reps = []
    for _ in range(n_bootstrap):
        iv = rng.integers(0, len(y_val), len(y_val))
        it = rng.integers(0, len(pred_target), len(pred_target))
        reps.append(solve(y_val[iv], pred_val[iv], pred_target[it]))
    return point, np.percentile(reps, [2.5, 97.5], axis=0)


def numpy_em(source, proba, tol=1e-8, max_iter=1000):
    q = source.copy()
    for _ in range(max_iter):
        adjusted = proba * (q / source)
        adjusted /= adjusted.sum(1, keepdims=True)
        new = adjusted.mean(0)
        done = np.abs(new - q).max() <= tol
        q = new
        if done:
            break
    return q


# --------------------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    repeat = 3 if args.quick else 5
    scale = 4 if args.quick else 1
    threads = args.threads
    print(f"bench_imbalance_shift: {datetime.date.today()}  cpu: {cpu_model()} "
          f"({os.cpu_count()} cores, shiftguard n_threads={threads})")
    print(f"shiftguard {shiftguard.__version__}, numpy {np.__version__}, "
          f"scikit-learn {sklearn.__version__}")
    rng = np.random.default_rng(SEED)

    # logistic regression
    n, d = 20000 // scale, 10
    x_ref = rng.normal(size=(n, d))
    x_cur = rng.normal(size=(n, d)) + np.linspace(0, 0.5, d)
    pooled = np.vstack([x_ref, x_cur])
    labels = np.r_[np.zeros(n), np.ones(n)]
    t_ours, ours = timed(lambda: _core.fit_logistic_regression(pooled, labels, 1.0, True, 1e-10,
                                                               100, threads), repeat)
    t_peer, peer = timed(lambda: LogisticRegression(C=1.0).fit(pooled, labels), repeat)
    diff = np.abs(ours["coef"] - peer.coef_[0]).max()
    row(f"logistic fit {2 * n}x{d} (vs sklearn lbfgs)", t_ours, t_peer,
        f"max |coef diff| {diff:.1e}")
    t_ours, model = timed(lambda: CovariateShiftWeights(n_threads=threads).fit(x_ref, x_cur),
                          repeat)
    t_peer, weights = timed(lambda: sklearn_cross_fitted(x_ref, x_cur, 5, 0), repeat)
    r = np.corrcoef(model.raw_weights_, weights)[0, 1]
    row("5-fold cross-fitted classifier weights", t_ours, t_peer,
        f"corr(shiftguard, sklearn) {r:.4f}")

    # uLSIF
    n = 5000 // scale
    x_ref = rng.normal(size=(n, d))
    x_cur = rng.normal(size=(n, d)) + np.linspace(0, 0.5, d)
    factors, lambdas = [0.25, 0.5, 1, 2, 4], [1e-3, 1e-2, 1e-1, 1, 10]
    t_ours, model = timed(
        lambda: CovariateShiftWeights(method="ulsif", n_threads=threads).fit(x_ref, x_cur),
        repeat)
    t_peer, weights = timed(lambda: numpy_ulsif(x_ref, x_cur, 100, factors, lambdas, 0), repeat)
    truth = np.exp(x_ref @ np.linspace(0, 0.5, d) - 0.5 * (np.linspace(0, 0.5, d) ** 2).sum())
    row(f"uLSIF {n}+{n}x{d}, 100 centres, 5x5 LOO grid (vs NumPy)", t_ours, t_peer,
        f"corr with truth: {np.corrcoef(model.raw_weights_, truth)[0, 1]:.3f} vs "
        f"{np.corrcoef(weights, truth)[0, 1]:.3f}")

    # label shift
    n, k = 20000 // scale, 5
    means = rng.normal(scale=2.0, size=(k, 3))
    y_train = rng.integers(0, k, 5000)
    clf = LogisticRegression().fit(rng.normal(size=(5000, 3)) + means[y_train], y_train)
    y_val = rng.integers(0, k, n)
    target_priors = np.array([0.4, 0.3, 0.15, 0.1, 0.05])
    y_target = rng.choice(k, n, p=target_priors)
    proba_val = clf.predict_proba(rng.normal(size=(n, 3)) + means[y_val])
    proba_target = clf.predict_proba(rng.normal(size=(n, 3)) + means[y_target])
    t_ours, ours = timed(lambda: estimate_label_shift(y_val, proba_val, proba_target,
                                                      n_bootstrap=200, n_threads=threads),
                         repeat)
    t_peer, peer = timed(lambda: numpy_bbse(y_val, proba_val, proba_target, 200, 0), repeat)
    row(f"BBSE + 200-replicate bootstrap, {n}+{n} rows, {k} classes", t_ours, t_peer,
        f"max |prior diff| {np.abs(ours.priors - peer[0]).max():.1e}")
    source = np.bincount(y_val, minlength=k) / n
    t_ours, ours = timed(lambda: estimate_label_shift(y_val, proba_val, proba_target,
                                                      method="em"), repeat)
    t_peer, peer = timed(lambda: numpy_em(source, proba_target), repeat)
    row(f"EM prior adjustment, {n} rows, {k} classes", t_ours, t_peer,
        f"max |prior diff| {np.abs(ours.priors - peer).max():.1e}, {ours.n_iter} iterations")


if __name__ == "__main__":
    main()
