"""Gradients and optimiser steps of the C++ network against PyTorch autograd and torch.optim.

Each test builds a ``_core.MLP64`` network, copies its weights into an equivalent network
written here with plain torch operations (float64), and compares the loss and every gradient
(relative 1e-5), or the weights after a few full-batch optimiser steps.
"""

import numpy as np
import pytest
import torch  # noqa: E402  (a test dependency: tests/requirements.txt)

F = torch.nn.functional

from shiftguard.nn._mlp import _nn as _core  # noqa: E402  (the backend the estimators use)

ACTIVATIONS = {
    "identity": lambda h: h,
    "relu": torch.relu,
    "leaky_relu": lambda h: F.leaky_relu(h, 0.01),
    "gelu": F.gelu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
}


def _grouped(model, entries):
    """get_weights / gradient lists hold (W, b) per dense layer, then (gamma, beta) per hidden
    layer with layer norm: regroup as [W, b(, gamma, beta)] per layer."""
    n_dense = len(model.layer_sizes) - 1
    entries = [[np.asarray(a, dtype=np.float64) for a in entry] for entry in entries]
    groups = [[e[0], e[1].ravel()] for e in entries[:n_dense]]
    for layer, (gamma, beta) in enumerate(entries[n_dense:]):
        groups[layer] += [gamma.ravel(), beta.ravel()]
    return groups


def _layers(model):
    """[(W, b, gamma or None, beta or None)] from get_weights."""
    out = []
    for group in _grouped(model, model.get_weights()):
        gamma, beta = (group[2], group[3]) if len(group) > 2 else (None, None)
        out.append((group[0], group[1], gamma, beta))
    return out


def _torch_params(model):
    params = []
    for w, b, gamma, beta in _layers(model):
        group = [torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)]
        if gamma is not None:
            group += [
                torch.tensor(gamma, requires_grad=True),
                torch.tensor(beta, requires_grad=True),
            ]
        params.append(group)
    return params


def _torch_logits(params, x, activations):
    a = torch.as_tensor(x)
    for layer, group in enumerate(params):
        u = a @ group[0] + group[1]
        if layer == len(params) - 1:
            return u
        if len(group) > 2:
            u = F.layer_norm(u, (u.shape[1],), group[2], group[3], eps=1e-5)
        a = ACTIVATIONS[activations[layer]](u)
    raise AssertionError("no layers")


def _torch_loss(logits, y, sample_weight, output, config):
    y = torch.as_tensor(y)
    s = torch.as_tensor(sample_weight)
    loss = config.get("loss", "cross_entropy")
    cw = config.get("class_weights")
    if output == "softmax":
        z = logits
        if loss == "logit_adjusted":
            z = z + torch.as_tensor(config["logit_offsets"])
        log_p = torch.log_softmax(z, dim=1)
        if loss == "focal":
            per_class = -y * (1 - log_p.exp()) ** config["focal_gamma"] * log_p
        else:
            per_class = -y * log_p
        per_sample = per_class.sum(dim=1)
        c = torch.ones(y.shape[1], dtype=torch.float64) if cw is None else torch.as_tensor(cw)
        weight = s * (y * c).sum(dim=1)
        return (weight * per_sample).sum() / weight.sum()
    if output == "sigmoid":
        z = logits
        if loss == "logit_adjusted":
            z = z + torch.as_tensor(config["logit_offsets"])
        p = torch.sigmoid(z)
        log_p, log_q = F.logsigmoid(z), F.logsigmoid(-z)
        if loss == "focal":
            g = config["focal_gamma"]
            per = -(y * (1 - p) ** g * log_p + (1 - y) * p**g * log_q)
        else:
            per = -(y * log_p + (1 - y) * log_q)
        c0, c1 = (1.0, 1.0) if cw is None else cw
        weight = s[:, None] * (y * c1 + (1 - y) * c0)
        return (weight * per).sum() / weight.sum()
    if loss == "mse":
        per = (logits - y) ** 2
    else:
        per = F.huber_loss(logits, y, reduction="none", delta=config["huber_delta"])
    return (s[:, None] * per).sum() / (y.shape[1] * s.sum())


def _data(rng, n, d, k, output):
    x = rng.normal(size=(n, d))
    if output == "softmax":
        y = np.eye(k)[rng.integers(0, k, n)]
    elif output == "sigmoid":
        y = rng.integers(0, 2, (n, 1)).astype(np.float64)
    else:
        y = rng.normal(size=(n, k))
    return x, y


def _compare(activations, output, config, layer_norm=False, k=3, seed=0):
    rng = np.random.default_rng(seed)
    n, d = 23, 5
    hidden = [7, 6][: len(activations)]
    n_out = 1 if output == "sigmoid" else k
    model = _core.MLP64(
        d, hidden, activations, n_out, output, [0.0] * len(hidden), layer_norm, "auto", seed
    )
    # move biases and gamma/beta off their initial 0/1/0 so every gradient is exercised
    perturbed = [
        tuple(np.asarray(a, dtype=np.float64) + 0.1 * rng.normal(size=np.shape(a)) for a in entry)
        for entry in model.get_weights()
    ]
    model.set_weights(perturbed)
    x, y = _data(rng, n, d, n_out, output)
    s = rng.uniform(0.2, 2.0, size=n)
    loss, grads = model.loss_and_gradients(x, y, s, config)
    params = _torch_params(model)
    expected = _torch_loss(_torch_logits(params, x, activations), y, s, output, config)
    expected.backward()
    np.testing.assert_allclose(loss, expected.item(), rtol=1e-10)
    assert len(grads) == len(model.get_weights())
    for layer, (group, got) in enumerate(zip(params, _grouped(model, grads))):
        assert len(got) == len(group), f"layer {layer}"
        for name, t, g in zip(("W", "b", "gamma", "beta"), group, got):
            want = t.grad.numpy()
            np.testing.assert_allclose(
                g.reshape(want.shape), want, rtol=1e-5, atol=1e-12, err_msg=f"layer {layer} {name}"
            )


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_gradients_per_activation_cross_entropy_with_class_weights(activation):
    config = {"loss": "cross_entropy", "class_weights": np.array([0.5, 2.0, 1.3])}
    _compare([activation, activation], "softmax", config)


@pytest.mark.parametrize(
    "config",
    [
        {"loss": "cross_entropy", "class_weights": None},
        {"loss": "focal", "focal_gamma": 2.0, "class_weights": np.array([1.0, 3.0, 0.7])},
        {"loss": "focal", "focal_gamma": 0.5},
        {"loss": "logit_adjusted", "logit_offsets": np.log([0.7, 0.2, 0.1])},
    ],
    ids=["ce", "focal-weighted", "focal-0.5", "logit-adjusted"],
)
def test_gradients_softmax_losses(config):
    _compare(["tanh", "gelu"], "softmax", config)


@pytest.mark.parametrize(
    "config",
    [
        {"loss": "cross_entropy", "class_weights": np.array([0.3, 2.5])},
        {"loss": "focal", "focal_gamma": 1.5},
        {"loss": "logit_adjusted", "logit_offsets": np.array([np.log(0.2 / 0.8)])},
    ],
    ids=["bce-weighted", "focal", "logit-adjusted"],
)
def test_gradients_sigmoid_losses(config):
    _compare(["relu", "sigmoid"], "sigmoid", config)


@pytest.mark.parametrize(
    "config",
    [{"loss": "mse"}, {"loss": "huber", "huber_delta": 0.5}],
    ids=["mse", "huber"],
)
def test_gradients_regression_losses(config):
    _compare(["leaky_relu", "tanh"], "identity", config, k=2)


@pytest.mark.parametrize("output", ["softmax", "identity"])
def test_gradients_with_layer_norm(output):
    config = {"loss": "cross_entropy"} if output == "softmax" else {"loss": "mse"}
    _compare(["relu", "gelu"], output, config, layer_norm=True)


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(5)
    model = _core.MLP64(4, [5], ["tanh"], 3, "softmax", [0.0], True, "auto", 3)
    x, y = _data(rng, 11, 4, 3, "softmax")
    s = np.ones(11)
    config = {"loss": "focal", "focal_gamma": 2.0}
    _, grads = model.loss_and_gradients(x, y, s, config)
    weights = [[np.array(a, dtype=np.float64) for a in entry] for entry in model.get_weights()]
    h = 1e-6
    for layer, entry in enumerate(weights):
        for which, array in enumerate(entry):
            flat = array.reshape(-1)
            for i in rng.choice(flat.size, size=min(4, flat.size), replace=False):
                values = []
                for sign in (1, -1):
                    changed = [[a.copy() for a in e] for e in weights]
                    changed[layer][which].reshape(-1)[i] += sign * h
                    model.set_weights([tuple(e) for e in changed])
                    values.append(model.loss_and_gradients(x, y, s, config)[0])
                numeric = (values[0] - values[1]) / (2 * h)
                analytic = np.asarray(grads[layer][which]).reshape(-1)[i]
                assert analytic == pytest.approx(numeric, rel=1e-5, abs=1e-8)


OPTIMIZERS = {
    "sgd-momentum": (
        {"optimizer": "sgd", "momentum": 0.9, "nesterov": False, "weight_decay": 0.01},
        lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9, weight_decay=0.01),
    ),
    "sgd-nesterov": (
        {"optimizer": "sgd", "momentum": 0.8, "nesterov": True, "weight_decay": 0.0},
        lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.8, nesterov=True),
    ),
    "adam": (
        {"optimizer": "adam", "beta1": 0.9, "beta2": 0.99, "epsilon": 1e-8, "weight_decay": 1e-3},
        lambda p, lr: torch.optim.Adam(p, lr=lr, betas=(0.9, 0.99), eps=1e-8, weight_decay=1e-3),
    ),
    "adamw": (
        {"optimizer": "adamw", "beta1": 0.85, "beta2": 0.999, "epsilon": 1e-7,
         "weight_decay": 0.05},
        lambda p, lr: torch.optim.AdamW(p, lr=lr, betas=(0.85, 0.999), eps=1e-7, weight_decay=0.05),
    ),
    "rmsprop": (
        {"optimizer": "rmsprop", "rho": 0.95, "epsilon": 1e-8, "momentum": 0.0,
         "weight_decay": 0.0},
        lambda p, lr: torch.optim.RMSprop(p, lr=lr, alpha=0.95, eps=1e-8),
    ),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_steps_match_torch_optim(name):
    """Three full-batch epochs (one step each, no shuffling) from the same weights."""
    core_config, make_torch = OPTIMIZERS[name]
    rng = np.random.default_rng(11)
    activations = ["relu", "tanh"]
    model = _core.MLP64(6, [8, 5], activations, 3, "softmax", [0.0, 0.0], False, "auto", 4)
    x, y = _data(rng, 40, 6, 3, "softmax")
    s = np.ones(40)
    params = _torch_params(model)
    lr = 0.05
    config = {
        "loss": "cross_entropy",
        "learning_rate": lr,
        "batch_size": 40,
        "max_epochs": 3,
        "shuffle": False,
        "seed": 0,
        "schedule": "constant",
        "clip_norm": 0.0,
        **core_config,
    }
    result = _core.nn_fit(model, x, y, s, None, None, None, config, None)
    assert result["n_epochs"] == 3
    flat = [t for group in params for t in group]
    optimizer = make_torch(flat, lr)
    for _ in range(3):
        optimizer.zero_grad()
        _torch_loss(_torch_logits(params, x, activations), y, s, "softmax", {}).backward()
        optimizer.step()
    for layer, (group, got) in enumerate(zip(params, _layers(model))):
        for label, t, g in zip(("W", "b"), group, got):
            np.testing.assert_allclose(
                g, t.detach().numpy(), rtol=1e-7, atol=1e-10,
                err_msg=f"{name} layer {layer} {label}",
            )
