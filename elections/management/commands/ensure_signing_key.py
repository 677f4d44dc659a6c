"""Make sure a certificate to seal records is configured; make a development one if not.

``make run`` and ``make test`` call it. A development CA and signing certificate are written to
``VAR_DIR/signing`` (ignored by git) only when DEBUG is on, under tests, or with
``--development``; in production a missing certificate is an error, never silently replaced.
"""

from django.core.management.base import BaseCommand, CommandError

from elections.records.signing_keys import SigningKeyMissing, ensure_signing_key


class Command(BaseCommand):
    help = "Check the record-sealing certificate; generate a development one if allowed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--development",
            action="store_true",
            help="Generate a development CA and certificate even when DEBUG is off.",
        )

    def handle(self, *args, development=False, **options):
        try:
            files, created = ensure_signing_key(allow_development=development or None)
        except SigningKeyMissing as error:
            raise CommandError(str(error)) from None
        from elections.records.sealing import load_sealer

        sealer = load_sealer()
        verb = "Generated a development" if created else "Using the"
        self.stdout.write(f"{verb} signing certificate: {files.p12}")
        self.stdout.write(f"  subject: {sealer.subject}")
        self.stdout.write(f"  SHA-256: {sealer.certificate_sha256}")
        self.stdout.write(f"  trusted CA: {files.ca}")
