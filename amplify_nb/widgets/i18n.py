"""I18n: Amplify's translation table, for the Authenticator's labels and the errors it shows.

As in Amplify JS, the keys are the English texts themselves (``I18n.get("Sign In")``), so an app adds or
overrides a phrase with ``I18n.put_vocabularies({"fr": {"Sign In": "Connexion"}})`` without looking up
identifiers. English, French and German ship with the package. A language change re-labels every live
Authenticator at once (they listen here). No ipywidgets import: ``amplify_nb.I18n`` stays cheap.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import ValidationError
from .vocabularies import VOCABULARIES

__all__ = ["I18n"]

log = logging.getLogger("amplify_nb.i18n")


class _I18n:
    def __init__(self) -> None:
        self._language = "en"
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
        """Add or override phrases: ``{"fr": {"Sign In": "Connexion"}, ...}``."""
        if not isinstance(vocabularies, Mapping) or not all(
                isinstance(lang, str) and isinstance(table, Mapping) for lang, table in vocabularies.items()):
            raise ValidationError("vocabularies must be {language: {phrase: translation}}", field="vocabularies")
        with self._lock:
            for language, table in vocabularies.items():
                self._extra.setdefault(language, {}).update({str(k): str(v) for k, v in table.items()})
        self._notify()

    def put_vocabularies_for_language(self, language: str, vocabulary: Mapping[str, str]) -> None:
        self.put_vocabularies({language: vocabulary})

    def get(self, key: str, default: str | None = None, language: str | None = None) -> str:
        """The phrase in the current language; its base language ("fr" for "fr-CA") next; then the key."""
        wanted = language or self._language
        for lang in dict.fromkeys((wanted, wanted.split("-")[0].split("_")[0])):
            for table in (self._extra.get(lang), VOCABULARIES.get(lang)):
                if table and key in table:
                    return table[key]
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
            self._extra.clear()
        self._language = "en"
        self._notify()

    def _notify(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(self._language)
            except Exception:
                log.exception("I18n listener %r failed", listener)


I18n = _I18n()
