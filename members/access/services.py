"""
Giving and removing access for an organisation's delegates: each a step over several models (the user
account, its groups, the person, the delegation, the invitation link), in one transaction, with the
e-mail sent once it commits.

Who has access: a person with a user account in the Board members group, and a delegation in force for
the organisation (`Delegation`). Giving access never deletes or replaces anything; removing it ends the
delegation (valid until today) and takes the account out of the group unless another delegation of
that person is still in force. The account itself stays (its history, its answers on record).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import languages
from core.invitations import IssuedInvitation, issue_invitation_link, void_invitation_links
from core.roles import BOARD_MEMBERS_GROUP, is_secretariat
from members.models import Delegation, Organisation, Person

USERNAME_MAX = 150


@dataclass(frozen=True)
class GiveAccess:
    """
    Access to give: to `person` (one of the organisation's people), or to a new person of it (`name`,
    `honorific`, `position_title`); `email` the address of their account (may be empty for a person whose
    account has one); from `valid_from` (today at the latest); `note` why, kept in the history.
    `by`: who gives it; `site_url`: the portal's address, for the link in the e-mail.
    """

    organisation: Organisation
    valid_from: dt.date
    by: object
    site_url: str
    person: Person | None = None
    name: str = ""
    honorific: str = ""
    position_title: str = ""
    email: str = ""
    note: str = ""


@dataclass(frozen=True)
class Invitation:
    """
    What became of the invitation: `emailed_to` the address it was sent to (once the step commits), or
    empty with `link_path` (the secret, to be shown once to whoever gave access) when there is no
    address; `needed` False for an account that already has a password (nothing issued).
    """

    needed: bool
    emailed_to: str = ""
    link_path: str = ""
    expires_at: dt.datetime | None = None


@dataclass(frozen=True)
class AccessGiven:
    delegation: Delegation
    person: Person
    user: object
    person_created: bool
    user_created: bool
    invitation: Invitation


@dataclass(frozen=True)
class InviteAgain:
    organisation: Organisation
    person: Person
    by: object
    site_url: str


@dataclass(frozen=True)
class RemoveAccess:
    organisation: Organisation
    person: Person
    reason: str
    by: object


@dataclass(frozen=True)
class AccessRemoved:
    person: Person
    # The delegations ended (valid until today).
    ended: tuple[Delegation, ...]
    # False when another delegation of the person is still in force: they keep the group.
    left_group: bool
    links_voided: int


def board_members_group() -> Group:
    return Group.objects.get(name=BOARD_MEMBERS_GROUP)


def lasting(on: dt.date):
    """
    Delegations that give access after `on`: open-ended, or ending later. A delegation removed today
    ends today (valid until today, as the register says), but its access went with the removal.
    """
    return Delegation.objects.exclude(valid_until__lte=on)


def delegations_in_force(organisation: Organisation, person: Person, on: dt.date):
    """The person's delegations for the organisation that still give access after `on`."""
    return lasting(on).filter(organisation=organisation, person=person)


@transaction.atomic
def give_access(grant: GiveAccess) -> AccessGiven:
    """
    Give a person access for an organisation: their account (made, or the one they or their address
    already have), in the Board members group, linked to the person, a delegation from `valid_from`,
    and an invitation link e-mailed on commit (for an account without a password yet).
    """
    organisation = Organisation.objects.select_for_update().get(pk=grant.organisation.pk)
    today = timezone.localdate()
    email = grant.email.strip()
    errors = {}
    if grant.valid_from > today:
        errors["valid_from"] = _("Access starts today at the latest: give it on the day it starts.")
    person, person_created = _person(grant, organisation)
    if person.pk and delegations_in_force(organisation, person, today).exists():
        errors["person"] = _("%(person)s already has access for %(organisation)s.") % {
            "person": person,
            "organisation": organisation,
        }
    if errors:
        raise ValidationError(errors)
    user, user_created = _account(person, email)
    if person_created:
        person.user = user
        person.full_clean()
        person.save()
    elif person.user_id != user.pk:
        person = Person.objects.select_for_update().get(pk=person.pk)
        person.user = user
        person.full_clean()
        person.save()
    user.groups.add(board_members_group())
    delegation = Delegation(person=person, organisation=organisation, valid_from=grant.valid_from, note=grant.note)
    delegation.full_clean()
    _with_history(delegation, grant.by, grant.note or _("Access given."))
    delegation.save()
    if user.has_usable_password():
        invitation = Invitation(needed=False)
    else:
        invitation = _invite(user, organisation, grant.by, grant.site_url)
    return AccessGiven(
        delegation=delegation,
        person=person,
        user=user,
        person_created=person_created,
        user_created=user_created,
        invitation=invitation,
    )


def _person(grant: GiveAccess, organisation: Organisation) -> tuple[Person, bool]:
    if grant.person is not None:
        if grant.person.organisation_id != organisation.pk:
            raise ValidationError({"person": _("Choose one of the people of %(o)s.") % {"o": organisation}})
        return grant.person, False
    if not grant.name.strip():
        raise ValidationError({"name": _("Choose a person of the organisation, or type the new person's name.")})
    person = Person(
        organisation=organisation,
        name=grant.name.strip(),
        honorific=grant.honorific,
        position_title=grant.position_title.strip(),
    )
    person.full_clean()
    return person, True


def _account(person: Person, email: str):
    """The person's account: theirs, the one with their address, or a new one (no usable password)."""
    users = get_user_model()._default_manager
    user = users.select_for_update().get(pk=person.user_id) if person.user_id else None
    if user is not None:
        if email and user.email and user.email.lower() != email.lower():
            raise ValidationError(
                {
                    "email": _(
                        "%(person)s's account has the address %(address)s. Leave the field empty, or change "
                        "the address in the admin first."
                    )
                    % {"person": person, "address": user.email}
                }
            )
        if email and not user.email:
            user.email = email
            user.save(update_fields=["email"])
    elif email:
        user = users.select_for_update().filter(email__iexact=email).order_by("pk").first()
        if user is not None:
            owner = Person.objects.filter(user=user).exclude(pk=person.pk).first()
            if owner is not None:
                raise ValidationError(
                    {"email": _("This address belongs to the account of %(other)s.") % {"other": owner}}
                )
    if user is not None and is_secretariat(user):
        # The invitation could set the password of a privileged account: those are managed in the admin.
        raise ValidationError(
            {"email": _("This is a Secretariat or admin account: give it access in the admin, not here.")}
        )
    if user is not None and not user.is_active:
        raise ValidationError({"email": _("This account is inactive: an admin must reactivate it first.")})
    if user is not None:
        return user, False
    user = users.model(
        username=_free_username(email or slugify(person.name)),
        email=email,
        first_name=person.name.rpartition(" ")[0][:150],
        last_name=person.name.rpartition(" ")[2][:150],
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user, True


def _free_username(base: str) -> str:
    users = get_user_model()._default_manager
    base = (base.strip().lower() or "delegate")[:USERNAME_MAX]
    candidate, n = base, 2
    while users.filter(username__iexact=candidate).exists():
        suffix = f"-{n}"
        candidate = base[: USERNAME_MAX - len(suffix)] + suffix
        n += 1
    return candidate


def _with_history(delegation: Delegation, by, reason: str) -> None:
    """Who made this change and why, for the history record the next save writes (django-simple-history)."""
    delegation._history_user = by
    delegation._change_reason = reason[:300]


def _invite(user, organisation: Organisation, by, site_url: str) -> Invitation:
    """A new invitation link (older ones voided), e-mailed once the step commits if the account has an address."""
    issued = issue_invitation_link(user=user, issued_by=by)
    if not user.email:
        return Invitation(needed=True, link_path=issued.path, expires_at=issued.link.expires_at)
    _email_invitation(user, organisation, by, issued, site_url)
    return Invitation(needed=True, emailed_to=user.email, expires_at=issued.link.expires_at)


def _email_invitation(user, organisation: Organisation, by, issued: IssuedInvitation, site_url: str) -> None:
    context = {
        "name": user.get_full_name() or user.get_username(),
        "username": user.get_username(),
        "organisation": organisation,
        "invited_by": by.get_full_name() or by.get_username(),
        "url": f"{site_url}{issued.path}",
        "expires_at": timezone.localtime(issued.link.expires_at),
    }
    # In the invited person's language: the one their account chose (English for a new account), never the
    # Secretariat's (core/languages.py).
    with languages.for_recipient(user):
        subject = _("Your access to the IISG Board Portal for %(organisation)s") % {"organisation": organisation}
        body = render_to_string("members/access/emails/invitation.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[user.email])
    transaction.on_commit(message.send)


@transaction.atomic
def invite_again(step: InviteAgain) -> Invitation:
    """A new invitation link for a person with access whose account has no password yet; the old link stops working."""
    person = Person.objects.select_related("user").get(pk=step.person.pk)
    if not delegations_in_force(step.organisation, person, timezone.localdate()).exists():
        raise ValidationError(_("%(person)s has no access for %(organisation)s.") % _names(person, step.organisation))
    if person.user is None:
        raise ValidationError(_("%(person)s has no user account.") % {"person": person})
    if person.user.has_usable_password():
        raise ValidationError(
            _("%(person)s has set a password already: they sign in with it, no invitation is needed.")
            % {"person": person}
        )
    invitation = _invite(person.user, step.organisation, step.by, step.site_url)
    # In the history of the access too: a change of nothing but its reason and author.
    delegation = delegations_in_force(step.organisation, person, timezone.localdate()).order_by("valid_from").first()
    _with_history(delegation, step.by, _("Invitation sent again: a new link, the old one no longer works."))
    delegation.save()
    return invitation


@transaction.atomic
def remove_access(step: RemoveAccess) -> AccessRemoved:
    """End the person's delegations for the organisation today; out of the group unless another is in force."""
    reason = step.reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the access is removed: it is kept in the history.")})
    today = timezone.localdate()
    person = Person.objects.select_related("user").get(pk=step.person.pk)
    ending = list(delegations_in_force(step.organisation, person, today).select_for_update())
    if not ending:
        raise ValidationError(_("%(person)s has no access for %(organisation)s.") % _names(person, step.organisation))
    for delegation in ending:
        delegation.valid_until = today
        delegation.full_clean()
        _with_history(delegation, step.by, reason)
        delegation.save()
    left_group, voided = False, 0
    others = lasting(today).filter(person=person, valid_from__lte=today).exclude(organisation=step.organisation)
    if person.user is not None and not others.exists():
        # Taken out at once: the next request of any session of theirs reads the groups afresh (core.roles).
        person.user.groups.remove(board_members_group())
        left_group = True
        voided = void_invitation_links(user=person.user)
    return AccessRemoved(person=person, ended=tuple(ending), left_group=left_group, links_voided=voided)


def _names(person: Person, organisation: Organisation) -> dict:
    return {"person": person, "organisation": organisation}
