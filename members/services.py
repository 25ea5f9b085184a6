"""Steps on the registers of members: memberships and roles held end, they are never deleted."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.dates import DatePrecision, format_at_precision, long_date
from core.locking import StaleVersionError, save_versioned
from members.models import Membership, Organisation, Person, Pillar, Post, RoleHeld


@transaction.atomic
def add_membership(
    *, organisation: Organisation, category: str, since: dt.date | None, until: dt.date | None = None, note: str = ""
) -> Membership:
    """A membership of `organisation`; refused with a clear message if it overlaps an existing one."""
    membership = Membership(organisation=organisation, category=category, since=since, until=until, note=note)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def end_membership(
    *, membership: Membership, until: dt.date, note: str = "", expected_version: int | None = None
) -> Membership:
    """
    End a membership on `until` (its last day). History is kept: nothing is deleted.
    `expected_version`: the version the editor's form was opened at (StaleVersionError if someone
    saved the membership since); None for a step that does not come from such a form.
    """
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if expected_version is not None and membership.version != expected_version:
        raise StaleVersionError(membership)
    if membership.until is not None and membership.until < until:
        ended = long_date(membership.until)
        raise ValidationError({"until": _("This membership ended on %(until)s already.") % {"until": ended}})
    membership.until = until
    if note:
        membership.note = note
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def record_role(
    *,
    post: Post,
    person: Person | None = None,
    organisation: Organisation | None = None,
    represented: Organisation | None = None,
    pillar: Pillar | None = None,
    kind: str = RoleHeld.Kind.APPOINTMENT,
    start: dt.date | None = None,
    start_precision: str = DatePrecision.DAY,
    end: dt.date | None = None,
    end_precision: str = DatePrecision.DAY,
    proposed_by_organisation: Organisation | None = None,
    proposed_by_person: Person | None = None,
    note: str = "",
) -> RoleHeld:
    """A post held by a person or an organisation for a term; refused with a clear message if terms overlap."""
    role = RoleHeld(
        post=post,
        person=person,
        organisation=organisation,
        represented=represented,
        pillar=pillar,
        kind=kind,
        start=start,
        start_precision=start_precision,
        end=end,
        end_precision=end_precision,
        proposed_by_organisation=proposed_by_organisation,
        proposed_by_person=proposed_by_person,
        note=note.strip(),
    )
    role.full_clean()
    save_versioned(role, None)
    return role


@transaction.atomic
def update_role(*, role: RoleHeld, expected_version: int | None) -> RoleHeld:
    """Save an edited role if nobody saved it since the editor opened it (StaleVersionError if not)."""
    role.full_clean()
    save_versioned(role, expected_version)
    return role


@transaction.atomic
def end_role(
    *,
    role: RoleHeld,
    end: dt.date,
    end_precision: str = DatePrecision.DAY,
    note: str = "",
    expected_version: int | None = None,
) -> RoleHeld:
    """End a role on `end` (its last day, month or year). History is kept: nothing is deleted."""
    stored = RoleHeld.objects.select_for_update().get(pk=role.pk)
    if stored.end is not None and stored.end < end:
        raise ValidationError(
            {
                "end": _("This role has ended already (%(end)s).")
                % {"end": format_at_precision(stored.end, stored.end_precision)}
            }
        )
    stored.end, stored.end_precision = end, end_precision
    if note.strip():
        stored.note = note.strip()
    stored.full_clean()
    save_versioned(stored, expected_version)
    return stored
