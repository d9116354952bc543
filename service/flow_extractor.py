"""Babel extractor for the YAML flows: one message per text, its context naming node and field."""

from pathlib import Path

from .flows import load_flow


def extract_flow(fileobj, keywords, comment_tags, options):
    """Yield (line, funcname, (context, text), comments) for each text of this flow file.

    The whole flows folder is loaded so that extraction fails on an invalid flow,
    exactly as start-up would.
    """
    path = Path(fileobj.name)
    for text in load_flow(path.parent).texts():
        if text.path != path.name:
            continue
        comments = [f"Source: {text.source}"]
        if text.note:
            comments.append(text.note)
        yield text.line, "pgettext", (text.context, text.text), comments
