"""The verify package's layout: the API re-exported, no import cycle, no reaching in.

Each module of ``explorer/engine/verify`` is parsed; every import counts,
at module level, inside a function or under ``TYPE_CHECKING``.
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


def sibling_imports(tree: ast.Module, names: set[str]) -> set[str]:
    """The modules of the package this one imports (``from .x`` or ``from . import x``)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                "explorer.engine.verify."):
            found.add(node.module.split(".")[3])
    return found & names


def test_the_api_is_reexported():
    assert set(verify.__all__) == API
    from_run = {"verify_store", "verify_revlog", "Report"}
    for name in API:
        assert getattr(verify, name) is getattr(run if name in from_run else problems, name)


def test_no_import_cycle():
    trees = modules()
    graph = {name: sibling_imports(tree, set(trees)) for name, tree in trees.items()}
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for dep in sorted(graph[name]):
            visit(dep, (*path, name))
        done.add(name)

    for name in graph:
        visit(name, ())


def test_no_module_imports_the_package():
    """The package re-exports ``run``: a module importing the package would close a loop."""
    offenders = [name for name, tree in modules().items() for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module]
    assert not offenders, f"'from . import' reads as an import of the package in {offenders}"


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
