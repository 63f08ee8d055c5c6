"""The UI is Russian through Django's translation machinery: every marked string has a Russian translation."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["accounts", "registry", "roadmaps", "support", "reports", "shnor_portal", "templates", "locale"]


def read_po(path: Path) -> dict[str, list[str]]:
    """msgid → msgstr forms, enough of the .po grammar for Django's own output."""
    entries, current, key, fuzzy = {}, None, None, False
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            current, key = {"msgid": [line[6:]], "msgstr": []}, "msgid"
        elif line.startswith("msgid_plural"):
            key = "plural"
            current[key] = [line[13:]]
        elif line.startswith("msgstr"):
            key = "msgstr"
            current["msgstr"].append(line.split(" ", 1)[1])
        elif line.startswith('"') and current is not None:
            if key == "msgstr":
                current["msgstr"][-1] += line
            else:
                current[key][-1] += line
        elif not line.strip() and current is not None:
            msgid = "".join(part.strip('"') for part in current["msgid"][0].split('""'))
            if msgid:
                entries[msgid] = ["fuzzy"] if fuzzy else [s.replace('""', "").strip('"') for s in current["msgstr"]]
            current, key, fuzzy = None, None, False
    return entries


def test_every_msgid_has_a_russian_translation():
    entries = read_po(ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    untranslated = sorted(msgid for msgid, forms in entries.items() if forms == ["fuzzy"] or not all(forms))
    assert not untranslated, f"untranslated or fuzzy: {untranslated}"


def test_the_catalogue_covers_every_string_marked_in_the_code(tmp_path):
    for name in SOURCES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "ru",
            "--no-location",
            "--no-obsolete",
            "-v",
            "0",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    fresh = read_po(tmp_path / "locale" / "ru" / "LC_MESSAGES" / "django.po")
    committed = read_po(ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po")
    missing = sorted(set(fresh) - set(committed))
    assert not missing, f"run makemessages and translate: {missing}"
    assert all(all(forms) and forms != ["fuzzy"] for forms in fresh.values())
