"""Render a call's outputs as TwiML: each turn one <Gather> for keys and speech, each text in the
voice of its own language, or played from recorded audio where Twilio has no voice for it."""

from functools import lru_cache

from babel import Locale
from twilio.twiml.voice_response import VoiceResponse

from .calls import Hangup, ShowKeys
from .engine import LANGUAGES, Say, ShowLanguages, ShowMenu, ShowPart

SLOW_RATE = "slow"  # SSML prosody rate for "8: slower speech"; Polly and Google voices know it
# With more than nine languages their keys have two digits, and Twilio waits this long for the
# second one; longer would leave a caller who pressed 2 for Spanish in silence.
SECOND_DIGIT_SECONDS = 3
# Distinct turns are languages x menus x outputs x speeds: a few thousand at most.
MAX_CACHED_TURNS = 8192


class VoiceRenderer:
    """Speaks menus as "press 2" lists and topics as their spoken scripts, then the keys."""

    def __init__(self, line, settings):
        self.line = line
        self.flow = line.flow
        self.catalogs = line.catalogs
        self.source = self.catalogs.languages[self.catalogs.source]
        self.timeout = settings["VOICE_TIMEOUT_SECONDS"]
        self.speech_timeout = settings["VOICE_SPEECH_TIMEOUT_SECONDS"]
        # A turn's TwiML depends only on these arguments while the line lives: build it once.
        self._turn = lru_cache(maxsize=MAX_CACHED_TURNS)(self._render_turn)

    def render(self, call, outputs, action):
        """The TwiML text: the outputs inside a <Gather> that posts to `action`, or followed by
        <Hangup>."""
        state = call.state
        return self._turn(state.lang, state.node == LANGUAGES, call.slow, tuple(outputs), action)

    def _render_turn(self, lang, on_language_menu, slow, outputs, action):
        response = VoiceResponse()
        if outputs[-1:] == (Hangup(),):
            for output in outputs[:-1]:
                self._output(response, lang, slow, output)
            response.hangup()
        else:
            gather = self._gather(response, lang, on_language_menu, action)
            for output in outputs:
                self._output(gather, lang, slow, output)
        return str(response)

    def _output(self, target, lang, slow, output):
        if isinstance(output, Say):
            for key in self._say_keys(lang, output.key):
                self._speak(target, lang, self.flow.voice.get(key) or self.flow.strings[key], slow)
        elif isinstance(output, ShowLanguages):
            for number, code in enumerate(self.catalogs.codes, start=1):
                self._speak(target, code, self.flow.voice["language_option"], slow,
                            own_words=True, key=number)
        elif isinstance(output, ShowMenu):
            self._speak(target, lang, self.flow.voice["main_menu"], slow)
            for number, option in enumerate(self.flow.main_menu.options, start=1):
                self._speak(target, lang, self.flow.nodes[option].voice_option, slow, key=number)
            self._speak(target, lang, self.flow.voice["menu_keys"], slow)
        elif isinstance(output, ShowPart):
            topic = self.flow.nodes[output.topic]
            self._speak(target, lang, topic.parts[output.index].voice, slow)
            self._keys(target, lang, topic, output.index, slow)
        elif isinstance(output, ShowKeys):
            self._keys(target, lang, self.flow.nodes[output.topic], output.index, slow)
        else:
            raise TypeError(f"no voice rendering for {output!r}")

    def _keys(self, target, lang, topic, index, slow):
        last = index + 1 == len(topic.parts)
        self._speak(target, lang, self.flow.voice["last_part_keys" if last else "part_keys"], slow)

    def _say_keys(self, lang, key):
        """A language nobody can hear is announced as such, in the source language."""
        language = self.catalogs.languages[lang]
        if language.voice or language.audio_url or key not in ("greeting", "language_set"):
            return [key]
        return ["greeting", "no_voice"] if key == "greeting" else ["no_voice"]

    def _speak(self, target, code, text, slow, own_words=False, **values):
        """Say the text in the language's voice, or play its recording, or else say the source
        text in the source voice (`own_words`: the language's own text, e.g. its name)."""
        language = self.catalogs.languages[code]
        if not language.voice and language.audio_url:
            target.play(f"{language.audio_url.rstrip('/')}/{text.context}.mp3")
            return
        words = self.catalogs.text(code, text) if language.voice or own_words else text.text
        if not language.voice:
            language = self.source
        words = words.format(**values) if values else words
        if slow:
            target.say(voice=language.voice, language=language.say_language).prosody(
                words, rate=SLOW_RATE)
        else:
            target.say(words, voice=language.voice, language=language.say_language)

    def _gather(self, response, lang, on_language_menu, action):
        language = self.catalogs.languages[lang]
        digits = len(str(len(self.catalogs.codes))) if on_language_menu else 1
        options = {"action": action, "method": "POST", "num_digits": digits,
                   "finish_on_key": "",  # "#" is a key here (change language), not "done"
                   "timeout": SECOND_DIGIT_SECONDS if digits > 1 else self.timeout,
                   "action_on_empty_result": True}
        if language.speech_language:
            options.update(input="dtmf speech", language=language.speech_language,
                           hints=self._hints(lang, on_language_menu),
                           speech_timeout=self.speech_timeout)
        else:
            options["input"] = "dtmf"  # no recogniser for this language: keypad only
        return response.gather(**options)

    def _hints(self, lang, on_language_menu):
        """The words this menu understands, to help the recogniser."""
        codes = self.catalogs.codes
        if on_language_menu:
            words = [self.catalogs.text(code, self.flow.strings["language_name"]) for code in codes]
            words += [Locale.parse(code).get_language_name("en") for code in codes]
        else:
            texts = [topic.keywords for topic in self.flow.topics]
            texts += [command.words for command in self.flow.commands.values()]
            words = [word for text in texts for word in self.catalogs.words(lang, text)]
        return ", ".join(dict.fromkeys(words))
