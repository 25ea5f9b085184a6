"""
The version chain of published records (issue 21): each publication, each correction that changes what
an audience reads and each withdrawal appends a link (`core.models.RecordVersion`) to that record's
chain for that audience — the public's (what the public reads) and the Board's (the full minutes).

A link holds the record's **canonical form** as the audience read it (`canonical_json`: JSON with
sorted keys, no insignificant white space, UTF-8, NFC-normalised strings), its SHA-256
(`content_digest`), and `chain_digest` = SHA-256 over the previous link's chain digest, the number, the
audience, the state, the content digest, the time, the record (kind and pk) and the reason (`link_digest`).
Changing any stored link breaks every chain digest after it: `check_chains()` (and `manage.py check_chain`)
recomputes them all and compares each record's current content with its latest link.

This toolkit knows no record: the apps above register, for each model, how its content is read by an
audience (`register(ChainedKind(...))`, from the site layer's `ready()`, like `decisions.related`).
The services that publish, correct and withdraw call `seal()` in their own transaction, with the
record's row locked, so that two publishers never make two version 3s.

A correction that leaves one audience's content unchanged appends nothing to that audience's chain: the
public never learns that a members-only change happened.
"""

import hashlib
import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import translation

from core import clock
from core.models import RecordVersion
from core.roles import is_board_member

PUBLIC = RecordVersion.Audience.PUBLIC
BOARD = RecordVersion.Audience.BOARD
AUDIENCES = (PUBLIC, BOARD)
# The shortest digest a reader may paste: 12 hex characters (48 bits) name one version among millions.
MIN_DIGEST_PREFIX = 12


@dataclass(frozen=True)
class ChainedKind:
    """How the site layer reads one model's records for the chain."""

    model: type[models.Model]
    # The record's data as `audience` reads it now (a dict for canonical_json), or None when that
    # audience may not read it as a published record.
    content: Callable[[models.Model, str], dict | None]
    # The data attached inside one of its PDFs, made canonical: what `content` gives, from the file alone.
    from_attachment: Callable[[dict], dict]
    # A reference a reader typed (a slug, an address, a decision's reference) → the record, or None.
    find: Callable[[str], models.Model | None]
    # The records published now (a queryset): check_chains reports any of them without a chain.
    published: Callable[[], models.QuerySet] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


KINDS: dict[str, ChainedKind] = {}


def register(kind: ChainedKind) -> None:
    """Chain `kind.model`'s records (once, however often the apps are made ready)."""
    KINDS[kind.label] = kind


def kind_of(record: models.Model) -> ChainedKind | None:
    return KINDS.get(record._meta.label_lower)


def record_of(version: RecordVersion) -> models.Model | None:
    """The record a version is of (None if its kind is not registered or the record is gone)."""
    kind = KINDS.get(version.record_kind)
    if kind is None:
        return None
    return kind.model._base_manager.filter(pk=version.record_pk).first()


# --- The canonical form -------------------------------------------------------------------------


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(key): _nfc(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    return value


def canonical_json(data: dict) -> str:
    """
    The one canonical form: JSON (dates and lazy strings as Django writes them), keys sorted, no
    insignificant white space, strings NFC-normalised, non-ASCII kept as UTF-8.
    """
    plain = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return json.dumps(_nfc(plain), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_digest(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def link_digest(
    *,
    previous: str,
    number: int,
    audience: str,
    state: str,
    content: str,
    published_at,
    record_kind: str,
    record_pk: int,
    reason: str,
) -> str:
    """
    The chain digest of a link: SHA-256 over the previous link's and this link's own fields, the record it
    belongs to and the reason it was made included (core/migrations/0007 recomputes the links made before).
    """
    parts = [
        previous or "",
        str(number),
        audience,
        state,
        content,
        published_at.isoformat(),
        record_kind,
        str(record_pk),
        reason,
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def content_of(record: models.Model, audience: str) -> str | None:
    """The canonical form of `record` as `audience` reads it now (None: not a published record to them)."""
    kind = kind_of(record)
    if kind is None:
        return None
    # The canonical form never depends on the reader's language: the portal's own.
    with translation.override(None):
        data = kind.content(record, audience)
    return None if data is None else canonical_json(data)


# --- Appending ------------------------------------------------------------------------------------


def versions_of(record: models.Model, audience: str):
    return RecordVersion.objects.filter(record_kind=record._meta.label_lower, record_pk=record.pk, audience=audience)


def latest(record: models.Model, audience: str) -> RecordVersion | None:
    return versions_of(record, audience).order_by("-number").first()


def _append(record, audience: str, *, content: str, state: str, previous, command) -> RecordVersion:
    now = clock.now()
    number = previous.number + 1 if previous else 1
    digest = content_digest(content)
    reason = command.reason.strip()
    version = RecordVersion(
        record_kind=record._meta.label_lower,
        record_pk=record.pk,
        audience=audience,
        number=number,
        state=state,
        content=content,
        content_digest=digest,
        previous=previous,
        chain_digest=link_digest(
            previous=previous.chain_digest if previous else "",
            number=number,
            audience=audience,
            state=state,
            content=digest,
            published_at=now,
            record_kind=record._meta.label_lower,
            record_pk=record.pk,
            reason=reason,
        ),
        published_at=now,
        reason=reason,
        reason_pk=command.reason_pk,
        made_by=command.user if getattr(command.user, "pk", None) else None,
    )
    version.save()
    return version


@dataclass(frozen=True, kw_only=True)
class Seal:
    """After a publication or a correction (or, `withdraw`, an unpublication) of `record`: append what changed."""

    record: models.Model
    reason: str = ""
    reason_pk: int | None = None
    user: object = None
    withdraw: bool = False


@dataclass(frozen=True)
class Sealed:
    """The links appended (none when no audience's content changed)."""

    appended: tuple[RecordVersion, ...] = field(default_factory=tuple)


@transaction.atomic
def seal(command: Seal) -> Sealed:
    """
    Append to each audience's chain of `command.record` a link when what that audience reads changed
    (or, withdrawing, a withdrawal of its current version). Runs in the caller's transaction with the
    record's row locked: two publishers wait for each other and never append the same number.
    """
    record = command.record
    if kind_of(record) is None:
        return Sealed()
    type(record)._base_manager.select_for_update().filter(pk=record.pk).first()
    appended = []
    for audience in AUDIENCES:
        previous = latest(record, audience)
        if command.withdraw:
            if previous is not None and previous.state == RecordVersion.State.PUBLISHED:
                appended.append(
                    _append(
                        record,
                        audience,
                        content=previous.content,
                        state=RecordVersion.State.WITHDRAWN,
                        previous=previous,
                        command=command,
                    )
                )
            continue
        content = content_of(record, audience)
        if content is None:
            continue
        if previous is not None and previous.state == RecordVersion.State.PUBLISHED and previous.content == content:
            continue
        appended.append(
            _append(
                record,
                audience,
                content=content,
                state=RecordVersion.State.PUBLISHED,
                previous=previous,
                command=command,
            )
        )
    return Sealed(appended=tuple(appended))


# --- Reading ------------------------------------------------------------------------------------


def audiences_for(user) -> tuple[str, ...]:
    """The chains `user` may read: the public's; Board members, the Secretariat and admins the Board's too."""
    return AUDIENCES if is_board_member(user) else (PUBLIC,)


def current(version: RecordVersion) -> RecordVersion:
    """The latest link of `version`'s chain (itself when nothing replaced it)."""
    return (
        RecordVersion.objects.filter(
            record_kind=version.record_kind, record_pk=version.record_pk, audience=version.audience
        )
        .order_by("-number")
        .first()
    )


def find_digest(text: str, user) -> list[RecordVersion]:
    """The versions `user` may read whose content digest is, or starts with, `text` (12 hex characters at least)."""
    text = text.strip().lower()
    if len(text) < MIN_DIGEST_PREFIX or any(c not in "0123456789abcdef" for c in text) or len(text) > 64:
        return []
    rows = RecordVersion.objects.visible_to(user).filter(state=RecordVersion.State.PUBLISHED)
    rows = rows.filter(content_digest=text) if len(text) == 64 else rows.filter(content_digest__startswith=text)
    return list(rows.order_by("-published_at", "-pk")[:5])


def is_current(version: RecordVersion, newest: RecordVersion) -> bool:
    return newest.pk == version.pk and version.state == RecordVersion.State.PUBLISHED


# --- Checking -----------------------------------------------------------------------------------


def check_chains() -> list[str]:
    """
    Every break in every stored chain, named: a content digest that is not its content's, a chain digest
    that does not follow, a gap or a link pointing at the wrong predecessor, a published record whose
    content today is not its latest link's, and a published record with no chain at all. Empty when every chain holds.
    """
    breaks = []
    chains: dict[tuple, list[RecordVersion]] = {}
    for version in RecordVersion.objects.order_by("record_kind", "record_pk", "audience", "number"):
        chains.setdefault((version.record_kind, version.record_pk, version.audience), []).append(version)
    for (kind_label, pk, audience), links in chains.items():
        name = f"{kind_label} {pk} ({audience})"
        previous = None
        for link in links:
            where = f"{name} version {link.number}"
            expected_number = previous.number + 1 if previous else 1
            if link.number != expected_number:
                breaks.append(f"{where}: expected number {expected_number}")
            if link.previous_id != (previous.pk if previous else None):
                breaks.append(f"{where}: does not point at the version before it")
            if content_digest(link.content) != link.content_digest:
                breaks.append(f"{where}: the content does not match its digest")
            expected = link_digest(
                previous=previous.chain_digest if previous else "",
                number=link.number,
                audience=link.audience,
                state=link.state,
                content=link.content_digest,
                published_at=link.published_at,
                record_kind=link.record_kind,
                record_pk=link.record_pk,
                reason=link.reason,
            )
            if expected != link.chain_digest:
                breaks.append(f"{where}: the chain digest does not follow")
            previous = link
        record = record_of(links[-1])
        if record is None:
            continue
        now = content_of(record, audience)
        if links[-1].state == RecordVersion.State.PUBLISHED and now != links[-1].content:
            breaks.append(f"{name}: the record reads differently today than its latest version {links[-1].number}")
        if links[-1].state == RecordVersion.State.WITHDRAWN and now is not None:
            breaks.append(f"{name}: published again without a new version")
    # A record published without passing through the chain (e.g. outside the workflow's services).
    for kind in KINDS.values():
        if kind.published is None:
            continue
        chained = {pk for kind_label, pk, _audience in chains if kind_label == kind.label}
        for pk in kind.published().exclude(pk__in=chained).values_list("pk", flat=True).order_by("pk"):
            breaks.append(f"{kind.label} {pk}: published without any version (run seal_records)")
    return breaks
