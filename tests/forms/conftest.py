"""The editing tests' fixtures (meetings in each state, a client per persona), for the form tests."""

from tests.editing.conftest import (  # noqa: F401 (fixtures)
    circulated_meeting,
    draft_meeting,
    make_client,
    meetings_by_state,
    published_meeting,
    secretariat_client,
)
