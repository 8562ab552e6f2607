"""The widgets' translations, theme and error texts, without a sandbox."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import amplify_nb
from amplify_nb.errors import CodeMismatchError, NetworkError, ValidationError
from amplify_nb.widgets.base import error_text
from amplify_nb.widgets.i18n import I18n
from amplify_nb.widgets.theme import DEFAULTS, Theme


@pytest.fixture(autouse=True)
def _english():
    yield
    I18n.reset()


def test_amplify_nb_i18n_is_lazy_and_imports_no_ipywidgets():
    probe = ("import sys, json, amplify_nb\namplify_nb.I18n.set_language('fr')\n"
             "print(json.dumps([amplify_nb.I18n.get('Sign In'), 'ipywidgets' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    assert json.loads(out.splitlines()[-1]) == ["Se connecter", False]
    assert amplify_nb.I18n is I18n


def test_lookup_falls_back_to_the_base_language_then_the_key():
    I18n.set_language("fr-CA")
    assert I18n.get("Sign In") == "Se connecter"
    assert I18n.get("Not a known phrase") == "Not a known phrase"
    assert I18n.get("Not a known phrase", "default") == "default"
    I18n.set_language("sw")  # not shipped
    assert I18n.get("Sign In") == "Sign In"
    assert I18n.get("Sign In", language="de") == "Anmelden"


def test_put_vocabularies_adds_languages_and_overrides_phrases_and_notifies():
    seen = []
    stop = I18n.listen(seen.append)
    I18n.put_vocabularies({"it": {"Sign In": "Accedi"}, "fr": {"Sign In": "Connexion"}})
    I18n.set_language("it")  # not shipped: the app's words, else the English key
    assert I18n.get("Sign In") == "Accedi" and I18n.get("Password") == "Password"
    I18n.put_vocabularies_for_language("it", {"Password": "Password segreta"})
    assert I18n.get("Password") == "Password segreta" and I18n.get("Sign In", language="fr") == "Connexion"
    stop()
    I18n.set_language("de")
    assert seen == ["en", "it", "it"]
    for bad in ({"fr": "not a table"}, ["fr"], {1: {}}):
        with pytest.raises(ValidationError):
            I18n.put_vocabularies(bad)
    with pytest.raises(ValidationError):
        I18n.set_language("")


def test_format_fills_placeholders_after_translation_and_survives_a_bad_translation():
    I18n.set_language("fr")
    assert I18n.format("Hello, {name}", name="Ada") == "Bonjour, Ada"
    I18n.put_vocabularies({"fr": {"Hello, {name}": "Bonjour, {nom}"}})
    assert I18n.format("Hello, {name}", name="Ada") == "Hello, Ada"


def test_error_text_uses_the_apps_map_or_function_else_the_translated_message():
    error = CodeMismatchError("Invalid verification code provided, please try again.", code="CodeMismatchException")
    assert error_text(error) == "Invalid verification code provided, please try again."  # no " [code]" suffix
    I18n.set_language("fr")
    assert error_text(error) == "Code de vérification non valide, veuillez réessayer."
    assert error_text(error, {"CodeMismatchException": "Wrong code"}) == "Wrong code"
    assert error_text(error, {"CodeMismatchError": "Wrong code!"}) == "Wrong code!"
    assert error_text(error, lambda exc: None).startswith("Code de vérification")
    assert error_text(NetworkError("down"), lambda exc: f"offline: {type(exc).__name__}") == "offline: NetworkError"
    assert error_text(RuntimeError("secret-ish detail")) == "Une erreur s'est produite ; veuillez réessayer"


def test_theme_merges_defaults_and_refuses_unknown_keys_and_unsafe_values():
    theme = Theme({"primary_color": "rgb(10, 20, 30)"})
    assert theme["primary_color"] == "rgb(10, 20, 30)" and theme["spacing"] == DEFAULTS["spacing"]
    assert dict(theme).keys() == DEFAULTS.keys()
    for bad in ({"colour": "red"}, {"primary_color": "red</style><script>"}, {"spacing": 8},
                {"font_family": "x; } * { display: none"}):
        with pytest.raises(ValidationError):
            Theme(bad)
    assert "<" not in Theme().css("amplify-nb-auth-x")
