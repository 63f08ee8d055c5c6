"""The words of the analytical report: counted nouns («3 мероприятия»), lists of names («A, B и C») and sentences.

The documents are Russian official papers whatever the interface language, so, like the other document kinds, their
words are written here in Russian; numbers and dates come through `formatting` (decimal commas, «26.03.2021»).
"""

import re


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian form of a noun for `n`: plural(1, "показатель", "показателя", "показателей") → «показатель»."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def counted(n: int, one: str, few: str, many: str) -> str:
    """«1 мероприятие», «3 мероприятия», «11 мероприятий»."""
    return f"{n} {plural(n, one, few, many)}"


def join_names(names) -> str:
    """«A, B и C» (an empty string for no names)."""
    names = [str(name) for name in names if name]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} и {names[-1]}"


def sentence(text: str) -> str:
    """The text with a capital first letter and a full stop at the end (once)."""
    text = re.sub(r"[ \t\r\n]+", " ", str(text)).strip()  # not str.split(): it would eat the no-break spaces
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…")) else text + "."
