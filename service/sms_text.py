"""Render engine outputs as the text of one SMS reply, in the caller's language."""

from functools import lru_cache

from .engine import Say, ShowLanguages, ShowMenu, ShowPart

# Distinct replies are languages x outputs: hundreds. The bound only caps memory.
MAX_CACHED_REPLIES = 4096


class SmsRenderer:
    """Writes menus as "Reply 2" lists and topics with a MORE / MENU footer."""

    def __init__(self, line):
        self.line = line
        self.flow = line.flow
        self.catalogs = line.catalogs
        self.show_resources = line.show_resources
        # A reply depends only on language and outputs while the line lives: render it once.
        self._render_once = lru_cache(maxsize=MAX_CACHED_REPLIES)(self._render)

    def render(self, lang, outputs):
        return self._render_once(lang, tuple(outputs))

    def _render(self, lang, outputs):
        return "\n\n".join(self._block(lang, output) for output in outputs)

    def string(self, code, key, /, **values):
        return self.catalogs.text(code, self.flow.strings[key]).format(**values)

    def word(self, lang, command):
        """The word shown for a command, e.g. MORE or MÁS."""
        words = self.catalogs.words(lang, self.flow.commands[command].words)
        return words[0].upper() if words else self.flow.commands[command].keyword

    def topic_word(self, lang, topic):
        words = self.catalogs.words(lang, topic.keywords)
        return words[0].upper() if words else topic.keyword

    def _block(self, lang, output):
        if isinstance(output, Say):
            return self._say(lang, output.key)
        if isinstance(output, ShowLanguages):
            return self._languages(lang)
        if isinstance(output, ShowMenu):
            return self._menu(lang, output.numbered)
        if isinstance(output, ShowPart):
            return self._part(lang, output.topic, output.index)
        raise TypeError(f"no SMS rendering for {output!r}")

    def _say(self, lang, key):
        if key != "help":
            return self.string(lang, key)
        text = self.string(lang, "help", menu=self.word(lang, "menu"), lang=self.word(lang, "lang"))
        if self.show_resources:
            text += "".join(f"\n{self.catalogs.text(lang, r)}" for r in self.flow.resources)
        return text

    def _languages(self, lang):
        names = (self.catalogs.text(code, self.flow.strings["language_name"])
                 for code in self.catalogs.codes)
        lines = [f"{number} {name}" for number, name in enumerate(names, start=1)]
        return "\n".join([self.string(lang, "choose_language"), *lines])

    def _menu(self, lang, numbered):
        topics = [self.flow.nodes[option] for option in self.flow.main_menu.options]
        if numbered:
            lines = [self.string(lang, "menu_intro")]
            lines += [f"{number} {self.catalogs.text(lang, topic.title)} "
                      f"({self.topic_word(lang, topic)})"
                      for number, topic in enumerate(topics, start=1)]
        else:
            lines = [self.string(lang, "menu_words")]
            lines += [f"{self.topic_word(lang, topic)}: {self.catalogs.text(lang, topic.title)}"
                      for topic in topics]
        lines.append(self.string(lang, "menu_footer", lang=self.word(lang, "lang"),
                                 help=self.word(lang, "help")))
        return "\n".join(lines)

    def _part(self, lang, topic_id, index):
        topic = self.flow.nodes[topic_id]
        text = self.catalogs.text(lang, topic.parts[index].sms)
        counter = self.string(lang, "part_counter", part=index + 1, total=len(topic.parts))
        if index + 1 < len(topic.parts):
            footer = self.string(lang, "more_footer", more=self.word(lang, "more"),
                                 menu=self.word(lang, "menu"))
        else:
            footer = self.string(lang, "last_footer", menu=self.word(lang, "menu"))
        return f"{text}\n{counter} {footer}"
