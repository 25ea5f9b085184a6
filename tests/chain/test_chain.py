"""
The version chain (core/chain.py): a version per audience at publication, one per correction that changes
what that audience reads, a withdrawal at unpublication; append-only; checked end to end, and broken by
tampering with a stored version.
"""

import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from core import chain
from core.models import RecordVersion
from meetings import services
from portal import versions
from tests.chain.conftest import MEMBERS_ONLY, publish

pytestmark = pytest.mark.django_db


def chain_of(meeting, audience):
    return list(chain.versions_of(meeting, audience).order_by("number"))


def test_publishing_makes_version_1_of_each_audience_and_the_public_one_holds_no_minutes(published):
    [public] = chain_of(published, chain.PUBLIC)
    [board] = chain_of(published, chain.BOARD)
    assert (public.number, public.state, public.previous) == (1, "published", None)
    assert MEMBERS_ONLY not in public.content
    assert MEMBERS_ONLY in board.content
    assert public.content_digest == chain.content_digest(public.content) != board.content_digest
    # The canonical form: sorted keys, no white space between tokens, nothing volatile.
    data = json.loads(public.content)
    assert public.content == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert not {"generated_at", "url", "corrections"} & set(data)
    assert data["path"] == published.get_absolute_url()
    assert chain.check_chains() == []


def test_a_members_only_correction_adds_a_version_to_the_board_chain_only(published):
    published.minutes = "The Board discussed at length."
    published.save()
    correction = services.record_correction_if_published(meeting=published, reason="Minutes completed.")
    assert [v.number for v in chain_of(published, chain.PUBLIC)] == [1]
    board = chain_of(published, chain.BOARD)
    assert [v.number for v in board] == [1, 2]
    assert (board[1].reason, board[1].reason_pk, board[1].previous) == ("Minutes completed.", correction.pk, board[0])
    assert chain.check_chains() == []


def test_a_public_correction_adds_a_version_to_both_chains_and_a_correction_that_changes_nothing_none(published):
    services.correct_meeting(services.MeetingWithReason(meeting=published, reason="Nothing really."))
    assert RecordVersion.objects.filter(record_pk=published.pk).count() == 2
    published.public_summary = "The Board met, and decided twice."
    published.save()
    services.record_correction_if_published(meeting=published, reason="Summary corrected.")
    public = chain_of(published, chain.PUBLIC)
    assert [(v.number, v.reason) for v in public] == [(1, ""), (2, "Summary corrected.")]
    assert public[1].chain_digest == chain.link_digest(
        previous=public[0].chain_digest,
        number=2,
        audience="public",
        state="published",
        content=public[1].content_digest,
        published_at=public[1].published_at,
        record_kind="meetings.meeting",
        record_pk=published.pk,
        reason="Summary corrected.",
    )
    assert [v.number for v in chain_of(published, chain.BOARD)] == [1, 2]
    changes = versions.changes(public[0], public[1])
    assert [c.field for c in changes] == ["meeting / public_summary"]
    assert "<ins>" in changes[0].diff


def test_unpublishing_withdraws_each_chain_and_publishing_again_adds_a_version(published):
    services.unpublish_meeting(services.MeetingWithReason(meeting=published, reason="Wrong date."))
    public = chain_of(published, chain.PUBLIC)
    assert [(v.number, v.state, v.reason) for v in public] == [(1, "published", ""), (2, "withdrawn", "Wrong date.")]
    assert public[1].content == public[0].content
    assert chain.check_chains() == []
    publish(published)
    assert [(v.number, v.state) for v in chain_of(published, chain.BOARD)][-1] == (3, "published")
    assert chain.check_chains() == []


def test_a_stored_version_refuses_to_change_or_go(published):
    version = chain_of(published, chain.PUBLIC)[0]
    version.content = "{}"
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        version.delete()
    with pytest.raises(PermissionError):
        RecordVersion.objects.filter(pk=version.pk).update(content="{}")
    with pytest.raises(PermissionError):
        RecordVersion.objects.filter(pk=version.pk).delete()


def test_two_links_never_share_a_number(published):
    first = chain_of(published, chain.PUBLIC)[0]
    duplicate = RecordVersion(
        record_kind=first.record_kind,
        record_pk=first.record_pk,
        audience=first.audience,
        number=1,
        content=first.content,
        content_digest=first.content_digest,
        chain_digest=first.chain_digest,
        published_at=first.published_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_seal_locks_the_record_row_before_numbering(published):
    from django.test.utils import CaptureQueriesContext

    published.public_summary = "Changed."
    published.save()
    with CaptureQueriesContext(connection) as queries:
        chain.seal(chain.Seal(record=published, reason="Locked."))
    first_read = next(q["sql"] for q in queries.captured_queries if "meetings_meeting" in q["sql"])
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in first_read


def tamper(version: RecordVersion, **fields):
    """Write past the model's refusal, as someone with the database could."""
    assignments = ", ".join(f"{name} = %s" for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE core_recordversion SET {assignments} WHERE id = %s", [*fields.values(), version.pk])


def test_tampering_with_a_stored_version_breaks_the_chain(published, capsys):
    public = chain_of(published, chain.PUBLIC)[0]
    tamper(public, content=public.content.replace("The Board met and decided.", "The Board met and agreed."))
    breaks = chain.check_chains()
    assert any("version 1: the content does not match its digest" in b for b in breaks), breaks
    with pytest.raises(SystemExit) as exit_:
        call_command("check_chain")
    assert exit_.value.code == 1
    assert "does not match its digest" in capsys.readouterr().err


def test_a_rewritten_digest_is_caught_by_the_chain_digest(published):
    public = chain_of(published, chain.PUBLIC)[0]
    content = public.content.replace("The Board met and decided.", "Forged.")
    tamper(public, content=content, content_digest=chain.content_digest(content))
    breaks = chain.check_chains()
    assert any("the chain digest does not follow" in b for b in breaks), breaks


def test_a_change_without_a_correction_is_named(published, capsys):
    published.public_summary = "Changed behind the chain's back."
    published.save()
    assert any("reads differently today" in b for b in chain.check_chains())


def test_check_chain_says_all_is_well(published, capsys):
    call_command("check_chain")
    assert "2 chains, 2 versions: every link holds." in capsys.readouterr().out


def test_the_canonical_form_is_one_string_for_one_content():
    import datetime as dt

    decomposed = {"b": ["Prishtine\u0308"], "a": {"day": dt.date(2022, 6, 20), "n": 1}}
    composed = {"a": {"n": 1, "day": "2022-06-20"}, "b": ["Prishtinë"]}
    assert chain.canonical_json(decomposed) == chain.canonical_json(composed)
    assert chain.canonical_json(composed) == '{"a":{"day":"2022-06-20","n":1},"b":["Prishtinë"]}'
    assert chain.content_digest(chain.canonical_json(composed)) == chain.content_digest(
        '{"a":{"day":"2022-06-20","n":1},"b":["Prishtinë"]}'
    )
