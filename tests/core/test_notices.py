"""Notice versions are data, hashed and frozen once shown (R3), and loaded by ``load_notices``."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from elections import services
from elections.models import NoticeVersion
from elections.notices import NoticeChanged, notice_load, notice_load_file
from tests.factories import NOTICE_DIR, ElectionFactory, NoticeVersionFactory, fresh

pytestmark = pytest.mark.django_db

FILES = [NOTICE_DIR / "en.json", NOTICE_DIR / "es.json"]


def file_content(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_shipped_notices_have_every_part_in_english_and_spanish():
    for path, language in zip(FILES, ("en", "es"), strict=True):
        content = file_content(path)
        assert set(content) == set(NoticeVersion.CONTENT_FIELDS)
        assert content["language"] == language
        assert content["version"] == "formsvc-plain-2026.1"
        assert all(isinstance(value, str) and value.strip() for value in content.values())


def test_loading_the_notices_twice_changes_nothing(notices):
    first = {n.language: (n.pk, n.sha256, n.created_at) for n in NoticeVersion.objects.all()}
    history = NoticeVersion.history.count()
    results = [result for path in FILES for result in notice_load_file(path)]
    assert [created for _version, created in results] == [False, False]
    again = {n.language: (n.pk, n.sha256, n.created_at) for n in NoticeVersion.objects.all()}
    assert again == first
    assert set(first) == {"en", "es"}
    assert NoticeVersion.history.count() == history


def test_changed_text_under_the_same_version_is_refused(notices):
    changed = file_content(FILES[1]) | {"option_waive": "Dejar a mi hijo. Firme aquí."}
    with pytest.raises(NoticeChanged):
        notice_load(data=changed)
    stored = NoticeVersion.objects.get(language="es")
    assert stored.option_waive == file_content(FILES[1])["option_waive"]
    assert stored.is_intact
    assert NoticeVersion.objects.filter(language="es").count() == 1


def test_new_wording_under_a_new_version_becomes_the_current_notice(notices):
    wording = file_content(FILES[0]) | {"version": "agency-2026.2", "title": "Agency wording"}
    version, created = notice_load(data=wording)
    assert created
    current = NoticeVersion.objects.filter(language="en", is_current=True)
    assert list(current) == [version]
    assert NoticeVersion.objects.get(pk=notices["en"].pk).is_current is False


def test_the_stored_sha256_is_the_hash_of_the_canonical_text(notices):
    for path in FILES:
        content = {key: value.strip() for key, value in file_content(path).items()}
        canonical = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")
        stored = NoticeVersion.objects.get(language=content["language"])
        assert stored.sha256 == hashlib.sha256(canonical).hexdigest()
        assert stored.is_intact


def test_a_factory_notice_version_hashes_like_a_loaded_one():
    version = NoticeVersionFactory(language="es")
    assert version.is_intact
    assert version.sha256 == version.compute_sha256()


def test_a_changed_notice_text_no_longer_matches_its_hash(notices):
    NoticeVersion.objects.filter(pk=notices["en"].pk).update(body="Something else entirely.")
    assert not NoticeVersion.objects.get(pk=notices["en"].pk).is_intact


@pytest.mark.parametrize("missing", ["option_consult", "legal_help", "language"])
def test_a_notice_missing_a_part_is_refused(missing):
    content = file_content(FILES[0])
    del content[missing]
    with pytest.raises(ValidationError) as caught:
        notice_load(data=content)
    assert missing in caught.value.messages[0]
    assert not NoticeVersion.objects.exists()


def test_a_notice_with_an_empty_part_is_refused():
    with pytest.raises(ValidationError):
        notice_load(data=file_content(FILES[0]) | {"option_reunify": "   "})
    assert not NoticeVersion.objects.exists()


def test_first_shown_at_is_set_once_the_notice_is_shown(office, officer, witness, notices):
    assert {n.first_shown_at for n in NoticeVersion.objects.all()} == {None}
    election = ElectionFactory(stage="notice", office=office, presented_by=officer, witness=witness)
    assert fresh(election).notice_version.first_shown_at is None

    services.election_record_notice_shown(election=election, actor=officer)
    spanish = NoticeVersion.objects.get(language="es")
    english = NoticeVersion.objects.get(language="en")
    assert spanish.first_shown_at is not None
    assert english.first_shown_at is not None

    # Shown again, to another parent: the first time stays the first time.
    other = ElectionFactory(stage="shown", office=office, presented_by=officer, witness=witness)
    assert other.notice_delivered_at is not None
    assert NoticeVersion.objects.get(language="es").first_shown_at == spanish.first_shown_at
    assert NoticeVersion.objects.get(language="en").first_shown_at == english.first_shown_at


# --- manage.py load_notices -------------------------------------------------------------------


def test_load_notices_loads_both_shipped_files_by_default_and_says_so():
    out = StringIO()
    call_command("load_notices", stdout=out)
    assert set(NoticeVersion.objects.values_list("language", flat=True)) == {"en", "es"}
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert all("formsvc-plain-2026.1: loaded" in line for line in lines)

    out = StringIO()
    call_command("load_notices", stdout=out)
    assert out.getvalue().count("already loaded, unchanged") == 2
    assert NoticeVersion.objects.count() == 2


def test_load_notices_loads_a_file_given_on_the_command_line(tmp_path):
    path = tmp_path / "agency.json"
    path.write_text(json.dumps(file_content(FILES[1]) | {"version": "agency-1"}), "utf-8")
    call_command("load_notices", str(path), stdout=StringIO())
    assert list(NoticeVersion.objects.values_list("language", "version")) == [("es", "agency-1")]


def test_load_notices_refuses_changed_text_with_exit_code_1(notices, tmp_path, capsys):
    path = tmp_path / "es.json"
    path.write_text(json.dumps(file_content(FILES[1]) | {"title": "Otro título"}), "utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("load_notices", str(path), stdout=StringIO())
    assert "new version id" in str(caught.value)

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "load_notices", str(path)])
    assert exited.value.code == 1
    assert "already exists with different text" in capsys.readouterr().err
    assert NoticeVersion.objects.get(language="es").title == file_content(FILES[1])["title"]


def test_load_notices_loads_nothing_when_one_file_conflicts(tmp_path):
    call_command("load_notices", str(FILES[1]), stdout=StringIO())
    conflicting = tmp_path / "es.json"
    conflicting.write_text(json.dumps(file_content(FILES[1]) | {"body": "Otro."}), "utf-8")
    with pytest.raises(CommandError):
        call_command("load_notices", str(FILES[0]), str(conflicting), stdout=StringIO())
    assert list(NoticeVersion.objects.values_list("language", flat=True)) == ["es"]


@pytest.mark.parametrize("content", ["{not json", "[]", '{"language": "en"}'])
def test_load_notices_explains_a_file_that_is_not_a_notice(tmp_path, content):
    path = tmp_path / "broken.json"
    path.write_text(content, "utf-8")
    if content == "[]":
        # An empty list is a file with no notices: nothing to load, nothing wrong.
        call_command("load_notices", str(path), stdout=StringIO())
    else:
        with pytest.raises(CommandError) as caught:
            call_command("load_notices", str(path), stdout=StringIO())
        assert str(path) in str(caught.value)
    assert not NoticeVersion.objects.exists()


def test_load_notices_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("load_notices", str(tmp_path / "nope.json"), stdout=StringIO())
    assert "nope.json" in str(caught.value)
