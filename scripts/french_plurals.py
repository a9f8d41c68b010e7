"""Write the French catalogue of plural forms: French is the source language, so its messages
need no translation, but without a catalogue gettext falls back to the English rule and
writes "0 fiches" where French says "0 fiche" (n > 1 takes the plural). Each plural message of
the English catalogue is copied with its own two forms, then compiled.

    python scripts/french_plurals.py      # after `makemessages -l en`; a test checks it
"""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "icilabas" / "locale"


def french_plurals(english: polib.POFile) -> polib.POFile:
    french = polib.POFile(wrapwidth=100)
    french.metadata = {
        "Project-Id-Version": "icilabas",
        "Language": "fr",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n > 1);",
    }
    for entry in english:
        if entry.obsolete or not entry.msgid_plural:
            continue
        french.append(
            polib.POEntry(
                msgctxt=entry.msgctxt,
                msgid=entry.msgid,
                msgid_plural=entry.msgid_plural,
                msgstr_plural={0: entry.msgid, 1: entry.msgid_plural},
                flags=[flag for flag in entry.flags if flag != "fuzzy"],
            )
        )
    return french


def main() -> None:
    english = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    folder = LOCALE / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    french = french_plurals(english)
    french.save(str(folder / "django.po"))
    french.save_as_mofile(str(folder / "django.mo"))
    print(f"{len(french)} plural messages written to {folder}")


if __name__ == "__main__":
    main()
