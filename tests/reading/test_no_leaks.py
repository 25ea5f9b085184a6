"""
Markers planted in draft, circulated and member-only content never reach a persona that may not
read them: not in a page, a list, a count, a search result, a feed, an export, a PDF or an error page.
"""

import json
from urllib.parse import quote

import pytest
import weasyprint
from django.urls import reverse
from django.utils.html import escape

from decisions.models import Decision
from members.models import Organisation, Person
from portal import search as site_search
from tests.conftest import PERSONAS
from tests.reading.conftest import (
    ALL_MARKERS,
    ANNOUNCED_MARKER,
    ANNOUNCED_TITLE_WORD,
    CIRCULATED_MARKER,
    DRAFT_MARKER,
    FORBIDDEN,
    MEMBER_MARKER,
)
from tests.reading.test_access_matrix import LIST_URLS, object_urls


@pytest.fixture
def records(records_built_once):
    """Every test here only reads the records: they are built once for the module."""
    return records_built_once


@pytest.fixture
def pdf_sources(monkeypatch):
    """The HTML each PDF is made from (WeasyPrint lays out exactly this text)."""
    sources = []
    real_html = weasyprint.HTML

    def spy(*args, string=None, **kwargs):
        sources.append(string or "")
        return real_html(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    return sources


def every_url(records) -> list[str]:
    urls = [build() for build in LIST_URLS.values()]
    for record in records.values():
        urls += object_urls(record).values()
    urls += [organisation.get_absolute_url() for organisation in Organisation.objects.all()]
    # Every person's page: a delegate of the published meeting is no one the public may look up.
    urls += [person.get_absolute_url() for person in Person.objects.all()]
    for marker in ALL_MARKERS:
        urls.append(reverse("portal:search") + f"?q={marker}")
        # Each kind's own list of results too.
        urls += [reverse("portal:search") + f"?q={marker}&kind={kind.key}" for kind in site_search.KINDS]
        urls.append(reverse("decisions:decision-list") + f"?q={marker}")
        urls.append(reverse("decisions:decision-export-json") + f"?q={marker}")
    # Filter choices drawn from hidden meetings would show up in these drop-downs.
    urls.append(reverse("decisions:decision-list") + f"?meeting={records['draft'].meeting.slug}")
    urls.append(reverse("meetings:meeting-list") + "?kind=board")
    # The announced meeting's public title is no search result: search finds records.
    urls.append(reverse("portal:search") + f"?q={ANNOUNCED_TITLE_WORD}")
    # The register's organisation filter finds decisions that concern, or were proposed by, an organisation.
    for organisation in Organisation.objects.all():
        urls.append(reverse("decisions:decision-list") + f"?organisation={organisation.slug}")
        urls.append(reverse("decisions:decision-export-csv") + f"?organisation={organisation.slug}")
    return urls


def read(response) -> str:
    # A download is read to the end, which closes its file (the test client wraps it so).
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def without_echo(text: str, marker: str, url: str) -> str:
    """
    The page less what the user typed: the search box and the text filter show it back, and the
    404 page offers to sign in and come back to the address asked for. That is no leak.
    """
    path = url.split("?")[0]
    text = text.replace(f'value="{marker}"', 'value=""').replace(f"q={marker}", "q=")
    # The language switcher in every page's footer comes back to the address asked for (core/languages.py).
    text = text.replace(f'name="next" value="{escape(url)}"', 'name="next" value=""')
    return text.replace(f"next={quote(path)}", "next=").replace(f"next={path}", "next=")


def preparing(text: str, persona: str, records, url: str | None = None) -> str:
    """
    Issue 20: a Board member prepares an announced meeting with its pack (the URL, or a PDF source whose
    title says so), in which the titles of its agenda items are theirs to read: those titles alone are
    taken out. tests/pack/test_preparation.py checks that nothing else of that draft is in the pack.
    """
    pack = reverse("portal:meeting-pack", args=[records["announced"].meeting.slug])
    is_pack = url == pack if url is not None else "<title>Meeting pack:" in text
    if persona != "board_member" or not is_pack:
        return text
    return text.replace(f"Item on {ANNOUNCED_MARKER}", "")


@pytest.mark.parametrize("persona", PERSONAS)
def test_markers_never_reach_who_may_not_read_them(client_for, records, persona, pdf_sources):
    client = client_for(persona)
    leaks = []
    for url in every_url(records):
        response = client.get(url)
        text = preparing(read(response), persona, records, url)
        for marker in FORBIDDEN[persona]:
            if marker.lower() in without_echo(text, marker, url).lower():
                leaks.append((url, response.status_code, marker))
    assert pdf_sources, "no PDF was generated: the PDF check would be vacuous"
    for source in pdf_sources:
        source = preparing(source, persona, records)
        for marker in FORBIDDEN[persona]:
            if marker.lower() in source.lower():
                leaks.append(("PDF", 200, marker))
    assert leaks == []


def test_the_secretariat_sees_every_marker(client_for, records):
    """The markers are really there: the leak test above is not vacuous."""
    client = client_for("secretariat")
    for state, marker in [
        ("draft", DRAFT_MARKER),
        ("circulated", CIRCULATED_MARKER),
        ("published", MEMBER_MARKER),
        ("announced", ANNOUNCED_MARKER),
    ]:
        assert marker in client.get(records[state].meeting.get_absolute_url()).content.decode()
    found = client.get(reverse("portal:search") + f"?q={DRAFT_MARKER}")
    assert found.context["result_count"] > 0


def test_board_members_see_circulated_and_member_only_content_marked_draft(client_for, records):
    client = client_for("board_member")
    page = client.get(records["circulated"].meeting.get_absolute_url()).content.decode()
    assert CIRCULATED_MARKER in page
    assert "DRAFT" in page
    published = client.get(records["published"].meeting.get_absolute_url()).content.decode()
    assert MEMBER_MARKER in published
    assert "DRAFT" not in published


def test_counts_only_count_what_the_persona_may_see(client_for, records):
    published = Decision.objects.filter(meeting__status="published").count()
    circulated = Decision.objects.filter(meeting__status="circulated").count()
    expected = {
        "anonymous": published,
        "board_member": published + circulated,
        "secretariat": Decision.objects.count(),
    }
    for persona, count in expected.items():
        response = client_for(persona).get(reverse("decisions:decision-list"))
        assert response.context["page_obj"].paginator.count == count
        export = json.loads(client_for(persona).get(reverse("decisions:decision-export-json")).getvalue())
        assert export["count"] == count


def test_public_participations_carry_no_names_or_attendance(anonymous, records):
    from core.projection import WithheldFieldError
    from meetings.models import Participation, PublicParticipation

    public = Participation.objects.visible_to(anonymous).filter(meeting=records["published"].meeting)
    # The database is not even asked for the attendance list.
    assert '"attendance"' not in str(public.query)
    rows = [PublicParticipation(row) for row in public]
    delegate = next(p for p in rows if p.role == Participation.Role.DELEGATE)
    assert delegate.person is None
    assert delegate.position == ""
    assert not hasattr(delegate, "attendance")
    assert delegate.organisation is not None  # which organisation took part is public
    assert delegate.level == Participation.Level.MINISTERIAL
    chair = next(p for p in rows if p.role == Participation.Role.CHAIR)
    assert chair.person is not None
    # The rows themselves refuse to load what was left in the database.
    row = public.get(role=Participation.Role.DELEGATE)
    for field in ("person", "position", "attendance"):
        with pytest.raises(WithheldFieldError):
            getattr(row, field)


def test_public_meetings_come_without_minutes(anonymous, board_member, records):
    from core.projection import WithheldFieldError
    from meetings.models import Meeting

    meeting = records["published"].meeting
    public = Meeting.objects.visible_to(anonymous)
    assert '"minutes"' not in str(public.query)
    with pytest.raises(WithheldFieldError):
        _ = public.get(pk=meeting.pk).minutes
    assert MEMBER_MARKER in Meeting.objects.visible_to(board_member).get(pk=meeting.pk).minutes


def test_the_new_facts_carry_the_markers_where_they_may_be_read(client_for, records):
    """Person and pillar pages, proposers, concerned organisations and pillar partners do show the markers
    to who may read them: the leak test above is not vacuous for them."""
    secretariat = client_for("secretariat")
    pillar_page = secretariat.get(reverse("portal:pillar-detail", args=["WBCTi"])).content.decode()
    assert f"Partner 201 {DRAFT_MARKER}" in pillar_page
    register = secretariat.get(reverse("decisions:decision-list")).content.decode()
    for name in (f"Proposer 201 {DRAFT_MARKER}", f"Concerned 201 {DRAFT_MARKER}", f"Concerned person {DRAFT_MARKER}"):
        assert name in register
    assert DRAFT_MARKER in secretariat.get(records["draft"].person.get_absolute_url()).content.decode()
    board = client_for("board_member")
    assert (
        f"Partner 202 {CIRCULATED_MARKER}"
        in board.get(reverse("portal:pillar-detail", args=["WBCTi"])).content.decode()
    )
    # The filter offers the proposer of a circulated decision to Board members, and finds its decisions.
    response = board.get(reverse("decisions:decision-list"), {"organisation": "pr202"})
    assert [d.reference for d in response.context["page_obj"]] == [records["circulated"].decision.reference]
    assert (
        client_for("anonymous")
        .get(reverse("decisions:decision-list"), {"organisation": "pr202"})
        .context["filter"]
        .errors
    )


# --- Issue 21: chain — /verify/ answers nothing about what the persona may not read ---------------------


def _answer(response) -> str:
    """The answer of /verify/, without the form (which echoes what was typed)."""
    body = response.content.decode()
    assert response.status_code == 200
    return body.split('<section aria-labelledby="answer-heading"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("persona", PERSONAS)
def test_verify_tells_nothing_of_what_the_persona_may_not_read(client_for, personas, records, persona):
    from core.models import RecordVersion

    client = client_for(persona)
    unknown = _answer(client.post(reverse("portal:verify"), {"reference": "nothing-by-this-name"}))
    typed = [{"reference": marker} for marker in ALL_MARKERS]
    for record in records.values():
        typed += [{"reference": record.meeting.slug}, {"reference": record.decision.reference}]
    typed += [{"digest": version.content_digest} for version in RecordVersion.objects.all()]
    assert any(version.audience == "board" for version in RecordVersion.objects.all())
    leaks = []
    for fields in typed:
        answer = _answer(client.post(reverse("portal:verify"), fields))
        leaks += [(fields, marker) for marker in FORBIDDEN[persona] if marker.lower() in answer.lower()]
        readable = RecordVersion.objects.visible_to(personas[persona])
        if "digest" in fields and not readable.filter(content_digest=fields["digest"]).exists():
            # Not even that it exists: the very answer an unknown digest gets.
            assert answer == _answer(client.post(reverse("portal:verify"), {"digest": "0" * 64})), fields
        if fields.get("reference") in {records[s].meeting.slug for s in ("draft", "circulated", "announced")}:
            assert answer == unknown, fields
    assert leaks == []


@pytest.mark.parametrize("persona", ["anonymous"])
def test_a_board_members_pdf_uploaded_by_who_may_not_read_it_tells_nothing(client_for, records, persona):
    """The minutes PDF a Board member downloaded, uploaded by a reader of the public chain: "unknown"."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    meeting = records["published"].meeting
    minutes = client_for("board_member").get(reverse("portal:meeting-pdf", args=[meeting.slug]))
    assert minutes.status_code == 200
    client = client_for(persona)
    upload = SimpleUploadedFile("minutes.pdf", minutes.content, "application/pdf")
    answer = _answer(client.post(reverse("portal:verify"), {"pdf": upload}))
    assert "This matches no official version of a record of this portal." in answer
    assert meeting.slug not in answer
    assert [marker for marker in FORBIDDEN[persona] if marker.lower() in answer.lower()] == []


@pytest.mark.parametrize("persona", ["anonymous"])
def test_asking_a_version_page_for_the_boards_chain_gives_the_publics(client_for, records, persona):
    from core.models import RecordVersion

    meeting = records["published"].meeting
    board = RecordVersion.objects.filter(record_pk=meeting.pk, audience="board").order_by("-number").first()
    assert board is not None
    response = client_for(persona).get(f"/meetings/{meeting.slug}/versions/1/?chain=board")
    assert response.status_code == 200
    body = response.content.decode()
    assert board.content_digest not in body
    assert [marker for marker in FORBIDDEN[persona] if marker.lower() in body.lower()] == []
