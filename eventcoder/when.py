"""The ``when`` stage: the date of an event, resolved against the article's publication date.

``DateResolver.resolve`` looks for a temporal expression that belongs to the trigger: first in the
trigger's own clause, then in the clauses that govern it, then anywhere in the sentence outside
relative clauses ("X, who arrived on Monday, said on Tuesday" dates "said" to Tuesday). It
resolves the expression with pure-Python rules (weekdays, "yesterday", "last week", "July 7",
"2020-07-07", …) and falls back to ``dateparser`` only for numeric dates the rules cannot read
("07/07/2020"). Without any expression the event takes the publication date.

Direction of weekday cues. A bare weekday ("on Sunday") looks back to the most recent such day on
or before publication (CONVENTIONS.md, "Dates"), unless the predicate the cue hangs on is future
or planned ("will travel on Sunday", "is due to arrive on Monday", "is scheduled to meet on
Friday", "plans to visit ... on Tuesday", "are to be held on Sunday"): then it is the next such day
on or after publication (the same day when published on that weekday). The tense is read from the
clause of the cue, not from the trigger, so "X said on Sunday he will travel" dates "travel" to the
past Sunday of the statement, and a date that belongs only to a planned subordinate clause is not
given to a past or present trigger ("X said he will travel on Sunday": "said" keeps the
publication date, the intention being dated to when it was expressed). "next Sunday" is always
after publication, "last Sunday" always before it, "this Sunday" follows the clause's tense, and
"Tuesday next week" / "Tuesday last week" name that weekday in the (Monday-based) week named.

The functions take objects with spaCy's Token/Span interface; spaCy is never imported here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from eventcoder.entities import sentence_entities
from eventcoder.records import DatePrecision, ResolvedDate

# Dependency labels that open a new clause below a token (its dates are not the head's dates).
CLAUSE_DEPS = frozenset({"relcl", "acl", "ccomp", "advcl", "xcomp", "csubj", "csubjpass", "parataxis", "conj"})
_RELATIVE_CLAUSE_DEPS = frozenset({"relcl", "acl"})
_DATE_LABELS = frozenset({"DATE", "TIME"})
_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
# Heads (by lemma) that make their to-infinitive complement a planned event: "plans to visit",
# "is scheduled to meet", "is due to arrive", "is set to sign", "is going to", "are to be held".
_FUTURE_GOVERNORS = frozenset({
    "plan", "schedule", "set", "due", "expect", "go", "intend", "aim", "prepare", "slate", "poise", "hope",
    "want", "seek", "be",
})
_PAST_MARKERS = frozenset({"was", "were", "had", "'d"})
_PAST_TAGS = frozenset({"VBD"})
_PREDICATE_POS = frozenset({"VERB", "AUX"})
_WEEK_RE = re.compile(r"\b(last|previous|this|next|coming)\s+week\b")
_MAX_DEPTH = 1000  # a bound on walks up the tree, in case a parse is malformed
_DURATION_PREPS = frozenset({"for", "within", "until", "till", "since", "throughout"})

WEEKDAYS: dict[str, int] = {
    name: i
    for i, names in enumerate(
        [("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thurs"),
         ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun")]
    )
    for name in names
}
MONTHS: dict[str, int] = {
    name: i
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_FULL_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_BARE_WORDS = frozenset(_FULL_WEEKDAYS) | {"yesterday", "today", "tonight", "tomorrow"}

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_ISO_RE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DAY_MONTH_RE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\b\.?(?:,?\s+(\d{{4}}))?")
_MONTH_DAY_RE = re.compile(rf"\b({_MONTH_RE})\b\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?")
_MONTH_YEAR_RE = re.compile(rf"\b({_MONTH_RE})\b\.?(?:,?\s+(?:of\s+)?(\d{{4}}))?")
_YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_AGO_RE = re.compile(rf"\b(\d+|{'|'.join(_NUMBER_WORDS)})\s+(day|week|month|year)s?\s+ago\b")
_PERIOD_RE = re.compile(r"\b(last|past|previous|this|next|coming)\s+(week|month|year)\b")
_NUMERIC_DATE_RE = re.compile(r"\b\d{1,4}[/.]\d{1,2}[/.]\d{2,4}\b")


@dataclass(frozen=True, slots=True, kw_only=True)
class DateResolver:
    """Resolves event dates. Options only; no state between calls.

    ``future_window_days``: a month-day without a year takes the publication year, or the year
    before when that would put it more than this many days after publication (past-tense events).
    ``use_dateparser``: allow the ``dateparser`` fallback for numeric dates such as "07/07/2020".
    """

    future_window_days: int = 7
    use_dateparser: bool = True

    def resolve(self, sentence: Any, trigger: Any, published: date) -> ResolvedDate:
        """The date of the event whose trigger token is ``trigger`` in ``sentence``."""
        if isinstance(published, datetime):
            published = published.date()
        trigger_future = is_future(trigger)
        for expression, governs in _ranked_expressions(sentence, trigger):
            future = is_future(predicate_of(expression.attach))
            if future and not governs and not trigger_future:
                continue  # a planned date in a subordinate clause is not the date of a past/present trigger
            found = self.interpret(expression.text, published, future=future)
            if found is not None:
                return found
        return ResolvedDate(value=published, precision="day", how="publication-date", text="")

    def interpret(self, text: str, published: date, *, future: bool = False) -> ResolvedDate | None:
        """Resolve one temporal expression ("on Tuesday", "last week", "July 7"), or None."""
        lowered = " ".join(text.lower().replace("’", "'").split())
        for rule in (self._explicit, _weekday_in_week, _relative, _weekday):
            found = rule(lowered, published, future)
            if found is not None:
                value, precision, how = found
                if not _plausible(value, published):
                    return None
                return ResolvedDate(value=value, precision=precision, how=f"{how}:{text}", text=text)
        if self.use_dateparser and _NUMERIC_DATE_RE.search(lowered):
            parsed = _with_dateparser(text, published)
            return parsed if parsed is not None and _plausible(parsed.value, published) else None
        return None

    def _explicit(self, text: str, published: date, future: bool) -> _Found | None:
        return _explicit(text, published, future, self.future_window_days)


_Found = tuple[date, DatePrecision, str]
EARLIEST_EVENT = date(1900, 1, 1)
LATEST_AHEAD = timedelta(days=366)


def _plausible(value: date, published: date) -> bool:
    """An event date from 1900 to a year after publication; anything else ("December 31, 9999")
    is a typo or a plan too far off to date an event by, and the expression is skipped."""
    return EARLIEST_EVENT <= value <= published + LATEST_AHEAD


def is_future(predicate: Any) -> bool:
    """True when ``predicate`` is future or planned: "will meet", "plans to meet", "is due to
    arrive", "is scheduled to meet", "are to be held", and "meet" in "will travel ... and meet".

    The walk goes up through infinitive complements (xcomp: "plans to travel to X to meet")
    and through coordinated verbs that share the first verb's auxiliary ("will travel and meet");
    it stops at the first verb with a tense of its own. Governors in the past ("planned to",
    "was due to", "had been scheduled to") do not make their complement future.
    """
    token = predicate
    for _ in range(_MAX_DEPTH):
        if _has_future_aux(token):
            return True
        if _governs_plan(token):
            return True
        head = token.head
        if head.i == token.i:
            return False
        if token.dep_ == "xcomp":
            token = head
        elif token.dep_ == "conj" and _shares_tense(token):
            token = head
        else:
            return False
    return False


def predicate_of(token: Any) -> Any:
    """The verb (or predicative adjective, "due") whose clause ``token`` belongs to."""
    for candidate in (token, *_ancestors(token)):
        if candidate.pos_ in _PREDICATE_POS or (candidate.dep_ == "acomp" and candidate.pos_ == "ADJ"):
            return candidate
    return token


def _lemma(token: Any) -> str:
    return (getattr(token, "lemma_", "") or token.text).lower()


def _auxiliaries(token: Any) -> list[Any]:
    return [c for c in token.children if c.dep_ in ("aux", "auxpass")]


def _has_future_aux(token: Any) -> bool:
    return any(c.text.lower() in _FUTURE_AUX for c in _auxiliaries(token))


def _is_past(token: Any) -> bool:
    """The token (with its auxiliaries, or its copula for "was due") is in a past tense."""
    words = [token, *_auxiliaries(token)]
    if token.dep_ in ("acomp", "attr") and token.head.i != token.i:
        words += [token.head, *_auxiliaries(token.head)]
    return any(getattr(w, "tag_", "") in _PAST_TAGS or w.text.lower() in _PAST_MARKERS for w in words)


def _governs_plan(token: Any) -> bool:
    """A present-tense plan/schedule head with a to-infinitive complement ("plans to", "is due to")."""
    if _lemma(token) not in _FUTURE_GOVERNORS or _is_past(token):
        return False
    if _lemma(token) == "be":  # "are to be held", not "is" + acomp "due" (handled on "due")
        return any(c.dep_ == "xcomp" and any(a.text.lower() == "to" for a in c.children) for c in token.children)
    return any(c.dep_ == "xcomp" for c in token.children)


def _shares_tense(token: Any) -> bool:
    """A coordinated base-form verb without auxiliaries takes its tense from the first verb."""
    return getattr(token, "tag_", "") == "VB" and not _auxiliaries(token)


# ---------------------------------------------------------------------------------------------
# Finding the expressions that belong to the trigger


def clause_tokens(head: Any) -> list[Any]:
    """``head`` and the tokens below it that are not inside a subordinate or coordinated clause."""
    found = [head]
    stack = [head]
    while stack:
        token = stack.pop()
        for child in token.children:
            if child.dep_ in CLAUSE_DEPS:
                continue
            found.append(child)
            stack.append(child)
    return found


def _ancestors(token: Any) -> Iterator[Any]:
    """The tokens above ``token`` up to the root (compared by index: spaCy builds new objects)."""
    for _ in range(_MAX_DEPTH):
        if token.head.i == token.i:
            return
        token = token.head
        yield token


def _depth_below(token: Any, head: Any) -> int:
    for depth, ancestor in enumerate((token, *_ancestors(token))):
        if ancestor.i == head.i:
            return depth
    return _MAX_DEPTH


@dataclass(frozen=True, slots=True)
class _Expression:
    text: str
    attach: Any  # the token through which the expression hangs in the tree (its preposition or root)


def _expressions(sentence: Any) -> list[_Expression]:
    """DATE/TIME entities and bare weekday/relative words, with their governing preposition."""
    found: list[_Expression] = []
    covered: set[int] = set()
    for ent in sentence_entities(sentence):
        if ent.label_ not in _DATE_LABELS:
            continue
        tokens = list(ent)
        covered.update(t.i for t in tokens)
        root = next((t for t in tokens if t.head.i < ent.start or t.head.i >= ent.end or t.head.i == t.i), tokens[0])
        found.append(_with_preposition(ent.text, root))
    for token in sentence:
        if token.i not in covered and _is_bare_date(token.text):
            modifiers = [c.text for c in token.children if c.i < token.i and c.text.lower() in ("last", "next", "this")]
            found.append(_with_preposition(" ".join([*modifiers, token.text]), token))
    return found


def _is_bare_date(text: str) -> bool:
    """A date word or numeric date that the entity recognizer may have missed."""
    return text.lower() in _BARE_WORDS or bool(_NUMERIC_DATE_RE.fullmatch(text) or _ISO_RE.fullmatch(text))


def _with_preposition(text: str, root: Any) -> _Expression:
    head = root.head
    if root.dep_ == "pobj" and head.i != root.i and head.dep_ == "prep":
        return _Expression(f"{head.text} {text}", head)
    return _Expression(text, root)


def _in_foreign_relative_clause(token: Any, trigger: Any) -> bool:
    trigger_chain = {trigger.i, *(t.i for t in _ancestors(trigger))}
    chain = [token, *_ancestors(token)]
    return any(t.dep_ in _RELATIVE_CLAUSE_DEPS and t.i not in trigger_chain for t in chain)


def candidate_expressions(sentence: Any, trigger: Any) -> Iterator[str]:
    """Temporal expressions for ``trigger``, best first: own clause, governing clauses, sentence."""
    for expression, _ in _ranked_expressions(sentence, trigger):
        yield expression.text


def _ranked_expressions(sentence: Any, trigger: Any) -> Iterator[tuple[_Expression, bool]]:
    """``candidate_expressions`` with, for each, whether it is in the trigger's own or a governing clause."""
    expressions = [e for e in _expressions(sentence) if not _is_duration(e)]
    if not expressions:
        return
    seen: set[int] = set()
    for head in (trigger, *_ancestors(trigger)):
        members = {t.i for t in clause_tokens(head)}
        local = [e for e in expressions if e.attach.i in members and e.attach.i not in seen]
        local.sort(key=lambda e: (_depth_below(e.attach, head), abs(e.attach.i - trigger.i)))
        for expression in local:
            seen.add(expression.attach.i)
            yield expression, True
    rest = [e for e in expressions if e.attach.i not in seen and not _in_foreign_relative_clause(e.attach, trigger)]
    rest.sort(key=lambda e: abs(e.attach.i - trigger.i))
    for expression in rest:
        yield expression, False


def _is_duration(expression: _Expression) -> bool:
    words = expression.text.lower().split()
    return bool(words) and (words[0] in _DURATION_PREPS or words[0] in ("every", "each"))


# ---------------------------------------------------------------------------------------------
# Resolving one expression (pure-Python rules)


def _month_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _guess_year(month: int, day: int, published: date, future: bool, window: int) -> date | None:
    """A month-day without a year: the publication year, shifted when that is implausible."""
    value = _month_day(published.year, month, day)
    if value is None:
        return None
    if not future and (value - published).days > window:
        return _month_day(published.year - 1, month, day)
    if future and (published - value).days > window:
        return _month_day(published.year + 1, month, day)
    return value


def _explicit(text: str, published: date, future: bool, window: int) -> _Found | None:
    if m := _ISO_RE.search(text):
        value = _month_day(int(m[1]), int(m[2]), int(m[3]))
        return (value, "day", "explicit") if value else None
    if _NUMERIC_DATE_RE.search(text):
        return None  # "07/07/2020": day or month first? left to dateparser
    for pattern, day_group, month_group in ((_DAY_MONTH_RE, 1, 2), (_MONTH_DAY_RE, 2, 1)):
        if m := pattern.search(text):
            month, day = MONTHS[m[month_group]], int(m[day_group])
            year = int(m[3]) if m[3] else None
            value = _month_day(year, month, day) if year else _guess_year(month, day, published, future, window)
            if value is not None:
                return value, "day", "explicit"
    if (m := _MONTH_YEAR_RE.search(text)) and not (m[1] == "may" and not m[2]):
        month = MONTHS[m[1]]
        if m[2]:
            return date(int(m[2]), month, 1), "month", "explicit"
        year = published.year - 1 if not future and month > published.month else published.year
        if future and month < published.month:
            year = published.year + 1
        return date(year, month, 1), "month", "explicit"
    if m := _YEAR_RE.search(text):
        return date(int(m[1]), 1, 1), "year", "explicit"
    return None


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _period(unit: str, published: date, offset: int) -> _Found:
    """The week, month or year ``offset`` periods from the publication date."""
    if unit == "week":
        return published + timedelta(days=7 * offset), "week", "relative"
    if unit == "month":
        return _shift_months(published, offset), "month", "relative"
    return date(published.year + offset, 1, 1), "year", "relative"


def _relative(text: str, published: date, future: bool) -> _Found | None:
    words = set(re.findall(r"[a-z']+", text))
    if "day before yesterday" in text:
        return published - timedelta(days=2), "day", "relative"
    if "day after tomorrow" in text:
        return published + timedelta(days=2), "day", "relative"
    if "yesterday" in words or "last night" in text:
        return published - timedelta(days=1), "day", "relative"
    if "tomorrow" in words:
        return published + timedelta(days=1), "day", "relative"
    if words & {"today", "tonight"} or re.search(r"\bthis (morning|afternoon|evening)\b", text):
        return published, "day", "relative"
    if m := _AGO_RE.search(text):
        count = int(m[1]) if m[1].isdigit() else _NUMBER_WORDS[m[1]]
        unit = m[2]
        if unit == "day":
            return published - timedelta(days=count), "day", "relative"
        return _period(unit, published, -count)
    if m := _PERIOD_RE.search(text):
        offset = {"last": -1, "past": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}[m[1]]
        return _period(m[2], published, offset)
    return None


def _weekday(text: str, published: date, future: bool) -> _Found | None:
    """"on Tuesday": the latest Tuesday on or before publication, or for a future/planned clause
    the first on or after it; "last Tuesday" is strictly before, "next/coming Tuesday" strictly
    after, "this Tuesday" follows the clause's tense."""
    words = re.findall(r"[a-z]+", text)
    for i, word in enumerate(words):
        if word not in WEEKDAYS:
            continue
        before = words[i - 1] if i else ""
        back = (published.weekday() - WEEKDAYS[word]) % 7
        ahead = (WEEKDAYS[word] - published.weekday()) % 7
        if before in ("next", "coming"):
            return published + timedelta(days=ahead or 7), "day", "weekday"
        if before == "last":
            return published - timedelta(days=back or 7), "day", "weekday"
        if future:
            return published + timedelta(days=ahead), "day", "weekday"
        return published - timedelta(days=back), "day", "weekday"
    return None


def _weekday_in_week(text: str, published: date, future: bool) -> _Found | None:
    """"Tuesday next week", "on Monday last week": that weekday in the (Monday-based) week named."""
    week = _WEEK_RE.search(text)
    day = next((WEEKDAYS[w] for w in re.findall(r"[a-z]+", text) if w in _FULL_WEEKDAYS), None)
    if week is None or day is None:
        return None
    offset = {"last": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}[week[1]]
    monday = published - timedelta(days=published.weekday()) + timedelta(days=7 * offset)
    return monday + timedelta(days=day), "day", "weekday"


def _with_dateparser(text: str, published: date) -> ResolvedDate | None:
    """Numeric dates the rules do not read ("07/07/2020"); dateparser is imported only here."""
    import dateparser

    settings = {
        "RELATIVE_BASE": datetime(published.year, published.month, published.day),
        "PREFER_DATES_FROM": "current_period",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "REQUIRE_PARTS": ["day", "month", "year"],
    }
    match = _NUMERIC_DATE_RE.search(text)
    parsed = dateparser.parse(match[0] if match else text, languages=["en"], settings=settings)
    if parsed is None:
        return None
    return ResolvedDate(value=parsed.date(), precision="day", how=f"dateparser:{text}", text=text)

