"""A throwaway self-signed PDF signing key and certificate (core/signing.py), for the demo and tests."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.signing import make_self_signed_key


class Command(BaseCommand):
    help = (
        "Make a throwaway EC P-256 key and a self-signed certificate for signing PDFs, and print the two "
        "environment lines that use them. Not for production: a real certificate comes from a CA (README)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="The folder to write the key and certificate to")
        parser.add_argument("--days", type=int, default=365, help="How many days the certificate is valid (365)")
        parser.add_argument("--name", default="IISG Board Portal (demo)", help="The certificate's common name")

    def handle(self, *args, out, days, name, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"--out {out!r} is not a folder.")
        key_path, cert_path = make_self_signed_key(folder, days=days, name=name)
        self.stdout.write(f"PDF_SIGNING_KEY={Path(key_path).resolve()}")
        self.stdout.write(f"PDF_SIGNING_CERT={Path(cert_path).resolve()}")
