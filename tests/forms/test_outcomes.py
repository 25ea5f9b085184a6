"""Outcome forms lead with what they change; new organisations only on request."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import Decision
from members.models import Membership
from tests.editing.test_decisions_and_outcomes import admit_data
from tests.factories import MeetingFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(db):
    start = dt.datetime(2022, 6, 20, 8, 0, tzinfo=dt.UTC)
    return MeetingFactory(kind="board", ordinal=6, status="draft", start=start, end=start + dt.timedelta(hours=8))


def names_in_order(content: str) -> list[str]:
    form = content.split('<form method="post"', 1)[1]
    return re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', form)


def test_admit_members_offers_no_current_member_of_the_category_and_lists_the_organisations_first(
    secretariat_client, meeting
):
    member = MembershipFactory(category="support_group", since=dt.date(2020, 1, 1)).organisation
    former = MembershipFactory(
        category="support_group", since=dt.date(2019, 1, 1), until=dt.date(2021, 1, 1)
    ).organisation
    board = MembershipFactory(category="board", since=dt.date(2020, 1, 1)).organisation
    newcomer = OrganisationFactory(name="Bulgaria")
    response = secretariat_client.get(reverse("decisions-edit:admit-members", args=[meeting.slug]))
    content = response.content.decode()
    offered = set(re.findall(r'name="organisations" value="(\d+)"', content))
    assert str(member.pk) not in offered
    assert {str(former.pk), str(board.pk), str(newcomer.pk)} <= offered
    # A checkbox list, with the filter's label for the script (static/js/forms.js).
    checkboxes = re.findall(r'<input\b[^>]*\bname="organisations"[^>]*>', content)
    assert checkboxes
    assert all('type="checkbox"' in tag and 'data-filter-choices="Filter' in tag for tag in checkboxes)
    assert '<script src="/static/js/forms.js"></script>' in content
    names = [name for name in names_in_order(content) if name not in {"csrfmiddlewaretoken", "lock_snapshot"}]
    assert names[0] == "organisations"
    assert names.index("category") < names.index("existing_decision") < names.index("verb")
    assert names.index("verb") < names.index("wording") < names.index("reference")


def test_no_new_organisation_block_until_asked_for(secretariat_client, meeting):
    OrganisationFactory(name="Bulgaria")
    url = reverse("decisions-edit:admit-members", args=[meeting.slug])
    content = secretariat_client.get(url).content.decode()
    assert 'name="new-0-name"' not in content
    assert 'name="new-TOTAL_FORMS" value="0"' in content
    assert 'name="add_rows"' in content
    assert "Add a new organisation" in content
    # Pressed: the same input back, with one block, nothing saved.
    _url, data = admit_data(secretariat_client, meeting, **{"new-TOTAL_FORMS": "0", "subject": "Typed"})
    response = secretariat_client.post(url, data | {"add_rows": "1"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="new-0-name"' in content
    assert 'name="new-1-name"' not in content
    assert 'value="Typed"' in content
    assert not Decision.objects.exists()
    # The block comes right after the organisations, before the category.
    names = names_in_order(content)
    assert names.index("organisations") < names.index("new-0-name") < names.index("category")


def test_the_block_asked_for_admits_a_new_organisation(secretariat_client, meeting):
    url, data = admit_data(
        secretariat_client, meeting, **{"new-TOTAL_FORMS": "1", "new-0-name": "Regional Anti-Corruption Initiative"}
    )
    assert secretariat_client.post(url, data).status_code == 302
    assert Membership.objects.get().organisation.name == "Regional Anti-Corruption Initiative"


def test_an_error_in_a_new_organisation_s_block_is_linked_from_the_summary(secretariat_client, meeting):
    url, data = admit_data(
        secretariat_client, meeting, **{"new-TOTAL_FORMS": "1", "new-0-name": "", "new-0-acronym": "X" * 300}
    )
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    content = response.content.decode()
    summary = content.split('class="alert alert-danger error-summary"', 1)[1].split("</div>", 1)[0]
    links = re.findall(r'href="#([^"]+)"', summary)
    assert "id_new-0-acronym" in links
    for target in links:
        assert f'id="{target}"' in content


@pytest.mark.parametrize(
    ("url_name", "first"),
    [
        ("decisions-edit:approve-documents", "documents"),
        ("decisions-edit:appoint", "post"),
        ("decisions-edit:agree-action", "description"),
        ("decisions-edit:end-membership", "membership"),
    ],
)
def test_every_outcome_form_starts_with_its_own_change(secretariat_client, meeting, url_name, first):
    content = secretariat_client.get(reverse(url_name, args=[meeting.slug])).content.decode()
    names = [name for name in names_in_order(content) if name not in {"csrfmiddlewaretoken"}]
    assert names[0] == first, names[:5]
    assert names.index(first) < names.index("verb")


def test_decision_forms_name_their_blank_choices(secretariat_client, meeting):
    content = secretariat_client.get(reverse("decisions-edit:decision-create", args=[meeting.slug])).content.decode()
    assert "No agenda item (the meeting as a whole)" in content
    assert "— choose —" in content
    assert "---------" not in content


def _admit_page_queries(client, meeting, organisations: int) -> int:
    OrganisationFactory.create_batch(organisations)
    url = reverse("decisions-edit:admit-members", args=[meeting.slug])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_admit_members_list_reads_the_organisations_in_one_query_however_many(secretariat_client, meeting):
    MembershipFactory(category="support_group", since=dt.date(2020, 1, 1))
    with_one = _admit_page_queries(secretariat_client, meeting, 1)
    with_fifty = _admit_page_queries(secretariat_client, meeting, 49)
    assert with_one == with_fifty == ADMIT_PAGE_QUERIES


# Measured (17): the session, the user and their rights, the meeting, the decisions and agenda of the meeting,
# the organisations offered (one query, the members of the category left out in it), the people and
# organisations of the decision's own fields, the page's navigation.
ADMIT_PAGE_QUERIES = 17
