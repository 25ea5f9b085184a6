"""
Where a record of a lower app is shown, when its page belongs to the site layer: a meeting's record,
an organisation's, a person's and a pillar's page compose several apps (portal/views.py), so the
models of `meetings` and `members` cannot name them. Django sets these as the models' get_absolute_url
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
    return reverse("portal:person-detail", args=[person.slug])


def role_held_url(role) -> str:
    """A role held is shown on its holder's page (a person's or an organisation's)."""
    if role.person_id:
        return reverse("portal:person-detail", args=[role.person.slug])
    return reverse("portal:organisation-detail", args=[role.organisation.slug])


def post_url(post) -> str:
    """Posts and who held them: the roles register on the member list."""
    return reverse("portal:member-list") + "#roles-heading"


def pillar_url(pillar) -> str:
    return reverse("portal:pillar-detail", args=[pillar.code])


ABSOLUTE_URL_OVERRIDES = {
    "meetings.meeting": meeting_url,
    "members.organisation": organisation_url,
    "members.person": person_url,
    "members.roleheld": role_held_url,
    "members.post": post_url,
    "members.pillar": pillar_url,
}
