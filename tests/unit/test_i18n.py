"""Every addon ships zh_CN.po covering all of its exported terms, placeholders intact."""
import re
from pathlib import Path

import polib
import pytest

ADDONS = sorted(p.parent.parent.name for p in Path(__file__).resolve().parents[2].glob("addons/*/i18n/*.pot"))
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[sdf%]")


def test_every_addon_has_a_catalogue():
    root = Path(__file__).resolve().parents[2] / "addons"
    assert sorted(p.name for p in root.iterdir() if (p / "__manifest__.py").exists()) == ADDONS


@pytest.mark.parametrize("addon", ADDONS)
def test_zh_cn_covers_the_template(addon):
    i18n = Path(__file__).resolve().parents[2] / "addons" / addon / "i18n"
    template = polib.pofile(str(i18n / ("%s.pot" % addon)))
    catalogue = {entry.msgid: entry for entry in polib.pofile(str(i18n / "zh_CN.po"))}
    for entry in template:
        translated = catalogue.get(entry.msgid)
        assert translated is not None and translated.msgstr, "%s: %r is not translated" % (addon, entry.msgid)
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(translated.msgstr)), \
            "%s: placeholders differ in %r" % (addon, entry.msgid)
