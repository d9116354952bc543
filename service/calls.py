"""A phone call through the flow: keys and speech in, the engine's outputs and the voice ones out.

Pure like the engine: the voice webhook loads and saves the Call, sends TextMe to the worker
and renders the outputs as TwiML.
"""

from dataclasses import dataclass, replace

from .engine import LANGUAGES, Say, ShowLanguages, ShowMenu, State
from .flows import START_NODE, FlowError
from .keywords import Intent

# The same keys in every menu and language (flows/menu.yaml `voice:` tells callers so).
TOPIC_KEYS = 5  # 1-5 pick a topic
COMMAND_KEYS = {"6": "more", "9": "repeat", "0": "menu", "*": "back", "#": "lang"}
TEXT_ME_KEY = "7"
SLOWER_KEY = "8"
HELP = Intent("command", "help")


@dataclass(frozen=True)
class Call:
    """One call: where the caller is, whether speech is slower, misses in a row, topics texted."""

    state: State
    slow: bool = False
    misses: int = 0
    texted: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShowKeys:
    """What the caller can press after part `index` of a topic (without the part again)."""

    topic: str
    index: int


@dataclass(frozen=True)
class TextMe:
    """The caller asked for this topic by text message."""

    topic: str


@dataclass(frozen=True)
class Hangup:
    """End the call."""


class CallFlow:
    """Turns one key press, phrase or silence into the call's next step."""

    def __init__(self, engine, keywords, max_misses, min_confidence):
        if len(engine.flow.main_menu.options) > TOPIC_KEYS:
            raise FlowError(f"the phone menu has keys for {TOPIC_KEYS} topics, the main menu "
                            f"offers {len(engine.flow.main_menu.options)}")
        self.engine = engine
        self.keywords = keywords
        self.max_misses = max_misses
        self.min_confidence = min_confidence

    def start(self, lang, source):
        """A new call: straight to the main menu in a known language, else the language menu."""
        if lang:
            return Call(State(lang)), [Say("greeting"), ShowMenu()]
        return Call(State(source, LANGUAGES)), [Say("greeting"), ShowLanguages()]

    def answer(self, call, digits=None, speech=None, confidence=None):
        """The call after a <Gather>: digits, speech with its confidence, or neither (silence)."""
        if digits:
            return self._key(call, digits)
        if speech:
            if confidence is not None and confidence < self.min_confidence:
                return self._miss(call, silent=False)
            intent = self.keywords.interpret(speech, call.state.lang)
            if intent.kind == "number":  # "six" works like the key 6
                return self._key(call, str(intent.value))
            return self._intent(call, intent)
        return self._miss(call, silent=True)

    def _key(self, call, key):
        node = call.state.node
        in_topic = node not in (START_NODE, LANGUAGES)
        if node == LANGUAGES and key.isdigit() and key != "0":
            return self._intent(call, Intent("number", int(key)))
        if key in COMMAND_KEYS:
            return self._intent(call, Intent("command", COMMAND_KEYS[key]))
        if key == SLOWER_KEY:
            return replace(call, slow=True, misses=0), [Say("slower_on"),
                                                        *self.engine.current(call.state)]
        if key == TEXT_ME_KEY and in_topic:
            return replace(call, misses=0), [TextMe(node), ShowKeys(node, call.state.part)]
        if key.isdigit() and 1 <= int(key) <= TOPIC_KEYS:
            return self._intent(call, Intent("number", int(key)))
        return self._miss(call, silent=False)

    def _intent(self, call, intent):
        if intent == HELP:  # the SMS help text is about texting: say the keys instead
            return replace(call, misses=0), [Say("menu_keys"), *self._prompt(call.state)]
        state, outputs = self.engine.step(call.state, intent)
        if outputs[:1] == [Say("not_understood")]:
            return self._miss(call, silent=False)
        return replace(call, state=state, misses=0), outputs

    def _miss(self, call, silent):
        """Re-prompt; after a few misses offer the main menu; after more, say goodbye."""
        misses = call.misses + 1
        call = replace(call, misses=misses)
        limit = self.max_misses if silent else 2 * self.max_misses
        if misses >= limit:
            return call, [Say("goodbye"), Hangup()]
        sorry = Say("no_input" if silent else "not_understood")
        if misses >= self.max_misses and call.state.node != START_NODE:
            return replace(call, state=State(call.state.lang)), [sorry, ShowMenu()]
        return call, [sorry, *self._prompt(call.state)]

    def _prompt(self, state):
        if state.node in (START_NODE, LANGUAGES):
            return self.engine.current(state)
        return [ShowKeys(state.node, state.part)]
