"""The reading side's records (a draft, a circulated, a published and an announced meeting with markers), built once."""

import pytest
from openapi_core import OpenAPI

from tests.reading.conftest import _records_of_the_module, committed, page_cache, records_built_once  # noqa: F401

_SPEC = {}


@pytest.fixture
def records(records_built_once):  # noqa: F811
    return records_built_once


@pytest.fixture
def openapi(client):
    """The API's own OpenAPI description, as served (generated once per run)."""
    if "spec" not in _SPEC:
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        _SPEC["spec"] = response.json()
    return OpenAPI.from_dict(_SPEC["spec"])
