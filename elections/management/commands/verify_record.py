"""``python manage.py verify_record FILE.pdf``: exit 0 when the file is a sealed record of ours,
unaltered, and the database still agrees with it; otherwise exit 1 with the reasons.

``python manage.py verify_record --all`` verifies every stored record instead: the PDF kept in
storage against its seal, its recorded SHA-256 and the database (after a restore, for one). It
prints one line a record and exits 1 when any of them fails."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from elections.models import SealedRecord
from elections.records.verification import verify_pdf, verify_stored


class Command(BaseCommand):
    help = "Verify a sealed election record PDF (or, with --all, every stored record)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?", help="The PDF to verify.")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="every_record",
            help="Verify every stored record instead of a file.",
        )

    def handle(self, *args, file: Path | None, every_record: bool, **options):
        if every_record == (file is not None):
            raise CommandError("Give either a PDF file or --all.")
        if every_record:
            self._verify_all()
            return
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

    def _verify_all(self) -> None:
        records = SealedRecord.objects.select_related("election").order_by("created_at", "pk")
        valid = invalid = 0
        for record in records.iterator(chunk_size=200):
            result = verify_stored(record)
            reference = record.election.reference
            if result.ok:
                valid += 1
                self.stdout.write(f"VALID {reference} {record.pdf_sha256}")
                continue
            invalid += 1
            self.stderr.write(f"INVALID {reference} {record.pdf_sha256}")
            for problem in result.problems:
                self.stderr.write(f"  {problem}")
        self.stdout.write(f"{valid} valid, {invalid} invalid, of {valid + invalid} stored records")
        if invalid:
            sys.exit(1)
