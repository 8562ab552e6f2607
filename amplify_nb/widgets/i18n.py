"""I18n: Amplify's translation table, for the Authenticator's labels and the errors it shows.

As in Amplify JS, the keys are the English texts themselves (``I18n.get("Sign In")``), so an app adds or
overrides a phrase with ``I18n.put_vocabularies({"fr": {"Sign In": "Connexion"}})`` without looking up
identifiers. English, French, German, Spanish, Japanese, Portuguese and Simplified Chinese ship with the
package. A language change re-labels every live Authenticator at once (they listen here). No ipywidgets
import: ``amplify_nb.I18n`` stays cheap.

A label also answers to the names Amplify gives it (vocab_aliases.py), so the seed's example
``I18n.put_vocabularies({"en": {"Sign Up": "Create new account"}})`` re-labels the widget's "Create Account".
For each language tried (the current one, then its base language: "zh" for "zh-TW"):

1. the app's text (put_vocabularies) under the label's own key, else under its aliases in their order;
2. the shipped text of the label.

So the app's word under any name beats the shipped one, and the label's own key beats its aliases. Asked for
an alias itself (``I18n.get("Sign Up")``), the app's text under that alias comes first, then whatever the
label it names would show.
"""

from __future__ import annotations

import logging
import string
import threading
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import ValidationError
from .vocab_aliases import ALIASES
from .vocabularies import VOCABULARIES

__all__ = ["I18n"]

log = logging.getLogger("amplify_nb.i18n")

_LABELS = VOCABULARIES["en"]
# alias -> the labels it names, in ALIASES' order (one alias may name several: "Invalid password format")
_NAMED_BY: dict[str, tuple[str, ...]] = {}
for _label, _aliases in ALIASES.items():
    for _alias in _aliases:
        _NAMED_BY[_alias] = (*_NAMED_BY.get(_alias, ()), _label)


def _fields(text: str) -> tuple[str, ...]:
    try:
        return tuple(dict.fromkeys(name for _, name, _, _ in string.Formatter().parse(text) if name))
    except ValueError:  # an unbalanced brace: no placeholders to speak of
        return ()


def _as_template(text: str, fields: tuple[str, ...]) -> str:
    """An alias's text that lacks the label's placeholders (seed-era "Hello" before the name): the values
    follow it. Braces already in it are literal."""
    literal = text.replace("{", "{{").replace("}", "}}")
    return " ".join((literal, *(f"{{{name}}}" for name in fields)))


class _I18n:
    def __init__(self) -> None:
        self._language = "en"
        # Replaced, never mutated, under the lock: a lookup reads one consistent snapshot without locking.
        self._extra: dict[str, dict[str, str]] = {}
        self._listeners: list[Callable[[str], Any]] = []
        self._lock = threading.Lock()

    # ---- Amplify's API --------------------------------------------------------------------------
    def set_language(self, language: str) -> None:
        if not isinstance(language, str) or not language.strip():
            raise ValidationError("language must be a language code such as 'en', 'fr' or 'de'", field="language")
        self._language = language.strip()
        self._notify()

    def get_language(self) -> str:
        return self._language

    def put_vocabularies(self, vocabularies: Mapping[str, Mapping[str, str]]) -> None:
        """Add or override phrases: ``{"fr": {"Sign In": "Connexion"}, ...}``; Amplify's other names of a
        label ("Sign Up" for "Create Account") re-label it too."""
        if not isinstance(vocabularies, Mapping) or not all(
                isinstance(lang, str) and isinstance(table, Mapping) for lang, table in vocabularies.items()):
            raise ValidationError("vocabularies must be {language: {phrase: translation}}", field="vocabularies")
        given = {language: {str(k): str(v) for k, v in table.items()} for language, table in vocabularies.items()}
        with self._lock:
            merged = {language: dict(table) for language, table in self._extra.items()}
            for language, table in given.items():
                merged.setdefault(language, {}).update(table)
            self._extra = merged
        self._notify()

    def put_vocabularies_for_language(self, language: str, vocabulary: Mapping[str, str]) -> None:
        self.put_vocabularies({language: vocabulary})

    def get(self, key: str, default: str | None = None, language: str | None = None) -> str:
        """The phrase in the current language (or ``language``), then in its base language ("fr" for
        "fr-CA"), by the rule in the module's docstring; else ``default``, else the key itself."""
        found = self._lookup(key, language or self._language)
        if found is not None:
            return found
        return key if default is None else default

    def format(self, key: str, **values: Any) -> str:
        """A phrase with ``{placeholders}``, filled after translation."""
        text = self.get(key)
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            log.warning("translation of %r does not match its placeholders", key)
            return key.format(**values)

    # ---- for live widgets -----------------------------------------------------------------------
    def listen(self, callback: Callable[[str], Any]) -> Callable[[], None]:
        """Called with the language after every change; returns a function that stops listening."""
        with self._lock:
            self._listeners.append(callback)

        def stop() -> None:
            with self._lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)
        return stop

    def reset(self) -> None:
        """Back to English and the shipped vocabularies (for tests and notebook restarts)."""
        with self._lock:
            self._extra = {}
        self._language = "en"
        self._notify()

    # ---- lookup ---------------------------------------------------------------------------------
    def _lookup(self, key: str, wanted: str) -> str | None:
        extra = self._extra  # one snapshot for the whole lookup
        if key in _LABELS or key not in _NAMED_BY:
            label, names = key, (key, *ALIASES.get(key, ()))
        else:  # an alias asked for itself: its own text, then what its (first) label shows
            label = _NAMED_BY[key][0]
            names = (key, label, *(name for name in ALIASES[label] if name != key))
        base = wanted.split("-")[0].split("_")[0].lower()
        for language in dict.fromkeys((wanted, base)):
            table = extra.get(language)
            if table:
                for name in names:
                    if name in table:
                        return self._adapted(key, name, table[name])
            shipped = VOCABULARIES.get(language)
            if shipped and label in shipped:
                return shipped[label]
        return None

    @staticmethod
    def _adapted(key: str, name: str, text: str) -> str:
        """The app's text for ``key`` found under ``name``: as given, unless it came from an alias lacking
        every placeholder of the label asked for."""
        if name == key or name not in ALIASES.get(key, ()):
            return text
        fields = _fields(key)
        if not fields or any(field in _fields(text) for field in fields):
            return text
        return _as_template(text, fields)

    def _notify(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(self._language)
            except Exception:
                log.exception("I18n listener %r failed", listener)


I18n = _I18n()
