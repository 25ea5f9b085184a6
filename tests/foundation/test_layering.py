"""members ← meetings ← decisions: a lower app never imports a higher one."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HIGHER = {"members": {"meetings", "decisions"}, "meetings": {"decisions"}}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("app", sorted(HIGHER))
def test_lower_app_never_imports_a_higher_one(app):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & HIGHER[app])
        for path in (ROOT / app).rglob("*.py")
        if imported_modules(path) & HIGHER[app]
    }
    assert offenders == {}
