"""Numbers as the benchmark reports print them: one function, and one output format, for each kind.

``MISSING`` stands for a value that was not measured (None).
"""

MISSING = "n/a"


def fmt_int(value):
    """``10,000``."""
    return MISSING if value is None else "{:,}".format(value)


def fmt_s(value):
    """Seconds: one decimal from 10 s up, two below (``36.1``, ``0.42``)."""
    if value is None:
        return MISSING
    return "%.1f" % value if value >= 10 else "%.2f" % value


def fmt_ms(value):
    """Milliseconds: none from 10 ms up, one below (``12``, ``3.6``)."""
    if value is None:
        return MISSING
    return "%.0f" % value if value >= 10 else "%.1f" % value


def fmt_ratio(value, estimated=False):
    """A ratio: ``150×``, ``1.15×``; ``~150× (est.)`` when ``estimated``."""
    if value is None:
        return MISSING
    text = "%.0f×" % value if value >= 10 else "%.2f×" % value
    return ("~%s (est.)" % text) if estimated else text


def fmt_bytes(value):
    """A size in binary units with the exact count: ``98.7 KiB (101,115 bytes)``, ``2 bytes``."""
    if value is None:
        return MISSING
    if value >= 2**20:
        return "%.1f MiB (%s bytes)" % (value / 2**20, fmt_int(value))
    if value >= 1024:
        return "%.1f KiB (%s bytes)" % (value / 1024, fmt_int(value))
    return "%s bytes" % fmt_int(value)
