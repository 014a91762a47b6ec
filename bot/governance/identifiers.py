"""The patient-identifier guard: finds what would make a free text patient-identifiable, so every entry point
(chat commands, prompt notes from Slack and Teams, plan imports) can refuse it before it is stored or shown.

Three kinds are looked for:

- **NHS numbers** (also Scotland's CHI numbers, which use the same check): ten digits, written together or in
  groups separated by spaces or hyphens (`943 476 5919`, `943-476-5919`, `9434765919`), whose tenth digit is
  the modulus-11 check digit of the first nine (NHS Data Dictionary, "NHS Number": weights 10 down to 2, check
  digit 11 minus the remainder, 11 meaning 0 and 10 meaning no valid number). Ten digits failing the check
  are not NHS numbers (a phone number without its leading 0 usually fails), so they pass.
- **Dates of birth**: a full date (`01/02/1950`, `1.2.50`, `1 Feb 1950`) after a label such as "DOB",
  "D.O.B." or "date of birth" or "born"; or a full date right next to a person's name, that is a title
  (`Mr`, `Mrs`, `Ms`, `Miss`, `Mx`, `Pt`) and a capitalised word, or two capitalised words
  (`John Smith 01/02/1950`) when the date is more than a year before today (work notes name recent dates,
  birth dates are old).
- **Hospital (case-note) numbers**: an identifier of at least five characters with at least four digits
  right after a label ("hospital number", "hosp no", "case note number", "unit number", "MRN", "CRN").
  Welsh health boards' patient administration systems each number case notes their own way (a letter and six
  digits in one board, digits alone in another), so the number alone cannot be told from an internal
  reference such as a Datix id; the label is what makes it a patient's, and that is what is refused.

The guard never keeps or logs what was typed: callers log `redacted(text)`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Literal

from bot.i18n import N_, _

Kind = Literal["nhs_number", "date_of_birth", "hospital_number"]
# English, as logs keep them; translated with _() where a person reads them.
KIND_WORDS: dict[str, str] = {
    "nhs_number": N_("an NHS number"),
    "date_of_birth": N_("a date of birth"),
    "hospital_number": N_("a hospital number"),
}

_NHS = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){9}(?![0-9])")
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_NUMERIC_DATE = r"(?P<d>[0-3]?[0-9])[/.-](?P<m>[01]?[0-9])[/.-](?P<y>(?:19|20)?[0-9]{2})(?![0-9])"
_WORD_DATE = rf"(?P<d2>[0-3]?[0-9])(?:st|nd|rd|th)? (?P<m2>(?:{_MONTHS})[a-z]*)\.? (?P<y2>(?:19|20)[0-9]{{2}})"
_DATE = re.compile(rf"(?<![0-9])(?:{_NUMERIC_DATE}|{_WORD_DATE})", re.IGNORECASE)
_DOB_LABEL = re.compile(r"(?:\bd\.?\s?o\.?\s?b\b\.?|\bdate of birth\b|\bborn\b|\bb\.)\s*(?:[:=-]\s*)?(?:on\s+)?$",
                        re.IGNORECASE)  # fmt: skip
_NAME = "[A-Z][a-z'\u2019-]+"
_TITLED_NAME = re.compile(rf"\b(?i:mr|mrs|ms|miss|mx|pt)\.?\s+{_NAME}")
_TWO_NAMES = re.compile(rf"\b{_NAME}\s+{_NAME}\b")
_HOSPITAL = re.compile(
    r"\b(?:hosp(?:ital)?\.?\s*(?:number|no\b\.?|num\b\.?|#)|case[- ]?notes?\s*(?:number|no\b\.?)|"
    r"unit\s*(?:number|no\b\.?)|mrn|crn)\s*[:=#-]?\s*(?P<id>(?=(?:[A-Z]*[0-9]){4})[A-Z0-9][A-Z0-9/-]{4,})",
    re.IGNORECASE,
)
_LONG_NUMBER = re.compile(r"[0-9](?:[ /.-]?[0-9]){5,}")
# How far (in characters) a name or a label may be from the date it marks.
_NEAR = 24


@dataclass(frozen=True)
class Found:
    kind: Kind
    start: int
    end: int


def nhs_check_digit_ok(digits: str) -> bool:
    """The NHS Data Dictionary's modulus-11 check on a ten-digit number."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def find_identifiers(text: str, *, today: date | None = None) -> list[Found]:
    """Every patient identifier in the text, in order of where it starts."""
    found = [Found("nhs_number", m.start(), m.end()) for m in _NHS.finditer(text)
             if nhs_check_digit_ok(re.sub(r"[ -]", "", m.group()))]  # fmt: skip
    found += _dates_of_birth(text, today)
    found += [Found("hospital_number", m.start("id"), m.end("id")) for m in _HOSPITAL.finditer(text)]
    return sorted(found, key=lambda f: f.start)


def _dates_of_birth(text: str, today: date | None) -> list[Found]:
    found = []
    for match in _DATE.finditer(text):
        before = text[max(0, match.start() - _NEAR) : match.start()]
        around = text[max(0, match.start() - _NEAR) : match.end() + _NEAR]
        labelled = _DOB_LABEL.search(before) is not None
        titled = _TITLED_NAME.search(around) is not None
        named = _TWO_NAMES.search(around) is not None and _is_old(match, today)
        if labelled or titled or named:
            found.append(Found("date_of_birth", match.start(), match.end()))
    return found


def _is_old(match: re.Match[str], today: date | None) -> bool:
    """Whether the date is over a year before today (unknown today: treat every date as old)."""
    year_text = match.group("y") or match.group("y2")
    year = int(year_text)
    if year < 100:  # a two-digit year: the most recent century that does not put it in the future
        now_year = (today or date.today()).year
        year += 2000 if 2000 + year <= now_year else 1900
    return today is None or year < today.year - 1


def has_identifier(text: str | None, *, today: date | None = None) -> bool:
    return bool(text) and bool(find_identifiers(text or "", today=today))


def redacted(text: str, *, today: date | None = None) -> str:
    """The text with each identifier replaced by what it was (`[NHS number]`), for logs; any other run of six
    or more digits is masked too, so a number the detector missed is not logged in clear either (references
    such as `esr/1.a` stay readable)."""
    out, last = [], 0
    for found in find_identifiers(text, today=today):
        if found.start < last:
            continue
        out += [text[last : found.start], f"[{KIND_WORDS[found.kind].split(' ', 1)[1]}]"]
        last = found.end
    out.append(text[last:])
    return _LONG_NUMBER.sub(lambda m: "#" * len(m.group()), "".join(out))


def kinds_in(text: str, *, today: date | None = None) -> list[Kind]:
    kinds: list[Kind] = []
    for found in find_identifiers(text, today=today):
        if found.kind not in kinds:
            kinds.append(found.kind)
    return kinds


def explanation(kinds: list[Kind]) -> tuple[str, str]:
    """The refusal's sentence (what was found, that nothing was kept) and what to write instead."""
    found = [_(KIND_WORDS[kind]) for kind in kinds] or [_("a patient identifier")]
    what = reduce(lambda first, second: _("{first} and {second}").format(first=first, second=second), found)
    return (
        _("That text looks like it contains {what}, so I have not recorded or shown it.").format(what=what),
        _("Patient-identifiable details must not go in milestones-bot: refer to the Datix or the case by its "
          "internal reference instead (for example “see Datix 12345”), and keep the patient's details in the "
          "clinical record."),
    )  # fmt: skip
