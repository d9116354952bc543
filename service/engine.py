"""The conversation engine: state + intent -> new state + outputs.

Pure: it knows nothing of Flask, Redis or Twilio. Channels turn the outputs into
an SMS body or spoken TwiML.
"""

from dataclasses import dataclass, replace

from .flows import START_NODE

LANGUAGES = "languages"  # the position of a caller looking at the language list


@dataclass(frozen=True)
class State:
    """Where a caller is: language, node (menu, topic or language list), part of a topic."""

    lang: str
    node: str = START_NODE
    part: int = 0


@dataclass(frozen=True)
class Say:
    """One of the flow's strings (by key)."""

    key: str


@dataclass(frozen=True)
class ShowMenu:
    """The main menu; numbered unless the language list uses the numbers too."""

    numbered: bool = True


@dataclass(frozen=True)
class ShowLanguages:
    """The list of offered languages, each in its own name."""


@dataclass(frozen=True)
class ShowPart:
    """Part `index` of a topic."""

    topic: str
    index: int


class Engine:
    """Moves a caller through one flow."""

    def __init__(self, flow, language_codes):
        self.flow = flow
        self.languages = list(language_codes)

    def welcome(self, lang, intent):
        """The first contact: who we are, the languages unless one was named, and the topics."""
        if intent.kind == "language":
            return State(intent.value), [Say("welcome"), ShowMenu()]
        return State(lang, LANGUAGES), [Say("welcome"), ShowLanguages(), ShowMenu(numbered=False)]

    def step(self, state, intent):
        """The caller's next state and what to tell them."""
        if intent.kind == "language":
            return self._choose_language(state, intent.value)
        if intent.kind == "topic":
            return self._show_part(state, intent.value, 0)
        if intent.kind == "number":
            return self._number(state, intent.value)
        if intent.kind == "command":
            return getattr(self, f"_{intent.value}")(state)
        return self._not_understood(state)

    def is_valid(self, state):
        """Whether a stored state still fits this flow (a deploy may have changed it)."""
        if state.lang not in self.languages:
            return False
        if state.node in (START_NODE, LANGUAGES):
            return True
        topic = self.flow.nodes.get(state.node)
        return topic is not None and 0 <= state.part < len(getattr(topic, "parts", ()))

    def current(self, state):
        """What the caller is looking at, shown again."""
        if state.node == LANGUAGES:
            return [ShowLanguages()]
        if state.node == START_NODE:
            return [ShowMenu()]
        return [ShowPart(state.node, state.part)]

    def _choose_language(self, state, code):
        return replace(state, lang=code, node=START_NODE, part=0), [Say("language_set"),
                                                                    ShowMenu()]

    def _show_part(self, state, topic, index):
        return replace(state, node=topic, part=index), [ShowPart(topic, index)]

    def _number(self, state, number):
        if state.node == LANGUAGES:
            if 1 <= number <= len(self.languages):
                return self._choose_language(state, self.languages[number - 1])
        else:
            options = self.flow.main_menu.options
            if 1 <= number <= len(options):
                return self._show_part(state, options[number - 1], 0)
        return self._not_understood(state)

    def _not_understood(self, state):
        if state.node == LANGUAGES:
            return state, [Say("not_understood"), ShowLanguages(), ShowMenu(numbered=False)]
        return replace(state, node=START_NODE, part=0), [Say("not_understood"), ShowMenu()]

    def _menu(self, state):
        return replace(state, node=START_NODE, part=0), [ShowMenu()]

    def _more(self, state):
        if state.node in (START_NODE, LANGUAGES):
            return self._menu(state)
        if state.part + 1 >= len(self.flow.nodes[state.node].parts):
            return self._menu(state)
        return self._show_part(state, state.node, state.part + 1)

    def _back(self, state):
        if state.node not in (START_NODE, LANGUAGES) and state.part > 0:
            return self._show_part(state, state.node, state.part - 1)
        return self._menu(state)

    def _lang(self, state):
        return replace(state, node=LANGUAGES, part=0), [ShowLanguages()]

    def _repeat(self, state):
        return state, self.current(state)

    def _help(self, state):
        return state, [Say("help")]

