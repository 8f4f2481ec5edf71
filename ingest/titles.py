"""Page titles without the site's name: "Senate passes bill | CNN Politics" -> "Senate passes bill".

Only a part that names the site is removed: the page's own site name (og:site_name, the
JSON-LD publisher, a feed's title) or its host ("sott" in sott.net). A headline's own
" - " or " | " stays, because no site is named on either side of it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

# Separators sites put between the headline and their name, spaced ("Headline | Site",
# "Headline -- Site", "Headline » Section » Site") or, in CJK titles, not ("标题-新华网").
_SPACED = re.compile(r"\s+(?:\||-{1,2}|–|—|::|»|«|·|•|~|/)\s+|\s*[|»]\s*")
_UNSPACED = re.compile(r"\s*(?:[-|_–—·•»:]|::)\s*$")
# Breadcrumb separators: the section names before the site's name go with it.
_CRUMB = {"»", "/", "«"}
# Words of a site's tagline in front of a headline ("Nigeria's popular news platform: ...").
_TAGLINE = re.compile(r"(?i)^(?:[^:]{0,60}\b(?:news|platform|portal|online|website|newspaper|"
                      r"magazine|daily|times|media)\b[^:]{0,30}):\s+(?=\S)")
# Host labels that name no site.
_GENERIC_LABELS = {"www", "m", "mobile", "amp", "edition", "news", "en", "english", "com", "net",
                   "org", "co", "uk", "de", "fr", "es", "it", "info", "online", "cn", "gov"}


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def site_keys(names: Iterable[str | None], url: str | None) -> list[str]:
    """Folded forms of the site's names and its host's distinctive labels."""
    keys = [_key(n) for n in names if n and _key(n)]
    url = url or ""
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    keys.extend(_key(label) for label in host.split(".") if label not in _GENERIC_LABELS)
    return list(dict.fromkeys(k for k in keys if len(k) >= 3))


_FUNCTION_WORDS = {"of", "the", "and", "de", "la", "el", "le", "del", "der", "die", "&", "on",
                   "for", "al"}


def _looks_like_a_name(segment: str) -> bool:
    """'CNN Politics', 'The Times of India', '新华网'; not 'CNN reporter killed'."""
    return all(not w[0].isalpha() or w[0].isupper() or not w[0].isascii()
               or w.casefold() in _FUNCTION_WORDS for w in segment.split())


def _names_site(segment: str, keys: list[str], *, words: int = 4) -> bool:
    key = _key(segment)
    if not key:
        return False
    if key in keys:
        return True
    # a site's name and a section or a region of it: "CNN Politics", "Ultima Hora Mallorca"
    return len(segment.split()) <= words and _looks_like_a_name(segment) and any(
        key.startswith(k) or (k.startswith(key) and len(key) >= 0.6 * len(k)) for k in keys)


def strip_site_name(title: str, names: Iterable[str | None] = (), url: str | None = None) -> str:
    """The title without the part that names the site; the title itself if nothing does."""
    title = " ".join(title.split())
    name_list = [" ".join(n.split()) for n in names if n and n.strip()]
    keys = site_keys(name_list, url)
    if not keys:
        return title
    # the site's full name at either end, whatever joins it ("标题-新华网")
    for name in sorted(name_list, key=len, reverse=True):
        low, nlow = title.casefold(), name.casefold()
        if low.endswith(nlow) and len(title) > len(name):
            head = title[:-len(name)]
            if _UNSPACED.search(head):
                title = _UNSPACED.sub("", head).strip()
                break
        if low.startswith(nlow) and len(title) > len(name):
            tail = title[len(name):]
            lead = re.match(r"\s*(?:[-|_–—·•»:]|::)\s*", tail)
            if lead:
                return _without_tagline(tail[lead.end():].strip())
    parts = _SPACED.split(title)
    seps = _SPACED.findall(title)
    changed = False
    while len(parts) > 1 and _names_site(parts[-1], keys):
        parts.pop()
        sep = seps.pop().strip()
        changed = True
        # "Headline » Local » News » Site": the sections go with the site's name
        while sep in _CRUMB and len(parts) > 1 and seps and seps[-1].strip() == sep \
                and len(parts[-1].split()) <= 3:
            parts.pop()
            seps.pop()
    if len(parts) > 1 and _names_site(parts[0], keys, words=2):
        parts.pop(0)
        seps.pop(0)
        return _without_tagline(_join(parts, seps))
    return _join(parts, seps) if changed else title


def _without_tagline(rest: str) -> str:
    tagline = _TAGLINE.match(rest)
    return rest[tagline.end():] if tagline else rest


def _join(parts: list[str], seps: list[str]) -> str:
    out = parts[0]
    for sep, part in zip(seps, parts[1:]):
        out += sep + part
    return out.strip()
