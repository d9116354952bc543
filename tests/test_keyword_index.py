"""The keyword index answers exactly as a plain scan of every word would, in every language.

The index looks words up instead of scanning them (see keywords._Table); the reference here is
the scan: a word matches as whole words anywhere in the message, or anywhere at all in scripts
written without spaces; the longest match wins, the earlier word on a tie; failing that, the
closest word by difflib within the typo cutoff.
"""

import difflib
import random

import pytest

from service.keywords import _UNSPACED, TYPO_CUTOFF, TYPO_MIN_LENGTH, UNKNOWN, Intent, normalize


def scan(meaning, text):
    """The reference: `meaning` maps every word of the language, in index order, to its intent."""
    said = normalize(text)
    if not said:
        return UNKNOWN
    if said.isdigit():
        return Intent("number", int(said))
    words = list(meaning)
    if said in meaning:
        return meaning[said]
    inside = [word for word in words
              if f" {word} " in f" {said} " or (_UNSPACED.search(word) and word in said)]
    if inside:
        return meaning[max(inside, key=len)]
    if len(said) >= TYPO_MIN_LENGTH:
        close = difflib.get_close_matches(said, words, n=1, cutoff=TYPO_CUTOFF)
        if close:
            return meaning[close[0]]
    return UNKNOWN


def messages(words, rng):
    """Words, words in sentences, pairs of words, typos of words, and noise."""
    fillers = ["please", "the", "I want", "what about", "my", "zz"]
    for word in words:
        yield word
        yield f"{rng.choice(fillers)} {word} {rng.choice(fillers)}"
        yield f"{word} {rng.choice(words)}"
        if len(word) > 3:
            cut = rng.randrange(1, len(word) - 1)
            yield word[:cut] + word[cut + 1:]
            yield word[:cut] + word[cut + 1] + word[cut] + word[cut + 2:]
    for _ in range(50):
        yield "".join(rng.choice("aeiounrst 中文한") for _ in range(rng.randint(1, 14)))


@pytest.fixture(scope="module")
def line(redis_url):
    from conftest import make_config

    from service import create_app

    return create_app(make_config(redis_url)).extensions["ntrk"]


def test_interpret_agrees_with_a_scan_of_every_word(line):
    rng = random.Random(5)
    for code in line.catalogs.codes:
        words = line.keywords.words(code)
        meaning = {word: line.keywords.interpret(word, code) for word in words}
        for text in messages(words, rng):
            assert line.keywords.interpret(text, code) == scan(meaning, text), (code, text)


def test_normalize_takes_the_same_path_for_plain_ascii():
    assert normalize("  Side-Effects?? ") == "side effects"
    assert normalize("MORE_please") == "more please"
    assert normalize("Ça va") == "ca va"
