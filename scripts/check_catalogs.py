"""The translation gate's tool checks on each shipped catalog (locales/<code>/LC_MESSAGES/*.po).

- `msgfmt --check`: the file is a valid gettext catalog with a sane header;
- translate-toolkit's `pofilter`: placeholders, newlines, whitespace (numbers: a note);
- coverage: every message of locales/messages.pot translated, none fuzzy;
- the header says `X-Medical-Review: pending` or `approved`.

Usage: python scripts/check_catalogs.py [--locales DIR] [CODE ...]   (exit status 1 on a problem)
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from babel import Locale
from translate.storage import po

ROOT = Path(__file__).resolve().parent.parent
REVIEW_HEADER = "X-Medical-Review"
REVIEW_STATES = ("pending", "approved")
# pofilter tests whose failure is a real fault in a line that texts and speaks to patients.
POFILTER_TESTS = (
    "pythonbraceformat",  # {menu} etc. are filled in with str.format
    "printf", "variables", "escapes", "tabs",
    "newlines",  # a stray line break splits an SMS line or a spoken sentence
    "startwhitespace", "endwhitespace", "doublespacing",
)
# Reported for the reviewer, not failed: "1 month" may rightly become "one month", and a
# spoken text may write 911 out as words so that the voice reads it right.
POFILTER_ADVICE = ("numbers",)
NEEDS_REVIEW = "needs review:"


def catalog(locales_dir, code):
    return Path(locales_dir) / code / "LC_MESSAGES" / "messages.po"


def shipped_codes(locales_dir):
    """Languages offered with a catalog, in languages.yaml order (the source has no catalog)."""
    config = yaml.safe_load((Path(locales_dir) / "languages.yaml").read_text(encoding="utf-8"))
    return [entry["code"] for entry in config["languages"]
            if entry["code"] != config["source"] and catalog(locales_dir, entry["code"]).exists()]


def is_spoken(context):
    return context.startswith("voice.") or context.endswith((".voice", ".voice_option"))


def msgfmt_problems(path):
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                            capture_output=True, text=True)
    if result.returncode == 0:
        return []
    return [f"msgfmt: {line}" for line in result.stderr.splitlines() if line.strip()]


def pofilter(path, code, tests):
    """(context, test, message) of each pofilter failure among `tests`."""
    with tempfile.TemporaryDirectory() as tmp:
        failed = Path(tmp) / "failed.po"
        subprocess.run([sys.executable, "-m", "translate.filters.pofilter", "--progress=none",
                        f"--language={Locale.parse(code).language}",
                        *(arg for test in tests for arg in ("-t", test)),
                        "-i", str(path), "-o", str(failed)], check=True)
        units = po.pofile.parsefile(str(failed)).units if failed.exists() else []
    for unit in units:
        for note in unit.getnotes("translator").splitlines():
            if note.startswith("(pofilter) "):
                test, message = note.removeprefix("(pofilter) ").split(": ", 1)
                yield unit.getcontext(), test, message


def pofilter_problems(path, code):
    return [f"{context}: pofilter {test}: {message}"
            for context, test, message in pofilter(path, code, POFILTER_TESTS)]


def coverage_problems(store, template):
    """Messages of the template that are missing, altered, untranslated or fuzzy in the catalog.

    A message is found by its context and English text (msgid): a changed msgid never
    matches, and the line would show English instead.
    """
    units = {unit.getcontext(): unit for unit in store.units
             if not unit.isheader() and not unit.isobsolete()}
    wanted = {unit.getcontext(): unit.source for unit in template.units if not unit.isheader()}
    kinds = {"missing (run `make update-catalogs`)": [], "untranslated": [], "fuzzy": []}
    altered = []
    for context, source in wanted.items():
        unit = units.get(context)
        if unit is None:
            kinds["missing (run `make update-catalogs`)"].append(context)
        elif unit.source != source:
            altered.append(f"{context}: msgid {unit.source!r} is not the English text {source!r}"
                           " (never edit a msgid)")
        elif not unit.target.strip():
            kinds["untranslated"].append(context)
        elif unit.isfuzzy():
            kinds["fuzzy"].append(context)
    return altered + [f"{len(contexts)} of {len(wanted)} messages {kind}: {', '.join(contexts)}"
                      for kind, contexts in kinds.items() if contexts]


def header_problems(store):
    state = store.parseheader().get(REVIEW_HEADER)
    if state in REVIEW_STATES:
        return []
    return [f"header {REVIEW_HEADER}: {state!r}; it must be one of {', '.join(REVIEW_STATES)} "
            "(a translation not yet approved by a qualified medical translator is 'pending')"]


def advice(locales_dir, code):
    """What a medical reviewer should look at: flagged entries and changed figures."""
    path = catalog(locales_dir, code)
    notes = [f"{context}: {message.lower()} from the English: check the figures"
             for context, test, message in pofilter(path, code, POFILTER_ADVICE)]
    flagged = [unit.getcontext() for unit in po.pofile.parsefile(str(path)).units
               if NEEDS_REVIEW in unit.getnotes("translator")]
    if flagged:
        notes.append(f"'# {NEEDS_REVIEW}' on {len(flagged)} entries: {', '.join(flagged)}")
    return notes


def problems(locales_dir, code):
    """Every tool-check problem of one language's catalog, as readable lines."""
    path = catalog(locales_dir, code)
    found = msgfmt_problems(path)
    try:
        store = po.pofile.parsefile(str(path))
    except ValueError as error:
        return [*found, f"unreadable: {error}"]
    template = po.pofile.parsefile(str(Path(locales_dir) / "messages.pot"))
    return (found + header_problems(store) + coverage_problems(store, template)
            + pofilter_problems(path, code))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("codes", nargs="*", help="language codes (default: every shipped one)")
    parser.add_argument("--locales", default=str(ROOT / "locales"))
    args = parser.parse_args(argv)
    codes = args.codes or shipped_codes(args.locales)
    failed = False
    for code in codes:
        if not catalog(args.locales, code).exists():
            print(f"{code}: no catalog at {catalog(args.locales, code)}")
            failed = True
            continue
        found = problems(args.locales, code)
        failed = failed or bool(found)
        print(f"{code}: {f'{len(found)} problem(s)' if found else 'OK'}")
        for problem in found:
            print(f"  {problem}")
        if not found:
            for note in advice(args.locales, code):
                print(f"  note: {note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
