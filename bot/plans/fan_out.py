"""Which organisations owe an action, and who owns each organisation's delivery.

A plan says "Health Boards will…" once; every health board owes it. `owed_by` names the organisations:
`health_boards`, `clusters`, `clusters:<board>` (the clusters of one board), or organisation codes, all
comma-separated. Each delivery's owner is the first person in that organisation holding one of the role's
delivery titles, in the order the role directory lists them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Organisation, Person

KIND_WORDS = {"health_boards": "health_board", "clusters": "cluster"}
# Who owns a delivery when the role directory does not say (an `--owed-by` given at import).
DEFAULT_TITLES = {
    "health_board": ["Head of Primary Care", "Director of Primary Care"],
    "cluster": ["Cluster lead"],
}


@dataclass(frozen=True)
class UnknownOwers:
    """`owed_by` named something that is not in the directory."""

    spec: str
    unknown: list[str]

    @property
    def message(self) -> str:
        return f"owed by “{self.spec}”: no organisation {', '.join(self.unknown)} in the directory"


def owing_organisations(*, session: Session, spec: str) -> list[Organisation] | UnknownOwers:
    """The organisations `spec` names, in directory order (path), each once."""
    found: dict[int, Organisation] = {}
    unknown: list[str] = []
    for term in (t.strip().lower() for t in spec.split(",")):
        if not term:
            continue
        matches = _organisations_for(session, term)
        if not matches:
            unknown.append(term)
        found.update((org.id, org) for org in matches)
    if unknown:
        return UnknownOwers(spec, unknown)
    return sorted(found.values(), key=lambda org: org.path)


def _organisations_for(session: Session, term: str) -> list[Organisation]:
    kind_word, _, within = term.partition(":")
    if kind_word in KIND_WORDS:
        query = select(Organisation).where(Organisation.kind == KIND_WORDS[kind_word])
        if within:
            parent = session.scalar(select(Organisation).where(Organisation.code == within))
            if parent is None:
                return []
            query = query.where(Organisation.path.startswith(parent.path))
        return list(session.scalars(query))
    return list(session.scalars(select(Organisation).where(Organisation.code == term)))


def delivery_owner(*, people: list[Person], titles: list[str]) -> tuple[Person | None, list[Person]]:
    """Among one organisation's people: the owner (first title that someone holds) and the others holding
    any of the titles, who contribute."""
    holders = [[p for p in people if _holds(p, title)] for title in titles]
    owner = next((group[0] for group in holders if group), None)
    contributors = list({p.id: p for group in holders for p in group if p is not owner}.values())
    return owner, contributors


def default_titles(organisations: list[Organisation]) -> list[str]:
    kinds = dict.fromkeys(org.kind for org in organisations)
    return [title for kind in kinds for title in DEFAULT_TITLES.get(kind, [])]


def _holds(person: Person, title: str) -> bool:
    wanted = title.lower()
    return any(held.lower().startswith(wanted) for held in person.titles)
