"""What an SMS body costs: its encoding (GSM-7 or UCS-2) and how many segments Twilio bills."""

from dataclasses import dataclass

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

GSM7, UCS2 = "GSM-7", "UCS-2"
# Units (septets or UTF-16 code units) in a single message, and in each part of a split one.
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}
MAX_BODY = 1600  # Twilio refuses a longer body (error 21617).


@dataclass(frozen=True)
class Segments:
    encoding: str
    units: int
    count: int


def _unit_sizes(text):
    """The encoding of the whole body and each character's size in its units.

    One character outside GSM-7 makes the whole body UCS-2. In GSM-7 an extension-table
    character (€ [ ] { } ...) takes an escape septet too; in UCS-2 a character outside the
    Basic Multilingual Plane (an emoji) takes two code units.
    """
    try:
        return GSM7, [len(char.encode("gsm03.38")) for char in text]
    except UnicodeEncodeError:
        return UCS2, [len(char.encode("utf-16-le")) // 2 for char in text]


def segments(text):
    """Encoding, size and segment count of an SMS body, as Twilio splits it."""
    encoding, sizes = _unit_sizes(text)
    single, part = LIMITS[encoding]
    total = sum(sizes)
    if total <= single:
        return Segments(encoding, total, 1 if text else 0)
    # A character is never split across two parts, so a part may hold less than `part` units.
    count, used = 1, 0
    for size in sizes:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return Segments(encoding, total, count)
