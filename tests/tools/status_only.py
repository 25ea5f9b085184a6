"""
Count the tests whose only assertions compare an HTTP status code (read by AST, nothing is run).

    .venv/bin/python tests/tools/status_only.py [--list] [--cases] [paths…]

A test function is *status-only* when every `assert` in its body compares `….status_code` (to a number,
a name, a call: whatever the expected value is) and it makes no other check: no `pytest.raises`, no
`assert*(…)`/`check*(…)`/`expect*(…)` helper call, no Playwright `expect`. A test with no assertion of
its own (it calls a helper that asserts) is counted apart. --cases multiplies each function by the cases
pytest collects for it (runs `pytest --collect-only`, a few seconds). --list names the status-only tests.
"""

import argparse
import ast
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK_CALL_PREFIXES = ("assert", "check", "expect", "_assert", "_check", "_expect")


def _mentions_status(node: ast.AST) -> bool:
    return any(isinstance(sub, ast.Attribute) and sub.attr == "status_code" for sub in ast.walk(node))


def _is_status_comparison(test: ast.expr) -> bool:
    """`x.status_code == 200`, `… in (301, 302)`, `all(r.status_code < 500 for r in …)`."""
    if isinstance(test, ast.Compare):
        operands = [test.left, *test.comparators]
        with_status = [operand for operand in operands if _mentions_status(operand)]
        # The expected side may be anything that does not itself read the response.
        return len(with_status) >= 1 and all(
            isinstance(operand, ast.Attribute) and operand.attr == "status_code" for operand in with_status
        )
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id in {"all", "any"}:
        [argument] = test.args or [None]
        element = getattr(argument, "elt", None)
        return element is not None and _is_status_comparison(element)
    return False


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def classify(function: ast.FunctionDef) -> str:
    """'status-only', 'checks-more' or 'no-assert'."""
    asserts, other_checks = [], 0
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            asserts.append(node)
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            if name == "raises" or name.startswith(CHECK_CALL_PREFIXES) or name in {"fail", "to_have_text"}:
                other_checks += 1
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                expr = item.context_expr
                if isinstance(expr, ast.Call) and _call_name(expr).startswith(("assert", "django_assert")):
                    other_checks += 1
    if not asserts and not other_checks:
        return "no-assert"
    if other_checks or not all(_is_status_comparison(node.test) for node in asserts):
        return "checks-more"
    return "status-only"


def test_functions(paths: list[Path]):
    """(path, name, kind) of every test function under the paths."""
    for path in paths:
        files = sorted(path.rglob("test_*.py")) if path.is_dir() else [path]
        for file in files:
            tree = ast.parse(file.read_text(), filename=str(file))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                    yield file.relative_to(ROOT).as_posix(), node.name, classify(node)


def collected_cases(paths: list[Path]) -> Counter:
    """Cases per (file, function), as pytest collects them."""
    output = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    cases = Counter()
    for line in output.splitlines():
        if "::" in line:
            file, _, rest = line.partition("::")
            function = rest.split("::")[-1].split("[")[0]
            cases[(file, function)] += 1
    return cases


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "tests"])
    parser.add_argument("--list", action="store_true", help="name each status-only test")
    parser.add_argument("--cases", action="store_true", help="count collected cases too (runs pytest)")
    options = parser.parse_args(argv)
    paths = [path.resolve() for path in options.paths]
    functions = list(test_functions(paths))
    kinds = Counter(kind for _file, _name, kind in functions)
    total = len(functions)
    print(
        f"functions: {total}, status-only: {kinds['status-only']} ({100 * kinds['status-only'] / total:.1f} %), "
        f"no assert of their own: {kinds['no-assert']}"
    )
    if options.cases:
        cases = collected_cases(paths)
        by_kind = Counter()
        for file, name, kind in functions:
            by_kind[kind] += cases.get((file, name), 0)
        all_cases = sum(by_kind.values())
        print(
            f"cases: {all_cases}, status-only: {by_kind['status-only']} "
            f"({100 * by_kind['status-only'] / max(all_cases, 1):.1f} %), "
            f"no assert of their own: {by_kind['no-assert']}"
        )
    if options.list:
        for file, name, kind in functions:
            if kind == "status-only":
                print(f"  {file}::{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
