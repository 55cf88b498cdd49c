"""The compiled trainer (shiftguard._core MLP32/MLP64, nn_fit) against PyTorch on the same
weights: losses and gradients for every activation, layer norm and loss, optimiser
trajectories, and the binding's own behaviour (dtypes, config keys, callbacks, errors, the
AVX+FMA module)."""

import pickle

import numpy as np
import pytest
import shiftguard._core as core
import torch  # noqa: E402  (a test dependency: tests/requirements.txt)

F = torch.nn.functional

MODULES = [core]
try:
    import shiftguard._core_nn_avx as core_avx

    MODULES.append(core_avx)
except ImportError:  # not built, or the CPU lacks AVX/FMA
    core_avx = None

ACTIVATIONS = {
    "identity": lambda t: t,
    "relu": F.relu,
    "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
    "gelu": F.gelu,  # exact erf form, torch's default
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
}


def _data(n=24, d=4, k=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    labels = rng.integers(0, k, size=n)
    return x, labels


def _torch_forward(model, x, activations, layer_norm):
    weights = [
        tuple(torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in pair)
        for pair in model.get_weights()
    ]
    n_dense = len(model.layer_sizes) - 1
    a = torch.tensor(x)
    for layer in range(n_dense):
        w, b = weights[layer]
        a = a @ w + b
        if layer < n_dense - 1:
            if layer_norm:
                gamma, beta = weights[n_dense + layer]
                a = F.layer_norm(a, (a.shape[1],), gamma, beta, eps=1e-5)
            a = ACTIVATIONS[activations[layer]](a)
    return a, weights


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("layer_norm", [False, True])
def test_gradients_of_every_activation_match_torch(activation, layer_norm):
    x, labels = _data()
    y = np.eye(3)[labels]
    model = core.MLP64(4, [7, 5], [activation, "tanh"], 3, "softmax", [], layer_norm, "auto", 2)
    weights = model.get_weights()
    if layer_norm:  # non-trivial gamma and beta
        weights[3] = (np.linspace(0.5, 1.5, 7), np.linspace(-0.3, 0.3, 7))
        model.set_weights(weights)
    class_weights = np.array([1.0, 2.5, 0.5])
    loss, grads = model.loss_and_gradients(x, y, None, {"class_weights": class_weights})
    logits, tw = _torch_forward(model, x, [activation, "tanh"], layer_norm)
    expected = F.cross_entropy(logits, torch.tensor(labels), weight=torch.tensor(class_weights))
    expected.backward()
    assert loss == pytest.approx(expected.item(), rel=1e-10)
    for ours, theirs in zip(grads, tw):
        for g, t in zip(ours, theirs):
            np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-8, atol=1e-12)


def _torch_loss(name, logits, y, labels, s, output, class_weights, offsets):
    s = torch.tensor(s)
    if output == "softmax":
        z = logits + torch.tensor(offsets, dtype=torch.float64) if name == "logit_adjusted" else logits
        logp = F.log_softmax(z, dim=1)
        logp_t = logp[torch.arange(len(labels)), torch.tensor(labels)]
        c = torch.tensor(class_weights)[torch.tensor(labels)]
        per_row = -logp_t if name != "focal" else -((1 - logp_t.exp()) ** 2.0) * logp_t
        w = s * c
        return (w * per_row).sum() / w.sum()
    if output == "sigmoid":
        z = logits[:, 0] + (offsets[0] if name == "logit_adjusted" else 0.0)
        t = torch.tensor(y[:, 0])
        bce = F.binary_cross_entropy_with_logits(z, t, reduction="none")
        if name == "focal":
            p = torch.sigmoid(z)
            pt = t * p + (1 - t) * (1 - p)
            bce = (1 - pt) ** 2.0 * bce
        w = s * (t * class_weights[1] + (1 - t) * class_weights[0])
        return (w * bce).sum() / w.sum()
    t = torch.tensor(y)
    per = (logits - t) ** 2 if name == "mse" else F.huber_loss(logits, t, reduction="none", delta=0.7)
    return (s[:, None] * per).sum() / (s.sum() * t.shape[1])


@pytest.mark.parametrize(
    "name,output",
    [
        ("cross_entropy", "softmax"),
        ("focal", "softmax"),
        ("logit_adjusted", "softmax"),
        ("cross_entropy", "sigmoid"),
        ("focal", "sigmoid"),
        ("logit_adjusted", "sigmoid"),
        ("mse", "identity"),
        ("huber", "identity"),
    ],
)
def test_every_loss_and_its_gradients_match_torch(name, output):
    x, labels = _data(seed=3)
    rng = np.random.default_rng(4)
    s = rng.uniform(0.2, 2.0, size=len(labels))
    k = {"softmax": 3, "sigmoid": 1, "identity": 2}[output]
    if output == "softmax":
        y = np.eye(3)[labels]
        class_weights = [1.0, 2.0, 0.5]
    elif output == "sigmoid":
        labels = labels % 2
        y = labels[:, None].astype(float)
        class_weights = [0.4, 1.7]
    else:
        y = rng.normal(scale=2.0, size=(len(labels), 2))
        class_weights = None
    offsets = [-0.5, 0.1, 0.9][:k]
    model = core.MLP64(4, [6], ["gelu"], k, output, [], False, "auto", 5)
    config = {"loss": name, "focal_gamma": 2.0, "huber_delta": 0.7}
    if class_weights is not None:
        config["class_weights"] = np.array(class_weights)
    if name == "logit_adjusted":
        config["logit_offsets"] = np.array(offsets)
    loss, grads = model.loss_and_gradients(x, y, s, config)
    logits, tw = _torch_forward(model, x, ["gelu"], False)
    expected = _torch_loss(name, logits, y, labels, s, output, class_weights or [1, 1], offsets)
    expected.backward()
    assert loss == pytest.approx(expected.item(), rel=1e-10)
    for ours, theirs in zip(grads, tw):
        for g, t in zip(ours, theirs):
            np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize(
    "optimizer,extra,torch_factory",
    [
        ("sgd", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
         lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
        ("adam", {"weight_decay": 0.01}, lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=0.01)),
        ("adamw", {"weight_decay": 0.1}, lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.1)),
        ("rmsprop", {"momentum": 0.5}, lambda p: torch.optim.RMSprop(p, lr=0.05, momentum=0.5)),
    ],
)
def test_full_batch_training_follows_torch_optimizers(optimizer, extra, torch_factory):
    x, labels = _data(n=40, seed=7)
    y = np.eye(3)[labels]
    model = core.MLP64(4, [8], ["tanh"], 3, "softmax", [], False, "auto", 1)
    _, tw = _torch_forward(model, x, ["tanh"], False)
    params = [t for pair in tw for t in pair]
    opt = torch_factory(params)
    for _ in range(5):
        opt.zero_grad()
        logits = torch.tensor(x) @ params[0] + params[1]
        logits = torch.tanh(logits) @ params[2] + params[3]
        F.cross_entropy(logits, torch.tensor(labels)).backward()
        torch.nn.utils.clip_grad_norm_(params, 0.5)
        opt.step()
    config = {"optimizer": optimizer, "learning_rate": 0.05, "batch_size": 1000,
              "max_epochs": 5, "shuffle": False, "clip_norm": 0.5, **extra}
    history = core.nn_fit(model, x, y, config=config)
    assert history["n_epochs"] == 5
    for (w, b), (tw_, tb) in zip(model.get_weights(), tw):
        np.testing.assert_allclose(w, tw_.detach().numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(b, tb.detach().numpy(), rtol=1e-9, atol=1e-12)


def test_binding_errors_dtypes_and_callbacks():
    x, labels = _data()
    y = np.eye(3)[labels]
    model = core.MLP32(4, [5], ["relu"], 3)
    with pytest.raises(TypeError, match="float32"):
        core.nn_fit(model, x, y.astype(np.float32))  # float64 X for a float32 network
    with pytest.raises(ValueError, match="unknown key 'learnin_rate'"):
        core.nn_fit(model, x.astype(np.float32), y.astype(np.float32), config={"learnin_rate": 1.0})
    with pytest.raises(ValueError, match="learning_rate must be"):
        core.nn_fit(model, x.astype(np.float32), y.astype(np.float32), config={"learning_rate": -1.0})
    with pytest.raises(ValueError, match="labels do not match the output size"):
        core.nn_fit(model, x.astype(np.float32), y[:, :2].astype(np.float32))
    seen = []
    result = core.nn_fit(model, x.astype(np.float32), y.astype(np.float32),
                         config={"max_epochs": 10},
                         callback=lambda info: seen.append(info["epoch"]) or info["epoch"] < 1)
    assert seen == [0, 1] and result["stop_reason"] == "callback" and result["n_epochs"] == 2
    with pytest.raises(ZeroDivisionError):
        core.nn_fit(model, x.astype(np.float32), y.astype(np.float32), callback=lambda info: 1 / 0)
    data = model.save()
    assert pickle.loads(pickle.dumps(model)).get_weights()[0][0].tolist() == model.get_weights()[0][0].tolist()
    corrupted = bytearray(data)
    corrupted[len(corrupted) // 2] ^= 0xFF
    with pytest.raises(ValueError, match="checksum"):
        core.MLP32.load(bytes(corrupted))
    with pytest.raises(ValueError, match="must have shape \\(4, 5\\)"):
        model.set_weights([(np.zeros((3, 5)), np.zeros(5)), (np.zeros((5, 3)), np.zeros(3))])


@pytest.mark.skipif(core_avx is None, reason="shiftguard._core_nn_avx not built for this CPU")
def test_avx_module_trains_like_the_baseline():
    x, labels = _data(n=200, d=6, seed=9)
    y = np.eye(3)[labels].astype(np.float32)
    x = x.astype(np.float32)
    results = []
    for module in (core, core_avx):
        model = module.MLP32(6, [32, 16], ["relu", "gelu"], 3, "softmax", [0.1, 0.0], True, "auto", 4)
        history = module.nn_fit(model, x, y, config={"max_epochs": 3, "seed": 2})
        results.append((history["train_loss"], model.forward(x)))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-4)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-3, atol=1e-4)
    with pytest.raises(core.ShapeError):
        core_avx.MLP32(6, [4], ["relu"], 3).forward(np.zeros((2, 5), np.float32))
