"""The suite's own rule: a test module never imports another test module (shared helpers live in
tests/support/ or tests/e2e/flows.py), so running or changing one file never drags in another."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_test_module_imports_another():
    offenders = {
        str(path.relative_to(TESTS)): sorted(
            name
            for name in imported_modules(path)
            if name.startswith("tests.") and name.split(".")[-1].startswith("test_")
        )
        for path in TESTS.rglob("*.py")
        if "node_modules" not in path.parts
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_check_sees_an_import_of_a_test_module(tmp_path):
    module = tmp_path / "test_x.py"
    module.write_text("from tests.handlers.test_registration import register\nimport tests.unit.test_ics\n")
    assert {"tests.handlers.test_registration", "tests.unit.test_ics"} <= imported_modules(module)
