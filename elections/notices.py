"""Notice versions are data: loaded from JSON files, hashed, and never changed once shown (R3).

An agency replaces the project's plain-language rendition with its court-approved wording by
loading a new file with ``python manage.py load_notices FILE.json``; no code changes.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import NoticeVersion

REQUIRED_KEYS = set(NoticeVersion.CONTENT_FIELDS)


class NoticeChanged(ValidationError):
    pass


def notice_load(*, data: dict, make_current: bool = True) -> tuple[NoticeVersion, bool]:
    """Create a notice version from a dict; loading identical content again changes nothing.

    Returns ``(version, created)``. Content that differs from an existing version with the same
    language and version id is refused: a new wording needs a new version id.
    """
    missing = REQUIRED_KEYS - data.keys()
    if missing:
        raise ValidationError(
            _("The notice file is missing: %(keys)s."), params={"keys": ", ".join(sorted(missing))}
        )
    content = {key: str(data[key]).strip() for key in NoticeVersion.CONTENT_FIELDS}
    if not all(content.values()):
        raise ValidationError(_("Every part of the notice must have text."))
    with transaction.atomic():
        existing = (
            NoticeVersion.objects.select_for_update()
            .filter(language=content["language"], version=content["version"])
            .first()
        )
        if existing is not None:
            candidate = NoticeVersion(**content)
            if candidate.compute_sha256() != existing.sha256:
                raise NoticeChanged(
                    _(
                        "Notice %(language)s %(version)s already exists with different text; "
                        "give the new wording a new version id."
                    ),
                    params={"language": content["language"], "version": content["version"]},
                )
            return existing, False
        version = NoticeVersion(**content, is_current=make_current)
        version.sha256 = version.compute_sha256()
        version.save()
        if make_current:
            NoticeVersion.objects.filter(language=version.language).exclude(pk=version.pk).update(
                is_current=False
            )
        return version, True


def notice_load_file(path: Path) -> list[tuple[NoticeVersion, bool]]:
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    items = payload if isinstance(payload, list) else [payload]
    return [notice_load(data=item) for item in items]


def notice_mark_shown(*, versions: list[NoticeVersion]) -> None:
    """From the first time a parent sees a version, its content is frozen for good."""
    ids = [v.pk for v in versions if v.first_shown_at is None]
    if ids:
        NoticeVersion.objects.filter(pk__in=ids, first_shown_at__isnull=True).update(
            first_shown_at=timezone.now()
        )
