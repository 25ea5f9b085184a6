"""
`manage.py verify_pdfs PATH...`: the answer of /verify/ (portal/verification.py) for each PDF file given,
or found in the folders given, one line each (`--json`: one JSON document). As the public verifies:
only public versions. Exits 1 when any file is not an official, current version (signed by the portal,
where the portal signs).
"""

import json
import sys
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand

from portal import verification


def pdf_files(paths: list[str]) -> list[Path]:
    files = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"))
        else:
            files.append(path)
    return files


def good(answer: verification.Answer) -> bool:
    """The page's verdict (verification.Answer.official_current): where the portal signs, signed by it, whole."""
    return answer.official_current


class Command(BaseCommand):
    help = "Verify PDF files (or every PDF in folders) against the version chain; exit 1 unless all are current."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="PDF files or folders")
        parser.add_argument("--json", action="store_true", help="one JSON document with an answer per file")

    def handle(self, *args, **options):
        reader = AnonymousUser()
        results = []
        for path in pdf_files(options["paths"]):
            if not path.is_file():
                answer = verification.Answer(verification.Outcome.UNREADABLE, "No such file.")
            elif path.stat().st_size > verification.MAX_PDF_BYTES:
                answer = verification.Answer(verification.Outcome.UNREADABLE, "Larger than 25 MB: not a record.")
            else:
                answer = verification.verify_pdf(path.read_bytes(), reader)
            results.append((path, answer))
        if options["json"]:
            document = [{"file": str(path), "ok": good(answer), **answer.as_dict()} for path, answer in results]
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            for path, answer in results:
                version = (
                    f" (version {answer.version.number}, {answer.version.content_digest})" if answer.version else ""
                )
                signature = ""
                if answer.signature is not None:
                    signature = " signed by the portal" if answer.signature.official else " not signed by the portal"
                mark = "OK  " if good(answer) else "FAIL"
                self.stdout.write(f"{mark} {path}: {answer.outcome}{version}{signature}. {answer.message}")
        if not results or not all(good(answer) for _path, answer in results):
            sys.exit(1)
