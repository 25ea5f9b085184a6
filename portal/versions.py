"""
A meeting's record in the version chain (core/chain.py), registered by `PortalConfig.ready()`: what each
audience reads of it (its canonical form, from `portal/record_data.py`), how a reader's reference names
it, the versions part of its page and what changed between two versions.

**The canonical form** is the record's data as attached inside its PDF, minus what changes without the
record changing: the time the file was made, the site's address (the record's path stays), the version
and digest printed on it, and the correction lines (they are the chain's own reasons: a correction that
leaves the public's record as it was changes nothing the public reads). `canonical_record()` is the one
place that says so; a verifier applies it to the JSON attached inside a PDF and gets the same digest.
"""

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils.html import escape

from core import chain
from core.history import word_diff
from core.models import RecordVersion
from core.roles import BOARD_MEMBERS_GROUP, is_board_member
from core.workflow import RecordStatus
from decisions.models import Decision
from meetings.models import Meeting

# What the canonical form leaves out of the record's data (see the module's docstring).
VOLATILE_KEYS = ("generated_at", "url", "version", "digest", "corrections")
MEETING_KIND = "meetings.meeting"


def canonical_record(data: dict) -> dict:
    """The record's data (record_data(), or the JSON attached inside a PDF) as the chain stores it."""
    clean = {key: value for key, value in data.items() if key not in VOLATILE_KEYS}
    clean["path"] = urlsplit(str(data.get("url") or "")).path
    return clean


def digest_of(data: dict) -> str:
    """The content digest of the record's data (record_data(), or the JSON attached inside a PDF)."""
    return chain.content_digest(chain.canonical_json(canonical_record(data)))


def reader(audience: str):
    """A reader of `audience`: what it reads depends on the role alone (every `visible_to` asks core.roles)."""
    if audience == chain.PUBLIC:
        return AnonymousUser()
    board = get_user_model()(username="board-audience", is_active=True)
    board._iisg_group_names = {BOARD_MEMBERS_GROUP}
    return board


def audience_of(user) -> str:
    """The chain whose versions `user` reads on the record and its PDF: the minutes' for Board members and above."""
    return chain.BOARD if is_board_member(user) else chain.PUBLIC


def meeting_content(meeting: Meeting, audience: str) -> dict | None:
    """The published record of `meeting` as `audience` reads it (None if it is not published)."""
    from portal.record_data import record_data
    from portal.views import record_context

    user = reader(audience)
    row = (
        Meeting.objects.visible_to(user)
        .select_related("pillar", "occasion")
        .filter(pk=meeting.pk, status=RecordStatus.PUBLISHED)
        .first()
    )
    if row is None:
        return None
    return canonical_record(record_data(record_context(row, user), url=row.get_absolute_url()))


_MEETING_PATH = re.compile(r"/meetings/(?P<slug>[-\w]+)(?:/|/record\.pdf|/pack\.pdf)?$")


def find_meeting(text: str) -> Meeting | None:
    """A meeting named by its slug, its address, or one of its decisions' reference (any state: the caller checks)."""
    text = text.strip()
    if not text:
        return None
    path = urlsplit(text).path.rstrip("/") if "/" in text else ""
    match = _MEETING_PATH.search(path) if path else None
    slug = match["slug"] if match else text
    meeting = Meeting.objects.filter(slug=slug).only("pk").first()
    if meeting is None:
        decision = Decision.objects.filter(reference__iexact=text).exclude(meeting=None).only("meeting_id").first()
        meeting = Meeting.objects.filter(pk=decision.meeting_id).only("pk").first() if decision else None
    return meeting


def register() -> None:
    chain.register(
        chain.ChainedKind(
            model=Meeting,
            content=meeting_content,
            from_attachment=canonical_record,
            find=find_meeting,
            published=lambda: Meeting.objects.filter(status=RecordStatus.PUBLISHED),
        )
    )


# --- On the record ------------------------------------------------------------------------------------


def versions_for(meeting: Meeting, user) -> list[RecordVersion]:
    """The versions of `meeting` in the chain `user` reads, newest first (one query)."""
    return list(
        RecordVersion.objects.visible_to(user)
        .filter(record_kind=MEETING_KIND, record_pk=meeting.pk, audience=audience_of(user))
        .order_by("-number")
    )


def current_version(meeting: Meeting, user) -> RecordVersion | None:
    """The version a PDF of `meeting` made now for `user` prints: its chain's newest, if the record is published."""
    if meeting.status != RecordStatus.PUBLISHED:
        return None
    newest = (
        RecordVersion.objects.visible_to(user)
        .filter(record_kind=MEETING_KIND, record_pk=meeting.pk, audience=audience_of(user))
        .order_by("-number")
        .first()
    )
    return newest if newest is not None and newest.state == RecordVersion.State.PUBLISHED else None


# --- What changed ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str  # where in the record: "meeting / public_summary", "decisions / 2 / wording"
    before: str
    after: str
    diff: str  # HTML: removed words struck through, added ones underlined


def _flatten(value, path: tuple = ()) -> dict[str, str]:
    if isinstance(value, dict):
        rows = {}
        for key in sorted(value):
            rows.update(_flatten(value[key], (*path, str(key))))
        return rows
    if isinstance(value, list):
        rows = {}
        for index, item in enumerate(value, start=1):
            rows.update(_flatten(item, (*path, str(index))))
        return rows
    return {" / ".join(path): "" if value is None else str(value)}


def changes(before: RecordVersion | None, after: RecordVersion) -> list[Change]:
    """Field by field, what differs between two versions' canonical content (everything, against none)."""
    old = _flatten(json.loads(before.content)) if before else {}
    new = _flatten(json.loads(after.content))
    rows = []
    for field in sorted(set(old) | set(new)):
        a, b = old.get(field, ""), new.get(field, "")
        if a != b:
            rows.append(Change(field=field, before=a, after=b, diff=word_diff(a, b) if a and b else escape(b or a)))
    return rows
