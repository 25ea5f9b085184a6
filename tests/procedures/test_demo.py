"""The demo's written procedure: closed, published, in the public register; a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from decisions.models import Decision, WrittenProcedure

pytestmark = pytest.mark.django_db


def test_the_demo_loads_a_published_silence_procedure_once(client, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    procedure = WrittenProcedure.objects.get()
    history = WrittenProcedure.history.count(), Decision.history.count()
    call_command("load_demo", stdout=StringIO())
    assert (WrittenProcedure.history.count(), Decision.history.count()) == history
    assert procedure.kind == "silence"
    assert procedure.outcome == "adopted"
    assert procedure.consulted.count() == procedure.tally_no_answer > 0
    register = client.get(reverse("decisions:decision-list")).content.decode()
    assert "Adopted by written procedure" in register
    assert "WP/2022/01" in register
    assert "closed on 15 July 2022" in register


def test_without_debug_the_demo_is_the_meeting_alone(settings):
    settings.DEBUG = False
    call_command("load_demo", stdout=StringIO())
    assert not WrittenProcedure.objects.exists()
