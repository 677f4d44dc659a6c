"""Load notice versions from JSON files (R3): the project's own by default, or an agency's."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from elections.notices import notice_load_file

DEFAULT_FILES = ("en.json", "es.json")


def default_notice_files() -> list[Path]:
    folder = Path(settings.BASE_DIR) / "fixtures" / "notices"
    return [folder / name for name in DEFAULT_FILES]


def load_notice_files(paths, *, write=None) -> list[tuple[object, bool]]:
    """Load every file or none of them; ``write`` gets one line per version once all loaded.

    Raises CommandError naming the file when one is missing, malformed, or holds different text
    under a version id that already exists.
    """
    loaded = []
    with transaction.atomic():
        for path in map(Path, paths):
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                loaded.extend(notice_load_file(path))
            except ValidationError as error:
                raise CommandError(f"{path}: {' '.join(error.messages)}") from error
            except (ValueError, TypeError, AttributeError) as error:
                raise CommandError(f"{path}: not a valid notice file ({error})") from error
    if write is not None:
        for version, created in loaded:
            state = "loaded" if created else "already loaded, unchanged"
            write(f"{version.language} {version.version}: {state} (sha256 {version.sha256})")
    return loaded


class Command(BaseCommand):
    help = (
        "Load notice versions from JSON files (default: fixtures/notices/en.json and es.json). "
        "Loading the same text again changes nothing; different text under an existing version "
        "id is refused and nothing is loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", metavar="FILE", help="notice JSON files")

    def handle(self, *args, files, **options):
        paths = [Path(f) for f in files] or default_notice_files()
        load_notice_files(paths, write=self.stdout.write)
