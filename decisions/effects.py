"""
What a decision changes on the registers, defined once: one small class per kind of effect, used
alike by a meeting's outcome pages (decisions.effect_forms) and by a written procedure, which stores
its effect as data (`to_data()`) and applies it when it is adopted.

Each effect is a frozen dataclass of its fields (records as model instances, dates as dates) with
  - `validate()`: what must hold before anything is written (ValidationError keyed by form field);
  - `apply(decision, on=date, user=None)`: the register steps (members.services and the document
    steps), linked to `decision`; `on` is the decision's date (the meeting's, or the closing of a
    procedure), the default of every date the effect leaves empty; returns what it created or changed;
  - `to_data()` / `from_data()`: JSON-safe (ids, ISO dates); `from_data` refuses, keyed by field, a
    record that was deleted since it was stored;
  - `summary(verb="")`: the effect in one readable sentence, naming its records and dates (procedure
    page, admin, a meeting's outcome message); `verb`, the decision's verb as read ("endorsed and
    adopted"), for an effect that acts on documents.

A new kind of effect is one class here (with @register) and one form in decisions/effect_forms.py.
"""

from __future__ import annotations

import abc
import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import DatePrecision, format_at_precision
from core.lookups import among
from decisions.models import ActionItem, Decision, Document, DocumentKind
from decisions.services import add_document_version, save_document
from members import services as member_services
from members.models import Membership, Organisation, Person, Pillar, Post, RoleHeld

EFFECTS: dict[str, type[Effect]] = {}


def register(cls: type[Effect]) -> type[Effect]:
    """Add an effect class to the registry, under its `key` (the `kind` of its stored data)."""
    EFFECTS[cls.key] = cls
    return cls


def effect_choices() -> list[tuple[str, str]]:
    return [(key, cls.label) for key, cls in EFFECTS.items()]


def to_stored(effect: Effect | None) -> dict:
    """An effect as a written procedure stores it: {"kind": …, "data": {…}}; no effect, {}."""
    return {} if effect is None else {"kind": effect.key, "data": effect.to_data()}


def from_stored(stored: dict | None) -> Effect | None:
    """The effect of stored data (ValidationError if a record it names was deleted since); {} is none."""
    if not stored or not stored.get("kind"):
        return None
    cls = EFFECTS.get(stored["kind"])
    if cls is None:
        raise ValidationError(_("Unknown kind of effect: %(kind)s.") % {"kind": stored["kind"]})
    return cls.from_data(stored.get("data") or {})


def label(stored: dict | None) -> str:
    """The kind of a stored effect, as a reader sees it (no record named); "" for none."""
    cls = EFFECTS.get((stored or {}).get("kind", ""))
    return str(cls.label) if cls is not None else ""


def describe(stored: dict | None, verb: str = "") -> str:
    """A stored effect in one readable sentence; one that names a record deleted since says so."""
    try:
        effect = from_stored(stored)
    except ValidationError as error:
        return _("Cannot be applied: %(reason)s") % {"reason": " ".join(error.messages)}
    return "" if effect is None else effect.summary(verb=verb)


# --- What the register asks (?did=…) -------------------------------------------------------------

# "none": a decision that did none of the effects the register asks about (took note, deferred, …).
DID_NOTHING = "none"

# The decision's date, as `apply()` got it (`on`): its meeting's start or its procedure's closing, as a
# date in the portal's zone (the region's meetings are in one or two zones of it).
_DECIDED_ON = Coalesce(TruncDate("decision__meeting__start"), TruncDate("decision__procedure__closed_at"))


def _membership_links(user) -> models.QuerySet:
    """The links of decisions to memberships `user` may see, with the membership's dates to compare."""
    memberships = Membership.objects.visible_to(user).values("pk")
    return Decision.memberships.through.objects.filter(membership__in=memberships).values("decision")


def did_choices() -> list[tuple[str, str]]:
    """The choices of the register's filter "What the decision did": one per effect it asks about, and none."""
    asked = [(cls.did, cls.did_label) for cls in EFFECTS.values() if cls.did]
    return [*asked, (DID_NOTHING, gettext_lazy("None of these"))]


def decisions_that_did(did: str, user) -> Q:
    """
    The condition on decisions of the register's filter "What the decision did" = `did` (a value of
    did_choices()), as far as `user` may see what they acted on; for "none", that no effect matches.
    """
    asked = [cls for cls in EFFECTS.values() if cls.did]
    if did == DID_NOTHING:
        # NOT EXISTS per kind, on each link table's index (NOT IN the union of every id read them all).
        return Q(*(~_each_row(cls, user) for cls in asked))
    cls = next(cls for cls in asked if cls.did == did)
    if cls.many_links:
        return Q(_each_row(cls, user))
    # Few decisions have such links: their ids once, then the rows by primary key (core.lookups.among).
    return among(cls.decisions_that_did(user))


def _each_row(cls: type[Effect], user) -> models.Exists:
    return models.Exists(cls.decisions_that_did(user).filter(decision=models.OuterRef("pk")))


# --- JSON-safe values ---------------------------------------------------------------------------


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _pk(obj: models.Model | None) -> int | None:
    return obj.pk if obj is not None else None


def _gone(model: type[models.Model], pk: Any) -> str:
    return _("The %(record)s recorded for this effect (no. %(pk)s) has been deleted since.") % {
        "record": model._meta.verbose_name,
        "pk": pk,
    }


def _load(model: type[models.Model], pk: Any, field: str):
    """The record `pk` of `model` (None for None); a deleted one is refused beside `field`."""
    if pk is None:
        return None
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: _gone(model, pk)})
    return obj


def _load_many(model: type[models.Model], pks: list, field: str) -> tuple:
    found = model._default_manager.in_bulk(list(pks or []))
    missing = [pk for pk in pks or [] if pk not in found]
    if missing:
        raise ValidationError({field: [_gone(model, pk) for pk in missing]})
    return tuple(found[pk] for pk in pks or [])


def _names(objects) -> str:
    return ", ".join(str(obj) for obj in objects)


def _day(value: dt.date) -> str:
    """A date as the pages print it: 1 March 2026."""
    return format_at_precision(value, DatePrecision.DAY)


# --- The effects --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect(abc.ABC):
    """One kind of effect of a decision: every kind (a subclass) says each of the abstract steps."""

    key: ClassVar[str] = ""
    label: ClassVar[str] = ""
    # True for an effect a written procedure cannot carry.
    meeting_only: ClassVar[bool] = False
    # The register's filter "What the decision did" (decisions.filters, ?did=…): the value in the URL and
    # the choice as read; "" for an effect the register does not ask about (an action agreed).
    did: ClassVar[str] = ""
    did_label: ClassVar[str] = ""
    # True where most decisions have such links (documents: one decision in three at 100 times today's
    # volume): the register then asks each row it walks (EXISTS on the link's index) rather than
    # collecting every id first (measured with bench/explain_register.py).
    many_links: ClassVar[bool] = False

    @classmethod
    def decisions_that_did(cls, user) -> models.QuerySet | None:
        """
        The ids of the decisions that had this effect (one column), told from what `apply()` left: the
        links of the decision to what it acted on, as far as `user` may see them. None: not asked.
        """
        return None

    def validate(self) -> None:
        """Refuse, keyed by form field, what cannot be applied (before anything is written); by default, nothing."""
        return None

    @abc.abstractmethod
    def apply(self, decision: Decision, *, on: dt.date, user=None) -> list:
        """The register steps, linked to `decision`; returns what was created or changed."""

    @abc.abstractmethod
    def to_data(self) -> dict:
        """The effect as JSON-safe data (ids, ISO dates), as a written procedure stores it."""

    @classmethod
    @abc.abstractmethod
    def from_data(cls, data: dict) -> Effect:
        """The effect of stored data (ValidationError, keyed by field, for a record deleted since)."""

    @abc.abstractmethod
    def summary(self, verb: str = "") -> str:
        """The effect in one readable sentence; `verb`: the decision's, as read, where the effect names it."""

    def done_message(self, decision: Decision, created: list) -> str:
        """What the Secretariat is told once a meeting's outcome is recorded."""
        return _("Decision %(reference)s recorded: %(effect)s") % {
            "reference": decision.reference,
            "effect": self.summary(),
        }


# The fields of an organisation created on the spot (members.forms.NewOrganisationForm).
NEW_ORGANISATION_FIELDS = ("name", "acronym", "kind", "country", "designation_footnote")


@register
@dataclass(frozen=True)
class AdmitMembers(Effect):
    """New members: memberships from `since` (empty: the decision's date), linked to the decision."""

    key = "admit"
    label = gettext_lazy("Admit members")
    did = "admitted"
    did_label = gettext_lazy("Admitted members")

    @classmethod
    def decisions_that_did(cls, user) -> models.QuerySet:
        # A membership that starts on or after the decision's date, or one still running that it did not
        # end (admitted with effect from an earlier date).
        return _membership_links(user).filter(
            Q(membership__since__gte=_DECIDED_ON) | Q(membership__since__isnull=False, membership__until__isnull=True)
        )

    organisations: tuple[Organisation, ...] = ()
    category: str = Membership.Category.SUPPORT_GROUP
    since: dt.date | None = None
    # Organisations created with the decision (not saved yet).
    new_organisations: tuple[Organisation, ...] = ()

    def validate(self) -> None:
        if not self.organisations and not self.new_organisations:
            raise ValidationError({"organisations": _("Choose or create at least one organisation.")})
        if self.category not in Membership.Category.values:
            raise ValidationError({"category": _("Choose the category of the new memberships.")})

    def apply(self, decision: Decision, *, on: dt.date, user=None) -> list[Membership]:
        self.validate()
        for organisation in self.new_organisations:
            organisation.full_clean()
            organisation.save()
        admitted = [*self.organisations, *self.new_organisations]
        memberships = []
        for organisation in admitted:
            try:
                memberships.append(
                    member_services.add_membership(
                        organisation=organisation, category=self.category, since=self.since or on
                    )
                )
            except ValidationError as error:
                raise ValidationError({"organisations": error.messages}) from None
        decision.memberships.add(*memberships)
        # So that the pages of the organisations admitted find the decision.
        decision.concerns_organisations.add(*admitted)
        return memberships

    def to_data(self) -> dict:
        return {
            "organisations": [organisation.pk for organisation in self.organisations],
            "category": self.category,
            "since": _iso(self.since),
            "new_organisations": [
                {name: getattr(organisation, name) for name in NEW_ORGANISATION_FIELDS}
                for organisation in self.new_organisations
            ],
        }

    @classmethod
    def from_data(cls, data: dict) -> AdmitMembers:
        return cls(
            organisations=_load_many(Organisation, data.get("organisations", []), "organisations"),
            category=data.get("category", ""),
            since=_date(data.get("since")),
            new_organisations=tuple(Organisation(**fields) for fields in data.get("new_organisations", [])),
        )

    def summary(self, verb: str = "") -> str:
        values = {
            "organisations": _names(
                [*(o.display_name for o in self.organisations), *(o.name for o in self.new_organisations)]
            ),
            "category": Membership.Category(self.category).label if self.category else "—",
        }
        if self.since:
            values["since"] = _day(self.since)
            return _("Admit %(organisations)s as %(category)s from %(since)s.") % values
        return _("Admit %(organisations)s as %(category)s from the date of the decision.") % values

    def done_message(self, decision: Decision, created: list) -> str:
        return _("Decision %(reference)s: %(members)s admitted.") % {
            "reference": decision.reference,
            "members": ", ".join(str(membership.organisation) for membership in created),
        }


@register
@dataclass(frozen=True)
class EndMembership(Effect):
    """The Board ends a membership on `until` (empty: the decision's date); the decision says why."""

    key = "end_membership"
    label = gettext_lazy("End a membership")
    did = "ended"
    did_label = gettext_lazy("Ended memberships")

    @classmethod
    def decisions_that_did(cls, user) -> models.QuerySet:
        # A membership that ends, and had started before the decision (or on a date not on record).
        return _membership_links(user).filter(
            Q(membership__since__isnull=True) | Q(membership__since__lt=_DECIDED_ON), membership__until__isnull=False
        )

    membership: Membership | None = None
    until: dt.date | None = None
    note: str = ""

    def validate(self) -> None:
        if self.membership is None:
            raise ValidationError({"membership": _("Choose the membership that ends.")})

    def apply(self, decision: Decision, *, on: dt.date, user=None) -> list[Membership]:
        self.validate()
        membership = member_services.end_membership(
            membership=self.membership, until=self.until or on, note=self.note.strip()
        )
        decision.memberships.add(membership)
        return [membership]

    def to_data(self) -> dict:
        return {"membership": _pk(self.membership), "until": _iso(self.until), "note": self.note}

    @classmethod
    def from_data(cls, data: dict) -> EndMembership:
        return cls(
            membership=_load(Membership, data.get("membership"), "membership"),
            until=_date(data.get("until")),
            note=data.get("note", ""),
        )

    def summary(self, verb: str = "") -> str:
        values = {"membership": self.membership}
        if self.until:
            values["until"] = _day(self.until)
            return _("End the membership “%(membership)s” on %(until)s.") % values
        return _("End the membership “%(membership)s” on the date of the decision.") % values

    def done_message(self, decision: Decision, created: list) -> str:
        return _("Decision %(reference)s: the membership “%(membership)s” ends.") % {
            "reference": decision.reference,
            "membership": created[0],
        }


@register
@dataclass(frozen=True)
class Documents(Effect):
    """
    Endorse, adopt or approve documents: the decision is linked to them (each document then shows by
    which decision the Board acted on it); a new document may be created, and a file uploaded for it.
    """

    key = "documents"
    label = gettext_lazy("Endorse, adopt or approve documents")
    did = "adopted"
    did_label = gettext_lazy("Adopted, endorsed or approved documents")
    many_links = True

    @classmethod
    def decisions_that_did(cls, user) -> models.QuerySet:
        # Any document linked: the register already tells every reader how many (members_only_documents).
        return Decision.documents.through.objects.values("decision")

    documents: tuple[Document, ...] = ()
    # A document created with the decision (not saved yet), and its pillars.
    new_document: Document | None = None
    new_document_pillars: tuple[Pillar, ...] = ()
    # A file uploaded with the decision: a meeting's outcome page only (it cannot be stored as data).
    uploaded_file: Any = None

    def validate(self) -> None:
        new = self.new_document
        if not self.documents and new is None:
            raise ValidationError({"documents": _("Choose a document or give the title of a new one.")})
        if new is not None:
            if Document.objects.filter(title=new.title).exists():
                raise ValidationError(
                    {"new_title": _("A document with this title exists: choose it in the list above.")}
                )
            if new.period_start and new.period_end and new.period_end < new.period_start:
                raise ValidationError({"new_period_end": _("The period cannot end before it starts.")})
        if self.uploaded_file is not None and len(self.documents) + (new is not None) != 1:
            raise ValidationError({"file": _("Upload a file with one document at a time.")})

    def apply(self, decision: Decision, *, on: dt.date, user=None) -> list[Document]:
        self.validate()
        documents = list(self.documents)
        if self.new_document is not None:
            save_document(
                document=self.new_document, pillars=self.new_document_pillars, expected_version=None, user=user
            )
            documents.append(self.new_document)
        if self.uploaded_file is not None:
            add_document_version(document=documents[0], uploaded_file=self.uploaded_file, user=user)
        decision.documents.add(*documents)
        return documents

    def to_data(self) -> dict:
        if self.uploaded_file is not None:
            raise ValidationError({"file": _("A file cannot wait for a decision: upload it to the document.")})
        new = self.new_document
        return {
            "documents": [document.pk for document in self.documents],
            "new_document": None
            if new is None
            else {
                "title": new.title,
                "kind": new.kind.slug if new.kind_id else None,
                "period_start": new.period_start,
                "period_end": new.period_end,
                "pillars": [pillar.pk for pillar in self.new_document_pillars],
            },
        }

    @classmethod
    def from_data(cls, data: dict) -> Documents:
        new, pillars = data.get("new_document"), ()
        if new:
            kind = DocumentKind.objects.filter(slug=new.get("kind")).first() or DocumentKind.other()
            pillars = _load_many(Pillar, new.get("pillars", []), "new_pillars")
            new = Document(
                title=new["title"], kind=kind, period_start=new.get("period_start"), period_end=new.get("period_end")
            )
        return cls(
            documents=_load_many(Document, data.get("documents", []), "documents"),
            new_document=new or None,
            new_document_pillars=pillars,
        )

    def summary(self, verb: str = "") -> str:
        titles = [str(document) for document in self.documents]
        if self.new_document is not None:
            titles.append(_("a new document, “%(title)s”") % {"title": self.new_document.title})
        if verb:
            return _("%(documents)s: %(verb)s by the decision, which is linked to them.") % {
                "documents": "; ".join(titles),
                "verb": verb,
            }
        return _("Link the decision to %(documents)s.") % {"documents": "; ".join(titles)}

    def done_message(self, decision: Decision, created: list) -> str:
        return _("Decision %(reference)s recorded on %(documents)s.") % {
            "reference": decision.reference,
            "documents": "; ".join(str(document) for document in created),
        }


# The fields of a role held that the effect gives (the proposer is the decision's).
ROLE_FIELDS = (
    "post",
    "person",
    "represented",
    "organisation",
    "pillar",
    "kind",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "note",
)


@register
@dataclass(frozen=True)
class Role(Effect):
    """
    The Board gives a post to a person or an organisation (appoints the Head of the Secretariat, names
    a host of a body or a lead partner of a pillar) or extends a mandate: a role held, linked to the
    decision, from `start` (or from the decision's date, `start_on_decision`: a procedure's closing is not
    known when it is drafted; neither: a start not on record), proposed by whoever proposed the decision.
    """

    key = "role"
    label = gettext_lazy("Give a post (appoint, name a host or lead partner) or extend a mandate")
    did = "appointed"
    did_label = gettext_lazy("Appointments and posts")

    @classmethod
    def decisions_that_did(cls, user) -> models.QuerySet:
        roles = RoleHeld.objects.visible_to(user).values("pk")
        return Decision.roles.through.objects.filter(roleheld__in=roles).values("decision")

    post: Post | None = None
    person: Person | None = None
    represented: Organisation | None = None
    organisation: Organisation | None = None
    pillar: Pillar | None = None
    kind: str = RoleHeld.Kind.APPOINTMENT
    start: dt.date | None = None
    start_precision: str = DatePrecision.DAY
    end: dt.date | None = None
    end_precision: str = DatePrecision.DAY
    note: str = ""
    start_on_decision: bool = False

    def validate(self) -> None:
        if self.post is None:
            raise ValidationError({"post": _("Choose the post.")})
        if self.person and self.organisation:
            raise ValidationError(
                {"organisation": _("A role is held by a person or by an organisation: name only one.")}
            )
        if not self.person and not self.organisation:
            raise ValidationError({"person": _("Name who holds the role: a person or an organisation.")})
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("A role cannot end before it starts.")})
        # The register's own rules (who may hold the post, per pillar or not) before anything is written;
        # an overlap with another term is for when it is applied, with the decision's dates.
        role = RoleHeld(**{name: getattr(self, name) for name in ROLE_FIELDS})
        try:
            role.clean()
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                raise

    def apply(self, decision: Decision, *, on: dt.date, user=None) -> list[RoleHeld]:
        self.validate()
        role = member_services.record_role(
            post=self.post,
            person=self.person,
            organisation=self.organisation,
            represented=self.represented,
            pillar=self.pillar,
            kind=self.kind,
            start=self.start or (on if self.start_on_decision else None),
            start_precision=self.start_precision if self.start else DatePrecision.DAY,
            end=self.end,
            end_precision=self.end_precision,
            proposed_by_organisation=decision.proposed_by_organisation,
            proposed_by_person=decision.proposed_by_person,
            note=self.note,
        )
        decision.roles.add(role)
        return [role]

    def to_data(self) -> dict:
        return {
            "post": _pk(self.post),
            "person": _pk(self.person),
            "represented": _pk(self.represented),
            "organisation": _pk(self.organisation),
            "pillar": _pk(self.pillar),
            "kind": self.kind,
            "start": _iso(self.start),
            "start_precision": self.start_precision,
            "end": _iso(self.end),
            "end_precision": self.end_precision,
            "note": self.note,
            "start_on_decision": self.start_on_decision,
        }

    @classmethod
    def from_data(cls, data: dict) -> Role:
        return cls(
            post=_load(Post, data.get("post"), "post"),
            person=_load(Person, data.get("person"), "person"),
            represented=_load(Organisation, data.get("represented"), "represented"),
            organisation=_load(Organisation, data.get("organisation"), "organisation"),
            pillar=_load(Pillar, data.get("pillar"), "pillar"),
            kind=data.get("kind") or RoleHeld.Kind.APPOINTMENT,
            start=_date(data.get("start")),
            start_precision=data.get("start_precision") or DatePrecision.DAY,
            end=_date(data.get("end")),
            end_precision=data.get("end_precision") or DatePrecision.DAY,
            note=data.get("note", ""),
            start_on_decision=bool(data.get("start_on_decision")),
        )

    def summary(self, verb: str = "") -> str:
        holder = self.person or self.organisation
        if self.represented:
            holder = _("%(holder)s (for %(represented)s)") % {"holder": holder, "represented": self.represented}
        post = f"{self.post} — {self.pillar}" if self.pillar else str(self.post)
        values = {
            "holder": holder,
            "post": post,
            "start": format_at_precision(self.start, self.start_precision)
            if self.start
            else (_("the date of the decision") if self.start_on_decision else _("a date not on record")),
            "end": format_at_precision(self.end, self.end_precision) if self.end else "",
        }
        if self.kind == RoleHeld.Kind.EXTENSION:
            text = _("Extend the mandate of %(holder)s as %(post)s, from %(start)s") % values
        else:
            text = _("%(holder)s holds the post of %(post)s from %(start)s") % values
        if self.end:
            text = _("%(text)s until %(end)s") % {"text": text, "end": values["end"]}
        return f"{text}."

    def done_message(self, decision: Decision, created: list) -> str:
        return _("Decision %(reference)s: role recorded — %(role)s.") % {
            "reference": decision.reference,
            "role": created[0],
        }


@register
@dataclass(frozen=True)
class AgreeAction(Effect):
    """
    A follow-up the Board agreed: an action item linked to the decision. An action item belongs to a
    meeting (ActionItem.meeting): a decision taken by written procedure cannot agree one (yet).
    """

    key = "action"
    label = gettext_lazy("Agree an action")
    meeting_only = True

    description: str = ""
    owner_organisation: Organisation | None = None
    owner_person: Person | None = None
    due_date: dt.date | None = None

    def validate(self) -> None:
        if not self.description.strip():
            raise ValidationError({"description": _("Say what is to be done.")})

    def apply(self, decision: Decision, *, on: dt.date, user=None) -> list[ActionItem]:
        self.validate()
        if decision.meeting_id is None:
            raise ValidationError(_("An action item belongs to a meeting: a written procedure cannot agree one."))
        action = ActionItem(
            meeting_id=decision.meeting_id,
            decision=decision,
            description=self.description.strip(),
            owner_organisation=self.owner_organisation,
            owner_person=self.owner_person,
            due_date=self.due_date,
        )
        action.full_clean()
        action.save()
        return [action]

    def to_data(self) -> dict:
        return {
            "description": self.description,
            "owner_organisation": _pk(self.owner_organisation),
            "owner_person": _pk(self.owner_person),
            "due_date": _iso(self.due_date),
        }

    @classmethod
    def from_data(cls, data: dict) -> AgreeAction:
        return cls(
            description=data.get("description", ""),
            owner_organisation=_load(Organisation, data.get("owner_organisation"), "owner_organisation"),
            owner_person=_load(Person, data.get("owner_person"), "owner_person"),
            due_date=_date(data.get("due_date")),
        )

    def summary(self, verb: str = "") -> str:
        return _("Agree an action: %(description)s") % {"description": self.description}

    def done_message(self, decision: Decision, created: list) -> str:
        return _("Action recorded: %(action)s") % {"action": created[0]}
