"""
What a newcomer's machine needs: `make run` on another port, the system packages of the PDF named in the
README (and installed by CI), and no path of one developer's machine anywhere in the project.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What WeasyPrint needs besides pip's packages (Pango with HarfBuzz's subsetter, a font).
PDF_PACKAGES = ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_on_the_port_asked_for():
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8001"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "runserver 127.0.0.1:8001" in dry_run
    default = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "runserver 127.0.0.1:8000" in default


def test_the_readme_names_the_system_packages_the_pdf_needs_and_ci_installs_them():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    for package in PDF_PACKAGES:
        assert package in readme, package
        assert package in ci, package


def _tracked_text_files():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    for name in listed.stdout.splitlines():
        path = ROOT / name
        if path.suffix in {".py", ".md", ".sh", ".txt", ".toml", ".cfg", ".html", ".json", ".yaml", ".yml"} or (
            path.name in {"Makefile", "run"}
        ):
            yield name, path


def test_no_path_of_one_developers_machine_is_in_the_project():
    machine_paths = re.compile(r"(?<![\w.])/(?:work|home|Users|root)/[\w.-]+")
    found = [
        f"{name}: {match.group(0)}"
        for name, path in _tracked_text_files()
        if path.is_file()
        for match in machine_paths.finditer(path.read_text(errors="replace"))
    ]
    assert found == []


def test_the_modules_run_first_exist():
    """tests/conftest.SLOW_FIRST names modules by path: a module renamed would silently run in its place."""
    from tests.conftest import SLOW_FIRST

    root = Path(__file__).resolve().parents[2]
    assert [module for module in SLOW_FIRST if not (root / module).is_file()] == []
