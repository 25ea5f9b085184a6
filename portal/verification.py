"""
Is this copy of a record official and current? The answer of `/verify/` and of `manage.py verify_pdfs`.

Three ways in: a PDF (its attached data's digest recomputed, its signature checked with
`core.signing.check_pdf_signature`), a pasted digest (full, or its first 12 hex characters at least),
or a reference (a meeting's slug or address, a decision's reference). Each answer names the version it
found, whether it is current, and if not which version replaced it, when and why.

**No leak.** Every look-up goes through `RecordVersion.objects.visible_to(user)`: a reader who may not
read the Board's chain gets, for a Board version's digest or a draft's reference, the very answer an
unknown one gets.
"""

import io
import json
import re
import zlib
from dataclasses import dataclass

import pikepdf
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core import chain
from core.models import RecordVersion
from core.signing import SignatureCheck, check_pdf_signature, signing_configured

# The largest file /verify/ and verify_pdfs read (a minutes PDF is a few hundred kB; a pack some MB).
MAX_PDF_BYTES = 25 * 1024 * 1024
# The most a stream read from an uploaded PDF (the record's attached data, a page's content) may expand to:
# a record's JSON is some kB; a small compressed stream may inflate to gigabytes (a decompression bomb).
MAX_STREAM_BYTES = 2 * 1024 * 1024
# The names the portal gives the data it attaches (portal/views.py meeting_pdf: `<slug>-<kind>.json`).
_DATA_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*-(minutes|record)\.json$")


class Outcome:
    CURRENT = "current"  # an official version, the current one
    REPLACED = "replaced"  # an official version, replaced by a newer one
    WITHDRAWN = "withdrawn"  # an official version whose record was withdrawn since
    FORGED = "forged"  # a file changed after it was made or signed
    UNKNOWN = "unknown"  # matches no version this reader may know of
    UNREADABLE = "unreadable"  # not a PDF, damaged, or without the record's data
    NOT_SIGNED = "not-signed"  # the data is a version's, but the file is not the portal's signed copy


@dataclass(frozen=True)
class Answer:
    outcome: str
    message: str
    version: RecordVersion | None = None
    newest: RecordVersion | None = None  # the chain's latest link, when it is not `version`
    record: object = None
    signature: SignatureCheck | None = None

    @property
    def official(self) -> bool:
        return self.outcome in (Outcome.CURRENT, Outcome.REPLACED, Outcome.WITHDRAWN)

    @property
    def official_current(self) -> bool:
        """The one verdict (the page's green answer, verify_pdfs' OK): an official, current version."""
        return self.outcome == Outcome.CURRENT

    @property
    def time_zone(self) -> str:
        """The zone its dates are shown in: the record's, or the site's when the record is gone."""
        return getattr(self.record, "time_zone", "") or settings.TIME_ZONE

    def as_dict(self) -> dict:
        data = {"outcome": self.outcome, "message": self.message}
        if self.version is not None:
            data["version"] = _version_dict(self.version)
            data["record"] = str(self.record) if self.record is not None else None
            data["record_url"] = self.record.get_absolute_url() if self.record is not None else None
        if self.newest is not None:
            data["newest"] = _version_dict(self.newest)
        if self.signature is not None:
            data["signature"] = {
                "signed": self.signature.signed,
                "intact": self.signature.intact,
                "by_portal": self.signature.by_portal,
                "covers_whole_file": self.signature.covers_whole_file,
                "signer": self.signature.signer,
                "signed_at": self.signature.signed_at.isoformat() if self.signature.signed_at else None,
                "timestamped": self.signature.timestamped,
                "problem": self.signature.problem,
            }
        return data


def _version_dict(version: RecordVersion) -> dict:
    return {
        "number": version.number,
        "audience": version.audience,
        "state": version.state,
        "digest": version.content_digest,
        "published_at": version.published_at.isoformat(),
        "reason": version.reason,
    }


def _unknown() -> Answer:
    return Answer(Outcome.UNKNOWN, _("This matches no official version of a record of this portal."))


def answer_for(version: RecordVersion, user, signature: SignatureCheck | None = None) -> Answer:
    """What `version` is now: current, replaced (by which) or withdrawn, as `user` may know it."""
    newest = (
        RecordVersion.objects.visible_to(user)
        .filter(record_kind=version.record_kind, record_pk=version.record_pk, audience=version.audience)
        .order_by("-number")
        .first()
    )
    record = chain.record_of(version)
    if record is None or newest.state == RecordVersion.State.WITHDRAWN:
        # Withdrawn (or the record deleted): the date only, nothing of the record nor a link to it.
        when = newest.published_at if newest.state == RecordVersion.State.WITHDRAWN else None
        return withdrawn(version, when, signature)
    if newest.pk == version.pk and version.state == RecordVersion.State.PUBLISHED:
        return Answer(
            Outcome.CURRENT,
            _("This is the official, current version %(number)s of the record.") % {"number": version.number},
            version=version,
            record=record,
            signature=signature,
        )
    return Answer(
        Outcome.REPLACED,
        _("This is version %(number)s of the record, replaced by version %(newest)s.")
        % {"number": version.number, "newest": newest.number},
        version=version,
        newest=newest,
        record=record,
        signature=signature,
    )


def withdrawn(version: RecordVersion, when, signature: SignatureCheck | None = None) -> Answer:
    """A version of a record withdrawn since (or deleted): when, and nothing else of it."""
    if when is None:
        message = _("This was an official version of a record; the record has been withdrawn since.")
    else:
        shown = formats.date_format(timezone.localtime(when, timezone.get_default_timezone()), "DATETIME_FORMAT")
        message = _("This was an official version of a record; the record was withdrawn on %(date)s.") % {"date": shown}
    return Answer(Outcome.WITHDRAWN, message, signature=signature)


def verify_digest(text: str, user) -> Answer:
    """A pasted digest: the version whose content has it (or starts with it)."""
    found = chain.find_digest(text, user)
    if not found:
        return _unknown()
    return answer_for(found[0], user)


def verify_reference(text: str, user) -> Answer:
    """A typed reference: the current version of the record it names, in the chain `user` reads."""
    for kind in chain.KINDS.values():
        record = kind.find(text)
        if record is None:
            continue
        newest = (
            RecordVersion.objects.visible_to(user)
            .filter(record_kind=kind.label, record_pk=record.pk, audience__in=chain.audiences_for(user))
            # The Board's chain first for who may read it ("board" sorts first): the minutes are the full record.
            .order_by("audience", "-number")
            .first()
        )
        if newest is not None:
            return answer_for(newest, user)
    return _unknown()


class Refused(Exception):
    """A stream of an uploaded PDF that is not read: too large, or compressed in a way not accepted."""


def _bounded_bytes(stream: pikepdf.Object) -> bytes:
    """
    A stream's decoded bytes, at most MAX_STREAM_BYTES: only uncompressed or FlateDecode (without
    predictor parameters) streams are read, inflated by steps never beyond the cap (no decompression bomb).
    """
    if not isinstance(stream, pikepdf.Stream):
        raise Refused(_("The PDF's data is not a stream."))
    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array):
        filters = list(filters)
    elif filters is not None:
        filters = [filters]
    else:
        filters = []
    raw = stream.read_raw_bytes()
    if len(raw) > MAX_STREAM_BYTES:
        raise Refused(_("The PDF's data is larger than a record's: it is not read."))
    if not filters:
        return raw
    if filters != [pikepdf.Name.FlateDecode] or stream.get("/DecodeParms") is not None:
        raise Refused(_("The PDF's data is compressed in a way this portal does not use: it is not read."))
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(raw, MAX_STREAM_BYTES)
    except zlib.error as error:
        raise Refused(_("The PDF's data is damaged: it cannot be read.")) from error
    if inflater.unconsumed_tail:
        raise Refused(_("The PDF's data is larger than a record's: it is not read."))
    return data


def _attached_data(pdf: pikepdf.Pdf) -> dict | None:
    """The record data the portal attaches (`<slug>-<kind>.json`), read within bounds; None if there is none."""
    for name, spec in pdf.attachments.items():
        if not _DATA_NAME.match(name):
            continue
        stream = spec.obj.get("/EF", {}).get("/F") if isinstance(spec.obj.get("/EF"), pikepdf.Dictionary) else None
        params = stream.get("/Params") if isinstance(stream, pikepdf.Stream) else None
        size = params.get("/Size") if isinstance(params, pikepdf.Dictionary) else None
        if size is not None and int(size) > MAX_STREAM_BYTES:
            raise Refused(_("The PDF's data is larger than a record's: it is not read."))
        try:
            data = json.loads(_bounded_bytes(stream))
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(data, dict):
            return data
    return None


_STAMPED_DIGEST = re.compile(rb"SHA-256 ([0-9a-f]{64})")
_ACTUAL_TEXT = re.compile(rb"/ActualText\s*<([0-9A-Fa-f\s]{1,2000})>")


def _stamped_digest(pdf: pikepdf.Pdf) -> str | None:
    """The digest the meeting pack prints at the foot of its first page (portal/pack.py `_stamp_text`), if any."""
    if not len(pdf.pages):
        return None
    contents = pdf.pages[0].obj.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
    for stream in streams:
        content = _bounded_bytes(stream)
        match = _STAMPED_DIGEST.search(content)
        if match:
            return match[1].decode()
        # The stamp's lines in an embedded font are glyph numbers: their text is each line's ActualText.
        for actual in _ACTUAL_TEXT.finditer(content):
            try:
                text = bytes.fromhex(actual[1].decode()).decode("utf-16")
            except ValueError:
                continue
            match = _STAMPED_DIGEST.search(text.encode())
            if match:
                return match[1].decode()
    return None


def _verify_pack(digest: str, user, signature: SignatureCheck) -> Answer:
    """
    A meeting pack carries no data of its own, only the digest of the record's version on its pages: that is
    worth something only in a file the portal signed, intact and whole (anyone can type a digest on a page).
    """
    if not signature.official:
        return Answer(
            Outcome.UNKNOWN,
            _("This PDF names a version of a record, but the portal did not sign it: it cannot be shown official."),
            signature=signature,
        )
    version = (
        RecordVersion.objects.visible_to(user)
        .filter(content_digest=digest, state=RecordVersion.State.PUBLISHED)
        .order_by("-number")
        .first()
    )
    return answer_for(version, user, signature) if version is not None else _unknown()


def verify_pdf(content: bytes, user) -> Answer:
    """
    A PDF: the record data attached inside it, made canonical, must give the digest it claims (else the
    file was edited), and that digest must be a version's; the signature must be the portal's, intact and
    covering the whole file (an edit after signing is a forgery, whatever the data says).
    """
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            data = _attached_data(pdf)
            stamped = _stamped_digest(pdf) if data is None else None
    except Refused as refused:
        return Answer(Outcome.UNREADABLE, str(refused))
    except Exception:
        return Answer(Outcome.UNREADABLE, _("This file is not a PDF that can be read (not a PDF, or damaged)."))
    signature = check_pdf_signature(content)
    if signature.signed and not (signature.intact and signature.covers_whole_file):
        return Answer(
            Outcome.FORGED,
            _("This file was changed after the portal signed it: it is not an official copy."),
            signature=signature,
        )
    if data is None and stamped:
        return _verify_pack(stamped, user, signature)
    if data is None:
        return Answer(
            Outcome.UNREADABLE,
            _("This PDF carries no record data of this portal: it is not one of its record PDFs."),
            signature=signature,
        )
    claimed = str(data.get("digest") or "")
    for kind in chain.KINDS.values():
        computed = chain.content_digest(chain.canonical_json(kind.from_attachment(data)))
        if claimed and computed != claimed:
            return Answer(
                Outcome.FORGED,
                _("The record data in this file does not match the digest printed on it: it was changed."),
                signature=signature,
            )
        version = (
            RecordVersion.objects.visible_to(user)
            .filter(record_kind=kind.label, content_digest=computed, state=RecordVersion.State.PUBLISHED)
            .order_by("-number")
            .first()
        )
        if version is not None:
            if signing_configured() and not signature.official:
                # The data is genuine, but anyone may attach it to pages of their own: only the portal's
                # signature vouches for the pages (the same rule as a pack's, _verify_pack).
                return Answer(
                    Outcome.NOT_SIGNED,
                    _(
                        "The data in this file matches version %(number)s of a record, but the file is not"
                        " the portal's signed copy: its pages cannot be shown official."
                    )
                    % {"number": version.number},
                    signature=signature,
                )
            return answer_for(version, user, signature)
    return Answer(Outcome.UNKNOWN, _unknown().message, signature=signature)
