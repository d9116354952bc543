"""The flow files load, and a broken one stops start-up naming the file and the problem."""

import shutil
from pathlib import Path

import pytest

from service.flows import FlowError, Menu, Topic, load_flow

FLOWS = Path(__file__).resolve().parent.parent / "flows"


def test_shipped_flow_has_the_five_topics_in_the_main_menu():
    flow = load_flow(FLOWS)
    assert isinstance(flow.main_menu, Menu)
    assert flow.main_menu.options == ("about", "test", "treat", "side", "ask")
    assert {topic.keyword for topic in flow.topics} == {"ABOUT", "TEST", "TREAT", "SIDE", "ASK"}
    assert all(isinstance(flow.nodes[option], Topic) for option in flow.main_menu.options)


def test_every_text_names_its_source_and_has_a_unique_context():
    texts = list(load_flow(FLOWS).texts())
    contexts = [text.context for text in texts]
    assert len(contexts) == len(set(contexts))
    for text in texts:
        assert text.source.startswith(("sources/", "content-facts.md", "ui:")), text.context


def test_medical_texts_rest_on_the_two_sources_or_the_vetted_facts():
    flow = load_flow(FLOWS)
    for topic in flow.topics:
        for part in topic.parts:
            for text in (part.sms, part.voice):
                assert "sources/" in text.source or "content-facts.md" in text.source


@pytest.fixture
def flow_copy(tmp_path):
    target = tmp_path / "flows"
    shutil.copytree(FLOWS, target)
    return target


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_menu_pointing_nowhere_is_refused(flow_copy):
    edit(flow_copy / "menu.yaml", "options: [about,", "options: [abuot,")
    with pytest.raises(FlowError, match=r"menu.yaml: menu main offers 'abuot'"):
        load_flow(flow_copy)


def test_a_text_without_source_is_refused_with_file_and_line(flow_copy):
    edit(flow_copy / "menu.yaml", '      source: "ui: menu heading"\n', "")
    with pytest.raises(FlowError, match=r"menu.yaml:\d+: main.title: missing source"):
        load_flow(flow_copy)


def test_a_node_defined_twice_is_refused(flow_copy):
    (flow_copy / "extra.yaml").write_text(
        "nodes:\n  main:\n    type: menu\n    title: {text: x, source: 'ui: x'}\n"
        "    options: [about]\n")
    with pytest.raises(FlowError, match=r"menu.yaml: node 'main' is defined twice"):
        load_flow(flow_copy)


def test_invalid_yaml_is_refused_naming_the_file(flow_copy):
    (flow_copy / "topics.yaml").write_text("nodes: [unclosed\n")
    with pytest.raises(FlowError, match=r"topics.yaml: not valid YAML"):
        load_flow(flow_copy)


def test_an_unknown_field_is_refused(flow_copy):
    edit(flow_copy / "topics.yaml", "    keyword: ABOUT\n", "    keyword: ABOUT\n    colour: red\n")
    with pytest.raises(FlowError, match=r"topics.yaml:\d+: node about: unknown field\(s\) colour"):
        load_flow(flow_copy)


def test_a_keyword_used_twice_is_refused(flow_copy):
    edit(flow_copy / "topics.yaml", "keyword: TEST", "keyword: ABOUT")
    with pytest.raises(FlowError, match=r"keyword\(s\) used twice: ABOUT"):
        load_flow(flow_copy)


def test_start_up_fails_on_a_bad_flow(flow_copy, redis_url):
    from conftest import make_config

    from service import create_app

    edit(flow_copy / "menu.yaml", "options: [about,", "options: [nowhere,")
    with pytest.raises(FlowError, match="nowhere"):
        create_app(make_config(redis_url, FLOWS_DIR=str(flow_copy)))
