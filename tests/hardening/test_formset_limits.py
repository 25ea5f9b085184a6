"""
Formsets and admin inlines take at most their maximum of rows, whatever the post says: more is
refused with an error above the rows (the rows up to the maximum come back as typed, nothing is
saved), and the rows a forged count asks for are never built. The audit: the participants page posted
with `form-TOTAL_FORMS=1000000` ran 30 s, then a 500; 1,000 rows were accepted in 8 s; the admin's
inlines likewise.
"""

import datetime as dt
import importlib

import pytest
from django import forms
from django.contrib import admin
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.admin import StaticTokenInline
from django_otp.plugins.otp_static.models import StaticDevice

from core.forms import LimitedRowsFormSetMixin, limited_rows, posted_count, with_limited_rows
from core.inlines import DEFAULT_INLINE_ROWS
from core.text import portal_app_configs
from decisions.models import ActionItem, Decision, Document, WrittenProcedure
from meetings.forms import ParticipationFormSet
from meetings.models import MAX_PARTICIPANTS, Meeting, Participation
from members.forms import NewOrganisationFormSet
from members.models import Membership, Organisation
from tests.editing.test_admin_locking_records import admin_form_data
from tests.editing.test_conflicts_records import formset_page_data
from tests.factories import (
    ActionItemFactory,
    DecisionFactory,
    DocumentFactory,
    MeetingFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    UserFactory,
    WrittenProcedureFactory,
)

pytestmark = pytest.mark.django_db

TOO_MANY = "More than %d rows: this list takes at most %d"


@pytest.fixture
def meeting(db):
    start = timezone.now() - dt.timedelta(days=30)
    meeting = MeetingFactory(status=Meeting.Status.DRAFT, start=start, end=start + dt.timedelta(hours=6))
    ParticipationFactory(meeting=meeting, person=PersonFactory(name="Ana Minister"))
    ParticipationFactory(meeting=meeting, person=PersonFactory(name="Boris Deputy"))
    return meeting


@pytest.fixture
def secretariat_browser(secretariat):
    client = Client(raise_request_exception=False)
    client.force_login(secretariat)
    return client


@pytest.fixture
def admin_browser(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


# --- The mechanism, on a small formset ---------------------------------------------------------------


class RowForm(forms.Form):
    name = forms.CharField(required=False)


RowFormSet = forms.formset_factory(RowForm, formset=with_limited_rows(forms.BaseFormSet), **limited_rows(3))


def _rows(total, rows, **extra):
    data = {"form-TOTAL_FORMS": total, "form-INITIAL_FORMS": "0"}
    data |= {f"form-{index}-name": f"Row {index}" for index in range(rows)}
    return data | extra


def test_a_formset_refuses_more_rows_than_its_maximum_and_keeps_the_rows_up_to_it():
    formset = RowFormSet(_rows("4", 4))
    assert not formset.is_valid()
    assert formset.non_form_errors() == [
        "More than 3 rows: this list takes at most 3, and only the first 3 are shown. Nothing was saved."
    ]
    assert [form["name"].value() for form in formset.forms] == ["Row 0", "Row 1", "Row 2"]


def test_a_forged_count_builds_only_the_rows_the_post_holds():
    formset = RowFormSet(_rows("1000000", 2))
    assert len(formset.forms) == 2
    assert not formset.is_valid()
    assert "More than 3 rows" in formset.non_form_errors()[0]
    # A row index beyond the maximum builds nothing more either.
    assert len(RowFormSet(_rows("1000000", 0, **{"form-999999-name": "x"})).forms) == 0


@pytest.mark.parametrize("count", ["3", "2", "0"])
def test_up_to_the_maximum_the_formset_is_as_before(count):
    formset = RowFormSet(_rows(count, int(count)))
    assert formset.is_valid()
    assert len(formset.forms) == int(count)


@pytest.mark.parametrize("value", ["²", "٣", "9" * 5000, "-1", "1e9", "", None, " 3"])
def test_a_posted_count_that_is_no_count_is_no_exception(value):
    assert posted_count(value) in (None, 10**9)
    formset = RowFormSet(_rows(value, 0) if value is not None else {"form-INITIAL_FORMS": "0"})
    formset.is_valid()
    assert len(formset.forms) <= 3


# --- The participants page -----------------------------------------------------------------------------


def test_the_participants_page_refuses_a_forged_row_count_at_once_with_the_list_kept(secretariat_browser, meeting):
    url = reverse("meetings-edit:participants", args=[meeting.slug])
    data = formset_page_data(secretariat_browser.get(url))
    data["form-0-position"] = "Minister of the Interior"
    data["form-TOTAL_FORMS"] = "1000000"
    response = secretariat_browser.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert TOO_MANY % (MAX_PARTICIPANTS, MAX_PARTICIPANTS) in page
    # Only the rows the post holds were built (not 1,200: Django's own ceiling), with the input as typed.
    formset = response.context["formset"]
    assert len(formset.forms) == len([key for key in data if key.endswith("-id")]) + 1
    assert 'value="Minister of the Interior"' in page
    assert not Participation.objects.filter(meeting=meeting, position="Minister of the Interior").exists()


def test_the_participants_page_refuses_more_rows_than_its_maximum(secretariat_browser, meeting, monkeypatch):
    """The rows are real (each names an organisation), only more than the maximum, made small here for speed."""
    monkeypatch.setattr(ParticipationFormSet, "max_num", 3)
    monkeypatch.setattr(ParticipationFormSet, "absolute_max", 3)
    organisation = OrganisationFactory(name="Ministry of Security")
    url = reverse("meetings-edit:participants", args=[meeting.slug])
    data = formset_page_data(secretariat_browser.get(url))
    data["form-TOTAL_FORMS"] = "5"
    for index in range(2, 5):
        data |= {f"form-{index}-organisation": str(organisation.pk), f"form-{index}-role": "delegate"}
        data |= {f"form-{index}-level": "expert", f"form-{index}-attendance": "in_person"}
    response = secretariat_browser.post(url, data)
    assert TOO_MANY % (3, 3) in response.content.decode()
    assert len(response.context["formset"].forms) == 3
    assert meeting.participations.count() == 2


@pytest.mark.parametrize("total", ["²", "9" * 5000, "1000000"])
def test_add_rows_with_a_count_that_is_no_count_or_too_large(secretariat_browser, meeting, total):
    url = reverse("meetings-edit:participants", args=[meeting.slug])
    data = formset_page_data(secretariat_browser.get(url))
    data.pop("save")
    response = secretariat_browser.post(url, {**data, "form-TOTAL_FORMS": total, "add_rows": "1"})
    assert response.status_code == 200
    assert len(response.context["formset"].forms) <= MAX_PARTICIPANTS
    assert "Save participants" in response.content.decode()


def test_a_meeting_with_more_participants_than_the_page_edits_says_what_to_do(secretariat_browser, admin_browser):
    """bench/volume.py makes a meeting of 1,000 participants directly: its page says so, quickly, and saves nothing."""
    meeting = MeetingFactory(status=Meeting.Status.PUBLISHED)
    organisation = OrganisationFactory()
    Participation.objects.bulk_create(
        Participation(meeting=meeting, organisation=organisation, order=index, role="delegate")
        for index in range(MAX_PARTICIPANTS + 1)
    )
    url = reverse("meetings-edit:participants", args=[meeting.slug])
    for response in (secretariat_browser.get(url), secretariat_browser.post(url, {"save": "1"})):
        page = response.content.decode()
        assert f"This meeting names {MAX_PARTICIPANTS + 1} participants, more than the {MAX_PARTICIPANTS}" in page
        assert "in the admin (Participations)" in page
        assert "Save participants" not in page
        assert reverse("admin:meetings_participation_changelist") not in page  # no admin link for the Secretariat
    assert meeting.participations.count() == MAX_PARTICIPANTS + 1
    # An admin also gets the link to the participations in the admin, which lists this meeting's.
    page = admin_browser.get(url).content.decode()
    admin_list = f"{reverse('admin:meetings_participation_changelist')}?meeting__id__exact={meeting.pk}"
    assert f'href="{admin_list}"' in page
    listed = admin_browser.get(admin_list)
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == MAX_PARTICIPANTS + 1


# --- The admin's inlines -----------------------------------------------------------------------------------

PARENTS = {
    Meeting: lambda: MeetingFactory(),
    Organisation: lambda: OrganisationFactory(),
    Decision: lambda: DecisionFactory(),
    ActionItem: lambda: ActionItemFactory(),
    Document: lambda: DocumentFactory(),
    WrittenProcedure: lambda: WrittenProcedureFactory(),
    StaticDevice: lambda: StaticDevice.objects.create(user=UserFactory(), name="backup"),
}


def _inlines():
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        for inline in model_admin.inlines:
            yield model, inline


def test_every_inline_of_every_admin_takes_at_most_its_maximum_of_rows(rf, admin_user):
    inlines = list(_inlines())
    assert len(inlines) >= 11
    # As on a change form (DecisionInline offers the agenda items of the meeting in the URL).
    request = rf.get("/admin/meetings/meeting/1/change/")
    request.resolver_match = resolve(request.path)
    request.user = admin_user
    for model, inline_class in inlines:
        inline = inline_class(model, admin.site)
        formset = inline.get_formset(request)
        assert issubclass(formset, LimitedRowsFormSetMixin), inline_class
        assert formset.validate_max, inline_class
        assert formset.absolute_max == formset.max_num <= MAX_PARTICIPANTS, inline_class
        if inline_class.__module__.split(".")[0] in {config.name for config in portal_app_configs()}:
            # The portal's own inlines each say what their record could ever hold.
            assert isinstance(inline_class.max_num, int), inline_class
        else:
            assert formset.max_num == (inline_class.max_num or DEFAULT_INLINE_ROWS), inline_class


def test_every_formset_of_the_portals_forms_has_a_maximum_of_rows():
    formsets = []
    for config in portal_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        formsets += [
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, forms.BaseFormSet) and hasattr(value, "absolute_max")
        ]
    assert {ParticipationFormSet, NewOrganisationFormSet} <= set(formsets)
    for formset in formsets:
        assert issubclass(formset, LimitedRowsFormSetMixin), formset
        assert formset.validate_max, formset
        assert formset.absolute_max == formset.max_num <= MAX_PARTICIPANTS, formset


@pytest.mark.parametrize(("model", "inline"), list(_inlines()), ids=lambda value: value.__name__)
def test_an_admin_inline_refuses_a_forged_row_count_at_once(admin_browser, model, inline):
    parent = PARENTS[model]()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[parent.pk])
    page = admin_browser.get(url)
    formsets = {type(wrapper.opts): wrapper.formset for wrapper in page.context["inline_admin_formsets"]}
    if inline not in formsets:
        # django-otp shows no backup codes in the admin (OTP_ADMIN_HIDE_SENSITIVE_DATA): nothing to post.
        assert issubclass(inline, StaticTokenInline)
        return
    prefix = formsets[inline].prefix
    data = admin_form_data(page) | {f"{prefix}-TOTAL_FORMS": "1000000"}
    response = admin_browser.post(url, data)
    assert response.status_code == 200
    formset = next(w.formset for w in response.context["inline_admin_formsets"] if isinstance(w.opts, inline))
    maximum = inline.max_num or DEFAULT_INLINE_ROWS
    assert formset.non_form_errors() == [
        f"More than {maximum} rows: this list takes at most {maximum}, and only the first {maximum} are shown. "
        "Nothing was saved."
    ]
    assert len(formset.forms) == formset.initial_form_count()
    assert "Please correct the error below." in response.content.decode()


def test_an_admin_inline_refuses_more_real_rows_than_its_maximum_with_the_input_kept(admin_browser):
    organisation = OrganisationFactory(name="Ministry of Security")
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    data = admin_form_data(admin_browser.get(url))
    maximum = 50
    data["memberships-TOTAL_FORMS"] = str(maximum + 1)
    for index in range(maximum + 1):
        year = 1950 + index
        data |= {f"memberships-{index}-category": "observer", f"memberships-{index}-note": f"Term {year}"}
        data |= {f"memberships-{index}-since": f"{year}-01-01", f"memberships-{index}-until": f"{year}-12-31"}
    response = admin_browser.post(url, data)
    page = response.content.decode()
    assert f"More than {maximum} rows: this list takes at most {maximum}" in page
    assert 'value="Term 1950"' in page
    assert f'value="Term {1950 + maximum - 1}"' in page
    assert not Membership.objects.filter(organisation=organisation).exists()
