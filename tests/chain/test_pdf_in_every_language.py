"""A published record's PDF prints its version and digest in every language, not in English only.

The attached data are the record's in no reader's language (as the chain stores its versions): the digest of a
PDF read in Croatian or Macedonian is its version's, and a verifier recomputes it from the file alone.
"""

import pytest
from django.conf import settings

from core import chain
from portal import versions
from tests.chain.test_verify import attached, pdf_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "hr", "mk"])
def test_the_pdf_carries_its_version_in_every_language(client, published, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    data = attached(pdf_of(client, published))
    version = chain.latest(published, "public")
    assert data.get("version") == 1, sorted(data)
    assert data.get("digest") == version.content_digest
    assert chain.content_digest(chain.canonical_json(versions.canonical_record(data))) == data["digest"]
