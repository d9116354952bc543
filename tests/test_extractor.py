"""`pybabel extract` collects every flow text with its context and source comment."""

from pathlib import Path

from babel.messages.extract import extract_from_file

from service.flows import load_flow

ROOT = Path(__file__).resolve().parent.parent
EXTRACTOR = "service.flow_extractor:extract_flow"


def extracted():
    """(line, message, comments, context) for every text of every flow file."""
    return [entry for path in sorted((ROOT / "flows").glob("*.yaml"))
            for entry in extract_from_file(EXTRACTOR, path)]


def test_every_flow_text_is_extracted_once_with_its_context():
    messages = {(context, message) for _, message, _, context in extracted()}
    expected = {(text.context, text.text) for text in load_flow(ROOT / "flows").texts()}
    assert messages == expected


def test_each_message_carries_its_source_as_a_translator_comment():
    for _, message, comments, context in extracted():
        assert comments and comments[0].startswith("Source: "), (context, message)


def test_the_catalog_template_is_up_to_date():
    """locales/messages.pot must match the flows: run `make extract` after editing texts."""
    from babel.messages.pofile import read_po

    with open(ROOT / "locales" / "messages.pot", "rb") as file:
        template = read_po(file)
    in_template = {(m.context, m.id) for m in template if m.id}
    assert in_template == {(t.context, t.text) for t in load_flow(ROOT / "flows").texts()}
