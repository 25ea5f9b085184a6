"""
The open-data API (opendata/): every answer as its OpenAPI description says, the public record only for
every persona (the leak markers), JSON 404 and 400, pagination without a count, the register's filters,
the Kosovo* footnote, stable identifiers, CORS, the feeds' links to it.
"""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_spec_validator import validate as validate_spec

from members.models import KOSOVO_FOOTNOTE, Post
from tests.conftest import PERSONAS
from tests.reading.conftest import ALL_MARKERS, FORBIDDEN

LISTS = ["organization", "person", "membership", "post", "event", "decision"]


def api(name: str, *args) -> str:
    return reverse(f"opendata:api-{name}", args=args)


def detail_urls(record) -> dict[str, str]:
    membership = record.decision.memberships.first()
    role = record.decision.roles.first()
    return {
        "organization": api("organization-detail", record.organisation.pk),
        "person": api("person-detail", record.person.pk),
        "membership": api("membership-detail", membership.pk),
        "role": api("membership-detail", f"role-{role.pk}"),
        "event": api("event-detail", record.meeting.pk),
        "decision": api("decision-detail", record.decision.pk),
    }


def get_valid(client, openapi, url: str, status: int = 200):
    """The answer, checked against the API's OpenAPI description (status, content type, shape)."""
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"] == "application/json"
    openapi.validate_response(DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response))
    return response.json()


def test_the_description_is_valid_openapi_3(client):
    spec = client.get(api("openapi")).json()
    validate_spec(spec)
    assert spec["openapi"].startswith("3.")
    assert {f"/api/v1/{name}s/" for name in LISTS} <= set(spec["paths"])
    # The register's filters are the register's own filter set (decisions.filters.DecisionFilter).
    parameters = {p["name"] for p in spec["paths"]["/api/v1/decisions/"]["get"]["parameters"]}
    assert {"did", "from", "to", "pillar", "meeting", "organisation", "person", "page", "per_page"} <= parameters


def test_every_list_and_object_answers_as_described(client, openapi, records):
    index = get_valid(client, openapi, api("index"))
    assert set(index["lists"]) == {f"{name}s" for name in LISTS}
    for name in LISTS:
        page = get_valid(client, openapi, api(f"{name}-list"))
        assert page["results"], name
        for row in page["results"][:3]:
            detail = get_valid(client, openapi, row["api_url"].removeprefix("http://testserver"))
            # The object says at least what its row says (an event's row leaves out its participants).
            assert {key: detail[key] for key in row} == row
    for name, url in detail_urls(records["published"]).items():
        assert get_valid(client, openapi, url)["api_url"] == f"http://testserver{url}", name
    get_valid(client, openapi, api("post-detail", Post.objects.order_by("pk").first().pk))


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_published_public_record_whoever_asks(client_for, openapi, records, persona):
    """Every endpoint, every object of every state, with markers as filters: no marker ever, for anyone."""
    client = client_for(persona)
    urls = [api(f"{name}-list") + "?per_page=100" for name in LISTS] + [api("index")]
    for record in records.values():
        urls += detail_urls(record).values()
        # The filters, on what only a draft or a circulated record names.
        urls.append(api("decision-list") + f"?organisation={record.organisation.slug}")
        urls.append(api("membership-list") + f"?organization={record.organisation.slug}")
        urls.append(api("event-list") + f"?year={record.meeting.start.year}")
    urls += [api("decision-list") + f"?q={marker}" for marker in ALL_MARKERS]
    leaks = []
    for url in urls:
        response = client.get(url)
        body = response.content.decode().replace("q=" + url.rpartition("q=")[2], "q=")
        leaks += [(url, marker) for marker in FORBIDDEN["anonymous"] if marker.lower() in body.lower()]
    assert leaks == []
    assert FORBIDDEN["anonymous"], "no markers: the check would be vacuous"


@pytest.mark.parametrize("persona", PERSONAS)
def test_what_the_public_may_not_read_is_a_json_404(client_for, openapi, records, persona):
    client = client_for(persona)
    for state in ("draft", "circulated", "announced"):
        for name, url in detail_urls(records[state]).items():
            if name in ("membership", "role", "person", "organization") and state == "announced":
                continue  # made by a draft's decision: hidden, checked with the draft's
            assert get_valid(client, openapi, url, 404) == {"detail": "Not found."}, (state, name)
    for url in ["abc", "0", "-1", "9" * 30, "role-x", "role-99999999", "99999999"]:
        assert get_valid(client, openapi, api("membership-detail", url), 404) == {"detail": "Not found."}
        assert client.get(api("event-detail", url)).status_code == 404


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("decision-list", "from=not-a-date"),
        ("decision-list", "to=2022-13-45"),
        ("decision-list", "did=nonsense"),
        ("decision-list", "pillar=NOPILLAR"),
        ("decision-list", "organisation=no-such-organisation"),
        ("decision-list", "meeting=no-such-meeting"),
        ("event-list", "kind=nonsense"),
        ("event-list", "year=1066"),
        ("event-list", "from=yesterday"),
        ("organization-list", "classification=nonsense"),
        ("membership-list", "classification=nonsense"),
        ("membership-list", "organization=not a slug"),
        ("membership-list", "organization=no-such-organisation"),
        ("membership-list", "from=2022-02-30"),
        ("membership-list", "from=2022-01-01&to=2021-01-01"),
        ("person-list", "page=0"),
        ("post-list", "page=x"),
        ("event-list", "per_page=101"),
        ("decision-list", "page=99999999999999999999"),
    ],
)
def test_a_bad_parameter_is_a_json_400_naming_it(client, openapi, records, url, parameter):
    errors = get_valid(client, openapi, api(url) + "?" + parameter, 400)
    named = parameter.split("&")[-1].split("=")[0]
    assert list(errors) == [named]
    assert all(isinstance(message, str) and message for message in errors[named])


def test_pages_follow_one_another_without_a_count(client, openapi, records):
    seen, url, pages = [], api("organization-list") + "?per_page=2", 0
    with CaptureQueriesContext(connection) as queries:
        while url:
            page = get_valid(client, openapi, url.removeprefix("http://testserver"))
            seen += [row["id"] for row in page["results"]]
            url, pages = page["next"], pages + 1
            assert page["per_page"] == 2
    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)
    every = get_valid(client, openapi, api("organization-list") + "?per_page=100")["results"]
    assert seen == [row["id"] for row in every]
    assert len(seen) > 2
    assert pages == -(-len(seen) // 2)
    second = get_valid(client, openapi, api("organization-list") + "?per_page=2&page=2")
    assert second["previous"] == "http://testserver/api/v1/organizations/?per_page=2"


def test_memberships_then_posts_held_in_one_list(client, openapi, records):
    rows = get_valid(client, openapi, api("membership-list") + "?per_page=100")["results"]
    kinds = [row["classification"] == "post" for row in rows]
    assert kinds == sorted(kinds)
    assert any(kinds)
    assert not all(kinds)
    # Paged across the seam between the two: the same rows.
    paged = []
    for number in range(1, len(rows) + 1):
        page = get_valid(client, openapi, api("membership-list") + f"?per_page=1&page={number}")
        paged += page["results"]
    assert [row["id"] for row in paged] == [row["id"] for row in rows]
    # In force in a range: the published record's membership began 40 days ago and lasts.
    membership = records["published"].decision.memberships.first()
    since = membership.since
    ids = {
        query: [row["id"] for row in get_valid(client, openapi, api("membership-list") + query)["results"]]
        for query in (f"?to={since}", f"?to={since - dt.timedelta(days=1)}", f"?from={since}&to={since}")
    }
    assert f"iisg:membership/{membership.pk}" in ids[f"?to={since}"]
    assert f"iisg:membership/{membership.pk}" not in ids[f"?to={since - dt.timedelta(days=1)}"]
    assert f"iisg:membership/{membership.pk}" in ids[f"?from={since}&to={since}"]
    posts = get_valid(client, openapi, api("membership-list") + "?classification=post")["results"]
    assert posts
    assert all(row["post_id"] for row in posts)


def test_the_registers_filters(client, openapi, records):
    published = records["published"]
    reference = published.decision.reference
    by_pillar = get_valid(client, openapi, api("decision-list") + "?pillar=WBCTi")["results"]
    assert [row["identifier"] for row in by_pillar] == [reference]
    day = published.meeting.start.date()
    assert get_valid(client, openapi, api("decision-list") + f"?from={day.replace(year=day.year + 1)}")["results"] == []
    by_organisation = get_valid(client, openapi, api("decision-list") + f"?organisation={published.organisation.slug}")
    assert [row["identifier"] for row in by_organisation["results"]] == [reference]
    events = get_valid(client, openapi, api("event-list") + f"?year={published.meeting.start.year}")["results"]
    assert published.meeting.title in [row["name"] for row in events]
    began = published.meeting.start.astimezone(timezone.get_current_timezone()).date()
    for query, found in [
        (f"?from={began}&to={began}", True),
        (f"?from={began + dt.timedelta(days=1)}", False),
        (f"?to={began - dt.timedelta(days=1)}", False),
    ]:
        names = [row["name"] for row in get_valid(client, openapi, api("event-list") + query)["results"]]
        assert (published.meeting.title in names) is found, query


def test_kosovo_carries_its_footnote_everywhere(client, openapi, records):
    published = records["published"]
    kosovo = published.organisation
    kosovo.designation_footnote = True
    kosovo.save()
    published.decision.concerns_organisations.add(kosovo)
    footnote = str(KOSOVO_FOOTNOTE)
    urls = detail_urls(published)
    organisation = get_valid(client, openapi, urls["organization"])
    assert organisation["name"].endswith("*")
    assert organisation["footnote"] == footnote
    assert get_valid(client, openapi, urls["membership"])["member"]["footnote"] == footnote
    assert get_valid(client, openapi, urls["role"])["on_behalf_of"]["footnote"] == footnote
    concerns = get_valid(client, openapi, urls["decision"])["concerns"]
    assert [entity["footnote"] for entity in concerns if entity["entity_name"] == kosovo.display_name] == [footnote]
    others = get_valid(client, openapi, api("organization-list") + "?per_page=100")["results"]
    assert {row["footnote"] for row in others if row["id"] != organisation["id"]} == {None}


def test_identifiers_survive_a_rename(client, openapi, records):
    organisation = records["published"].organisation
    before = get_valid(client, openapi, api("organization-detail", organisation.pk))
    organisation.name, organisation.slug = "Renamed Organisation", "renamed-organisation"
    organisation.save()
    after = get_valid(client, openapi, api("organization-detail", organisation.pk))
    assert before["id"] == after["id"] == f"iisg:organization/{organisation.pk}"
    assert after["name"] == "Renamed Organisation"
    assert after["url"].endswith("/members/renamed-organisation/")


def test_an_event_in_open_civic_data_shape(client, openapi, records):
    meeting = records["published"].meeting
    event = get_valid(client, openapi, api("event-detail", meeting.pk))
    assert event["timezone"] == meeting.time_zone
    assert event["status"] == "passed"
    assert event["start_date"] == meeting.start.astimezone(meeting.tz).isoformat()
    # The chair by name; the delegate's organisation, never the delegate (the public projection).
    names = {entity["entity_name"] for entity in event["participants"]}
    assert "Chairperson Publicname" in names
    assert not any(name.startswith("Delegate") for name in names)
    related = event["agenda"][0]["related_entities"]
    assert [entity["entity_id"] for entity in related] == [f"iisg:decision/{records['published'].decision.pk}"]


def test_cors_any_origin_without_credentials(client, records):
    response = client.get(api("event-list"), HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_the_feeds_link_to_the_api_with_their_filters(client, records):
    for feed, alternate in [("decisions:decision-feed", "decision-list"), ("meetings:meeting-feed", "event-list")]:
        body = client.get(reverse(feed) + "?pillar=WBCTi").content.decode()
        href = f"http://testserver{api(alternate)}?pillar=WBCTi"
        assert re.search(rf'<link href="{re.escape(href)}" rel="alternate" type="application/json"', body), body[:800]


def test_the_documentation_page(client, records):
    page = client.get(api("documentation")).content.decode()
    assert "<h1>Open data" in page
    assert api("openapi") in page
    assert "Popolo" in page
    assert "Open Civic Data" in page
    assert not re.search(r'(src|href)="https?://(?!www\.popoloproject|open-civic-data)', page)


def test_a_signed_in_answer_is_the_publics_yet_private(client_for, records):
    anonymous = client_for("anonymous").get(api("decision-list")).json()
    response = client_for("secretariat").get(api("decision-list"))
    assert response.json() == anonymous
    assert "private" in response["Cache-Control"]
    assert json.dumps(anonymous).count("iisg:decision/") == 1


def test_the_page_cache_keeps_an_answer_whole(client, page_cache, records, committed):
    """Served again from the public page cache (core.pagecache): the same JSON, type and CORS header."""
    url = api("decision-list") + "?per_page=2"
    first = client.get(url)
    again = client.get(url)
    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"
    assert again["Access-Control-Allow-Origin"] == "*"
    # A published change shows at once: the cache's generation moves with every committed write.
    with committed():
        decision = records["published"].decision
        decision.subject = "A subject changed since"
        decision.save()
    assert "A subject changed since" in client.get(url).content.decode()
