"""Every ```python block in README.md and docs/*.md runs, and every docstring example in
the package passes (doctest): documentation that cannot silently rot."""

import doctest
import importlib
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def python_blocks():
    for page in PAGES:
        for index, code in enumerate(BLOCK.findall(page.read_text())):
            yield pytest.param(code, id=f"{page.name}-{index}")


def test_readme_has_python_and_cpp_examples():
    text = (ROOT / "README.md").read_text()
    assert BLOCK.search(text), "README.md needs a ```python example"
    assert "```cpp\n" in text, "README.md needs a ```cpp example"
    # the test command comes right after the opening paragraph
    assert "make test" in text.split("```python")[0]


@pytest.mark.parametrize("code", list(python_blocks()))
def test_python_examples_run(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "<doc example>", "exec"), {"__name__": "__doc_example__"})


@pytest.mark.parametrize(
    "module",
    [
        "shiftguard",
        "shiftguard.drift._batch",
        "shiftguard.drift._stream",
        "shiftguard.drift._adwin",
        "shiftguard.drift._online_mmd",
        "shiftguard.drift._correction",
        "shiftguard.drift._reduce",
        "shiftguard.drift._multivariate",
        "shiftguard.drift.binary",
        "shiftguard.drift._scores",
        "shiftguard.drift._numeric_tests",
        "shiftguard.drift._tabular",
        "shiftguard.imbalance._label_shift",
        "shiftguard.imbalance._covariate_shift",
        "shiftguard.datasets",
        "shiftguard.cli",
        "shiftguard.imbalance._weights",
        "shiftguard.imbalance._metrics",
        "shiftguard.imbalance._base",
        "shiftguard.imbalance._under",
        "shiftguard.imbalance._over",
        "shiftguard.imbalance._combine",
        "shiftguard.nn._mlp",
        "shiftguard.validate._profile",
        "shiftguard.validate._sketch",
        "shiftguard.validate._report",
        "shiftguard.validate._schema",
        "shiftguard.validate._integrity",
        "shiftguard.validate._tensor",
        "shiftguard.dask",
    ],
)
def test_docstring_examples(module):
    failures, _ = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert failures == 0
