"""Publication dates as the sources write them -> ISO dates (YYYY-MM-DD)."""
from __future__ import annotations

import datetime as dt
import email.utils
import re
import time

_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def iso_date(value: object) -> str | None:
    """'2015-05-15T10:00Z', 'Fri, 15 May 2015 10:00:00 GMT', a struct_time, a date -> '2015-05-15'."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, time.struct_time):
        try:
            return dt.date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()
        except ValueError:
            return None
    if isinstance(value, (int, float)):
        try:
            return dt.datetime.fromtimestamp(value, dt.UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    m = _ISO.match(text)
    if m:
        try:
            return dt.date(*map(int, m.groups())).isoformat()
        except ValueError:
            return None
    rfc822 = _rfc822_date(text)
    if rfc822:
        return rfc822
    import dateparser  # slow to import: only for the odd formats

    parsed = dateparser.parse(text, settings={"PREFER_DAY_OF_MONTH": "first",
                                              "RETURN_AS_TIMEZONE_AWARE": False})
    return parsed.date().isoformat() if parsed else None


def _rfc822_date(text: str) -> str | None:
    """'Fri, 15 May 2015 10:00:00 GMT' (feeds, HTTP) -> '2015-05-15'."""
    try:
        return email.utils.parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None
