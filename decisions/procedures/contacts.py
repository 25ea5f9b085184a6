"""
Who may answer a written procedure for each consulted organisation, and whether an e-mail reaches them:
the organisation's own people and the delegates in force (members.Delegation), each with a user account
that may read the circulated procedure (a Board member, the Secretariat, an admin) and an e-mail address.

`reach(organisations)` says it per organisation, in a fixed number of queries whatever their number;
`Mailing` is what a step e-mailed (one message per address) and why an organisation got none, and
`mailing_text()` says it in the Secretariat's message ("2 e-mails sent: a@x (Albania), …").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import clock
from core.roles import BOARD_MEMBERS_GROUP, SECRETARIAT_GROUP
from members.models import Delegation, Organisation, Person


@dataclass(frozen=True)
class Contact:
    """A person who may answer for an organisation, and why an e-mail would not reach them ("" if it would)."""

    name: str
    delegated: bool
    email: str = ""
    problem: str = ""

    @property
    def reachable(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class Reach:
    """An organisation, the people who may answer for it, and why none is e-mailed ("" when one is)."""

    organisation: Organisation
    contacts: tuple[Contact, ...] = ()

    @property
    def emails(self) -> list[str]:
        return sorted({contact.email for contact in self.contacts if contact.reachable})

    @property
    def has_email(self) -> bool:
        return bool(self.emails)

    @property
    def why_none(self) -> str:
        """Why nobody of the organisation can be e-mailed: no one in force, or each one's reason."""
        if self.has_email:
            return ""
        name = self.organisation.display_name
        if not self.contacts:
            return _("no delegate in force for %(organisation)s") % {"organisation": name}
        return "; ".join(
            _("%(person)s (%(organisation)s) %(problem)s")
            % {"person": contact.name, "organisation": name, "problem": contact.problem}
            for contact in self.contacts
        )


@dataclass(frozen=True)
class Mailing:
    """What a step e-mailed: each address with the organisations it answers for, and who got nothing and why."""

    sent: tuple[tuple[str, tuple[str, ...]], ...] = ()
    unreached: tuple[str, ...] = field(default=())
    # Whether anybody was to be told at all (a step with nobody to tell says so, not "0 sent").
    nobody: bool = False
    # The organisations at least one e-mail went to.
    organisations: tuple[Organisation, ...] = ()

    @property
    def count(self) -> int:
        return len(self.sent)

    @property
    def emails(self) -> list[str]:
        return [email for email, _organisations in self.sent]


def _readers(user_ids) -> set[int]:
    """Of `user_ids`, the active users who may read a circulated procedure."""
    readers = Q(groups__name__in=[BOARD_MEMBERS_GROUP, SECRETARIAT_GROUP]) | Q(is_staff=True) | Q(is_superuser=True)
    users = get_user_model().objects.filter(pk__in=list(user_ids), is_active=True).filter(readers)
    return set(users.values_list("pk", flat=True))


def reach(organisations, on: dt.date | None = None) -> list[Reach]:
    """Per organisation (in the order given), who may answer for it on `on` and whether an e-mail reaches them."""
    organisations = list(organisations)
    on = on or clock.localdate()
    ids = [organisation.pk for organisation in organisations]
    people: dict[int, list[tuple[Person, bool]]] = defaultdict(list)
    for person in Person.objects.filter(organisation__in=ids).select_related("user").order_by("name"):
        people[person.organisation_id].append((person, False))
    delegations = (
        Delegation.objects.current(on)
        .filter(organisation__in=ids)
        .select_related("person__user")
        .order_by("person__name")
    )
    for delegation in delegations:
        if all(person.pk != delegation.person_id for person, _delegated in people[delegation.organisation_id]):
            people[delegation.organisation_id].append((delegation.person, True))
    users = {person.user_id for pairs in people.values() for person, _delegated in pairs if person.user_id}
    readers = _readers(users) if users else set()
    result = []
    for organisation in organisations:
        contacts = []
        for person, delegated in people[organisation.pk]:
            user = person.user if person.user_id else None
            if user is None:
                problem = _("has no account in the portal")
            elif user.pk not in readers:
                problem = _("has no Board member's account (or it is inactive)")
            elif not user.email:
                problem = _("has no e-mail address")
            else:
                problem = ""
            contacts.append(
                Contact(name=person.name, delegated=delegated, email=user.email if user else "", problem=problem)
            )
        result.append(Reach(organisation=organisation, contacts=tuple(contacts)))
    return result


def mailing_for(reaches: list[Reach]) -> Mailing:
    """The e-mails to send to `reaches`: one per address, with the organisations it answers for; who is left out."""
    by_email: dict[str, list[str]] = defaultdict(list)
    unreached = []
    for one in reaches:
        for email in one.emails:
            by_email[email].append(one.organisation.display_name)
        if not one.has_email:
            unreached.append(one.why_none)
    return Mailing(
        sent=tuple((email, tuple(names)) for email, names in sorted(by_email.items())),
        unreached=tuple(unreached),
        nobody=not reaches,
        organisations=tuple(one.organisation for one in reaches if one.has_email),
    )


def mailing_text(mailing: Mailing, *, noun: str = "e-mail") -> str:
    """
    The mailing in a sentence: "3 reminders sent: a@x (Albania), …" and then why the others got none
    ("None could be sent for: no delegate in force for Kosovo*; …"). `noun`: "e-mail" or "reminder".
    """
    listed = ", ".join(f"{email} ({', '.join(names)})" for email, names in mailing.sent)
    if mailing.count:
        if noun == "reminder":
            text = ngettext("%(count)d reminder sent: %(list)s.", "%(count)d reminders sent: %(list)s.", mailing.count)
        else:
            text = ngettext("%(count)d e-mail sent: %(list)s.", "%(count)d e-mails sent: %(list)s.", mailing.count)
        text = text % {"count": mailing.count, "list": listed}
    elif mailing.nobody:
        return _("Nobody was to be e-mailed.")
    else:
        text = _("No e-mail could be sent.") if noun != "reminder" else _("No reminder could be sent.")
    if mailing.unreached:
        text = "%s %s" % (  # noqa: UP031 (two translated sentences)
            text,
            _("Nobody could be e-mailed for: %(why)s.") % {"why": "; ".join(mailing.unreached)},
        )
    return text
