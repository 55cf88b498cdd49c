"""The type stub ``_core.pyi`` describes the compiled module as it is."""

import ast
from pathlib import Path

import shiftguard._core as core

STUB = Path(core.__file__).with_name("_core.pyi")
if not STUB.exists():  # editable installs keep the stub in the source tree
    STUB = Path(__file__).resolve().parents[2] / "python" / "shiftguard" / "_core.pyi"


def _stub_tree():
    return ast.parse(STUB.read_text())


def test_every_public_name_of_the_module_is_in_the_stub():
    declared = {
        node.name
        for node in _stub_tree().body
        if isinstance(node, (ast.ClassDef, ast.FunctionDef))
    }
    public = {name for name in dir(core) if not name.startswith("__")}
    assert public - declared == set()
    # Private helper classes of the stub are the only names the module lacks.
    assert {name for name in declared - public if not name.startswith("_")} == set()


def test_every_stub_method_exists_on_the_class():
    missing = []
    for node in _stub_tree().body:
        if isinstance(node, ast.ClassDef) and hasattr(core, node.name):
            cls = getattr(core, node.name)
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not hasattr(cls, item.name):
                    missing.append(f"{node.name}.{item.name}")
    assert missing == []
