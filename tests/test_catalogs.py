"""The translation gate: every shipped catalog is complete, faithful in what must not change,
and fits the line (keywords, language menu, voices). Each check is also shown catching a
deliberately broken copy of a catalog."""

import re
import shutil
import string
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from service.engine import ShowLanguages
from service.flows import load_flow
from service.keywords import Intent, normalize
from service.sms_report import load_line
from service.sms_text import SmsRenderer

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
FLOW = load_flow(ROOT / "flows")
GATE = ROOT / "scripts" / "check_catalogs.py"

# Written in Latin letters in every language: what a patient sees on a US report or pill
# bottle, and the words the phone network and emergency services understand.
LATIN_TERMS = ("NTRK", "NGS", "IHC", "FISH", "RT-PCR", "CLIA", "MSI-H", "KRAS", "NRAS", "BRAF",
               "larotrectinib", "entrectinib", "repotrectinib", "Vitrakvi", "Rozlytrek",
               "Augtyro", "STOP", "START", "911")
# Kept exactly as they are (flows/resources.yaml): the organisation, its number, its address.
KEPT_AS_IS = ("Colorectal Cancer Alliance", "(877) 422-2030", "ccalliance.org/ctf")
# A spoken text may write the number out as the voice should say it ("nueve uno uno").
SPOKEN_AS_WORDS = {"911"}
RLM = "\u200f"
# Twilio voices and speech languages, from the shared Twilio notes (data, so that adding a
# language stays a data change).
TWILIO = yaml.safe_load((Path(__file__).resolve().parent / "twilio_voices.yaml")
                        .read_text(encoding="utf-8"))


def read_config(locales_dir=LOCALES):
    return yaml.safe_load((Path(locales_dir) / "languages.yaml").read_text(encoding="utf-8"))


def po_path(locales_dir, code):
    return Path(locales_dir) / code / "LC_MESSAGES" / "messages.po"


def shipped(locales_dir=LOCALES):
    """Codes offered with a catalog, in language-menu order."""
    config = read_config(locales_dir)
    return [entry["code"] for entry in config["languages"]
            if entry["code"] != config["source"] and po_path(locales_dir, entry["code"]).exists()]


SHIPPED = shipped()
CONFIG = read_config()
OFFERED = [CONFIG["source"], *SHIPPED]
LINE = load_line()


def translations(locales_dir, code):
    """context -> (English, translation) for every translated, non-fuzzy message."""
    with po_path(locales_dir, code).open("rb") as file:
        catalog = read_po(file)
    return {message.context: (message.id, message.string) for message in catalog
            if message.id and message.string and not message.fuzzy}


def texts(locales_dir, code):
    """context -> text as the line shows it: the translation, else the English."""
    english = {text.context: text.text for text in FLOW.texts()}
    if code == CONFIG["source"]:
        return english
    return english | {context: target
                      for context, (_, target) in translations(locales_dir, code).items()}


def is_spoken(context):
    return context.startswith("voice.") or context.endswith((".voice", ".voice_option"))


def is_word_list(context):
    return (context.startswith("command.") or context.endswith(".keywords")
            or context == "string.language_words")


# --- the checks, each returning readable problems ------------------------------------------

def placeholder_problems(pairs):
    problems = []
    for context, (source, target) in pairs.items():
        try:
            found = sorted(name for _, name, _, _ in string.Formatter().parse(target) if name)
        except ValueError as error:
            problems.append(f"{context}: {error} in {target!r}")
            continue
        wanted = sorted(name for _, name, _, _ in string.Formatter().parse(source) if name)
        if found != wanted:
            problems.append(f"{context}: placeholders {found} instead of {wanted}")
    return problems


def latin_term_problems(pairs):
    """Terms of the English that the translation lost (a drug name may start a sentence)."""
    problems = []
    for context, (source, target) in pairs.items():
        for term in LATIN_TERMS + KEPT_AS_IS:
            if term in SPOKEN_AS_WORDS and is_spoken(context):
                continue
            shown = target.lower() if term.islower() else target
            if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", source) and term not in shown:
                problems.append(f"{context}: {term} is missing")
    return problems


_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-./][A-Za-z0-9]+)*")
_PLACEHOLDER = re.compile(r"\{\w*\}")
# A web address is left bare: a mark glued to it can end up inside the link on some phones.
_WEB_ADDRESS = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[A-Za-z0-9./-]*)?")


def rtl_problems(pairs):
    """Latin runs, in SMS text, directly before punctuation, a digit or a line end, without a
    RIGHT-TO-LEFT MARK after them: an SMS app would show them out of order."""
    problems = []
    for context, (_, target) in pairs.items():
        if is_spoken(context) or is_word_list(context):
            continue
        # A placeholder is filled with a word of the language: stand a right-to-left letter in.
        shown = _PLACEHOLDER.sub("\u0645", target)
        for run in _LATIN_RUN.finditer(shown):
            after = shown[run.end():run.end() + 1]
            if after == RLM or _WEB_ADDRESS.fullmatch(run.group()):
                continue
            if (not after or after == "\n" or unicodedata.category(after).startswith("P")
                    or unicodedata.category(after) == "Nd"):
                problems.append(f"{context}: no U+200F after {run.group()!r} "
                                f"(followed by {after or 'the end'!r})")
    return problems


def keyword_problems(locales_dir, code, codes):
    """A word that means two things in one language, or shadowed by a language's name."""
    meanings = {}

    def add(words, meaning, where):
        for word in words:
            if key := normalize(word):
                meanings.setdefault(key, {}).setdefault(meaning, where)

    for language in dict.fromkeys([CONFIG["source"], code]):
        shown = texts(locales_dir, language)
        for topic in FLOW.topics:
            add(shown[topic.keywords.context].split(","), ("topic", topic.id),
                f"{language} {topic.keywords.context}")
        for command in FLOW.commands.values():
            add(shown[command.words.context].split(","), ("command", command.id),
                f"{language} {command.words.context}")
    for item in [*FLOW.topics, *FLOW.commands.values()]:
        kind = "topic" if item in FLOW.topics else "command"
        add([item.keyword], (kind, item.id), f"keyword {item.keyword}")
    names = {}
    for language in codes:
        shown = texts(locales_dir, language)
        for word in [shown["string.language_name"], *shown["string.language_words"].split(","),
                     Locale.parse(language).get_language_name("en")]:
            if key := normalize(word):
                names.setdefault(key, set()).add(language)
    problems = [f"{word!r} is in two lists: {', '.join(sorted(found.values()))}"
                for word, found in meanings.items() if len(found) > 1]
    problems += [f"{word!r} is a number, which picks a menu item instead"
                 for word in meanings if word.isdigit()]
    problems += [f"{word!r} ({', '.join(sorted(found.values()))}) is also the name of "
                 f"{', '.join(sorted(names[word]))}, which wins" for word, found in meanings.items()
                 if word in names]
    problems += [f"language name {word!r} is used by {', '.join(sorted(found))}"
                 for word, found in names.items() if len(found) > 1 and code in found]
    return problems


_QUOTED = (re.compile(r'["“«「]\s*([^"”»」]+?)\s*["”»」]'), re.compile(r"'([^']+)'"))


def spoken_word_problems(keywords, code, options):
    """options: topic -> its voice menu option. The word it tells callers to say must be
    understood as that topic, or saying it leads nowhere."""
    problems = []
    for topic_id, option in options.items():
        words = _QUOTED[0].findall(option) or _QUOTED[1].findall(option)
        if not words:
            problems.append(f"{topic_id}.voice_option: no word in quotes for callers to say")
        for word in words:
            if (intent := keywords.interpret(word, code)) != Intent("topic", topic_id):
                problems.append(f"{topic_id}.voice_option: saying {word!r} means {intent.kind} "
                                f"{intent.value}, not the topic {topic_id}")
    return problems


def language_name_problems(names):
    """names: code -> the name shown in the language menu."""
    problems = [f"{code}: its name is empty" for code, name in names.items() if not name.strip()]
    problems += [f"{code}: its name is still 'English'" for code, name in names.items()
                 if name == "English" and code != CONFIG["source"]]
    shown = list(names.values())
    problems += [f"{code}: {name!r} is also another language's name"
                 for code, name in names.items() if shown.count(name) > 1]
    return problems


def voice_problems(entry):
    code, voice = entry["code"], entry.get("voice")
    say, speech = entry.get("say_language"), entry.get("speech_language")
    if code in TWILIO["none"] or voice is None:
        if code not in TWILIO["none"]:
            return [f"{code}: no voice, but not listed as voiceless in tests/twilio_voices.yaml"]
        if voice or say or speech:
            return [f"{code}: Twilio has no voice or recognizer for it; leave voice, "
                    "say_language and speech_language empty (keypad and recorded audio)"]
        return []
    language = Locale.parse(code).language
    for row in TWILIO["voices"]:
        if re.fullmatch(row["voice"], voice) and language in row["languages"]:
            problems = []
            if say != row["say_language"]:
                problems.append(f"{code}: {voice} speaks {row['say_language']}, not {say}")
            if speech not in row["speech"]:
                problems.append(f"{code}: speech_language {speech!r} is not one of "
                                f"{sorted(row['speech'])}")
            return problems
    return [f"{code}: {voice} is not a Twilio voice for {language} (tests/twilio_voices.yaml)"]


def unlisted_catalogs(locales_dir):
    listed = {entry["code"] for entry in read_config(locales_dir)["languages"]}
    return [f"{path.parent.parent.name}: has a catalog but no entry in languages.yaml; add one "
            "(code, voice, say_language, speech_language) or the language is never offered"
            for path in sorted(Path(locales_dir).glob("*/LC_MESSAGES/messages.po"))
            if path.parent.parent.name not in listed]


def listed(problems):
    """Every problem on its own line, for a failure message a translator can read."""
    return "\n".join(["", *problems])


def run_gate(locales_dir, *codes):
    return subprocess.run([sys.executable, str(GATE), "--locales", str(locales_dir), *codes],
                          capture_output=True, text=True)


# --- the shipped catalogs --------------------------------------------------------------------

@pytest.mark.parametrize("code", SHIPPED)
def test_msgfmt_pofilter_coverage_and_review_header(code):
    result = run_gate(LOCALES, code)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("code", SHIPPED)
def test_placeholders_are_the_same_as_in_english(code):
    problems = placeholder_problems(translations(LOCALES, code))
    assert not problems, listed(problems)


@pytest.mark.parametrize("code", SHIPPED)
def test_latin_terms_are_kept(code):
    problems = latin_term_problems(translations(LOCALES, code))
    assert not problems, listed(problems)


@pytest.mark.parametrize("code", [c for c in SHIPPED
                                  if Locale.parse(c).character_order == "right-to-left"])
def test_latin_runs_in_right_to_left_sms_are_closed_with_a_mark(code):
    problems = rtl_problems(translations(LOCALES, code))
    assert not problems, listed(problems)


@pytest.mark.parametrize("code", OFFERED)
def test_keywords_mean_one_thing_in_each_language(code):
    problems = keyword_problems(LOCALES, code, OFFERED)
    assert not problems, listed(problems)


@pytest.mark.parametrize("code", [entry["code"] for entry in CONFIG["languages"]
                                  if entry.get("speech_language") and entry["code"] in OFFERED])
def test_the_word_each_voice_option_asks_for_is_understood(code):
    shown = texts(LOCALES, code)
    options = {topic.id: shown[topic.voice_option.context] for topic in FLOW.topics}
    problems = spoken_word_problems(LINE.keywords, code, options)
    assert not problems, listed(problems)


def test_a_voice_option_asking_for_a_word_of_another_topic_or_none_fails():
    options = {"side": 'Para los efectos secundarios, diga "tratamiento" u oprima {key}.',
               "ask": 'Para preguntas, diga "molestias" u oprima {key}.',
               "test": "Para las pruebas, oprima {key}."}
    assert spoken_word_problems(LINE.keywords, "es", options) == [
        "side.voice_option: saying 'tratamiento' means topic treat, not the topic side",
        "ask.voice_option: saying 'molestias' means unknown None, not the topic ask",
        "test.voice_option: no word in quotes for callers to say"]
    korean = {"treat": "치료 방법에 대해 들으시려면 '치료'라고 말씀하시거나 {key}번을 누르세요."}
    assert spoken_word_problems(LINE.keywords, "ko", korean) == []


def test_language_menu_shows_each_catalogs_own_name(app):
    line = app.extensions["ntrk"]
    menu = SmsRenderer(line).render("en", [ShowLanguages()]).splitlines()[1:]
    names = {code: texts(LOCALES, code)["string.language_name"] for code in OFFERED}
    assert menu == [f"{number} {names[code]}" for number, code in enumerate(OFFERED, start=1)]
    assert line.catalogs.codes == OFFERED
    problems = language_name_problems(names)
    assert not problems, listed(problems)


@pytest.mark.parametrize("entry", CONFIG["languages"], ids=lambda entry: entry["code"])
def test_each_voice_is_a_twilio_voice_of_its_language(entry):
    problems = voice_problems(entry)
    assert not problems, listed(problems)


def test_haitian_creole_has_the_documented_keypad_fallback():
    entry = next(entry for entry in CONFIG["languages"] if entry["code"] == "ht")
    assert entry["voice"] is entry["say_language"] is entry["speech_language"] is None


def test_every_catalog_is_listed_in_languages_yaml():
    problems = unlisted_catalogs(LOCALES)
    assert not problems, listed(problems)


# --- the checks catch a broken copy -----------------------------------------------------------

@pytest.fixture
def broken(tmp_path):
    """A copy of locales/ whose Spanish catalog a test breaks with `edit`."""
    shutil.copytree(LOCALES, tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo"))
    return tmp_path / "locales"


def edit(locales_dir, code, old, new):
    path = po_path(locales_dir, code)
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def set_translation(locales_dir, code, context, target):
    """Replace one message's msgstr (whatever its line wrapping) with `target`."""
    path = po_path(locales_dir, code)
    quoted = '"' + target.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    pattern = re.compile(rf'(msgctxt "{re.escape(context)}"\nmsgid (?:".*"\n)+)msgstr (?:".*"\n)+')
    text, count = pattern.subn(lambda match: f"{match.group(1)}msgstr {quoted}\n",
                               path.read_text(encoding="utf-8"))
    assert count == 1, context
    path.write_text(text, encoding="utf-8")


def test_the_gate_passes_an_intact_copy(broken):
    result = run_gate(broken, "es")
    assert result.returncode == 0, result.stdout


def test_a_dropped_placeholder_fails(broken):
    set_translation(broken, "es", "string.more_footer", "Responda MÁS para ver más.")
    result = run_gate(broken, "es")
    assert result.returncode == 1
    assert "a format specification for argument 'menu' doesn't exist" in result.stdout  # msgfmt
    assert "string.more_footer: pofilter pythonbraceformat" in result.stdout
    assert placeholder_problems(translations(broken, "es")) == [
        "string.more_footer: placeholders [] instead of ['menu', 'more']"]


def test_a_translated_placeholder_or_stray_brace_fails(broken):
    set_translation(broken, "es", "string.part_counter", "({parte} de {total})")
    set_translation(broken, "es", "string.last_footer", "Fin. Responda {menu para el menú.")
    assert sorted(placeholder_problems(translations(broken, "es"))) == [
        "string.last_footer: expected '}' before end of string in 'Fin. Responda {menu para el "
        "menú.'",
        "string.part_counter: placeholders ['parte', 'total'] instead of ['part', 'total']"]


def test_a_fuzzy_entry_fails(broken):
    edit(broken, "es", 'msgctxt "string.welcome"', '#, fuzzy\nmsgctxt "string.welcome"')
    result = run_gate(broken, "es")
    assert result.returncode == 1
    assert "1 of 102 messages fuzzy: string.welcome" in result.stdout


def test_an_untranslated_entry_fails(broken):
    set_translation(broken, "es", "side.part3.sms", "")
    result = run_gate(broken, "es")
    assert result.returncode == 1
    assert "1 of 102 messages untranslated: side.part3.sms" in result.stdout


def test_an_edited_msgid_fails(broken):
    edit(broken, "es", 'msgid "back, previous"', 'msgid "back"')
    result = run_gate(broken, "es")
    assert result.returncode == 1
    assert "command.back: msgid 'back' is not the English text 'back, previous'" in result.stdout


def test_a_missing_review_header_fails(broken):
    edit(broken, "es", '"X-Medical-Review: pending\\n"\n', "")
    result = run_gate(broken, "es")
    assert result.returncode == 1
    assert "header X-Medical-Review: None" in result.stdout


def test_a_syntax_error_fails_in_msgfmt(broken):
    edit(broken, "es", 'msgctxt "main.title"', 'msgctxt "main.title"\nmsgctxt "again"')
    result = run_gate(broken, "es")
    assert result.returncode == 1
    assert "msgfmt:" in result.stdout


def test_an_added_line_break_or_trailing_space_fails(broken):
    set_translation(broken, "es", "string.opted_in",
                    "Los mensajes de la NTRK Info Line\nestán activados de nuevo.")
    set_translation(broken, "es", "string.not_understood", "Perdón, no entendí eso. ")
    result = run_gate(broken, "es")
    assert result.returncode == 1
    assert "string.opted_in: pofilter newlines" in result.stdout
    assert "string.not_understood: pofilter endwhitespace" in result.stdout


def test_a_dropped_latin_term_fails(broken):
    _, treatments = translations(broken, "es")["treat.part1.sms"]
    set_translation(broken, "es", "treat.part1.sms",
                    treatments.replace("repotrectinib", "un tercer fármaco"))
    set_translation(broken, "es", "string.help", "Responda {menu} o {lang}. PARE para terminar.")
    set_translation(broken, "es", "resource.resources.2",
                    "Buscador de ensayos clínicos: ccalliance.org/ensayos")
    assert latin_term_problems(translations(broken, "es")) == [
        "string.help: NTRK is missing", "string.help: STOP is missing",
        "string.help: 911 is missing", "resource.resources.2: ccalliance.org/ctf is missing",
        "treat.part1.sms: repotrectinib is missing"]


def test_911_may_be_spelled_out_in_spoken_text_only():
    pairs = {"voice.greeting": ("call your doctor or 911.", "llame al nueve uno uno."),
             "string.welcome": ("call your doctor or 911.", "llame al nueve uno uno."),
             "treat.part3.sms": ("Both larotrectinib and", "Larotrectinib y")}
    assert latin_term_problems(pairs) == ["string.welcome: 911 is missing"]


def test_latin_runs_in_arabic_sms_need_a_right_to_left_mark_where_the_order_breaks():
    pairs = {
        "string.welcome": ("", f"معلومات NTRK{RLM}: اتصل بـ 911."),
        "string.help": ("", "أرسل {menu} أو STOP. فحص NGS\nثم"),
        "test.part1.sms": ("", "فحص RT-PCR٢ و ccalliance.org/ctf"),
        "about.part1.voice": ("", "NTRK."),  # spoken, not shown
        "command.help": ("", "help, مساعدة"),  # a word list, not prose
    }
    assert rtl_problems(pairs) == [
        "string.help: no U+200F after 'STOP' (followed by '.')",
        "string.help: no U+200F after 'NGS' (followed by '\\n')",
        "test.part1.sms: no U+200F after 'RT-PCR' (followed by '٢')"]


def test_a_keyword_in_two_lists_or_shadowed_by_a_language_name_fails(broken):
    set_translation(broken, "es", "command.more", '"más, siguiente, ayuda"')
    set_translation(broken, "es", "command.back", '"atrás, tagalog"')
    problems = keyword_problems(broken, "es", OFFERED)
    assert "'ayuda' is in two lists: es command.help, es command.more" in problems
    assert "'tagalog' (es command.back) is also the name of tl, which wins" in problems


def test_language_names_must_be_set_and_distinct():
    assert language_name_problems({"en": "English", "es": "English", "fr": "", "pt": "English"}) \
        == ["fr: its name is empty", "es: its name is still 'English'",
            "pt: its name is still 'English'", "en: 'English' is also another language's name",
            "es: 'English' is also another language's name",
            "pt: 'English' is also another language's name"]


def test_a_voice_of_another_language_or_locale_fails():
    assert voice_problems({"code": "ko", "voice": "Polly.Seoyeon", "say_language": "ko-KR",
                           "speech_language": "ko-KR"}) == []
    assert voice_problems({"code": "es", "voice": "Polly.Joanna", "say_language": "en-US",
                           "speech_language": "en-US"}) == [
        "es: Polly.Joanna is not a Twilio voice for es (tests/twilio_voices.yaml)"]
    assert voice_problems({"code": "ar", "voice": "Polly.Hala-Neural", "say_language": "arb",
                           "speech_language": "ar"}) == [
        "ar: Polly.Hala-Neural speaks ar-AE, not arb",
        "ar: speech_language 'ar' is not one of ['ar-AE', 'ar-EG', 'ar-SA']"]
    assert voice_problems({"code": "ht", "voice": "Polly.Lea", "say_language": "fr-FR",
                           "speech_language": None}) == [
        "ht: Twilio has no voice or recognizer for it; leave voice, say_language and "
        "speech_language empty (keypad and recorded audio)"]


def test_a_new_catalog_without_a_languages_yaml_entry_fails(broken):
    (broken / "de" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(po_path(broken, "es"), po_path(broken, "de"))
    assert unlisted_catalogs(broken) == [
        "de: has a catalog but no entry in languages.yaml; add one (code, voice, say_language, "
        "speech_language) or the language is never offered"]


def test_a_new_language_is_a_catalog_and_a_languages_yaml_entry(broken):
    (broken / "yue" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(po_path(broken, "es"), po_path(broken, "yue"))
    set_translation(broken, "yue", "string.language_name", "粵語")
    set_translation(broken, "yue", "string.language_words", "gwong dung waa, yue")
    entry = {"code": "yue", "voice": "Polly.Hiujin-Neural", "say_language": "yue-CN",
             "speech_language": "yue-Hant-HK"}
    with (broken / "languages.yaml").open("a", encoding="utf-8") as file:
        file.write(yaml.safe_dump([entry], allow_unicode=True).replace("- ", "  - ", 1)
                   .replace("\n  ", "\n    "))
    for path in broken.glob("*/LC_MESSAGES/messages.po"):
        with path.open("rb") as po, path.with_suffix(".mo").open("wb") as mo:
            write_mo(mo, read_po(po))
    line = load_line(broken)
    assert line.catalogs.codes[-1] == "yue"
    assert SmsRenderer(line).render("en", [ShowLanguages()]).endswith("\n12 粵語")
    assert line.keywords.interpret("gwong dung waa", "en") == Intent("language", "yue")
    assert voice_problems(read_config(broken)["languages"][-1]) == []
    assert unlisted_catalogs(broken) == []
    assert run_gate(broken, "yue").returncode == 0
