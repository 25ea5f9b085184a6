"""CI's dependency audit (.ci/audit_dependencies.py): skipped with a reason if nothing was audited, fails on a hit."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit_dependencies.py"


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def report(*dependencies):
    return {"dependencies": list(dependencies), "fixes": []}


DJANGO_OK = {"name": "django", "version": "5.2.19", "vulns": []}
NOT_FOUND = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.19)"}
VULNERABLE = {
    "name": "sqlparse",
    "version": "0.6.1",
    "vulns": [{"id": "PYSEC-2099-1", "aliases": ["GHSA-aaaa-bbbb-cccc"], "fix_versions": ["0.6.2"], "description": ""}],
}


def run_main(audit, monkeypatch, capsys, answers: dict, ignored=None):
    monkeypatch.setattr(audit, "runtime_packages", lambda: {"django": "5.2.19", "sqlparse": "0.6.1"})
    monkeypatch.setattr(audit, "read_ignore_list", lambda: ignored or {})
    monkeypatch.setattr(audit, "run_pip_audit", lambda packages, service: answers[service])
    status = audit.main()
    return status, capsys.readouterr().out


def test_nothing_audited_is_skipped_never_reported_clean(audit, monkeypatch, capsys):
    unreachable = (None, "requests.exceptions.ConnectionError: Failed to resolve 'api.osv.dev'")
    status, out = run_main(audit, monkeypatch, capsys, {"pypi": (report(NOT_FOUND), ""), "osv": unreachable})
    assert status == 0
    assert out.startswith("Dependency audit skipped: pypi: none of the 1 packages could be audited")
    assert "osv: cannot reach the vulnerability database" in out
    assert "no known vulnerabilities" not in out.lower()


def test_a_vulnerability_fails_the_audit(audit, monkeypatch, capsys):
    status, out = run_main(audit, monkeypatch, capsys, {"pypi": (report(DJANGO_OK, VULNERABLE), "")})
    assert status == 1
    assert "Dependency audit FAILED" in out
    assert "sqlparse 0.6.1: PYSEC-2099-1 / GHSA-aaaa-bbbb-cccc (fixed in: 0.6.2)" in out


def test_an_ignored_vulnerability_is_shown_with_its_reason(audit, monkeypatch, capsys):
    ignored = {"GHSA-aaaa-bbbb-cccc": "only the admin's SQL formatting, review 2027-01"}
    status, out = run_main(audit, monkeypatch, capsys, {"pypi": (report(DJANGO_OK, VULNERABLE), "")}, ignored)
    assert status == 0
    assert "ignored, only the admin's SQL formatting, review 2027-01" in out
    assert out.rstrip().endswith("Dependency audit: 2 of 2 packages audited (pypi), no known vulnerabilities in those.")


def test_the_second_service_answers_when_the_first_audits_nothing(audit, monkeypatch, capsys):
    answers = {"pypi": (report(NOT_FOUND), ""), "osv": (report(DJANGO_OK), "")}
    status, out = run_main(audit, monkeypatch, capsys, answers)
    assert status == 0
    assert "1 of 1 packages audited (osv)" in out


def test_pip_audit_failing_for_another_reason_fails_the_audit(audit, monkeypatch, capsys):
    status, out = run_main(audit, monkeypatch, capsys, {"pypi": (None, "ModuleNotFoundError: No module named 'x'")})
    assert status == 1
    assert "Dependency audit failed: pip-audit (pypi) did not run: ModuleNotFoundError" in out


def test_an_ignored_id_needs_a_reason(audit, tmp_path):
    ignore = tmp_path / "ignore.txt"
    ignore.write_text("# header\nGHSA-aaaa-bbbb-cccc  # cannot reach us\nPYSEC-2099-2\n")
    with pytest.raises(SystemExit, match="PYSEC-2099-2 needs a comment"):
        audit.read_ignore_list(ignore)


def test_the_runtime_packages_are_requirements_txt_and_their_dependencies(audit):
    packages = audit.runtime_packages()
    assert {"django", "asgiref", "sqlparse", "weasyprint", "gunicorn"} <= set(packages)
    assert "pytest" not in packages
    assert "pip-audit" not in packages
