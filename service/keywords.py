"""Turn what a caller texts or says into an intent, in any offered language."""

import difflib
import re
import unicodedata
from dataclasses import dataclass

from babel import Locale

# Close enough to a keyword to be a typo of it ("sidde", "treatmnet").
TYPO_CUTOFF = 0.8
TYPO_MIN_LENGTH = 4
_NOT_WORD = re.compile(r"[\W_]+")
# Scripts written without spaces between words: match keywords inside a phrase.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


@dataclass(frozen=True)
class Intent:
    """What the caller asked for: kind is topic, command, language, number or unknown."""

    kind: str
    value: str | int | None = None


UNKNOWN = Intent("unknown")


def normalize(text):
    """Lowercase, without accents or punctuation, single-spaced: "¡Atrás!" -> "atras"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFC", bare)).strip()


class KeywordIndex:
    """Per language, every word that means a topic, a command or a language."""

    def __init__(self, flow, catalogs):
        names = self._language_names(catalogs, flow)
        self._tables = {}
        for code in catalogs.codes:
            table = {}
            for language in (catalogs.source, code):
                for topic in flow.topics:
                    self._add(table, catalogs.words(language, topic.keywords), "topic", topic.id)
                for command in flow.commands.values():
                    self._add(table, catalogs.words(language, command.words), "command",
                              command.id)
            table.update(names)
            for topic in flow.topics:
                self._add(table, [topic.keyword], "topic", topic.id)
            for command in flow.commands.values():
                self._add(table, [command.keyword], "command", command.id)
            self._tables[code] = table

    @staticmethod
    def _add(table, words, kind, value):
        for word in words:
            if key := normalize(word):
                table[key] = Intent(kind, value)

    def _language_names(self, catalogs, flow):
        """Each language's own name, other spellings, and English name, in every language."""
        names = {}
        for code in catalogs.codes:
            words = [catalogs.text(code, flow.strings["language_name"]),
                     *catalogs.words(code, flow.strings["language_words"]),
                     Locale.parse(code).get_language_name("en")]
            self._add(names, words, "language", code)
        return names

    def words(self, code):
        """Every normalized word known in the language (for speech hints and checks)."""
        return list(self._tables[code])

    def interpret(self, text, code):
        """The intent of a message or a speech result, or UNKNOWN."""
        said = normalize(text)
        if not said:
            return UNKNOWN
        if said.isdigit():
            return Intent("number", int(said))
        table = self._tables[code]
        if said in table:
            return table[said]
        padded = f" {said} "
        inside = [word for word in table
                  if f" {word} " in padded or (_UNSPACED.search(word) and word in said)]
        if inside:
            return table[max(inside, key=len)]
        if len(said) >= TYPO_MIN_LENGTH:
            close = difflib.get_close_matches(said, table, n=1, cutoff=TYPO_CUTOFF)
            if close:
                return table[close[0]]
        return UNKNOWN
