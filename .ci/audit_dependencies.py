"""
Dependency audit of requirements.txt with pip-audit, for CI (.ci/run).

What is audited: the packages of requirements.txt and, transitively, what they depend on, at the
versions installed in .venv (the versions the suite has just run with), listed pinned for
`pip-audit --no-deps --disable-pip`: nothing is downloaded or installed for the audit.

pip-audit asks a vulnerability service about each package: PyPI's JSON API first, OSV if PyPI
audited nothing. Outcomes:
- a known vulnerability not in .ci/pip-audit-ignore.txt: listed, and the audit fails (exit 1);
- no service could be reached, or none could audit a single package (pip-audit itself then says
  "No known vulnerabilities found", which would be a lie): "Dependency audit skipped: <reason>",
  exit 0;
- pip-audit fails for any other reason: the audit fails (exit 1).
"No known vulnerabilities" is printed only with the number of packages that were really audited.
"""

import json
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
IGNORE_FILE = Path(__file__).with_name("pip-audit-ignore.txt")
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")
SERVICES = ["pypi", "osv"]
UNREACHABLE = re.compile(
    r"ConnectionError|ProxyError|SSLError|Timeout|NameResolution|Max retries exceeded|"
    r"Temporary failure in name resolution|Failed to establish|Network is unreachable"
)


def read_ignore_list(path: Path = IGNORE_FILE) -> dict[str, str]:
    """ID -> the reason given on its line (`GHSA-xxxx-xxxx-xxxx  # why, and until when`); a bare ID is refused."""
    ignored = {}
    if not path.exists():
        return ignored
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        entry, _, reason = line.partition("#")
        if not entry.strip():
            continue
        if not reason.strip():
            raise SystemExit(f"{path.name}:{number}: {entry.strip()} needs a comment saying why it is ignored.")
        ignored[entry.strip()] = reason.strip()
    return ignored


def runtime_packages(requirements: Path = REQUIREMENTS) -> dict[str, str]:
    """requirements.txt and everything it depends on, name -> installed version."""
    pending = []
    for line in requirements.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            pending.append(Requirement(line))
    found: dict[str, str] = {}
    while pending:
        requirement = pending.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        try:
            distribution = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            raise SystemExit(f"{requirement.name} is not installed in {sys.prefix}: run make first.") from None
        found[name] = distribution.version
        extras = set(requirement.extras)
        for dependency in map(Requirement, distribution.requires or []):
            if dependency.marker is None or any(
                dependency.marker.evaluate({"extra": extra}) for extra in extras | {""}
            ):
                pending.append(dependency)
    return dict(sorted(found.items()))


def run_pip_audit(packages: dict[str, str], service: str) -> tuple[dict | None, str]:
    """pip-audit's JSON report (None if it wrote none) and its error output."""
    with tempfile.TemporaryDirectory() as scratch:
        pinned, report = Path(scratch) / "requirements.txt", Path(scratch) / "report.json"
        pinned.write_text("".join(f"{name}=={version}\n" for name, version in packages.items()))
        command = [str(PIP_AUDIT), "--requirement", str(pinned), "--no-deps", "--disable-pip"]
        command += ["--vulnerability-service", service, "--format", "json", "--output", str(report)]
        command += ["--progress-spinner", "off", "--timeout", "30"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        data = json.loads(report.read_text()) if report.exists() and report.stat().st_size else None
    return data, result.stderr


def last_error_line(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip() and not line.startswith("WARNING")]
    return (lines[-1] if lines else "no output")[:300]


def verdict(service: str, report: dict | None, stderr: str, ignored: dict[str, str]) -> tuple[str, list[str]]:
    """
    ("failed" | "skipped" | "passed", lines to print) for one service's run. "skipped" means nothing
    was audited: its lines give the reason.
    """
    if report is None:
        reason = last_error_line(stderr)
        if UNREACHABLE.search(stderr):
            return "skipped", [f"{service}: cannot reach the vulnerability database ({reason})"]
        return "failed", [f"Dependency audit failed: pip-audit ({service}) did not run: {reason}"]
    dependencies = report.get("dependencies", [])
    unaudited = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    if not audited:
        example = unaudited[0]["skip_reason"] if unaudited else "no packages"
        return "skipped", [f"{service}: none of the {len(dependencies)} packages could be audited (e.g. {example})"]
    found, waived = [], []
    for dependency in audited:
        for vulnerability in dependency.get("vulns", []):
            ids = [vulnerability["id"], *vulnerability.get("aliases", [])]
            reason = next((ignored[i] for i in ids if i in ignored), None)
            fixes = ", ".join(vulnerability.get("fix_versions", [])) or "no fixed version yet"
            line = f"  {dependency['name']} {dependency['version']}: {' / '.join(ids)} (fixed in: {fixes})"
            (found if reason is None else waived).append(line if reason is None else f"{line}: ignored, {reason}")
    lines = []
    if waived:
        lines += ["Known vulnerabilities ignored by .ci/pip-audit-ignore.txt:", *waived]
    if unaudited:
        names = ", ".join(f"{d['name']}" for d in unaudited)
        lines.append(f"Not audited ({service} could not answer for them): {names}")
    if found:
        return "failed", [
            *lines,
            f"Dependency audit FAILED: known vulnerabilities in requirements.txt's packages ({service}):",
            *found,
            "Upgrade them (or, if one cannot affect the portal, list it with a reason in .ci/pip-audit-ignore.txt).",
        ]
    lines.append(
        f"Dependency audit: {len(audited)} of {len(dependencies)} packages audited ({service}), "
        "no known vulnerabilities in those."
    )
    return "passed", lines


def main() -> int:
    ignored = read_ignore_list()
    packages = runtime_packages()
    reasons = []
    for service in SERVICES:
        report, stderr = run_pip_audit(packages, service)
        outcome, lines = verdict(service, report, stderr, ignored)
        if outcome == "skipped":
            reasons += lines
            continue
        print("\n".join(lines))
        return 1 if outcome == "failed" else 0
    print("Dependency audit skipped: " + "; ".join(reasons))
    return 0


if __name__ == "__main__":
    sys.exit(main())
