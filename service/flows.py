"""Load the menu tree from flows/*.yaml and validate it once, at start-up."""

from dataclasses import dataclass
from pathlib import Path

import yaml

# What the channels look up by name; a flow without them cannot serve a caller.
REQUIRED_COMMANDS = ("menu", "more", "back", "lang", "repeat", "help")
REQUIRED_STRINGS = (
    "language_name", "language_words", "welcome", "choose_language", "language_set",
    "menu_intro", "menu_words", "menu_footer", "more_footer", "last_footer", "part_counter",
    "not_understood", "help", "opted_out", "opted_in", "sorry_error",
)
REQUIRED_VOICE = (
    "greeting", "language_option", "main_menu", "menu_keys", "part_keys", "last_part_keys",
    "not_understood", "no_input", "goodbye", "slower_on", "text_sent", "text_opted_out",
    "text_unavailable", "no_voice",
)
START_NODE = "main"


class FlowError(Exception):
    """A flow file that cannot be served, with the file and the problem."""


@dataclass(frozen=True)
class Text:
    """A translatable text: its gettext context, English source and provenance."""

    context: str
    text: str
    source: str
    note: str | None
    path: str
    line: int


@dataclass(frozen=True)
class Part:
    sms: Text
    voice: Text


@dataclass(frozen=True)
class Topic:
    id: str
    keyword: str
    title: Text
    keywords: Text
    voice_option: Text
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Menu:
    id: str
    title: Text
    options: tuple[str, ...]


@dataclass(frozen=True)
class Command:
    id: str
    keyword: str
    words: Text


@dataclass(frozen=True)
class Flow:
    nodes: dict
    commands: dict
    strings: dict
    voice: dict
    resources: tuple[Text, ...]

    @property
    def main_menu(self):
        return self.nodes[START_NODE]

    @property
    def topics(self):
        return [node for node in self.nodes.values() if isinstance(node, Topic)]

    def texts(self):
        """Every translatable text, in file order of its kind."""
        for node in self.nodes.values():
            if isinstance(node, Menu):
                yield node.title
            else:
                yield from (node.title, node.keywords, node.voice_option)
                for part in node.parts:
                    yield from (part.sms, part.voice)
        for command in self.commands.values():
            yield command.words
        yield from self.strings.values()
        yield from self.voice.values()
        yield from self.resources


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping, for messages."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def _fields(data, where, required, optional=()):
    if not isinstance(data, dict):
        raise FlowError(f"{where}: expected a mapping")
    keys = set(data) - {"__line__"}
    if missing := [key for key in required if key not in keys]:
        raise FlowError(f"{where}: missing {', '.join(missing)}")
    if unknown := sorted(keys - set(required) - set(optional)):
        raise FlowError(f"{where}: unknown field(s) {', '.join(unknown)}")
    return data


def _text(data, context, path):
    where = f"{path}:{data.get('__line__', '?') if isinstance(data, dict) else '?'}: {context}"
    _fields(data, where, ("text", "source"), ("note",))
    if not isinstance(data["text"], str) or not data["text"].strip():
        raise FlowError(f"{where}: text must be a non-empty string")
    if not str(data["source"]).strip():
        raise FlowError(f"{where}: source must name where the text comes from")
    return Text(context, data["text"].strip(), str(data["source"]), data.get("note"), path,
                data["__line__"])


def _node(node_id, data, path):
    where = f"{path}:{data.get('__line__', '?')}: node {node_id}"
    if data.get("type") == "menu":
        _fields(data, where, ("type", "title", "options"))
        return Menu(node_id, _text(data["title"], f"{node_id}.title", path),
                    tuple(data["options"]))
    if data.get("type") == "topic":
        _fields(data, where, ("type", "keyword", "title", "keywords", "voice_option", "parts"))
        if not data["parts"]:
            raise FlowError(f"{where}: a topic needs at least one part")
        parts = []
        for number, part in enumerate(data["parts"], start=1):
            _fields(part, f"{where} part {number}", ("sms", "voice"))
            parts.append(Part(_text(part["sms"], f"{node_id}.part{number}.sms", path),
                              _text(part["voice"], f"{node_id}.part{number}.voice", path)))
        return Topic(node_id, str(data["keyword"]).upper(),
                     _text(data["title"], f"{node_id}.title", path),
                     _text(data["keywords"], f"{node_id}.keywords", path),
                     _text(data["voice_option"], f"{node_id}.voice_option", path),
                     tuple(parts))
    raise FlowError(f"{where}: type must be menu or topic")


def _merge(target, items, kind, path):
    for key, value in items:
        if key == "__line__":
            continue
        if key in target:
            raise FlowError(f"{path}: {kind} {key!r} is defined twice")
        target[key] = value


def _check(flow, paths):
    where = ", ".join(paths)
    for name, required, present in (("command", REQUIRED_COMMANDS, flow.commands),
                                    ("string", REQUIRED_STRINGS, flow.strings),
                                    ("voice text", REQUIRED_VOICE, flow.voice)):
        if missing := [key for key in required if key not in present]:
            raise FlowError(f"{where}: missing {name}(s) {', '.join(missing)}")
    if not isinstance(flow.nodes.get(START_NODE), Menu):
        raise FlowError(f"{where}: no menu node {START_NODE!r} to start from")
    for node in flow.nodes.values():
        if isinstance(node, Menu):
            for target in node.options:
                if not isinstance(flow.nodes.get(target), Topic):
                    raise FlowError(f"{node.title.path}: menu {node.id} offers {target!r}, "
                                    "which is not a topic")
    keywords = [t.keyword for t in flow.topics] + [c.keyword for c in flow.commands.values()]
    if duplicates := sorted({k for k in keywords if keywords.count(k) > 1}):
        raise FlowError(f"{where}: keyword(s) used twice: {', '.join(duplicates)}")


def load_flow(directory):
    """Read every flows/*.yaml into one validated Flow, or raise FlowError."""
    nodes, commands, strings, voice, resources = {}, {}, {}, {}, []
    paths = sorted(Path(directory).glob("*.yaml"))
    if not paths:
        raise FlowError(f"{directory}: no flow files (*.yaml)")
    for file in paths:
        path = file.name
        try:
            data = yaml.load(file.read_text(encoding="utf-8"), Loader=_LineLoader) or {}
        except yaml.YAMLError as error:
            raise FlowError(f"{path}: not valid YAML: {error}") from error
        _fields(data, path, (), ("nodes", "commands", "strings", "voice", "resources"))
        _merge(nodes, ((key, _node(key, value, path))
                       for key, value in data.get("nodes", {}).items() if key != "__line__"),
               "node", path)
        _merge(commands, ((key, Command(key, str(_fields(value, f"{path}: command {key}",
                                                         ("keyword", "words"))["keyword"]).upper(),
                                        _text(value["words"], f"command.{key}", path)))
                          for key, value in data.get("commands", {}).items() if key != "__line__"),
               "command", path)
        _merge(strings, ((key, _text(value, f"string.{key}", path))
                         for key, value in data.get("strings", {}).items() if key != "__line__"),
               "string", path)
        _merge(voice, ((key, _text(value, f"voice.{key}", path))
                       for key, value in data.get("voice", {}).items() if key != "__line__"),
               "voice text", path)
        resources.extend(_text(value, f"resource.{path.removesuffix('.yaml')}.{number}", path)
                         for number, value in enumerate(data.get("resources", []), start=1))
    flow = Flow(nodes, commands, strings, voice, tuple(resources))
    _check(flow, [p.name for p in paths])
    return flow
