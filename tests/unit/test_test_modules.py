"""Odoo 11 runs only the test modules an addon's tests/__init__.py imports: every tests/test_*.py
file must be imported there, or its tests silently never run."""
import re
from pathlib import Path

import pytest

ADDONS = sorted(p for p in (Path(__file__).resolve().parents[2] / "addons").iterdir() if (p / "tests").is_dir())


@pytest.mark.parametrize("addon", ADDONS, ids=lambda p: p.name)
def test_every_test_module_is_imported(addon):
    init = (addon / "tests" / "__init__.py").read_text(encoding="utf-8")
    imported = set(re.findall(r"\b(test_\w+)\b", init))
    files = {path.stem for path in (addon / "tests").glob("test_*.py")}
    assert files - imported == set(), "%s: not imported in tests/__init__.py" % sorted(files - imported)
