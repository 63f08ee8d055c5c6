"""The five source documents the demo data and the indicator catalogue are taken from (docs/demo.md, «Sources»),
named as a reader knows them: the order or programme with its number and date, never the internal «seed 004».

`cite` turns an internal note («Таблица 2 (seed 004, стр. 528)») into a citation a user can look up («Таблица 2 (по
данным приказа управления образования Октябрьского района № 448-од от 25.05.2020, стр. 528)»); «стр.» is the line
of the published text, as the demo's notes have always counted it. The demo fixtures were rewritten with it once;
`source_text` names an indicator's sources the same way when its page is shown.
"""

import re

# The genitive («по данным …») and the prepositional («в …») of each document's title.
SOURCES = {
    "000": (
        "приказа управления образования Чаа-Хольского кожууна № 158 от 26.03.2021",
        "приказе управления образования Чаа-Хольского кожууна № 158 от 26.03.2021",
    ),
    "001": (
        "приказа управления образования Городецкого района № 400а/п от 04.09.2020",
        "приказе управления образования Городецкого района № 400а/п от 04.09.2020",
    ),
    "002": (
        "муниципальной программы Дубенского района на 2024 год (приказ от 20.02.2024 № 14)",
        "муниципальной программе Дубенского района на 2024 год (приказ от 20.02.2024 № 14)",
    ),
    "003": (
        "ведомственной целевой программы Ярцевского района на 2018–2021 годы (приказ № 92 от 20.03.2018)",
        "ведомственной целевой программе Ярцевского района на 2018–2021 годы (приказ № 92 от 20.03.2018)",
    ),
    "004": (
        "приказа управления образования Октябрьского района № 448-од от 25.05.2020",
        "приказе управления образования Октябрьского района № 448-од от 25.05.2020",
    ),
}
SEED = re.compile(r"(?P<in>\bв )?(?P<open>\()?seed (?P<code>00[0-4])\b")
UNNAMED_SEED = re.compile(r"\bв seed\b")


def _replace(match: re.Match) -> str:
    genitive, prepositional = SOURCES[match.group("code")]
    if match.group("in"):
        return f"в {prepositional}"
    opening = "(" if match.group("open") else ""
    words = "По данным" if match.start() == 0 and not opening else "по данным"
    return f"{opening}{words} {genitive}"


def cite(text: str) -> str:
    """The text with every «seed NNN» written as the document's title (see the module's docstring)."""
    text = SEED.sub(_replace, text or "")
    return UNNAMED_SEED.sub("в источнике", text)


def source_text(note: str) -> str:
    """An indicator's source as the catalogue keeps it («004», «000: 90; 004: 85», «портал») in words: «по данным» each
    document named by its title, with the value it gives; empty for no source."""
    parts = []
    for item in re.split(r"\s*;\s*", (note or "").strip()):
        if not item:
            continue
        codes, _sep, value = item.partition(":")
        names = []
        for code in re.split(r"\s*,\s*", codes.strip()):
            if code in SOURCES:
                names.append(f"по данным {SOURCES[code][0]}")
            elif code == "портал":
                names.append("расчёт портала по его данным")
            else:
                names.append(code)
        text = "; ".join(names)
        if value.strip():
            text += f" (значение в источнике: {value.strip()})"
        parts.append(text)
    return "; ".join(parts)
