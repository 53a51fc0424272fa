"""The verify package's layout: the API re-exported, no mixin, no reaching in.

(Import cycles are import-linter's job: tests/test_import_rules.py.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import explorer.engine.verify as verify
from explorer.engine.verify import problems, run

PACKAGE = Path(verify.__file__).parent
API = {"verify_store", "verify_revlog", "Report", "Problem", "Progress", "Cancelled",
       "Collector", "Severity", "ERROR", "WARNING"}


def modules() -> dict[str, ast.Module]:
    return {p.stem: ast.parse(p.read_text()) for p in sorted(PACKAGE.glob("*.py"))
            if p.stem != "__init__"}


def test_the_api_is_reexported():
    assert set(verify.__all__) == API
    from_run = {"verify_store", "verify_revlog", "Report"}
    for name in API:
        assert getattr(verify, name) is getattr(run if name in from_run else problems, name)


def test_no_private_attribute_of_another_object_is_read():
    """``x._name`` only for ``self`` (the passes share state through public attributes)."""
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                assert isinstance(node.value, ast.Name) and node.value.id == "self", \
                    f"{name}.py:{node.lineno}: .{node.attr} of {ast.unparse(node.value)}"


def test_no_class_extends_another_of_the_package():
    """No mixin: a class of the package that extends another would share its private state."""
    trees = modules()
    defined = {node.name for tree in trees.values() for node in ast.walk(tree)
               if isinstance(node, ast.ClassDef)}
    mixed = [f"{name}.{node.name}({ast.unparse(base)})" for name, tree in trees.items()
             for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
             for base in node.bases if ast.unparse(base) in defined]
    assert not mixed, mixed
