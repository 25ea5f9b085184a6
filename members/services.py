"""Steps on the registers of members: memberships end, they are never deleted."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.locking import StaleVersionError
from members.models import Membership, Organisation


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
        ended = membership.until.strftime("%d %b %Y")
        raise ValidationError({"until": _("This membership ended on %(until)s already.") % {"until": ended}})
    membership.until = until
    if note:
        membership.note = note
    membership.full_clean()
    membership.save()
    return membership
