"""
The cost of signing (core/signing.py): sign_pdf and check_pdf_signature on a minutes-sized PDF/A file
(WeasyPrint, 40 pages, a JSON file attached) and on a pack-sized file (508 pages, 100 five-page
papers merged with pikepdf as portal/pack.py does). Needs no database. A throwaway key is made in a
temporary folder. Prints the medians of --repeat runs (bench/README.md, "Signed PDFs").

    .venv/bin/python bench/signing.py --repeat 9
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def minutes_pdf() -> bytes:
    import weasyprint

    from core.pdf import PDF_VARIANT

    text = " ".join(["The Board took note of the report and adopted the decision as proposed."] * 40)
    body = "".join(f"<section><h2>Item {n}</h2><p>{text}</p><p>{text}</p></section>" for n in range(1, 25))
    attachment = weasyprint.Attachment(string=b'{"record": "minutes"}' * 200, name="m.json", relationship="Data")
    html = f'<html lang="en"><head><title>Minutes</title></head><body><h1>Minutes</h1>{body}</body></html>'
    return weasyprint.HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT, attachments=[attachment])


def pack_pdf() -> bytes:
    import pikepdf
    import weasyprint

    papers = []
    for n in range(100):
        pages = "".join(f'<section style="break-after: page"><h1>Paper {n}, page {p}</h1></section>' for p in range(5))
        papers.append(
            pikepdf.open(io.BytesIO(weasyprint.HTML(string=f"<html><body>{pages}</body></html>").write_pdf()))
        )
    pack = pikepdf.new()
    cover = weasyprint.HTML(string="<html><body>" + "<p>Cover</p>" * 200 + "</body></html>").write_pdf()
    pack.pages.extend(pikepdf.open(io.BytesIO(cover)).pages)
    for paper in papers:
        pack.pages.extend(paper.pages)
    out = io.BytesIO()
    pack.save(out)
    return out.getvalue()


def timed(function, repeat: int) -> tuple[float, float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), min(runs), max(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="iisg-bench-signing-")
    os.environ.update({"DEBUG": "1", "LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "iisg_portal.settings"})
    from core.signing import make_self_signed_key

    os.environ["PDF_SIGNING_KEY"], os.environ["PDF_SIGNING_CERT"] = make_self_signed_key(folder)
    import django

    django.setup()
    from core.signing import check_pdf_signature, sign_pdf

    sign_pdf(minutes_pdf(), reason="warm-up")  # imports and the signer's loading, once per process
    for label, data in (("minutes", minutes_pdf()), ("pack", pack_pdf())):
        signed = sign_pdf(data, reason="Official record of the IISG Board Portal", location="bench")
        assert check_pdf_signature(signed).official
        sign = timed(lambda data=data: sign_pdf(data, reason="Official record", location="bench"), args.repeat)
        check = timed(lambda signed=signed: check_pdf_signature(signed), args.repeat)
        pages = len(__import__("pikepdf").open(io.BytesIO(data)).pages)
        print(
            f"{label}: {pages} pages, {len(data) / 1024:.0f} KiB (+{(len(signed) - len(data)) / 1024:.1f} KiB signed); "
            f"sign median {sign[0]:.1f} ms ({sign[1]:.1f}–{sign[2]:.1f}); check median {check[0]:.1f} ms "
            f"({check[1]:.1f}–{check[2]:.1f})"
        )


if __name__ == "__main__":
    main()
