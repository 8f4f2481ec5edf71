"""Direct and mixed quotes with the speaker the attribution names, resolved to a name."""
from __future__ import annotations

import re
from typing import Any

from newsdesk.extract.patterns import compiled

OPEN_MARKS = "\"“„«"
CLOSE_MARKS = "\"”»"
_OPEN_MARK = compiled(f"[{OPEN_MARKS}]")
_CLOSE_OR_NEWLINE = compiled(f"[{CLOSE_MARKS}\n]")
# Finite speech verbs; the participles ("saying", "adding") point at the clause's subject.
_SPEECH = (r"said|says|say|told|tells|tell|added|adds|stated|states|explained|explains|"
           r"claimed|claims|claim|warned|warns|urged|urges|announced|announces|wrote|writes|"
           r"asked|asks|argued|argues|insisted|insists|noted|notes|continued|continues|"
           r"declared|declares|replied|replies|responded|responds|recalled|recalls|remarked|"
           r"acknowledged|admitted|admits|tweeted|tweets|posted|reported|reports|called|calls|"
           r"described|describes|proclaimed|proclaims|promised|promises|vowed|vows|pledged|"
           r"predicted|predicts|suggested|suggests|complained|complains|conceded|concedes|"
           r"joked|jokes|quipped|boasted|boasts|branded|brands|blasted|slammed|praised|"
           r"criticized|criticised|denounced|denied|denies|charged|accused|accuses|"
           r"testified|sang|sings|shouted|yelled|chanted|read|reads|wrote|"
           r"implored|implores|lamented|laments|pleaded|pleads|cautioned|cautions|observed|"
           r"mused|exclaimed|stressed|stresses|emphasi[sz]ed|emphasi[sz]es|reiterated|"
           r"countered|retorted|whispered|screamed|cried|sighed|grumbled|recounted|"
           r"chimed\s+in|put\s+it|according\s+to")
_PARTICIPLE = (r"(?:going|went)\s+on\s+to\s+(?:say|add|call|argue|claim)|"
               r"saying|adding|asking|telling|calling|writing|noting|arguing|insisting|"
               r"warning|urging|claiming|describing|promising|vowing|declaring|explaining|"
               r"stating|encouraging|denouncing|branding|praising|accusing|referring")
_PRONOUNS = {"he", "she", "they", "it", "we", "i"}
_AUX = compiled(r"(?:\s+(?:also|then|later|again|once|repeatedly|previously|often|"
               r"has|have|had|is|was|are|were|been|be|will|would|has\s+been|had\s+been|"
               r"did|does|do|just|even|further|only|not|never|still|recently|"
               r"[’']s|[’']d))+\s*$", re.IGNORECASE)
# a name-ish or pronoun mention: "he", "Jamili", "a police officer", "Anbar council chief Sabah al-Karhout"
_MENTION = (r"(?P<who>(?:he|she|they|it|we|I|"
            r"(?:(?:the|a|an)\s+)?(?:[\w'’.-]+\s+){0,6}?[\w'’-]+))")
# "Rep. Gwen Moore (D-Wis.) said", "Scott Pruitt, the attorney general of Oklahoma, said"
_APPOSITIVE = r"(?:\s*\([^()\n]{1,20}\))?(?:,[^,\"“”\n]{1,90}){0,2}?,?"
AFTER = [
    # ", Jamili also said" / "he said" / "said a police officer"
    compiled(rf"^[,.]?\s*(?:as\s+)?{_MENTION}{_APPOSITIVE}\s+(?:also\s+|later\s+|then\s+)?"
            rf"(?:{_SPEECH})\b"),
    # ("wrote Cameron Easley for Morning Consult": the writer, not the paper)
    compiled(rf"^[,.]?\s*(?:{_SPEECH})\s+{_MENTION}"
            rf"(?=[.,;]|\s+(?:in|on|at|to|during|who|of|for)\b|$)"),
    # a signed quote: "…” ― Sonya Herridge
    compiled(r"^\s*[―—–]\s*(?P<who>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})"),
]
BEFORE = [
    # "X said:" / "X told reporters," / "according to X," / "X claims to have"
    compiled(rf"{_MENTION}\s+(?:also\s+)?(?:{_SPEECH})(?:\s+(?:\w+\s+){{0,3}}?)?(?:\s+that)?\s*[,:]?\s*$"),
    compiled(rf"{_MENTION}\s+(?:claims?|claimed)\s+(?:to\s+have|that)\s*$"),
    # "the agency quoted General Ali Saeed as saying": the one quoted speaks, not the agency
    compiled(rf"\bquot(?:ed|es|ing)\s+{_MENTION}\s+as\s+(?:saying|telling\s+\w+)"
            rf"(?:\s+that)?\s*[,:]?\s*$"),
    compiled(r"(?P<adding>\badding(?:\s+that)?)\s*,?\s*$"),
]
_ANY_VERB_AFTER = compiled(r"\s*(?P<who>[Hh]e|[Ss]he|[Tt]hey|I|[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})"
                          r"\s+(?:also\s+)?[a-z]+(?:ed|s)\b")
_VERB_IN_CLAUSE = compiled(rf"\b(?:(?P<finite>{_SPEECH})|(?P<part>{_PARTICIPLE}))\b", re.IGNORECASE)
_ACCORDING = compiled(r"\baccording\s+to\s+(?P<who>[^,;:“”\"\n]{2,160}?)(?=\s*[,.;:]|\s*$)",
                     re.IGNORECASE)
_SUBJECT_TAIL = compiled(r"(?:(?:the|a|an|his|her|their|its)\s+)?(?:[\w'’.-]+\s+){0,6}?[\w'’.-]+$",
                        re.IGNORECASE)
_SUBJECT_HEAD = compiled(r"\W*(?P<who>(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I)\b|"
                        r"(?:(?:[Tt]he|[Aa]n?|[Ee]very)\s+)?(?:[A-Z][\w'’.-]*\s+){0,5}[A-Z][\w'’.-]*|"
                        r"(?:[Tt]he|[Aa]n?)\s+[a-z][\w'’-]*)")
_LINK_WORDS = {"that", "which", "who", "whom", "and", "but", "or", "because", "while",
               "when", "as", "if", "than"}
# how far back (characters) "she says" still points at the last speaker rather than
# at a person named since
_PRONOUN_REACH = 250
_DETERMINERS = {"the", "a", "an", "every", "this", "that", "his", "her", "their", "its",
                "another"}
_TIME_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
               "january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december", "today", "yesterday"}
_NOT_SPEAKERS = {"this", "there", "here", "what", "which", "that", "who", "one", "you", "me"}


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text, marks included; a paragraph that opens a quote and does not
    close it continues into the next paragraph when that one opens with a mark."""
    spans = []
    i = 0
    n = len(text)
    # jump from mark to mark: a loop over every character cost a quarter of a millisecond
    while (opening := _OPEN_MARK.search(text, i)) is not None:
        start = opening.start()
        j = start + 1
        while (stop := _CLOSE_OR_NEWLINE.search(text, j)) is not None:
            j = stop.start()
            c = text[j]
            if c == "\n":
                nxt = j + 1
                while nxt < n and text[nxt] == "\n":
                    nxt += 1
                if nxt < n and text[nxt] in OPEN_MARKS:
                    j = nxt + 1  # the quote runs on into this paragraph
                    continue
                j = -1
                break
            if c != '"' or j + 1 >= n or not text[j + 1].isalnum() or text[j - 1] in ".,!?":
                break
            j += 1
        else:
            j = n
        if j == -1 or j >= n:
            i = start + 1
            continue
        spans.append((start, j + 1))
        i = j + 1
    return spans


def find_quotes(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    quotes: list[dict[str, Any]] = []
    last_speaker: tuple[str, int, int] | None = None
    last_quote_end = -1
    for start, end in _quote_spans(text):
        inner = text[start + 1:end - 1]
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end == -1 else line_end
        before = text[line_start:start]
        after = text[end:line_end]
        if len(inner.split()) <= 2 and not (inner.rstrip()[-1:] in ",?!" and any(
                p.match(after) for p in AFTER[:2])):
            continue  # scare quotes: "caliphate"; not '“I would,” Melanie said'

        whole_sentence = re.split(r"(?<=[.!?])\s+", before)[-1]
        kind = "direct" if not whole_sentence.strip() else "mixed"
        # a mention never reaches back across the previous quote
        sentence_before = re.split(r"[”»]\s*|\"\s+", whole_sentence)[-1]
        label = _TRANSCRIPT.match(text, start + 1)
        who: tuple[int, int] | None
        if label:  # a transcript's turn: "WALLACE: If I may, sir, …"
            who, adding = (label.start("who"), label.end("who")), False
        else:
            who, adding = _attribution(text, start, end, before, sentence_before, after)
        if who is None and kind == "direct":
            who = _colon_lead_in(text, line_start)
        speaker = None
        if who:
            who = _narrow_to_entity(who, entities) or _trim_mention(text, who)
            speaker = _resolve(text[who[0]:who[1]], who[0], entities, last_speaker)
        elif adding and last_speaker:
            speaker = last_speaker[0]
            who = (last_speaker[1], last_speaker[2])
        elif last_speaker and _continues(text, last_quote_end, start):
            # an unattributed quote right after an attributed one: the same voice goes on
            speaker = last_speaker[0]
            who = (last_speaker[1], last_speaker[2])
        elif kind == "mixed" and whole_sentence != sentence_before:
            # the second fragment of a sentence ('Cruz called Trump a "liar" who is "…"'):
            # the sentence's speaker, read past the first
            who = _in_sentence(whole_sentence, start - len(whole_sentence))
            if who:
                who = _narrow_to_entity(who, entities) or _trim_mention(text, who)
                speaker = _resolve(text[who[0]:who[1]], who[0], entities, last_speaker)
        quote = {"start": start, "end": end, "text": text[start:end], "kind": kind,
                 "speaker": speaker, "speaker_start": who[0] if who else None,
                 "speaker_end": who[1] if who else None}
        quotes.append(quote)
        last_quote_end = end
        if speaker and who:
            last_speaker = (speaker, who[0], who[1])
    return quotes


_NEW_SENTENCE = compiled(r"\s*[A-Z“\"]")


def _attribution(text: str, start: int, end: int, before: str, sentence_before: str,
                 after: str) -> tuple[tuple[int, int] | None, bool]:
    """The speaker mention's span (or None) and whether the lead-in is a bare "adding"."""
    # a quote that ends its sentence ('… virtue.” In one tweet, Trump said:') is not
    # attributed by the next sentence's subject and verb
    ends_sentence = text[end - 2:end - 1] == "." and _NEW_SENTENCE.match(after)
    for pattern in AFTER if not ends_sentence else ():
        m = pattern.match(after)
        if m and _is_mention(m.group("who")):
            return (end + m.start("who"), end + m.end("who")), False
    if text[end - 2:end - 1] in ",?!":
        m = _ANY_VERB_AFTER.match(after)
        if m:
            return (end + m.start("who"), end + m.end("who")), False
    if not sentence_before.strip():
        return None, False
    offset = start - len(sentence_before)
    for pattern in BEFORE[1:]:
        mb = pattern.search(sentence_before)
        if mb:
            if mb.groupdict().get("adding"):
                return None, True
            if mb.group("who"):
                return (offset + mb.start("who"), offset + mb.end("who")), False
            break
    return _in_sentence(sentence_before, offset), False


# words that are never who spoke, alone: a count, a time, a conjunction
_NEVER_ALONE = {"two", "three", "four", "five", "several", "many", "some", "when", "later",
                "then", "while", "after", "before", "today", "yesterday", "now", "both"}


# a transcript's speaker label opening the quoted turn
_TRANSCRIPT = compiled(r"(?P<who>[A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]+){0,2}):\s")
_COUNTED = {"one", "two", "three", "four", "five", "several", "some", "many", "both"}


def _is_mention(words: str) -> bool:
    """A capitalised name, a pronoun, a description ("the group", "another witness") or a
    role before a name ("spokesman John Kirby"), not "and", "the level" or "When"."""
    parts = words.split()
    first = parts[0]
    if len(parts) == 1 and first.lower() in _NEVER_ALONE:
        return False
    if any(w.endswith(".") and len(w) > 3 and w[:-1].isalpha() and w[0].islower()
           for w in parts[:-1]):
        return False  # 'remains under investigation. Last month': across a sentence's end
    if first[:1].islower() and first.isalpha() and any(w[:1].isupper() for w in parts[1:]):
        return True  # "said spokesman John Kirby"
    if len(parts) > 1 and first.lower() in _COUNTED:
        return True  # "said one witness", "two residents said"
    return first[:1].isupper() or first.lower() in _PRONOUNS | _DETERMINERS


def _in_sentence(sentence: str, offset: int) -> tuple[int, int] | None:
    """A mixed quote's speaker: the subject of the last speech verb before the quote
    ("Trump tells his supporters to “go …”"), the clause's subject for a participle
    ("Clinton mocked it, saying “…”"), else the sentence's subject."""
    according = list(_ACCORDING.finditer(sentence))
    verbs = list(_VERB_IN_CLAUSE.finditer(sentence))
    if according and (not verbs or according[-1].start() >= verbs[-1].start()):
        m = according[-1]
        return offset + m.start("who"), offset + m.end("who")
    for verb in reversed(verbs):
        head = sentence[:verb.start()]
        if verb.group("finite") and _NOUN_BEFORE.search(head):
            continue  # "his late-night tweets", "the reports": a noun, not a verb
        if verb.group("finite"):
            found = _subject_before(head)
        else:
            # "footage of Hillary Clinton asking" names the speaker right before the verb
            found = _name_before(head) or _sentence_subject(sentence)
        if found:
            return offset + found[0], offset + found[1]
    found = _sentence_subject(sentence)
    return (offset + found[0], offset + found[1]) if found else None


_NOUN_BEFORE = compiled(r"(?:\b(?:the|a|an|his|her|their|its|our|my|your|of|these|those|"
                       r"several|many|recent|such)|\w-\w+)\s+$", re.IGNORECASE)


def _subject_before(head: str) -> tuple[int, int] | None:
    """The mention right before a finite verb, past auxiliaries and an appositive."""
    aux = _AUX.search(head)
    if aux:
        head = head[:aux.start()]
    head = head.rstrip()
    if head.endswith(","):
        # "Brian Fallon, the campaign's press secretary, noted": the name before the appositive
        inner = head[:-1]
        comma = inner.rfind(",")
        head = inner[:comma] if comma > 0 else inner
    tail = _SUBJECT_TAIL.search(head)
    if not tail:
        return None
    words = tail.group().split()
    # stop at the nearest clause boundary: "… anybody who complains"
    cut = max((i for i, w in enumerate(words) if w.lower() in _LINK_WORDS), default=-1)
    words = words[cut + 1:]
    if not words or words[-1].lower() in _NOT_SPEAKERS:
        return None
    mention = " ".join(words)
    start = head.rfind(mention)
    return (start, start + len(mention)) if start >= 0 else None


def _name_before(head: str) -> tuple[int, int] | None:
    m = re.search(r"(?:\b(?:he|she|they|I)|[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})\s*$", head)
    if not m or m.group().strip().lower() in _NOT_SPEAKERS | _DETERMINERS | _TIME_WORDS:
        return None  # "tweets early Friday saying": the day says nothing
    return m.start(), m.start() + len(m.group().rstrip())


def _sentence_subject(sentence: str) -> tuple[int, int] | None:
    """The first mention of a sentence, after a leading phrase ("In July, Gingrich …")."""
    start = 0
    lead = re.match(r"\s*(?:In|On|At|After|Before|During|Since|Last|This|Earlier|Later|"
                    r"Asked|Speaking|Following|Like|Unlike|While|When|As|With|For|Amid|"
                    r"Despite|Under|Through|From|To|By|Among|According|Though|Although|Once|"
                    r"Meanwhile|However|Still|Yet|Now|Then|Instead|Separately|Twenty|Thirty|"
                    r"Years|Days|Weeks|Months|Hours)\b[^,]{0,60},\s*",
                    sentence)
    if lead:
        start = lead.end()
    m = _SUBJECT_HEAD.match(sentence, start)
    if not m or m.group("who").lower() in _NOT_SPEAKERS | _DETERMINERS:
        return None
    return m.start("who"), m.end("who")


def _colon_lead_in(text: str, line_start: int) -> tuple[int, int] | None:
    """"He said:" or "The paper reports:" as the paragraph before a block quote."""
    j = line_start - 1
    while j >= 0 and text[j] in "\n \t":
        j -= 1
    if j < 0 or text[j] != ":":
        return None
    para_start = text.rfind("\n", 0, j) + 1
    sentence = re.split(r"(?<=[.!?])\s+", text[para_start:j])[-1]
    offset = j - len(sentence)
    for pattern in BEFORE[:2]:
        mb = pattern.search(sentence)
        if mb and mb.group("who"):
            return offset + mb.start("who"), offset + mb.end("who")
    return _in_sentence(sentence, offset)


def _continues(text: str, last_quote_end: int, start: int) -> bool:
    """Whether only a short attribution ("…," he said.) separates this quote from the last."""
    if last_quote_end < 0:
        return False
    between = text[last_quote_end:start]
    if "\n" not in between.strip():
        return True  # same paragraph: "…," said X, a lawyer for Y. "…"
    return between.count("\n") <= 2 and len(between.strip()) < 80


def _narrow_to_entity(span: tuple[int, int], entities: list[dict[str, Any]]
                      ) -> tuple[int, int] | None:
    """The person (else organisation) named inside a long mention, the last one first."""
    inside = [e for e in entities if span[0] <= e["start"] and e["end"] <= span[1]]
    for label in ("PER", "ORG"):
        named = [e for e in inside if e["label"] == label]
        if named:
            return named[-1]["start"], named[-1]["end"]
    return None


def _trim_mention(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """Keep the part of a long mention that names someone: its last capitalised run."""
    start, end = span
    mention = text[start:end]
    m = re.search(r"(?:(?:[A-Z][\w'’-]*|al-[A-Z][\w'’-]*|bin|ibn|abu)\s+)*"
                  r"(?:[A-Z][\w'’-]*|al-[A-Z][\w'’-]*)$", mention)
    if m and m.group().split()[0][0].isupper():
        return start + m.start(), end
    return span


def _resolve(mention: str, pos: int, entities: list[dict[str, Any]],
             last: tuple[str, int, int] | None) -> str | None:
    low = mention.lower()
    if low in _PRONOUNS:
        if low in ("he", "she"):
            prior = [e for e in entities if e["label"] == "PER" and e["end"] <= pos]
            # a person named after the last speaker is the likelier "he"
            recent = last and pos - last[2] < _PRONOUN_REACH
            if prior and not recent and (not last or prior[-1]["start"] > last[1]):
                return prior[-1]["canonical"]
        return last[0] if last else None
    for e in entities:
        if e["start"] <= pos < e["end"] or (e["start"] >= pos and e["end"] <= pos + len(mention)):
            return e["canonical"]
    # "the militant group": the organisation the article calls a group
    m = re.search(r"\b(group|council|army|ministry|police|government|agency|party)$", low)
    if m:
        head = m.group(1)
        orgs = [e for e in entities if e["label"] == "ORG" and e["start"] < pos
                and head in e["canonical"].lower()]
        if orgs:
            return orgs[-1]["canonical"]
    return mention if mention[:1].isupper() else None
