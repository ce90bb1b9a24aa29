"""Small pieces of English the replies share: counts with the right plural. Pure."""

from __future__ import annotations


def plural(count: int | float, noun: str, plural_form: str | None = None) -> str:
    """`1 bad row`, `2 bad rows`, `1,200 metric rows`: the count (with thousands separators)
    and the noun, singular only for exactly one. The last word takes the plural."""
    if count == 1:
        return f"1 {noun}"
    head, _, last = noun.rpartition(" ")
    many = plural_form or (
        last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou" else last + "s"
    )
    number = f"{count:,}" if isinstance(count, int) else f"{count:,g}"
    return f"{number} {head + ' ' if head else ''}{many}"
