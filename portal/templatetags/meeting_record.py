"""
{% load meeting_record %}: the parts of a meeting's record that grow with the meeting, built in Python.

A large meeting's attendance list has 1,000 rows; rendered by the template engine each row cost about
0.2 ms (five translated labels, five lookups, three choice labels, the filters), two thirds of the
record's rendering for a Board member (issue 23, bench/README.md). The same markup, to the byte, is
built here with each label translated once per table and each value escaped as the template would.
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

# One row of the attendance table, with the white space the template's loop wrote around it.
_ATTENDANCE_ROW = (
    "\n        <tr>"
    '\n          <td data-label="{participant_label}">{participant}</td>'
    '\n          <td data-label="{organisation_label}">{organisation}</td>'
    '\n          <td data-label="{role_label}">{role}</td>'
    '\n          <td data-label="{level_label}">{level}</td>'
    '\n          <td data-label="{attendance_label}">{attendance}</td>'
    "\n        </tr>\n      "
)


def _labelled(memo: dict, value, label) -> str:
    """The escaped label of a choice `value`, made once per value (`label()` translates it)."""
    text = memo.get(value)
    if text is None:
        text = memo[value] = conditional_escape(label())
    return text


@register.simple_tag
def attendance_rows(participations) -> str:
    """
    The rows (<tr>) of the attendance table of the full record: participant (and the position recorded),
    organisation, role, level and attendance, "—" or "not recorded" where there is none.
    """
    labels = {
        f"{name}_label": conditional_escape(gettext(text))
        for name, text in (
            ("participant", "Participant"),
            ("organisation", "Organisation"),
            ("role", "Role"),
            ("level", "Level"),
            ("attendance", "Attendance"),
        )
    }
    not_recorded = gettext("not recorded")
    roles: dict = {}
    levels: dict = {}
    attendances: dict = {}
    rows = []
    for participation in participations:
        person = participation.person
        if person:
            participant = conditional_escape(person.full_name)
            if participation.position:
                participant += f'<br><span class="small">{conditional_escape(participation.position)}</span>'
        else:
            participant = "—"
        organisation = participation.organisation
        rows.append(
            _ATTENDANCE_ROW.format(
                **labels,
                participant=participant,
                organisation=(conditional_escape(organisation.display_name) if organisation else "") or "—",
                role=_labelled(roles, participation.role, participation.get_role_display),
                level=_labelled(levels, participation.level, participation.get_level_display) or "—",
                attendance=_labelled(attendances, participation.attendance, participation.get_attendance_display)
                or not_recorded,
            )
        )
    # Every value above is escaped; the markup is ours.
    return mark_safe("".join(rows))
