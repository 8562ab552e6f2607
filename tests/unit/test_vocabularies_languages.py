"""The shipped languages: each covers every label with the same placeholders, and regional codes fall back to
their base language."""

from __future__ import annotations

import string

import pytest

from amplify_nb.widgets.i18n import I18n
from amplify_nb.widgets.vocabularies import DE, ES, FR, JA, LABELS, PT, VOCABULARIES, ZH

SHIPPED = {"fr": FR, "de": DE, "es": ES, "ja": JA, "pt": PT, "zh": ZH}


@pytest.fixture(autouse=True)
def _english():
    yield
    I18n.reset()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_english_french_german_spanish_japanese_portuguese_and_chinese_ship():
    assert set(VOCABULARIES) == {"en", *SHIPPED}
    assert all(VOCABULARIES[language] is table for language, table in SHIPPED.items())
    assert len(LABELS) == len(set(LABELS))


@pytest.mark.parametrize("language", sorted(SHIPPED))
def test_each_language_covers_every_label_and_nothing_else(language):
    table = SHIPPED[language]
    assert set(LABELS) - set(table) == set(), sorted(set(LABELS) - set(table))
    assert set(table) - set(LABELS) == set(), sorted(set(table) - set(LABELS))


@pytest.mark.parametrize("language", sorted(VOCABULARIES))
def test_no_translation_changes_a_placeholder_or_is_blank(language):
    table = VOCABULARIES[language]
    for key in LABELS:
        text = table[key]
        assert placeholders(text) == placeholders(key), (language, key, text)
        assert text.strip() == text and text, (language, key)
        if placeholders(key):
            text.format(**dict.fromkeys(placeholders(key), "x"))  # formats without error


def test_a_placeholder_check_that_would_catch_a_renamed_placeholder():
    assert placeholders("Bonjour, {nom}") != placeholders("Hello, {name}")
    assert placeholders("Bonjour") != placeholders("Hello, {name}")


@pytest.mark.parametrize(("wanted", "base"), [("zh-TW", "zh"), ("zh-CN", "zh"), ("zh_Hant_TW", "zh"),
                                              ("pt-BR", "pt"), ("es-MX", "es"), ("ja-JP", "ja"), ("DE-at", "de")])
def test_a_regional_code_falls_back_to_its_base_language(wanted, base):
    I18n.set_language(wanted)
    assert I18n.get("Sign In") == VOCABULARIES[base]["Sign In"]
    assert I18n.get("Sign Up") == VOCABULARIES[base]["Create Account"]


def test_a_regional_vocabulary_of_the_app_wins_over_the_base_language():
    I18n.set_language("zh-TW")
    I18n.put_vocabularies({"zh-TW": {"Sign In": "登入"}})
    assert I18n.get("Sign In") == "登入" and I18n.get("Sign Out") == ZH["Sign Out"]
    assert I18n.get("Sign In", language="zh-CN") == ZH["Sign In"]


def test_a_language_not_shipped_shows_the_english_key():
    I18n.set_language("sw")
    assert I18n.get("Sign In") == "Sign In" and I18n.get("Sign Up") == "Sign Up"
    assert I18n.get("Sign In", language="ja") == "サインイン"
