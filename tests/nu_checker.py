"""
The W3C Nu HTML checker (vnu.jar), run with Java, for the conformance tests of the pages.

The jar comes from the npm registry's `vnu-jar`, pinned in package.json and package-lock.json
(`npm ci --ignore-scripts` puts it under node_modules/; its install script would download a Java of
its own, which the machine's `java` makes needless). VNU_JAR names another jar. On a developer machine
without Java or the jar, the tests that need them are skipped, saying so; in CI (CI=true) they fail
instead: .ci/run installs both.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
VNU_JAR = Path(os.environ.get("VNU_JAR") or PROJECT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")


def require_nu_checker() -> list[str]:
    """The command that starts the checker (java -jar …/vnu.jar); skip (fail in CI) when Java or the jar is missing."""
    java = shutil.which("java")
    missing = []
    if java is None:
        missing.append("no `java` on the PATH (Debian: default-jre-headless)")
    if not VNU_JAR.is_file():
        missing.append(f"no Nu checker at {VNU_JAR} (`npm ci --ignore-scripts` in {PROJECT})")
    if missing:
        reason = "The W3C Nu HTML checker cannot run: " + "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(f"{reason}. In CI it must run (.ci/run installs Java and the checker).")
        pytest.skip(f"{reason}.")
    # The serial garbage collector: the parallel one's threads fought the suite's workers for the two cores
    # (the check of ~600 pages took 8 s, 2.7 s with this and --no-langdetect below).
    return [java, "-XX:+UseSerialGC", "-jar", str(VNU_JAR)]


def nu_errors(files: list[Path]) -> list[dict]:
    """
    The checker's errors for `files`, all checked in one run (the JVM starts once): its JSON
    messages, each with "url" (file:…), "lastLine" and "message".
    """
    # --no-langdetect: guessing each page's language only ever gives warnings, which --errors-only drops anyway.
    command = [*require_nu_checker(), "--format", "json", "--errors-only", "--no-langdetect", *map(str, files)]
    # The report goes to standard error; the exit status is 1 when there is any error.
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    try:
        report = json.loads(result.stderr)
    except json.JSONDecodeError:
        pytest.fail(f"The Nu checker gave no report (exit {result.returncode}): {result.stderr[-2000:]}")
    return report["messages"]
