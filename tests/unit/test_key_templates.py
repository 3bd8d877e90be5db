"""key_templates: the renderer, reading layouts and overrides, and a user's layout rendered from a template."""

import copy

import pytest
from ansible_collections.telephony.apio.plugins.module_utils.key_templates import (
    Renderer,
    TemplateProblem,
    layout_of,
    parse_layout,
    render_layout,
)
from jinja2.exceptions import SecurityError, TemplateAssertionError, UndefinedError

from .fakes import HDV230

WHERE = "template 'standard' for '%s'" % HDV230
USER = {"user": "alice@sip.example.com", "tenant": "foo", "group": "foogroup", "template": "standard",
        "device_type": HDV230, "vars": {"reception": "1000"}}
CONTEXT = {"reception": "1000", "phone_buttons_user": USER}

LAYOUT = [
    {"id": 5, "type": "DIRECT_CALL", "label": "Reception", "parameter": "{{ reception }}"},
    {"id": 1, "type": "LINE", "label": "", "parameter": "{{ phone_buttons_user.user }}"},
    {"id": 3, "type": "BLF", "label": "Assistant", "parameter": "{{ assistant }}", "when": "assistant is defined"},
    {"id": 2, "type": "CALLLOG", "label": "history"},
]


def render(layout, overrides=None, context=None, renderer=None):
    return render_layout(renderer or Renderer(), layout, overrides, WHERE, CONTEXT if context is None else context)


def problem(layout, overrides=None, context=None):
    with pytest.raises(TemplateProblem) as caught:
        render(layout, overrides, context)
    return str(caught.value)


# -- Renderer ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["call boss", "", "065432368", "{ not jinja }", "50% {x}"])
def test_plain_strings_are_untouched_and_never_compiled(value):
    renderer = Renderer()
    assert renderer.render(value, {}) == value
    assert renderer.compiled == {}


def test_a_value_that_is_not_a_string_is_rendered_as_text():
    assert Renderer().render(1001, {}) == "1001"


@pytest.mark.parametrize("text, expected", [
    ("{{ phone_buttons_user.user }}", "alice@sip.example.com"),
    ("Reception {{ reception }}", "Reception 1000"),
    ("{% if reception %}yes{% endif %}", "yes"),
    ("{# a comment #}x", "x"),
    ("{{ phone_buttons_user.vars.reception | int + 1 }}", "1001"),
    ("{{ phone_buttons_user.user.split('@')[0] | upper }}", "ALICE"),
])
def test_jinja_is_rendered_with_the_context(text, expected):
    assert Renderer().render(text, CONTEXT) == expected


def test_an_undefined_variable_raises():
    with pytest.raises(UndefinedError) as caught:
        Renderer().render("{{ nope }}", CONTEXT)
    assert str(caught.value) == "'nope' is undefined"
    with pytest.raises(UndefinedError) as caught:
        Renderer().render("{{ phone_buttons_user.nope }}", CONTEXT)
    assert str(caught.value) == "'dict object' has no attribute 'nope'"


def test_the_sandbox_refuses_to_modify_the_context():
    context = {"items": [1, 2]}
    with pytest.raises(SecurityError):
        Renderer().render("{{ items.append(3) }}", context)
    assert context == {"items": [1, 2]}


def test_each_distinct_string_is_compiled_once(monkeypatch):
    renderer = Renderer()
    compiled = []
    original = renderer.env.from_string

    def counting(text):
        compiled.append(text)
        return original(text)

    monkeypatch.setattr(renderer.env, "from_string", counting)
    for n in range(50):
        assert renderer.render("{{ n }}", {"n": n}) == str(n)
        assert renderer.render("key {{ n }}", {"n": n}) == "key %d" % n
        renderer.render("plain", {})
    assert compiled == ["{{ n }}", "key {{ n }}"]


def test_each_distinct_when_is_compiled_once(monkeypatch):
    renderer = Renderer()
    compiled = []
    original = renderer.env.compile_expression

    def counting(text, *args, **kwargs):
        compiled.append(text)
        return original(text, *args, **kwargs)

    monkeypatch.setattr(renderer.env, "compile_expression", counting)
    assert [renderer.test("n > 2", {"n": n}) for n in range(5)] == [False, False, False, True, True]
    # a when and a value with the same text do not share a compiled template
    assert renderer.render("n > 2", {}) == "n > 2"
    assert compiled == ["n > 2"]


def test_extra_filters_are_usable():
    with pytest.raises(TemplateAssertionError):
        Renderer().render("{{ reception | shout }}", CONTEXT)
    renderer = Renderer(filters={"shout": lambda text: text.upper() + "!"})
    assert renderer.render("{{ phone_buttons_user.user | shout }}", CONTEXT) == "ALICE@SIP.EXAMPLE.COM!"


def test_the_action_plugin_renders_with_ansible_builtin_filters():
    action = pytest.importorskip("ansible_collections.telephony.apio.plugins.action.apio_phone_buttons_rollout")
    renderer = Renderer(action.Rollout.filters)
    assert renderer.render("{{ phone_buttons_user.user | regex_replace('@.*$', '') }}", CONTEXT) == "alice"
    assert renderer.render("{{ [3, 1, 3] | unique | sort | join(',') }}", {}) == "1,3"
    assert renderer.render("{{ 'a b' | urlencode }}", {}) == "a%20b"


@pytest.mark.parametrize("expression, context, expected", [
    (True, {}, True),
    (False, {}, False),
    ("assistant is defined", {}, False),
    ("assistant is defined", {"assistant": "bob"}, True),
    ("phone_buttons_user.device_type == 'Telenet-Panasonic-KX-HDV230'", CONTEXT, True),
    ("phone_buttons_user.device_type.startswith('Yealink')", CONTEXT, False),
    ("reception | int > 999", CONTEXT, True),
    ("extension", {"extension": ""}, False),
    ("extension", {"extension": "12"}, True),
    ("not vip", {"vip": False}, True),
])
def test_when_is_a_bare_expression(expression, context, expected):
    assert Renderer().test(expression, context) is expected


def test_when_comparing_an_undefined_variable_raises():
    with pytest.raises(UndefinedError) as caught:
        Renderer().test("nope == 1", {})
    assert str(caught.value) == "'nope' is undefined"


def test_when_of_a_bare_undefined_variable_raises():
    with pytest.raises(UndefinedError):
        Renderer().test("has_assistant", {})


# -- parse_layout ------------------------------------------------------------------------------------

def test_parse_layout_keys_by_id_with_their_fields():
    assert parse_layout(LAYOUT, WHERE) == {
        5: {"type": "DIRECT_CALL", "label": "Reception", "parameter": "{{ reception }}"},
        1: {"type": "LINE", "label": "", "parameter": "{{ phone_buttons_user.user }}"},
        3: {"type": "BLF", "label": "Assistant", "parameter": "{{ assistant }}", "when": "assistant is defined"},
        2: {"type": "CALLLOG", "label": "history"},
    }


def test_parse_layout_of_none_is_empty_and_a_numeric_string_id_is_a_number():
    assert parse_layout(None, WHERE) == {}
    assert parse_layout([], WHERE) == {}
    assert parse_layout([{"id": "7", "type": "CALLLOG", "label": None, "when": False}], WHERE) == {
        7: {"type": "CALLLOG", "when": False}}


@pytest.mark.parametrize("keys, message", [
    ({"id": 1, "type": "CALLLOG"}, WHERE + ": expected a list of keys, got {'id': 1, 'type': 'CALLLOG'}"),
    ("keys", WHERE + ": expected a list of keys, got 'keys'"),
    ([{"type": "CALLLOG", "label": "x"}], WHERE + ": a key needs an id (got {'type': 'CALLLOG', 'label': 'x'})"),
    (["CALLLOG"], WHERE + ": a key needs an id (got 'CALLLOG')"),
    ([{"id": "five", "type": "CALLLOG"}], WHERE + ": key id 'five' is not a number"),
    ([{"id": None, "type": "CALLLOG"}], WHERE + ": key id None is not a number"),
    ([{"id": [1], "type": "CALLLOG"}], WHERE + ": key id [1] is not a number"),
    ([{"id": 5, "type": "CALLLOG"}, {"id": 6, "type": "LINE"}, {"id": "5", "type": "LINE"}],
     WHERE + ": key id 5 is listed twice"),
    ([{"id": 5, "type": "CALLLOG", "colour": "red", "blink": True}], WHERE + ": key 5 has unknown fields blink, colour"),
    ([{"id": 5, "type": "CALLLOG", "state": "absent"}], WHERE + ": key 5 has unknown fields state"),
])
def test_parse_layout_errors(keys, message):
    with pytest.raises(TemplateProblem) as caught:
        parse_layout(keys, WHERE)
    assert str(caught.value) == message


def test_overrides_allow_state_and_when():
    overrides = [{"id": 2, "state": "absent"}, {"id": 5, "label": "Front desk", "when": "vip"},
                 {"id": 9, "type": "CALLLOG", "state": "present"}]
    assert parse_layout(overrides, "key overrides", overrides=True) == {
        2: {"state": "absent"}, 5: {"label": "Front desk", "when": "vip"}, 9: {"type": "CALLLOG", "state": "present"}}


@pytest.mark.parametrize("keys, message", [
    ([{"id": 2, "state": "gone"}], "key overrides: key 2 state must be present or absent"),
    ([{"id": 2, "state": None}], "key overrides: key 2 state must be present or absent"),
    ([{"id": 2, "colour": "red"}], "key overrides: key 2 has unknown fields colour"),
    ([{"state": "absent"}], "key overrides: a key needs an id (got {'state': 'absent'})"),
])
def test_override_errors(keys, message):
    with pytest.raises(TemplateProblem) as caught:
        parse_layout(keys, "key overrides", overrides=True)
    assert str(caught.value) == message


# -- layout_of ---------------------------------------------------------------------------------------

LIBRARY = {"standard": {HDV230: LAYOUT, "Small Phone": [{"id": 1, "type": "LINE"}]}, "basic": {HDV230: []}}


def test_layout_of_the_phone_type():
    assert layout_of(LIBRARY, "standard", HDV230) is LAYOUT
    assert layout_of(LIBRARY, "basic", HDV230) == []


def test_layout_of_a_phone_type_the_template_does_not_have_is_none():
    assert layout_of(LIBRARY, "standard", "Yealink-T46S") is None
    assert layout_of(LIBRARY, "basic", "Small Phone") is None


@pytest.mark.parametrize("library, template, message", [
    (LIBRARY, "premium", "template 'premium' does not exist (templates: basic, standard)"),
    ({}, "standard", "template 'standard' does not exist (templates: none)"),
    ({"standard": [{"id": 1}]}, "standard", "template 'standard' does not exist (templates: standard)"),
])
def test_layout_of_an_unknown_template(library, template, message):
    with pytest.raises(TemplateProblem) as caught:
        layout_of(library, template, HDV230)
    assert str(caught.value) == message


# -- render_layout -----------------------------------------------------------------------------------

def test_render_layout_sorted_by_id_with_when_false_left_out():
    layout = copy.deepcopy(LAYOUT)
    assert render(layout) == [
        {"id": 1, "type": "LINE", "label": "", "parameter": "alice@sip.example.com"},
        {"id": 2, "type": "CALLLOG", "label": "history", "parameter": ""},
        {"id": 5, "type": "DIRECT_CALL", "label": "Reception", "parameter": "1000"},
    ]
    assert layout == LAYOUT  # the template is not modified


def test_render_layout_when_true_keeps_the_key():
    assert render(LAYOUT, context=dict(CONTEXT, assistant="bob@sip.example.com"))[2] == {
        "id": 3, "type": "BLF", "label": "Assistant", "parameter": "bob@sip.example.com"}


def test_render_layout_of_no_keys():
    assert render([]) == []
    assert render(None) == []


def test_an_override_merges_its_fields_by_id():
    overrides = [{"id": 5, "label": "Front desk {{ reception }}"}]
    assert render(LAYOUT, overrides)[2] == {"id": 5, "type": "DIRECT_CALL", "label": "Front desk 1000",
                                            "parameter": "1000"}


def test_an_override_replaces_the_template_keys_when():
    # the template's `when` (assistant is defined) is false; the override decides on its own
    assert render(LAYOUT, [{"id": 3, "parameter": "carol@sip.example.com"}])[2] == {
        "id": 3, "type": "BLF", "label": "Assistant", "parameter": "carol@sip.example.com"}
    context = dict(CONTEXT, assistant="bob@sip.example.com")
    assert [k["id"] for k in render(LAYOUT, [{"id": 3, "when": "vip is defined"}], context)] == [1, 2, 5]
    assert [k["id"] for k in render(LAYOUT, [{"id": 2, "when": False}])] == [1, 5]


def test_an_override_with_state_absent_removes_the_key():
    overrides = [{"id": 5, "state": "absent"}, {"id": 17, "state": "absent"}]
    assert [k["id"] for k in render(LAYOUT, overrides)] == [1, 2]


def test_an_override_with_a_new_id_adds_a_key():
    overrides = [{"id": 24, "type": "ONETOUCH", "label": "Boss", "parameter": "{{ phone_buttons_user.group }}"},
                 {"id": 4, "type": "CALLLOG", "state": "present"}]
    assert render(LAYOUT, overrides) == [
        {"id": 1, "type": "LINE", "label": "", "parameter": "alice@sip.example.com"},
        {"id": 2, "type": "CALLLOG", "label": "history", "parameter": ""},
        {"id": 4, "type": "CALLLOG", "label": "", "parameter": ""},
        {"id": 5, "type": "DIRECT_CALL", "label": "Reception", "parameter": "1000"},
        {"id": 24, "type": "ONETOUCH", "label": "Boss", "parameter": "foogroup"},
    ]


def test_the_overrides_are_not_modified():
    overrides = [{"id": 5, "label": "x", "when": "true"}, {"id": 2, "state": "absent"}]
    kept = copy.deepcopy(overrides)
    render(LAYOUT, overrides)
    assert overrides == kept


@pytest.mark.parametrize("layout, overrides, message", [
    ([{"id": 1, "label": "x"}], None, "key 1 has no type"),
    ([{"id": 1, "type": "", "label": "x"}], None, "key 1 has no type"),
    ([{"id": 1, "type": "{{ '' }}"}], None, "key 1 has no type"),
    (LAYOUT, [{"id": 9, "label": "new"}], "key 9 has no type"),
    ([{"id": 3, "type": "BLF", "parameter": "{{ nope }}"}], None, "key 3 parameter: 'nope' is undefined"),
    ([{"id": 3, "type": "BLF", "label": "{{ nope }}"}], None, "key 3 label: 'nope' is undefined"),
    ([{"id": 3, "type": "{{ kind }}"}], None, "key 3 type: 'kind' is undefined"),
    ([{"id": 3, "type": "BLF", "parameter": "{{ phone_buttons_user.nope }}"}], None,
     "key 3 parameter: 'dict object' has no attribute 'nope'"),
    ([{"id": 3, "type": "BLF", "parameter": "{{ x | nofilter }}"}], None,
     "key 3 parameter: No filter named 'nofilter'."),
    ([{"id": 3, "type": "BLF", "parameter": "{{ unclosed"}], None,
     "key 3 parameter: unexpected end of template, expected 'end of print statement'."),
    ([{"id": 3, "type": "BLF", "when": "nope == 1"}], None, "key 3 when: 'nope' is undefined"),
    ([{"id": 3, "type": "BLF", "when": "a b"}], None, "key 3 when: chunk after expression"),
    (LAYOUT, [{"id": 5, "parameter": "{{ nope }}"}], "key 5 parameter: 'nope' is undefined"),
    ([{"id": "x", "type": "BLF"}], None, WHERE + ": key id 'x' is not a number"),
    (LAYOUT, [{"id": 5, "colour": "red"}], "key overrides: key 5 has unknown fields colour"),
    (LAYOUT, {"id": 5}, "key overrides: expected a list of keys, got {'id': 5}"),
])
def test_render_layout_errors_name_the_key_and_the_field(layout, overrides, message):
    assert problem(layout, overrides) == message


def test_render_layout_a_key_left_out_by_when_is_not_rendered():
    # the undefined value of a key whose `when` is false is never rendered
    layout = [{"id": 3, "type": "BLF", "parameter": "{{ assistant }}", "when": "assistant is defined"}]
    assert render(layout) == []


def test_render_layout_a_python_error_while_rendering_names_the_key_and_the_field():
    layout = [{"id": 3, "type": "DIRECT_CALL", "label": "x", "parameter": "{{ reception + 1 }}"}]
    assert problem(layout) == "key 3 parameter: can only concatenate str (not \"int\") to str"
