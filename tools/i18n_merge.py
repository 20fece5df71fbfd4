"""Merge an addon's freshly exported .pot into its zh_CN.po: I18N_DIR ADDON.

Keeps every existing translation, adds new terms untranslated, drops obsolete ones,
and lists what still needs a translation (exit 0 either way: a reviewer decides).
"""
import os
import sys

import polib


def main(i18n_dir, addon):
    pot = polib.pofile(os.path.join(i18n_dir, addon + ".pot"))
    po_path = os.path.join(i18n_dir, "zh_CN.po")
    po = polib.pofile(po_path) if os.path.exists(po_path) else polib.POFile()
    po.merge(pot)
    for entry in po.obsolete_entries():
        po.remove(entry)
    po.metadata = dict(pot.metadata, Language="zh_CN", **{"Plural-Forms": "nplurals=1; plural=0;"})
    po.save(po_path)
    missing = [entry.msgid for entry in po.untranslated_entries()]
    print("%s: %d terms, %d untranslated" % (addon, len(po), len(missing)))
    for msgid in missing:
        print("  untranslated: %r" % msgid)


if __name__ == "__main__":
    main(*sys.argv[1:3])
