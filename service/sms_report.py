"""Every SMS reply the line can send, per language, with its encoding and segment count.

Run `python -m service.sms_report` (or `make check-translations`, which prints it).
Segments are what each message costs; a body over 1600 characters is refused by Twilio.
"""

import argparse
import sys

from .config import DEFAULTS
from .engine import LANGUAGES, Say, State
from .keywords import UNKNOWN, Intent
from .line import build_line
from .sessions import Caller
from .sms import converse
from .sms_segments import MAX_BODY, segments
from .sms_text import SmsRenderer
from .text_me import topic_texts

TEXT_ME = "text me this"  # voice key 7: the whole topic by text message


def load_line(locales_dir=DEFAULTS["LOCALES_DIR"], flows_dir=DEFAULTS["FLOWS_DIR"]):
    """The line as the web app builds it; its Redis client is never used here."""
    return build_line({**DEFAULTS, "LOCALES_DIR": str(locales_dir), "FLOWS_DIR": str(flows_dir),
                       "SECRET_KEY": "sms-report"})


def topic_parts(line):
    """(topic, index) of every topic part, in main-menu order."""
    for topic_id in line.flow.main_menu.options:
        for index in range(len(line.flow.nodes[topic_id].parts)):
            yield topic_id, index


def part_name(line, topic_id, index):
    return f"{topic_id} {index + 1}/{len(line.flow.nodes[topic_id].parts)}"


def replies(line, lang):
    """Every kind of reply in `lang` as (name, engine outputs); the topic parts come last."""
    engine, here = line.engine, State(lang)
    on_list = State(lang, LANGUAGES)
    yield "first contact", engine.welcome(lang, UNKNOWN)[1]
    yield "first contact naming the language", engine.welcome(lang, Intent("language", lang))[1]
    yield "language chosen", engine.step(on_list, Intent("language", lang))[1]
    yield "language list", engine.step(here, Intent("command", "lang"))[1]
    yield "not understood, language list", engine.step(on_list, UNKNOWN)[1]
    yield "menu", engine.step(here, Intent("command", "menu"))[1]
    yield "not understood, menu", engine.step(here, UNKNOWN)[1]
    yield "help", converse(line, Caller(lang), here, "HELP")[2]
    yield "opted out", converse(line, Caller(lang), here, "STOP")[2]
    yield "opted in, menu", converse(line, Caller(lang, opted_out=True), here, "START")[2]
    yield "error", [Say("sorry_error")]
    for topic_id, index in topic_parts(line):
        yield part_name(line, topic_id, index), engine.current(State(lang, topic_id, index))


def opt_in_replies(line, lang):
    """START wherever the caller was: the confirmation plus what they were looking at."""
    states = [State(lang, LANGUAGES)]
    states += [State(lang, topic_id, index) for topic_id, index in topic_parts(line)]
    for state in states:
        yield (f"opted in, {state.node} {state.part + 1}",
               converse(line, Caller(lang, opted_out=True), state, "START")[2])


def rendered(line, lang, every=False):
    """(name, body) of every SMS the line sends in `lang`: the replies, then the texts of
    "text me this" for each topic; `every` adds START at every position."""
    renderer = SmsRenderer(line)
    kinds = list(replies(line, lang))
    if every:
        kinds += opt_in_replies(line, lang)
    bodies = [(name, renderer.render(lang, outputs)) for name, outputs in kinds]
    for topic_id in line.flow.main_menu.options:
        texts = topic_texts(line.catalogs, line.flow.nodes[topic_id], lang)
        bodies += [(f"{TEXT_ME}: {topic_id} {number}/{len(texts)}", body)
                   for number, body in enumerate(texts, start=1)]
    return bodies


def language_report(line, lang):
    """The report lines for one language, and its segments to read every topic by replies
    and by "text me this"."""
    parts = {part_name(line, topic_id, index) for topic_id, index in topic_parts(line)}
    out = [f"{lang} ({line.catalogs.text(lang, line.flow.strings['language_name'])})",
           f"  {'SMS':<36}{'chars':>6}  {'encoding':<8}{'segments':>9}"]
    by_replies = by_text_me = 0
    for name, body in rendered(line, lang):
        cost = segments(body)
        flag = "  OVER 1600 CHARACTERS" if len(body) > MAX_BODY else ""
        out.append(f"  {name:<36}{len(body):>6}  {cost.encoding:<8}{cost.count:>9}{flag}")
        if name in parts:
            by_replies += cost.count
        elif name.startswith(TEXT_ME):
            by_text_me += cost.count
    out.append(f"  all topics: {len(parts)} replies, {by_replies} segments; "
               f"by {TEXT_ME}: {by_text_me} segments")
    return out, (by_replies, by_text_me)


def report(line, codes):
    """The full report text and whether every SMS fits in one Twilio body."""
    lines, totals = [], {}
    for code in codes:
        block, totals[code] = language_report(line, code)
        lines += [*block, ""]
    lines.append(f"Segments to read all topics:  {'by replies':>10}  {'by ' + TEXT_ME:>16}")
    lines += [f"  {code:<28}{replies_total:>10}  {text_me_total:>16}"
              for code, (replies_total, text_me_total) in totals.items()]
    fits = all(len(body) <= MAX_BODY for code in codes for _, body in rendered(line, code, True))
    return "\n".join(lines), fits


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("codes", nargs="*", help="language codes (default: every offered one)")
    parser.add_argument("--locales", default=DEFAULTS["LOCALES_DIR"])
    args = parser.parse_args(argv)
    line = load_line(args.locales)
    if unknown := set(args.codes) - set(line.catalogs.codes):
        parser.error(f"not offered: {', '.join(sorted(unknown))}")
    text, fits = report(line, args.codes or line.catalogs.codes)
    print(text)
    if not fits:
        print(f"Some replies are longer than {MAX_BODY} characters: Twilio refuses them.")
    return 0 if fits else 1


if __name__ == "__main__":
    sys.exit(main())
