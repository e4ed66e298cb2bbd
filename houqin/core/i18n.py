"""Compile the shipped .po catalogues into .mo files in the data directory.

Generated files stay out of the repository; this runs at start-up and only rewrites a
catalogue whose .po is newer, so a fresh clone needs no gettext tools.
"""

from pathlib import Path

import polib
from django.conf import settings


def compile_catalogues(source_dir: Path, target_dir: Path):
    compiled = []
    for po_path in source_dir.glob("*/LC_MESSAGES/*.po"):
        rel = po_path.relative_to(source_dir)
        mo_path = (target_dir / rel).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = mo_path.with_suffix(".mo.tmp")
        polib.pofile(str(po_path)).save_as_mofile(str(tmp))
        tmp.replace(mo_path)
        compiled.append(mo_path)
    return compiled


def ensure_compiled():
    compiled = compile_catalogues(settings.BASE_DIR / "locale", settings.HOUQIN_COMPILED_LOCALE_DIR)
    if compiled:
        # A catalogue read before this compile (by an app's start-up code) would stay
        # untranslated for the life of the process: forget what was loaded.
        from django.utils.translation import trans_real

        trans_real._translations = {}
        trans_real._default = None
