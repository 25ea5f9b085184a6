"""
Where a record of a lower app is shown, when its page belongs to the site layer: a meeting's record
and an organisation's page compose several apps (portal/views.py), so the models of `meetings` and
`members` cannot name them. Django sets these as the models' get_absolute_url
(settings.ABSOLUTE_URL_OVERRIDES), so `redirect(meeting)` and `{{ organisation.get_absolute_url }}`
work everywhere as usual.

Imported by the settings: this module imports nothing but django.urls.
"""

from django.urls import reverse


def meeting_url(meeting) -> str:
    return reverse("portal:meeting-detail", args=[meeting.slug])


def organisation_url(organisation) -> str:
    return reverse("portal:organisation-detail", args=[organisation.slug])


def person_url(person) -> str:
    """A person's organisation's page, or the member list (there is no page per person)."""
    return organisation_url(person.organisation) if person.organisation_id else reverse("portal:member-list")


def appointment_url(appointment) -> str:
    """The organisation's page of the post, or the member list (which lists all appointments)."""
    return organisation_url(appointment.organisation) if appointment.organisation_id else reverse("portal:member-list")


def pillar_url(pillar) -> str:
    """A pillar is shown by its documents."""
    return reverse("decisions:document-list") + f"?pillar={pillar.code}"


ABSOLUTE_URL_OVERRIDES = {
    "meetings.meeting": meeting_url,
    "members.organisation": organisation_url,
    "members.person": person_url,
    "members.appointment": appointment_url,
    "members.pillar": pillar_url,
}
