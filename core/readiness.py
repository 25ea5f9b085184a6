"""
Checks before a workflow step (circulating, publishing), written once for every kind of record.

A step is "check, then execute": each registered check looks at the record and says what is missing
or odd, as findings. An error blocks the step (the record cannot honestly go forward: a record of a
meeting that has not taken place yet); a warning can be overridden with a reason when the record
really is like that (a meeting with no decision is legitimate). Each finding links to the page where
it is fixed.

The app that owns a kind of record keeps its `Checks`; the apps above add their own checks to it
(in their AppConfig.ready), so that a lower layer runs checks it does not know: a meeting's checks
include the decisions' ("no decision recorded") without `meetings` naming `decisions`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, kw_only=True)
class Finding:
    """What a check found: a sentence, where it is fixed (a URL and the link's text), and how serious it is."""

    code: str
    level: Level
    message: str
    fix_url: str = ""
    fix_label: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == Level.ERROR


Check = Callable[[object, str], Iterable[Finding]]


@dataclass(frozen=True, kw_only=True)
class Findings:
    """Every finding of the checks for one step, errors first."""

    items: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.items if f.is_error)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.items if not f.is_error)

    def __bool__(self) -> bool:
        return bool(self.items)

    def refusal(self, override_reason: str) -> ValidationError | None:
        """Why the step may not run: any error; a warning without a reason to go ahead. None: it may."""
        if self.errors:
            return ValidationError(
                [f.message for f in self.errors]
                + [_("Fix what is marked as an error, then try again: errors cannot be overridden.")],
                code="readiness_error",
            )
        if self.warnings and not override_reason.strip():
            return ValidationError(
                {
                    "override_reason": ngettext(
                        "Say why the record may go ahead as it is (%(count)d warning), or fix what is listed.",
                        "Say why the record may go ahead as it is (%(count)d warnings), or fix what is listed.",
                        len(self.warnings),
                    )
                    % {"count": len(self.warnings)}
                },
                code="readiness_warning",
            )
        return None

    @property
    def fingerprint(self) -> str:
        """The warnings as a short digest: a page posts the one it showed, so that no unseen warning is overridden."""
        text = "\n".join(sorted(f"{f.code}:{f.message}" for f in self.warnings))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def refusal_if_changed(self, seen: str, override_reason: str) -> ValidationError | None:
        """Warnings overridden by a reason must be those the editor read (`seen`, a fingerprint; "" when not shown)."""
        if seen and override_reason.strip() and self.warnings and seen != self.fingerprint:
            return ValidationError(
                {
                    "override_reason": _(
                        "The checks changed since you opened this page (someone else edited the record): read "
                        "them again above, then confirm."
                    )
                },
                code="readiness_changed",
            )
        return None

    def override_note(self, override_reason: str) -> str:
        """The line kept in the history when warnings were overridden: what they were and why."""
        if not self.warnings:
            return ""
        listed = "; ".join(f.message for f in self.warnings)
        return _("Went ahead despite: %(warnings)s. Reason: %(reason)s") % {
            "warnings": listed,
            "reason": override_reason.strip(),
        }


class Checks:
    """The checks of one kind of record, in the order they were added; the apps above add theirs."""

    def __init__(self) -> None:
        self._checks: list[Check] = []

    def add(self, check: Check) -> Check:
        if check not in self._checks:
            self._checks.append(check)
        return check

    def run(self, record, step: str) -> Findings:
        found = [finding for check in self._checks for finding in check(record, step)]
        found.sort(key=lambda f: 0 if f.is_error else 1)
        return Findings(items=tuple(found))
