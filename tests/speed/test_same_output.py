"""
Issue 23's speed changes write what the slower code wrote, to the byte: a choice's label from a table
made once (core.choices), the attendance rows built in Python (portal/templatetags/meeting_record.py),
the calendars' folding (meetings.ics.fold) and the select written without a template per option
(core.choice_widgets.ListSelect). Each is compared here with what Django, the template or icalendar write.
"""

import random

import pytest
from django import forms
from django.db import models
from django.template import Context, Template
from django.utils import translation
from django.utils.hashable import make_hashable
from icalendar.parser import Contentline

from core.choice_widgets import ListSelect
from meetings import ics
from meetings.models import Participation
from members.models import Organisation, Person
from portal.templatetags.meeting_record import attendance_rows

# --- core.choices ---------------------------------------------------------------------------------


def _djangos_label(instance, field_name: str):
    """What Django's own get_FOO_display() answers (Model._get_FIELD_display)."""
    field = instance._meta.get_field(field_name)
    return models.Model._get_FIELD_display(instance, field)


@pytest.mark.parametrize("field_name", ["role", "level", "attendance"])
def test_choice_labels_are_djangos_for_every_value(field_name):
    field = Participation._meta.get_field(field_name)
    for value in [value for value, _label in field.flatchoices] + ["", "not-a-choice"]:
        participation = Participation(**{field_name: value})
        method = getattr(participation, f"get_{field_name}_display")
        assert method.__module__ == "core.choices"
        assert method() == _djangos_label(participation, field_name)


def test_choice_labels_follow_the_active_language():
    participation = Participation(role=Participation.Role.DELEGATE)
    with translation.override("en"):
        english = participation.get_role_display()
    with translation.override("fr"):
        assert participation.get_role_display() == _djangos_label(participation, "role")
    assert english == "Delegate"


def test_choice_labels_follow_choices_replaced_at_run_time(monkeypatch):
    field = Participation._meta.get_field("level")
    participation = Participation(level="ministerial")
    participation.get_level_display()  # the table is made
    monkeypatch.setattr(field, "choices", [("ministerial", "At the top")])
    assert participation.get_level_display() == "At the top"
    assert dict(make_hashable(field.flatchoices))["ministerial"] == "At the top"


# --- the attendance rows --------------------------------------------------------------------------

# The loop the record's template had before the rows were built in Python.
TEMPLATE_ROWS = Template(
    "{% load i18n %}{% for participation in participations %}\n        <tr>\n"
    "          <td data-label=\"{% translate 'Participant' %}\">{% if participation.person %}"
    "{{ participation.person.full_name }}{% if participation.position %}<br>"
    '<span class="small">{{ participation.position }}</span>{% endif %}{% else %}—{% endif %}</td>\n'
    "          <td data-label=\"{% translate 'Organisation' %}\">"
    '{{ participation.organisation.display_name|default:"—" }}</td>\n'
    "          <td data-label=\"{% translate 'Role' %}\">{{ participation.get_role_display }}</td>\n"
    '          <td data-label="{% translate \'Level\' %}">{{ participation.get_level_display|default:"—" }}</td>\n'
    "          <td data-label=\"{% translate 'Attendance' %}\">"
    '{{ participation.get_attendance_display|default:_("not recorded") }}</td>\n'
    "        </tr>\n      {% endfor %}"
)


def test_attendance_rows_are_what_the_template_wrote():
    tricky = Organisation(name='Ministry <of> "Security" & Co', designation_footnote=True)
    plain = Organisation(name="Ministry of the Interior")
    participations = [
        Participation(position="Minister <b>", person=Person(honorific="Dr", name="A & B"), organisation=plain),
        Participation(person=None, organisation=tricky, level="", attendance=""),
        Participation(person=Person(name="No Organisation"), role=Participation.Role.SECRETARIAT, level=""),
        Participation(
            person=Person(name="C"), organisation=plain, role="observer", attendance=Participation.Attendance.REMOTE
        ),
    ]
    for language in ("en", "fr"):
        with translation.override(language):
            expected = TEMPLATE_ROWS.render(Context({"participations": participations}))
            assert attendance_rows(participations) == expected
    assert attendance_rows([]) == ""


# --- meetings.ics.fold ----------------------------------------------------------------------------


def test_fold_is_icalendars_folding():
    randomly = random.Random(23)
    alphabet = [*'ab ;,:"\\^', "é", "€", "𝄞"]
    lines = ["", "x", "a" * 74, "a" * 75, "a" * 73 + "\\n", "a" * 73 + "^n", "é" * 40, "a" * 72 + "€b"]
    for _ in range(3000):
        length = randomly.choice([1, 60, 73, 74, 75, 76, 148, 149, 150, 300])
        letters = alphabet if randomly.random() < 0.5 else ["a", "\\", "^"]
        lines.append("".join(randomly.choice(letters) for _ in range(length)))
    for line in lines:
        assert ics.fold(line).encode() == Contentline(line).to_ical(), line


def test_a_calendar_is_the_bytes_icalendar_writes():
    events = []
    for n in range(3):
        event = ics.Event()
        event.add("uid", f"meeting-{n}@test")
        event.add("summary", "Ministerial meeting; Sarajevo, Kosovo* — « long » " * (n + 1))
        event.add("description", "Line one\nLine two with a backslash \\ and ^ caret " * 5)
        events.append(event)
    calendar = ics.Calendar()
    calendar.add("prodid", ics.PRODID)
    for event in events:
        calendar.add_component(event)
    assert ics.to_ical(calendar) == calendar.to_ical()


# --- core.choice_widgets.ListSelect ---------------------------------------------------------------

CHOICES = [
    ("", "All <kinds>"),
    ("board", "Board & co"),
    ('x"y', "Quote"),
    ("Group", [("a", "Alpha"), ("b", "Beta")]),
    (2022, 2022),
]


@pytest.mark.parametrize("value", [None, "", "board", 'x"y', "b", "2022", ["a"]])
@pytest.mark.parametrize(
    "attrs", [{}, {"class": "form-select", "id": "id_kind"}, {"required": True, "disabled": False}]
)
def test_list_select_writes_djangos_select(value, attrs):
    text_choices = [choice for choice in CHOICES if not isinstance(choice[1], int)]
    for choices in (text_choices, CHOICES):  # with a number as label: left to Django
        ours = ListSelect(attrs=attrs, choices=choices).render("kind", value)
        djangos = forms.Select(attrs=attrs, choices=choices).render("kind", value)
        assert ours == djangos


# --- core.markdown: one converter per thread, the HTML of a text kept ---------------------------


def test_markdown_reused_converter_writes_what_a_new_one_writes():
    import markdown as markdown_library
    import nh3

    from core import markdown as portal_markdown

    texts = [
        "A footnote[^1].\n\n[^1]: The note.",
        "*[IISG]: Integrative Internal Security Governance\n\nThe IISG met.",
        "No footnote here, and no abbreviation: IISG.",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "<script>alert(1)</script> [x](javascript:alert(1))",
    ]
    portal_markdown._safe_html.cache_clear()
    for _round in range(2):  # the second round from the kept HTML
        for text in texts:
            fresh = markdown_library.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
            expected = nh3.clean(
                fresh,
                tags=portal_markdown.ALLOWED_TAGS,
                attributes=portal_markdown.ALLOWED_ATTRIBUTES,
                url_schemes=portal_markdown.ALLOWED_URL_SCHEMES,
                link_rel="noopener noreferrer nofollow",
                strip_comments=True,
            )
            assert portal_markdown.render_markdown(text) == expected
