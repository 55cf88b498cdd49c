#!/usr/bin/env python3
"""Benchmark of shiftguard.nn's MLP trainer against PyTorch and scikit-learn, in one process.

Every contender gets the same data, architecture (ReLU hidden layers, softmax/sigmoid
cross-entropy), optimiser (Adam, lr 1e-3, betas 0.9/0.999, eps 1e-8, no weight decay),
batch size, number of epochs, shuffling every epoch and thread count
(``torch.set_num_threads`` = shiftguard's ``n_threads`` = the BLAS threads of NumPy and
scikit-learn through threadpoolctl).

1. **Accuracy.** scikit-learn's digits and breast-cancer data sets, standardised, a
   stratified 70/30 split per seed; test accuracy mean +- sd over the seeds for shiftguard,
   a PyTorch loop and ``sklearn.neural_network.MLPClassifier`` (alpha=0, no early stop).
2. **Training speed.** A 100-256-256-2 network on 100,000 rows, 10 epochs, batch 32 and
   256: median wall time of ``fit`` over repeats; ratios PyTorch / shiftguard and
   scikit-learn / shiftguard. Achieved GFLOP/s = training flops / time (2 flops per
   multiply-add of the forward product, weight gradient and input gradient of each layer,
   no input gradient for the first layer), next to the peak of a float32 matrix
   product on this machine (benchmarks/cpp/bench_nn.cpp's Eigen product of the training
   shapes when that program is built, else a NumPy float32 matmul, which is OpenBLAS, not
   Eigen; the script says which).
3. **Single-row inference latency** of the same network: ``predict_proba`` of the
   estimator (with scikit-learn's input validation) and the bare core network, against
   ``model(x)`` under ``torch.inference_mode()``; medians over many calls.

Usage::

    python benchmarks/bench_nn.py              # full run (several minutes on an idle machine)
    python benchmarks/bench_nn.py --rows 20000 --epochs 2 --repeats 1 --no-accuracy
    python benchmarks/bench_nn.py --quick      # smoke run
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np
import shiftguard
from _machine import cpu_model
from shiftguard.nn import MLPClassifier

SEED = 20261123


def _torch():
    import torch

    return torch


class TorchMLP:
    """The same network and training loop written with PyTorch (index slicing per batch,
    no DataLoader, which would only add overhead)."""

    def __init__(self, hidden: tuple[int, ...], epochs: int, batch: int, lr: float, seed: int):
        self.hidden, self.epochs, self.batch, self.lr, self.seed = hidden, epochs, batch, lr, seed

    def fit(self, x: np.ndarray, y: np.ndarray) -> TorchMLP:
        torch = _torch()
        torch.manual_seed(self.seed)
        n_classes = int(y.max()) + 1
        sizes = [x.shape[1], *self.hidden]
        layers: list[Any] = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
        layers.append(torch.nn.Linear(sizes[-1], n_classes))
        self.model = torch.nn.Sequential(*layers)
        optimizer = torch.optim.Adam(self.model.parameters(), lr=self.lr)
        loss_fn = torch.nn.CrossEntropyLoss()
        xt = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
        yt = torch.from_numpy(y.astype(np.int64))
        n = xt.shape[0]
        for _ in range(self.epochs):
            order = torch.randperm(n)
            for start in range(0, n, self.batch):
                index = order[start : start + self.batch]
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(self.model(xt[index]), yt[index])
                loss.backward()
                optimizer.step()
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        torch = _torch()
        with torch.inference_mode():
            logits = self.model(torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)))
        return logits.argmax(dim=1).numpy()


def shiftguard_mlp(hidden, epochs, batch, lr, seed, threads) -> MLPClassifier:
    return MLPClassifier(
        hidden, solver="adam", alpha=0.0, batch_size=batch, learning_rate_init=lr,
        max_iter=epochs, random_state=seed, n_threads=threads, tol=0.0,
    )


def sklearn_mlp(hidden, epochs, batch, lr, seed):
    from sklearn.neural_network import MLPClassifier as SkMLP

    return SkMLP(
        hidden, solver="adam", alpha=0.0, batch_size=batch, learning_rate_init=lr,
        max_iter=epochs, random_state=seed, tol=0.0, n_iter_no_change=epochs + 1,
        shuffle=True,
    )


def _fit_quiet(model: Any, x: np.ndarray, y: np.ndarray) -> Any:
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(x, y)


def accuracy(seeds: int, epochs: int, threads: int) -> None:
    from sklearn.datasets import load_breast_cancer, load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    print(f"\n== 1. test accuracy, (64,) ReLU, Adam lr 1e-3, batch 32, {epochs} epochs, "
          f"{seeds} seeds (mean +- sd)")
    print(f"{'data set':<15}{'shiftguard':>18}{'PyTorch':>18}{'sklearn MLP':>18}  within 1 sd")
    for name, loader in (("digits", load_digits), ("breast_cancer", load_breast_cancer)):
        x, y = loader(return_X_y=True)
        scores: dict[str, list[float]] = {"shiftguard": [], "torch": [], "sklearn": []}
        for seed in range(seeds):
            x_tr, x_te, y_tr, y_te = train_test_split(
                x, y, test_size=0.3, stratify=y, random_state=seed
            )
            scaler = StandardScaler().fit(x_tr)
            x_tr = scaler.transform(x_tr).astype(np.float32)
            x_te = scaler.transform(x_te).astype(np.float32)
            ours = shiftguard_mlp((64,), epochs, 32, 1e-3, seed, threads).fit(x_tr, y_tr)
            scores["shiftguard"].append(float(np.mean(ours.predict(x_te) == y_te)))
            torch_model = TorchMLP((64,), epochs, 32, 1e-3, seed).fit(x_tr, y_tr)
            scores["torch"].append(float(np.mean(torch_model.predict(x_te) == y_te)))
            sk = _fit_quiet(sklearn_mlp((64,), epochs, 32, 1e-3, seed), x_tr, y_tr)
            scores["sklearn"].append(float(np.mean(sk.predict(x_te) == y_te)))
        mean = {k: statistics.mean(v) for k, v in scores.items()}
        sd = {k: statistics.stdev(v) if len(v) > 1 else 0.0 for k, v in scores.items()}
        cells = "".join(f"{mean[k]:>11.4f} +- {sd[k]:.4f}" for k in scores)
        within = all(
            abs(mean["shiftguard"] - mean[k]) <= max(sd[k], sd["shiftguard"])
            for k in ("torch", "sklearn")
        )
        print(f"{name:<15}{cells}  {'yes' if within else 'NO'}")


def _median_time(function: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_gflops(threads: int) -> tuple[float, str]:
    """Peak float32 GEMM: the C++ micro-benchmark (benchmarks/cpp/bench_nn.cpp, which times a
    plain Eigen float32 product of the training shapes) when it has been built, else NumPy."""
    root = Path(__file__).resolve().parents[1]
    candidates = sorted(root.glob("build/*/benchmarks/cpp/bench_nn_avx")) + sorted(
        root.glob("build/*/benchmarks/cpp/bench_nn")
    )
    for candidate in candidates:
        if not (candidate.is_file() and os.access(candidate, os.X_OK)):
            continue
        try:
            out = subprocess.run(
                [str(candidate), "--rows", "20000", "--repeat", "3"],
                capture_output=True, text=True, timeout=300,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        peaks = []
        for line in out.splitlines():
            fields = line.split()
            if len(fields) == 5 and fields[0] in ("32", "256"):
                peaks.append(float(fields[4]))
        if peaks:
            return max(peaks), f"Eigen float32 GEMM of the training shapes ({candidate.name})"
    from threadpoolctl import threadpool_limits

    a = np.random.default_rng(0).normal(size=(1024, 1024)).astype(np.float32)
    with threadpool_limits(threads):
        seconds = _median_time(lambda: a @ a, 7)
    return 2 * 1024**3 / seconds / 1e9, "NumPy float32 matmul 1024^3 (OpenBLAS, not Eigen)"


def training_flops_per_row(sizes: list[int]) -> float:
    """2 flops per multiply-add of the forward product, the weight gradient and the input
    gradient of each layer (none for the first layer), as benchmarks/cpp/bench_nn.cpp."""
    flops = 0.0
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        products = 2 if layer == 0 else 3
        flops += 2.0 * products * fan_in * fan_out
    return flops


def speed(rows: int, epochs: int, repeats: int, threads: int, with_sklearn: bool) -> None:
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(rows, 100)).astype(np.float32)
    y = (x[:, :10].sum(axis=1) + 0.5 * rng.normal(size=rows) > 0).astype(np.int64)
    hidden = (256, 256)
    flops = training_flops_per_row([100, 256, 256, 2]) * rows * epochs
    peak, peak_source = peak_gflops(threads)
    print(f"\n== 2. training time, 100-256-256-2, {rows:,} rows, {epochs} epochs, Adam, "
          f"median of {repeats}")
    print(f"peak float32 GEMM: {peak:.1f} GFLOP/s ({peak_source})")
    print(f"{'batch':>6}{'shiftguard s':>14}{'GFLOP/s':>9}{'% peak':>8}{'PyTorch s':>11}"
          f"{'ratio':>7}{'sklearn s':>11}{'ratio':>7}")
    for batch in (32, 256):
        ours = _median_time(
            lambda b=batch: shiftguard_mlp(hidden, epochs, b, 1e-3, 0, threads).fit(x, y),
            repeats,
        )
        theirs = _median_time(
            lambda b=batch: TorchMLP(hidden, epochs, b, 1e-3, 0).fit(x, y), repeats
        )
        line = (f"{batch:>6}{ours:>14.2f}{flops / ours / 1e9:>9.2f}"
                f"{100 * flops / ours / 1e9 / peak:>7.1f}%{theirs:>11.2f}{theirs / ours:>6.1f}x")
        if with_sklearn:
            with threadpool_limits(threads):
                sk = _median_time(
                    lambda b=batch: _fit_quiet(sklearn_mlp(hidden, epochs, b, 1e-3, 0), x, y), 1
                )
            line += f"{sk:>11.2f}{sk / ours:>6.1f}x"
        print(line, flush=True)

    print("\n== 3. single-row inference latency, same network (median of 2000 calls)")
    torch = _torch()
    clf = shiftguard_mlp(hidden, 1, 256, 1e-3, 0, threads).fit(x[:5000], y[:5000])
    torch_model = TorchMLP(hidden, 1, 256, 1e-3, 0).fit(x[:5000], y[:5000]).model
    row = x[:1].copy()
    row_t = torch.from_numpy(row)
    core = clf._model

    def torch_call():
        with torch.inference_mode():
            return torch.softmax(torch_model(row_t), dim=1)

    timings = {
        "shiftguard predict_proba": _per_call(lambda: clf.predict_proba(row)),
        "shiftguard core predict_output": _per_call(lambda: core.predict_output(row, 1)),
        "PyTorch model(x) + softmax": _per_call(torch_call),
    }
    for name, seconds in timings.items():
        print(f"{name:<32}{seconds * 1e6:>9.1f} us")
    base = timings["PyTorch model(x) + softmax"]
    print(f"PyTorch / shiftguard: estimator {base / timings['shiftguard predict_proba']:.1f}x, "
          f"core {base / timings['shiftguard core predict_output']:.1f}x")


def _per_call(function: Callable[[], Any], calls: int = 2000) -> float:
    for _ in range(50):
        function()
    times = np.empty(calls)
    for i in range(calls):
        start = time.perf_counter()
        function()
        times[i] = time.perf_counter() - start
    return float(np.median(times))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the speed part")
    parser.add_argument("--epochs", type=int, default=10, help="epochs of the speed part")
    parser.add_argument("--no-accuracy", action="store_true", help="skip the accuracy part")
    parser.add_argument("--no-sklearn-speed", action="store_true",
                        help="skip scikit-learn in the (slow) training-speed part")
    args = parser.parse_args()
    torch = _torch()
    torch.set_num_threads(args.threads)
    import sklearn

    print("shiftguard.nn benchmark", datetime.date.today().isoformat())
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()}; "
          f"load average {os.getloadavg()[0]:.1f} (other jobs share the machine)")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, shiftguard "
          f"{shiftguard.__version__}, torch {torch.__version__}, scikit-learn {sklearn.__version__}"
          f"; threads {args.threads}")
    if args.quick:
        accuracy(seeds=2, epochs=5, threads=args.threads)
        speed(rows=5000, epochs=1, repeats=1, threads=args.threads, with_sklearn=True)
    else:
        if not args.no_accuracy:
            accuracy(seeds=5, epochs=50, threads=args.threads)
        speed(rows=args.rows, epochs=args.epochs, repeats=args.repeats, threads=args.threads,
              with_sklearn=not args.no_sklearn_speed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
