"""
The minutes PDF as an archival record: PDF/A-3a (tagged, fonts embedded, XMP metadata with title,
language and dates) with the record's structured data attached as JSON, as the reader may see it.
"""

import contextlib
import json
import re
import zlib

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SECRET_MINUTES = "ZEBRA-MINUTES-ONLY-FOR-MEMBERS"


def pdf_objects(pdf: bytes) -> list[bytes]:
    """
    Each object's dictionary text followed by its (inflated) stream, if any: as the file's last revision
    has it (a signed PDF is the file as made plus an incremental update, core/signing.py, which writes an
    object again — the catalog, the XMP metadata — under its number: the later one counts).
    """
    objects = {}
    for match in re.finditer(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S):
        body = match.group(2)
        head, _, rest = body.partition(b"stream")
        if rest:
            raw = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0]
            with contextlib.suppress(zlib.error):
                raw = zlib.decompress(raw) if b"/FlateDecode" in head else raw
            objects[int(match.group(1))] = head + b"\nSTREAM\n" + raw
        else:
            objects[int(match.group(1))] = head
    return list(objects.values())


def attached_json(pdf: bytes) -> dict:
    [stream] = [obj for obj in pdf_objects(pdf) if re.search(rb"/Type\s*/EmbeddedFile\b", obj.split(b"STREAM")[0])]
    return json.loads(stream.split(b"\nSTREAM\n", 1)[1].decode())


def numbered_objects(pdf: bytes) -> dict[int, bytes]:
    """Every object by its number, those packed in object streams (/ObjStm) included.

    A small reader of our own (neither pypdf nor pikepdf is a requirement): WeasyPrint writes the
    catalog and the file specifications compressed inside object streams, whose header lists each
    object's number and its offset after /First.
    """
    objects = {}
    for match in re.finditer(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S):
        head, _, rest = match.group(2).partition(b"stream")
        objects[int(match.group(1))] = head
        if b"/ObjStm" not in head:
            continue
        data = zlib.decompress(rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0])
        first = int(re.search(rb"/First (\d+)", head).group(1))
        pairs = [int(number) for number in data[:first].split()]
        numbers, offsets = pairs[0::2], [*pairs[1::2], len(data) - first]
        for number, begin, end in zip(numbers, offsets, offsets[1:], strict=False):
            objects[number] = data[first + begin : first + end]
    return objects


def catalog_associated_files(pdf: bytes) -> list[int]:
    """The object numbers in the document catalog's /AF array (its associated files), in order."""
    [catalog] = [obj for obj in numbered_objects(pdf).values() if re.search(rb"/Type\s*/Catalog\b", obj)]
    array = re.search(rb"/AF\s*\[(.*?)\]", catalog, re.S)
    return [int(number) for number in re.findall(rb"(\d+) \d+ R", array.group(1))] if array else []


def filespecs(pdf: bytes) -> list[int]:
    """The object number of each file specification (an attached file) in the document."""
    return [number for number, obj in numbered_objects(pdf).items() if re.search(rb"/Type\s*/Filespec\b", obj)]


def xmp(pdf: bytes) -> str:
    [stream] = [obj for obj in pdf_objects(pdf) if b"/Metadata" in obj.split(b"STREAM")[0] and b"STREAM" in obj]
    return stream.split(b"\nSTREAM\n", 1)[1].decode()


@pytest.fixture
def demo_with_minutes(demo):
    demo.minutes = f"The Board met. {SECRET_MINUTES}"
    demo.save()
    return demo


def test_public_pdf_is_tagged_pdf_a_3a_with_metadata(client, demo):
    pdf = client.get(reverse("portal:meeting-pdf", args=[demo.slug])).content
    assert pdf.startswith(b"%PDF-1.7")
    metadata = xmp(pdf)
    assert re.search(r'pdfaid:part(="|>)3', metadata)
    assert re.search(r'pdfaid:conformance(="|>)A', metadata)
    assert demo.title in metadata
    assert 'xml:lang="en"' in metadata or "<rdf:li xml:lang=" in metadata
    objects = b"\n".join(pdf_objects(pdf))
    # Tagged: a structure tree with headings and tables, and marked content.
    assert b"/StructTreeRoot" in objects
    assert b"/MarkInfo" in objects
    assert b"/H1" in objects
    assert b"/Lang" in objects
    # Fonts embedded and an output intent (sRGB), as PDF/A asks.
    assert b"/FontFile" in objects
    assert b"/OutputIntents" in objects


def test_public_pdf_carries_the_public_record_as_json_and_nothing_more(client, demo_with_minutes):
    pdf = client.get(reverse("portal:meeting-pdf", args=[demo_with_minutes.slug])).content
    assert b"/AFRelationship /Data" in b"\n".join(pdf_objects(pdf))
    data = attached_json(pdf)
    assert data["record"] == "public record"
    assert data["meeting"]["title"] == demo_with_minutes.title
    assert data["meeting"]["start"].startswith("2022-06-20")
    assert "minutes" not in data["meeting"]
    assert "agenda" not in data
    assert "actions" not in data
    assert SECRET_MINUTES not in json.dumps(data)
    # Delegates are not named in the public record; attendance is not there at all.
    assert all("attendance" not in participant for participant in data["participants"])
    references = [decision["reference"] for decision in data["decisions"]]
    assert "B6/2022/09" in references
    # What the decisions changed: the mandate of the Head of the IISG Secretariat, extended.
    roles = [role for decision in data["decisions"] for role in decision["roles"]]
    assert [(role["post"], role["holder"]["name"]) for role in roles] == [
        ("Head of the IISG Secretariat", "Mr Agron Sojati")
    ]
    assert data["meeting"]["schedule"]
    # Kosovo* carries its designation footnote in the data too.
    assert any("UNSCR 1244/1999" in note for note in data["footnotes"])


def test_members_pdf_carries_the_minutes_as_json(client_for, demo_with_minutes):
    response = client_for("board_member").get(reverse("portal:meeting-pdf", args=[demo_with_minutes.slug]))
    data = attached_json(response.content)
    assert data["record"] == "minutes"
    assert SECRET_MINUTES in data["meeting"]["minutes"]
    assert data["agenda"]
    assert any("attendance" in participant for participant in data["participants"])


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_pdf_lists_each_attached_file_once_and_stays_pdf_a_3(client_for, demo, persona):
    # WeasyPrint 70 puts each attachment into the catalog's /AF twice (Kozea/WeasyPrint#2917): once
    # from the EmbeddedFiles name tree, once from the Filespec objects. PDF/A-3 associates a file once.
    pdf = client_for(persona).get(reverse("portal:meeting-pdf", args=[demo.slug])).content
    attached = filespecs(pdf)
    assert len(attached) == 1
    assert catalog_associated_files(pdf) == attached
    assert b"/AFRelationship /Data" in b"\n".join(pdf_objects(pdf))
    metadata = xmp(pdf)
    assert re.search(r'pdfaid:part(="|>)3', metadata)
    assert re.search(r'pdfaid:conformance(="|>)A', metadata)
