"""Keep the Vietnamese catalogue complete.

    python scripts/i18n.py          refresh locale/vi/LC_MESSAGES/django.po from the code,
                                    fill it from locale/vi/parts/*.po, compile django.mo
    python scripts/i18n.py --check  exit 1, listing them, if any string of the code has no
                                    Vietnamese translation in the committed catalogue

Translations are kept in small part files (one per area of the app) so that people working
side by side do not edit one file; django.po is generated from them.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
PARTS = LOCALE / "vi" / "parts"
CATALOGUE = LOCALE / "vi" / "LC_MESSAGES" / "django.po"
SOURCES = ["localities", "plan_tracker", "templates", "exchange", "bench"]


def extract(into: Path) -> polib.POFile:
    """Run makemessages over the sources, in a scratch copy so nothing is touched."""
    work = into / "src"
    work.mkdir()
    for name in SOURCES + ["manage.py"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, work / name)
    (work / "locale").mkdir()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="plan_tracker.settings")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "vi",
            "--no-location",
            "--no-obsolete",
            "-i",
            "static/*",
        ],
        cwd=work,
        env=dict(env, PYTHONPATH=str(ROOT)),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return polib.pofile(str(work / "locale" / "vi" / "LC_MESSAGES" / "django.po"))


def translations() -> dict[tuple[str, str], polib.POEntry]:
    known: dict[tuple[str, str], polib.POEntry] = {}
    for part in sorted(PARTS.glob("*.po")):
        for entry in polib.pofile(str(part)):
            if entry.msgstr or entry.msgstr_plural:
                known[(entry.msgctxt or "", entry.msgid)] = entry
    return known


def build() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = extract(Path(tmp))
    known = translations()
    missing = []
    for entry in catalogue:
        found = known.get((entry.msgctxt or "", entry.msgid))
        if found is None:
            missing.append(entry.msgid)
            continue
        entry.msgstr = found.msgstr
        if entry.msgid_plural:
            entry.msgstr_plural = found.msgstr_plural or {0: found.msgstr}
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.metadata.update(
        {
            "Language": "vi",
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=1; plural=0;",
        }
    )
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    catalogue.save(str(CATALOGUE))
    catalogue.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    print(f"{len(catalogue)} strings, {len(missing)} without a Vietnamese translation")
    return 1 if missing else 0


def check() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        wanted = extract(Path(tmp))
    have = {(e.msgctxt or "", e.msgid): e for e in polib.pofile(str(CATALOGUE))}
    missing = [
        e.msgid
        for e in wanted
        if not (have.get((e.msgctxt or "", e.msgid)) and have[(e.msgctxt or "", e.msgid)].msgstr)
        and not (
            have.get((e.msgctxt or "", e.msgid)) and have[(e.msgctxt or "", e.msgid)].msgstr_plural
        )
    ]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(check() if "--check" in sys.argv else build())
