"""``python manage.py verify_record FILE.pdf``: exit 0 when the file is a sealed record of ours,
unaltered, and the database still agrees with it; otherwise exit 1 with the reasons."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from elections.records.verification import verify_pdf


class Command(BaseCommand):
    help = "Verify a sealed election record PDF against its seal and the stored record."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The PDF to verify.")

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        result = verify_pdf(data)
        reference = result.record.election.reference if result.record else result.election_id
        if result.ok:
            self.stdout.write(f"VALID {file}")
            self.stdout.write(f"  record: {reference}")
            self.stdout.write(f"  SHA-256: {result.pdf_sha256}")
            self.stdout.write(f"  sealed by: {result.signer_subject}")
            if result.timestamp_at:
                self.stdout.write(f"  timestamp: {result.timestamp_at.isoformat()}")
            self.stdout.write(f"  audit chain head: {result.chain_head}")
            for note in result.notes:
                self.stdout.write(f"  note: {note}")
            return
        self.stderr.write(f"INVALID {file}")
        if reference:
            self.stderr.write(f"  record: {reference}")
        for problem in result.problems:
            self.stderr.write(f"  {problem}")
        sys.exit(1)
