"""The layers as a check (AGENTS: domain → store → services → screens/widgets/cli): no
import points upward, and nothing that draws a screen or parses a command line reaches
into the store. Imports under `if TYPE_CHECKING:` are names for type hints, not calls,
and are left out."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "hubtui"

# module prefix -> the hubtui packages it may import
ALLOWED: dict[str, tuple[str, ...]] = {
    "hubtui.domain": ("hubtui.domain",),
    "hubtui.store": ("hubtui.domain", "hubtui.store"),
    "hubtui.services": ("hubtui.domain", "hubtui.store", "hubtui.services"),
}
NO_STORE = ("hubtui.screens", "hubtui.widgets", "hubtui.app", "hubtui.cli", "hubtui.startup", "hubtui.config",
            "hubtui.__main__", "hubtui.early_keys", "hubtui.escape_key")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "hubtui":  # from hubtui import config
                found.extend((node.lineno, f"hubtui.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, node.module))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _violations(rules: dict[str, tuple[str, ...]], forbidden_store: tuple[str, ...]) -> list[str]:
    problems = []
    for path in _modules():
        module = _module_name(path)
        for line, imported in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if not imported.startswith("hubtui."):
                continue
            for prefix, allowed in rules.items():
                if _within(module, prefix) and not any(_within(imported, a) for a in allowed):
                    problems.append(f"{module}:{line} imports {imported}")
            if any(_within(module, p) for p in forbidden_store) and _within(imported, "hubtui.store"):
                problems.append(f"{module}:{line} imports {imported}")
    return sorted(set(problems))


def test_the_check_finds_the_modules_and_their_imports() -> None:
    names = {_module_name(p) for p in _modules()}
    assert {"hubtui.domain.orders", "hubtui.store.engine", "hubtui.services.order_writes", "hubtui.screens.orders",
            "hubtui.cli", "hubtui.widgets.commands", "hubtui.widgets.key_delivery", "hubtui.early_keys"} <= names
    # Every module outside the headless core is one NO_STORE covers: a new top-level module is
    # added to the list (or moved under widgets/screens) rather than escaping the check.
    outside = {name for name in names if not any(_within(name, p) for p in ALLOWED)}
    assert {name for name in outside if not any(_within(name, p) for p in NO_STORE)} <= {"hubtui"}
    imports = {name for _, name in _imports(ast.parse((PACKAGE / "services" / "order_writes.py").read_text()))}
    assert {"hubtui.store.tables", "hubtui.services.context"} <= imports


def test_no_layer_imports_upward() -> None:
    assert _violations(ALLOWED, ()) == []


def test_screens_widgets_and_the_cli_never_reach_into_the_store() -> None:
    assert _violations({}, NO_STORE) == []


def test_only_the_entry_point_imports_the_cli() -> None:
    """The command line is on top: hubtui.__main__ runs it, and nothing it starts (startup, the
    app, the screens) imports it back, not even inside a function."""
    importers = {
        _module_name(path)
        for path in _modules()
        for _, imported in _imports(ast.parse(path.read_text(encoding="utf-8")))
        if _within(imported, "hubtui.cli") and not _within(_module_name(path), "hubtui.cli")
    }
    assert importers == {"hubtui.__main__"}


@pytest.mark.parametrize(("source", "expected"), [
    ("from hubtui.screens.orders import OrdersScreen", ["hubtui.domain.probe:1 imports hubtui.screens.orders"]),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from hubtui.store.engine import Store", []),
])
def test_the_check_itself_catches_an_upward_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str,
                                                   expected: list[str]) -> None:
    package = tmp_path / "hubtui"
    (package / "domain").mkdir(parents=True)
    (package / "domain" / "probe.py").write_text(source)
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGE"]), "PACKAGE", package)
    assert _violations(ALLOWED, ()) == expected


# Modules that must stay plain: the drafts screens build (no SQL stack, so a screen that makes
# one loads nothing of it), and the list pager (no Textual, so it is tested and reused as Python).
PLAIN: dict[str, tuple[str, ...]] = {
    "services/drafts.py": ("sqlalchemy", "sqlmodel", "hubtui.store", "textual"),
    "widgets/keyset_pager.py": ("textual", "sqlalchemy", "hubtui.store", "hubtui.services"),
    "domain/totals.py": ("sqlalchemy", "textual", "hubtui.store", "hubtui.services"),
}


@pytest.mark.parametrize("relative", sorted(PLAIN))
def test_plain_modules_import_nothing_heavy(relative: str) -> None:
    imported = [name for _, name in _imports(ast.parse((PACKAGE / relative).read_text(encoding="utf-8")))]
    assert imported, f"{relative} imports nothing: the check would pass whatever it held"
    assert [name for name in imported if any(_within(name, banned) for banned in PLAIN[relative])] == []
