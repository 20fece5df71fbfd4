"""Regression tests of runtime/odoo_py311.py: one or more per patch.

Run with runtime/ on PYTHONPATH (tools/ep does), so sitecustomize loads the module
before anything else, as bin/odoo-bin does for the server.
"""
import base64
import collections
import collections.abc
import inspect
import threading
import xml.etree.ElementTree as ET

import odoo_py311
import pytest
import yaml
from lxml import etree

from odoo.addons.base.ir.ir_qweb.qweb import QWeb
from odoo.tools import yaml_tag
from odoo.tools.safe_eval import safe_eval


def test_loaded_before_odoo_by_sitecustomize():
    import sys
    assert "sitecustomize" in sys.modules
    assert any(isinstance(f, odoo_py311._SafeEvalFinder) for f in sys.meta_path) or \
        "odoo.tools.safe_eval" in sys.modules


# 1
def test_collections_aliases():
    assert collections.Mapping is collections.abc.Mapping
    assert isinstance({}, collections.MutableMapping)


# 2
def test_getargspec_and_formatargspec():
    def f(a, b=2, *args, **kw):
        pass
    spec = inspect.getargspec(f)
    assert spec.args == ["a", "b"] and spec.defaults == (2,) and spec.keywords == "kw"
    assert inspect.formatargspec(*spec) == "(a, b=2, *args, **kw)"


# 3
def test_base64_encodestring():
    assert base64.decodestring(base64.encodestring(b"ep")) == b"ep"


# 4
def test_thread_is_alive():
    thread = threading.Thread(target=lambda: None)
    assert thread.isAlive() is False


# 5 and 7: QWeb compiles templates to Python ASTs
def test_qweb_render():
    template = etree.fromstring(
        '<t t-name="ep.test"><ul><li t-foreach="lots" t-as="lot" t-att-class="lot_first and \'first\' or None">'
        '<t t-esc="lot"/></li></ul><p t-if="not lots">none</p>'
        '<t t-set="total" t-value="len(lots)"/><b t-esc="\'%s lots\' % total"/></t>')
    html = QWeb().render(template, {"lots": ["A<1>", "B"]}).decode()
    assert html == '<ul><li class="first">A&lt;1&gt;</li><li>B</li></ul><b>2 lots</b>'


def test_qweb_call_with_default_arguments():
    template = etree.fromstring('<t t-name="t"><t t-set="x" t-value="None"/><i t-esc="x is None"/></t>')
    assert QWeb().render(template, {}).decode() == "<i>True</i>"


# 6: Odoo 11 loads .yml demo and test data with yaml.load(stream)
def test_yaml_load_without_loader_reads_odoo_tags():
    yaml_tag.add_constructors()
    document = yaml.load("- !record {model: res.partner, id: p1}:\n    name: EP\n- !ref {id: base.main_company}\n")
    record, ref = document[0], document[1]
    key = list(record)[0]
    assert isinstance(key, yaml_tag.Record) and key.model == "res.partner"
    assert record[key] == {"name": "EP"}
    assert isinstance(ref, yaml_tag.Ref) and ref.id == "base.main_company"


# 8
def test_element_getchildren():
    root = ET.fromstring("<menu><item/><item/></menu>")
    assert [child.tag for child in root.getchildren()] == ["item", "item"]


# 9: domains, contexts and computed fields go through safe_eval
@pytest.mark.parametrize("expr, context, expected", [
    ("[('lot_id', 'in', ids), ('amount', '>', x * 2 + 1)]", {"ids": [1, 2], "x": 3},
     [("lot_id", "in", [1, 2]), ("amount", ">", 7)]),
    ("{'default_kind': 'region', 'active_test': not archived}", {"archived": True},
     {"default_kind": "region", "active_test": False}),
    ("'%s-%s' % (code, n) if n is not None else code", {"code": "LOT", "n": 4}, "LOT-4"),
    ("len([v for v in values if v]) or sum(values)", {"values": [0, 0]}, 0),
    ("dict(a=1, **extra)", {"extra": {"b": 2}}, {"a": 1, "b": 2}),
    ("f'{code}'.lower()", {"code": "EP"}, "ep"),
])
def test_safe_eval_accepts_311_bytecode(expr, context, expected):
    assert safe_eval(expr, context) == expected


def test_safe_eval_exec_statements():
    context = {"result": None, "items": [1, 2, 3]}
    safe_eval("total = 0\nfor i in items:\n    total += i\nresult = total", context, mode="exec", nocopy=True)
    assert context["result"] == 6


@pytest.mark.parametrize("expr", ["__import__('os')", "().__class__.__bases__", "(lambda: 1).__code__"])
def test_safe_eval_still_forbids_escapes(expr):
    with pytest.raises(NameError, match="forbidden name"):
        safe_eval(expr, {})


def test_safe_eval_still_forbids_attribute_stores():
    class Box:
        value = 1
    with pytest.raises(ValueError, match="STORE_ATTR"):
        safe_eval("box.value = 2", {"box": Box()}, mode="exec")
    assert Box.value == 1
