"""The suite checks itself: a test whose assertions all sit inside a loop, or in one branch of
an `if`, passes without checking anything when the loop runs no times or the branch is not
taken. Every such test must also assert on a path it always takes (that the loop has
something to go over, or the whole result at once)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# Calls that assert (helpers raise when what they wait for does not come).
ASSERTING = {"raises", "fail", "wait_for", "until", "jump_to", "start_list", "press_and_wait", "wait_for_list",
             "wait_saved", "open_payment", "run_ok", "run_fails"}


def _asserts(node: ast.AST) -> bool:
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        return name.startswith("assert") or name in ASSERTING
    return False


def _always_asserts(statement: ast.stmt) -> bool:
    """Whether every way through `statement` asserts something."""
    if isinstance(statement, (ast.For, ast.AsyncFor, ast.While, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return False
    if isinstance(statement, ast.If):
        return _block_asserts(statement.body) and _block_asserts(statement.orelse)
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        return any(_asserts(item.context_expr) for item in statement.items) or _block_asserts(statement.body)
    if isinstance(statement, ast.Try):
        return _block_asserts(statement.body)
    return any(_asserts(node) for node in ast.walk(statement))


def _block_asserts(block: list[ast.stmt]) -> bool:
    return any(_always_asserts(statement) for statement in block)


def unchecked_tests(source: str) -> list[str]:
    """Test functions that assert somewhere, but not on every way through them."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            if any(_asserts(n) for n in ast.walk(node)) and not _block_asserts(node.body):
                found.append(f"{node.name}:{node.lineno}")
    return found


def test_every_test_asserts_on_a_path_it_always_takes() -> None:
    files = sorted(TESTS.rglob("test_*.py"))
    assert len(files) > 50
    found = [f"{path.relative_to(TESTS)}::{name}" for path in files
             for name in unchecked_tests(path.read_text(encoding="utf-8"))]
    assert found == []


def test_the_check_sees_a_loop_that_may_not_run() -> None:
    assert unchecked_tests("def test_a(xs):\n    for x in xs:\n        assert x\n") == ["test_a:1"]
    assert unchecked_tests("def test_b(x):\n    if x:\n        assert x\n") == ["test_b:1"]
    assert unchecked_tests("def test_c(xs):\n    assert xs\n    for x in xs:\n        assert x\n") == []
    assert unchecked_tests("def test_d(x):\n    if x:\n        assert x\n    else:\n        assert not x\n") == []
