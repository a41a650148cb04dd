"""Catalogues: .po files read as translators leave them; a missing, empty or fuzzy text falls back visibly (to the
fallback language, then the key) and is remembered; a broken file is reported with its file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interactions.procedure.catalogue import (
    MISSING_MARK,
    Catalogue,
    CatalogueError,
    assets_dir,
    available_languages,
    catalogue_path,
    read_catalogue,
)

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: {lang}\\n"\n\n'


def write_po(locales: Path, language: str, body: str) -> Path:
    """Write ``<locales>/<language>/LC_MESSAGES/rehearse.po`` with a header and ``body``; return its path."""
    path = locales / language / "LC_MESSAGES" / "rehearse.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER.format(lang=language) + body, encoding="utf-8")
    return path


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    write_po(
        tmp_path,
        "en",
        'msgid "greet"\nmsgstr "Hello"\n\nmsgid "only.en"\nmsgstr "Only in English"\n\n'
        'msgid "empty.ko"\nmsgstr "Empty in Korean"\n\nmsgid "fuzzy.ko"\nmsgstr "Fuzzy in Korean"\n',
    )
    write_po(
        tmp_path,
        "ko",
        'msgid "greet"\nmsgstr "안녕하세요"\n\nmsgid "empty.ko"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "fuzzy.ko"\nmsgstr "검토 안 된 번역"\n\n'
        'msgid "long"\nmsgstr ""\n"첫째 줄, "\n"둘째 줄"\n\n'
        'msgctxt "button"\nmsgid "greet"\nmsgstr "인사"\n',
    )
    return tmp_path


# -- looking up ----------------------------------------------------------------------------------------------------


def test_a_translated_key_gives_its_text_and_is_not_missing(locales):
    catalogue = Catalogue.load(locales, "ko")
    assert catalogue.text("greet") == "안녕하세요"
    assert catalogue.missing == set()
    assert "greet" in catalogue


def test_a_text_split_over_continuation_lines_is_joined(locales):
    assert Catalogue.load(locales, "ko").text("long") == "첫째 줄, 둘째 줄"


def test_a_key_missing_in_the_language_shows_the_fallback_text_marked_and_is_remembered(locales):
    catalogue = Catalogue.load(locales, "ko", fallback="en")
    assert catalogue.text("only.en") == f"{MISSING_MARK}Only in English"
    assert catalogue.missing == {"only.en"}
    assert "only.en" not in catalogue


def test_a_key_missing_everywhere_shows_the_key_itself_marked(locales):
    catalogue = Catalogue.load(locales, "ko")
    assert catalogue.text("nowhere.at.all") == f"{MISSING_MARK}nowhere.at.all"
    assert catalogue.missing == {"nowhere.at.all"}


def test_an_empty_translation_falls_back_visibly(locales):
    catalogue = Catalogue.load(locales, "ko")
    assert catalogue.text("empty.ko") == f"{MISSING_MARK}Empty in Korean"
    assert "empty.ko" in catalogue.missing


def test_a_fuzzy_translation_is_not_shown_as_if_reviewed(locales):
    catalogue = Catalogue.load(locales, "ko")
    assert catalogue.text("fuzzy.ko") == f"{MISSING_MARK}Fuzzy in Korean"
    assert "fuzzy.ko" in catalogue.missing


def test_a_message_with_a_context_does_not_replace_the_plain_key(locales):
    catalogue = Catalogue.load(locales, "ko")
    assert catalogue.text("greet") == "안녕하세요"
    assert catalogue.text("button\x04greet") == "인사"


def test_looking_up_odd_keys_never_raises(locales):
    catalogue = Catalogue.load(locales, "ko")
    for key in ("", " ", "한국어 키", "a" * 10_000, "\x00", None, ["a", "list"]):
        assert catalogue.text(key).startswith(MISSING_MARK)
    assert len(catalogue.missing) == 7


def test_without_a_fallback_a_missing_key_shows_the_key(locales):
    catalogue = Catalogue.load(locales, "ko", fallback=None)
    assert catalogue.text("only.en") == f"{MISSING_MARK}only.en"


def test_the_fallback_language_itself_marks_its_own_gaps(locales):
    catalogue = Catalogue.load(locales, "en")  # fallback "en" is the language itself
    assert catalogue.fallback is None
    assert catalogue.text("greet") == "Hello"
    assert catalogue.text("long") == f"{MISSING_MARK}long"
    assert catalogue.missing == {"long"}


def test_a_catalogue_built_in_code_works_like_a_loaded_one():
    catalogue = Catalogue("ko", {"a": "가"}, "en", {"a": "A", "b": "B"})
    assert (catalogue.text("a"), catalogue.text("b")) == ("가", f"{MISSING_MARK}B")
    assert catalogue.keys() == {"a"}


# -- finding catalogues --------------------------------------------------------------------------------------------


def test_available_languages_are_the_folders_with_a_catalogue(locales):
    (locales / "fr" / "LC_MESSAGES").mkdir(parents=True)  # a folder without rehearse.po is not a language
    (locales / "notes.txt").write_text("not a language")
    assert available_languages(locales) == ["en", "ko"]
    assert available_languages(locales / "absent") == []


def test_a_hyphenated_language_finds_gettexts_underscore_folder(tmp_path):
    path = write_po(tmp_path, "zh_Hans", 'msgid "greet"\nmsgstr "你好"\n')
    assert catalogue_path(tmp_path, "zh-Hans") == path
    assert Catalogue.load(tmp_path, "zh-Hans", fallback=None).text("greet") == "你好"


def test_a_missing_language_is_refused_naming_the_languages_there(locales):
    with pytest.raises(CatalogueError) as caught:
        Catalogue.load(locales, "vi")
    message = str(caught.value)
    assert "'vi'" in message and "en, ko" in message and "rehearse.po" in message


def test_a_missing_fallback_is_refused_too(locales):
    with pytest.raises(CatalogueError, match="'th'"):
        Catalogue.load(locales, "ko", fallback="th")


def test_the_assets_directory_is_the_projects():
    assert (assets_dir() / "scenes").is_dir()
    assert (assets_dir() / "locales").is_dir()


# -- broken files --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        # The header takes lines 1-5: the body starts on line 6.
        ('msgid "a"\nmsgstr "not closed\n', 7, "not closed"),
        ('msgid "a"\nmsgstr "ok"\n"also not closed\n', 8, "not closed"),
        ('msgid "a"\nmsgtsr "typo"\n', 7, "'msgtsr' is not a .po keyword"),
        ('msgid "a"\nmsgstr unquoted\n', 7, "double quotes"),
        ('msgid "a"\n\nmsgid "b"\nmsgstr "B"\n', 6, "msgid 'a' has no msgstr"),
        ('msgid "a"\n', 6, "msgid 'a' has no msgstr"),
        ('msgstr "orphan"\n', 6, "no msgid before it"),
        ('msgid "a"\nmsgstr "1"\nmsgstr "2"\n', 8, "no msgid before it"),
        ('"stray"\n', 6, "must continue a msgid or msgstr"),
        ('msgid "a"\nmsgstr "1"\n\nmsgid "b"\nmsgstr "2"\n\nmsgid "a"\nmsgstr "3"\n', 12, "first at line 6"),
    ],
)
def test_a_broken_catalogue_names_the_file_and_line(tmp_path, body, line, words):
    path = write_po(tmp_path, "ko", body)
    with pytest.raises(CatalogueError) as caught:
        Catalogue.load(tmp_path, "ko", fallback=None)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message


def test_a_catalogue_not_in_utf8_names_the_line(tmp_path):
    path = tmp_path / "ko" / "LC_MESSAGES" / "rehearse.po"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'msgid "a"\nmsgstr "ok"\n\nmsgid "b"\nmsgstr "\xc7\xd1"\n')  # EUC-KR, not UTF-8
    with pytest.raises(CatalogueError, match=rf"^{re.escape(str(path))}:5: .*UTF-8"):
        read_catalogue(path)


def test_the_same_key_in_two_contexts_is_not_a_duplicate(tmp_path):
    path = write_po(tmp_path, "ko", 'msgid "a"\nmsgstr "1"\n\nmsgctxt "c"\nmsgid "a"\nmsgstr "2"\n')
    assert read_catalogue(path) == {"a": "1", "c\x04a": "2"}


def test_obsolete_entries_and_comments_are_ignored(tmp_path):
    body = '# translator note\n#: somewhere.py:1\nmsgid "a"\nmsgstr "1"\n\n#~ msgid "old"\n#~ msgstr "gone"\n'
    assert read_catalogue(write_po(tmp_path, "ko", body)) == {"a": "1"}
