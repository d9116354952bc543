"""Every SMS reply in every language fits one Twilio body, and what each one costs in segments."""

import shutil
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from service.sms_report import load_line, main, part_name, rendered, topic_parts
from service.sms_segments import GSM7, MAX_BODY, UCS2, Segments, segments

LOCALES = Path(__file__).resolve().parent.parent / "locales"
LINE = load_line()


@pytest.mark.parametrize(("text", "expected"), [
    ("", Segments(GSM7, 0, 0)),
    ("a" * 160, Segments(GSM7, 160, 1)),
    ("a" * 161, Segments(GSM7, 161, 2)),
    ("a" * 306, Segments(GSM7, 306, 2)),
    ("a" * 307, Segments(GSM7, 307, 3)),
    ("Café señor", Segments(GSM7, 10, 1)),  # é and ñ are GSM-7
    ("é" * 160, Segments(GSM7, 160, 1)),
    ("á" + "a" * 69, Segments(UCS2, 70, 1)),  # Spanish á is not
    ("á" + "a" * 70, Segments(UCS2, 71, 2)),
    ("á" * 134, Segments(UCS2, 134, 2)),
    ("á" * 135, Segments(UCS2, 135, 3)),
    ("€" * 80, Segments(GSM7, 160, 1)),  # extension table: two septets each
    ("[" + "a" * 159, Segments(GSM7, 161, 2)),
    ("a" * 152 + "]" + "a" * 152, Segments(GSM7, 306, 3)),  # "]" is not split across parts
    ("Tiếng Việt", Segments(UCS2, 10, 1)),
    ("中文" * 35, Segments(UCS2, 70, 1)),
    ("中文" * 36, Segments(UCS2, 72, 2)),
    ("😀" * 35, Segments(UCS2, 70, 1)),  # two UTF-16 units each
    ("a" * 66 + "😀" + "á" * 67, Segments(UCS2, 135, 3)),  # a pair is not split
    ("العربية", Segments(UCS2, 7, 1)),
    ("Русский", Segments(UCS2, 7, 1)),
])
def test_segments_as_twilio_counts_them(text, expected):
    assert segments(text) == expected


@pytest.mark.parametrize("code", LINE.catalogs.codes)
def test_every_reply_fits_in_one_twilio_body(code):
    too_long = {name: len(body) for name, body in rendered(LINE, code, every=True)
                if len(body) > MAX_BODY}
    assert too_long == {}


def test_every_reply_kind_is_rendered_in_every_language():
    names = [name for name, _ in rendered(LINE, "en", every=True)]
    assert names[:11] == ["first contact", "first contact naming the language",
                          "language chosen", "language list", "not understood, language list",
                          "menu", "not understood, menu", "help", "opted out", "opted in, menu",
                          "error"]
    parts = sum(len(topic.parts) for topic in LINE.flow.topics)
    texts = [name for name in names if name.startswith("text me this: ")]
    assert len(names) == 11 + parts + 1 + parts + len(texts)  # START at the list and each part
    assert [name.split()[3] for name in texts if name.endswith(" 1/1")] == \
        list(LINE.flow.main_menu.options)
    bodies = dict(rendered(LINE, "en"))
    assert bodies["help"].endswith("ccalliance.org/ctf")
    assert bodies["opted in, menu"].startswith("Texts from the NTRK Info Line are on again.")
    assert "(2 of 5)" in bodies["about 2/5"] and "Reply MORE" in bodies["about 2/5"]
    assert bodies["text me this: about 1/1"].startswith("What an NTRK fusion is\n\nAn NTRK")


def test_the_report_shows_encoding_segments_and_the_totals_per_language(capsys):
    assert main(["en", "es"]) == 0
    out = capsys.readouterr().out.splitlines()
    for code in ("en", "es"):
        bodies = dict(rendered(LINE, code))
        cost = segments(bodies["about 1/5"])
        block = out[out.index(next(line for line in out if line.startswith(f"{code} ("))):]
        assert f"  {'about 1/5':<36}{len(bodies['about 1/5']):>6}  {cost.encoding:<8}" \
               f"{cost.count:>9}" in block
        by_replies = sum(segments(bodies[part_name(LINE, topic_id, index)]).count
                         for topic_id, index in topic_parts(LINE))
        by_text = sum(segments(body).count for name, body in bodies.items()
                      if name.startswith("text me this: "))
        assert f"  all topics: 24 replies, {by_replies} segments; by text me this: {by_text} " \
               "segments" in block
        assert f"  {code:<28}{by_replies:>10}  {by_text:>16}" in out


def test_an_overlong_translation_is_caught(tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales)
    catalogs = locales / "es" / "LC_MESSAGES"
    with (catalogs / "messages.po").open("rb") as file:
        catalog = read_po(file)
    catalog.get("Sorry, I did not understand that.", context="string.not_understood").string = (
        "Perdón. " * 200)
    with (catalogs / "messages.mo").open("wb") as file:
        write_mo(file, catalog)
    line = load_line(locales)
    too_long = [name for name, body in rendered(line, "es", every=True) if len(body) > MAX_BODY]
    assert too_long == ["not understood, language list", "not understood, menu"]
    assert main(["--locales", str(locales), "es"]) == 1
