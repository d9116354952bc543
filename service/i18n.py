"""The offered languages and their compiled catalogs: the flow's texts in each language."""

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel.support import Translations

DOMAIN = "messages"
logger = logging.getLogger(__name__)


class CatalogError(Exception):
    """A language that cannot be served as configured."""


@dataclass(frozen=True)
class Language:
    """A language and how Twilio speaks and hears it (None: keypad and text only)."""

    code: str
    voice: str | None = None
    say_language: str | None = None
    speech_language: str | None = None
    audio_url: str | None = None


def catalog_path(locales_dir, code, suffix):
    return Path(locales_dir) / code / "LC_MESSAGES" / f"{DOMAIN}.{suffix}"


def _read_languages(locales_dir):
    path = Path(locales_dir) / "languages.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = Language.__dataclass_fields__
    languages = []
    for entry in config["languages"]:
        if unknown := set(entry) - set(known):
            raise CatalogError(f"{path}: {entry.get('code')}: unknown field(s) {sorted(unknown)}")
        languages.append(Language(**entry))
    return config["source"], languages


def _load_translations(locales_dir, code):
    po, mo = catalog_path(locales_dir, code, "po"), catalog_path(locales_dir, code, "mo")
    if not mo.exists():
        raise CatalogError(f"{mo} is missing: run `make compile`")
    if mo.stat().st_mtime < po.stat().st_mtime:
        # Still a valid (older) translation: serve it, but say the edit is not live yet.
        logger.warning("%s is older than its .po: run `make compile` to serve the edit", mo)
    with mo.open("rb") as file:
        return Translations(file, domain=DOMAIN)


class Catalogs:
    """Every offered language's translations, loaded once."""

    def __init__(self, locales_dir):
        self.source, configured = _read_languages(locales_dir)
        self.languages = {}
        self._translations = {}
        for language in configured:
            if language.code == self.source:
                self.languages[language.code] = language
            elif catalog_path(locales_dir, language.code, "po").exists():
                self.languages[language.code] = language
                self._translations[language.code] = _load_translations(locales_dir, language.code)
        if self.source not in self.languages:
            raise CatalogError(f"{locales_dir}/languages.yaml: source {self.source!r} not listed")

    @property
    def codes(self):
        """Offered language codes, in language-menu order."""
        return list(self.languages)

    def text(self, code, text):
        """The text in the language, falling back to the English source."""
        translations = self._translations.get(code)
        return translations.pgettext(text.context, text.text) if translations else text.text

    def words(self, code, text):
        """A comma-separated word list (keywords, names) in the language."""
        return [word.strip() for word in self.text(code, text).split(",") if word.strip()]
