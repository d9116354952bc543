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
    if text.isascii():  # nothing to decompose: most texts, cheaply
        return _NOT_WORD.sub(" ", text.casefold()).strip()
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
            self._tables[code] = _Table(table)

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
        return list(self._tables[code].intents)

    def interpret(self, text, code):
        """The intent of a message or a speech result, or UNKNOWN."""
        said = normalize(text)
        if not said:
            return UNKNOWN
        if said.isdigit():
            return Intent("number", int(said))
        table = self._tables[code]
        if said in table.intents:
            return table.intents[said]
        if inside := table.longest_inside(said):
            return table.intents[inside]
        if len(said) >= TYPO_MIN_LENGTH:
            close = difflib.get_close_matches(said, table.typo_candidates(said), n=1,
                                              cutoff=TYPO_CUTOFF)
            if close:
                return table.intents[close[0]]
        return UNKNOWN


class _Table:
    """One language's words, indexed so that a message costs lookups, not a scan of every word.

    Matching is as if each word were searched in the message: a word matches as a run of whole
    words, or anywhere for scripts written without spaces; the longest match wins, the earlier
    word on a tie.
    """

    def __init__(self, intents):
        self.intents = intents
        self._order = {word: index for index, word in enumerate(intents)}
        self._most_words = max(word.count(" ") + 1 for word in intents)
        self._unspaced = [word for word in intents if _UNSPACED.search(word)]
        self._by_length = {}
        for word in intents:
            self._by_length.setdefault(len(word), []).append((word, frozenset(word)))

    def longest_inside(self, said):
        """The longest word found inside the message, or None."""
        tokens = said.split(" ")
        found = {run for start in range(len(tokens))
                 for end in range(start + 1, min(len(tokens), start + self._most_words) + 1)
                 if (run := " ".join(tokens[start:end])) in self.intents}
        found.update(word for word in self._unspaced if word in said)
        return max(found, key=self._rank, default=None)

    def _rank(self, word):
        return len(word), -self._order[word]

    def typo_candidates(self, said):
        """The words that difflib's ratio could find within TYPO_CUTOFF of the message.

        get_close_matches drops a word unless twice the characters the two share, over both
        lengths, reaches the cutoff; it counts them in Python for every word. A character
        of one missing from the other cannot be shared, which bounds that count from above
        with two set differences: the words dropped here are words difflib would drop.
        """
        length, chars = len(said), frozenset(said)
        return [word for size, words in self._by_length.items()
                if 2.0 * min(size, length) / (size + length) >= TYPO_CUTOFF
                for word, own in words
                if 2.0 * min(size - len(own - chars), length - len(chars - own))
                / (size + length) >= TYPO_CUTOFF]
