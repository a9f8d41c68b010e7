"""A network's own vocabulary (its sectors, its themes) and its crosswalks to the others,
loaded from a spreadsheet: every row is checked first, each error names its line and column,
and nothing is written unless the whole file is valid."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from icilabas.core.permissions import require_staff

from .models import Concept, ConceptMapping, Vocabulary

RELATIONS = {
    **{value: value for value in ConceptMapping.Relation.values},
    **{str(label): value for value, label in ConceptMapping.Relation.choices},
}


class VocabularyFileError(ValueError):
    """The files cannot be loaded; `problems` lists each one with its line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class VocabularyImport:
    vocabulary: Vocabulary
    created: int
    updated: int
    mappings: int


def _cell(row: dict, name: str) -> str:
    return (row.get(name) or "").strip()


def _at(row: dict, line: int, column: str) -> str:
    """Where a problem is: a spreadsheet's line and column, or the element of a SKOS file the
    row was read from (its `_where`, e.g. "Concept <https://…/12> (skos:broader)")."""
    where = row.get("_where")
    if where:
        return where if where.endswith(")") else f"{where} ({where_property(column)})"
    return f"Ligne {line}, colonne « {column} »"


SKOS_PROPERTIES = {
    "code": "skos:notation",
    "label": "skos:prefLabel",
    "parent": "skos:broader",
    "source_code": "skos:notation",
    "target_code": "skos:…Match",
    "relation": "skos:…Match",
}


def where_property(column: str) -> str:
    return SKOS_PROPERTIES.get(column, column)


def _check_concepts(rows: list[dict], known: set[str]) -> list[str]:
    problems, seen, parents = [], {}, {}
    for line, row in enumerate(rows, start=2):  # line 1 holds the column names
        code, label, parent = _cell(row, "code"), _cell(row, "label"), _cell(row, "parent")
        if not code:
            problems.append(f"{_at(row, line, 'code')} : le code manque.")
            continue
        if code in seen:
            first = rows[seen[code] - 2].get("_where") or f"ligne {seen[code]}"
            problems.append(f"{_at(row, line, 'code')} : « {code} » figure déjà {first}.")
        seen[code] = line
        if not label:
            problems.append(f"{_at(row, line, 'label')} : le libellé de « {code} » manque.")
        if len(code) > 40 or len(label) > 300:
            problems.append(
                f"{_at(row, line, 'code')} : code (40) ou libellé (300 caractères) trop long."
            )
        if parent:
            parents[code] = (parent, line, row)
    for parent, line, row in parents.values():
        if parent not in seen and parent not in known:
            problems.append(
                f"{_at(row, line, 'parent')} : « {parent} » n'est ni dans le fichier ni "
                "dans le vocabulaire."
            )
    for code, (_parent, line, row) in parents.items():
        chain, current = [code], code
        while current in parents:
            current = parents[current][0]
            if current in chain:
                problems.append(
                    f"{_at(row, line, 'parent')} : « {code} » descend de "
                    f"lui-même ({' → '.join([*chain, current])})."
                )
                break
            chain.append(current)
    return problems


def _check_mappings(rows: list[dict], vocabulary_slug: str, codes: set[str]) -> list[str]:
    problems = []
    for line, row in enumerate(rows, start=2):
        source_vocabulary = _cell(row, "source_vocabulary") or vocabulary_slug
        source, target = _cell(row, "source_code"), _cell(row, "target_code")
        target_vocabulary = _cell(row, "target_vocabulary") or vocabulary_slug
        relation = _cell(row, "relation")
        in_file = source_vocabulary == vocabulary_slug and source in codes
        if not in_file and not Concept.objects.of(source_vocabulary).filter(code=source).exists():
            problems.append(
                f"{_at(row, line, 'source_code')} : « {source} » est inconnu dans le "
                f"vocabulaire « {source_vocabulary} »."
            )
        target_in_file = target_vocabulary == vocabulary_slug and target in codes
        if (
            not target_in_file
            and not Concept.objects.of(target_vocabulary).filter(code=target).exists()
        ):
            problems.append(
                f"{_at(row, line, 'target_code')} : « {target} » est inconnu dans le "
                f"vocabulaire « {target_vocabulary} »."
            )
        if relation not in RELATIONS:
            accepted = ", ".join(ConceptMapping.Relation.values)
            problems.append(
                f"{_at(row, line, 'relation')} : « {relation} » n'est pas une relation "
                f"({accepted})."
            )
    return problems


def import_vocabulary(
    *,
    name: str,
    concepts: list[dict],
    mappings: Iterable[dict] = (),
    user,
    slug: str = "",
    version: str = "",
    source: str = "",
) -> VocabularyImport:
    """Create or update the vocabulary `slug` (from its name when not given) with its concepts
    (columns code, label, parent, label_en) and crosswalks (source_code, target_vocabulary,
    target_code, relation, and source_vocabulary when it is another; a crosswalk without a
    target vocabulary stays within this one)."""
    require_staff(user)
    slug = slug or slugify(name)[:60]
    mappings = list(mappings)
    if not slug or not name.strip():
        raise VocabularyFileError(["Donnez un nom au vocabulaire."])
    known = set(Concept.objects.of(slug).values_list("code", flat=True))
    problems = _check_concepts(concepts, known)
    codes = {_cell(row, "code") for row in concepts} | known
    problems += [f"Correspondances — {p}" for p in _check_mappings(mappings, slug, codes)]
    if not concepts:
        problems.append("Le fichier ne contient aucun concept.")
    if problems:
        raise VocabularyFileError(problems)
    return _write(slug, name, version, source, concepts, mappings)


@transaction.atomic
def _write(slug, name, version, source, concepts, mappings) -> VocabularyImport:
    vocabulary, _created = Vocabulary.objects.update_or_create(
        slug=slug, defaults={"name": name.strip(), "version": version, "source": source}
    )
    created = updated = 0
    for row in concepts:
        concept, was_created = Concept.objects.update_or_create(
            vocabulary=vocabulary,
            code=_cell(row, "code"),
            defaults={"label": _cell(row, "label"), "label_en": _cell(row, "label_en")},
        )
        created += was_created
        updated += not was_created
    stored = {c.code: c for c in Concept.objects.filter(vocabulary=vocabulary)}
    for row in concepts:
        concept, parent = stored[_cell(row, "code")], _cell(row, "parent")
        concept.parent = stored.get(parent)
    for concept in stored.values():
        level, ancestor = 1, concept.parent
        while ancestor is not None:
            level, ancestor = level + 1, ancestor.parent
        concept.level = level
    Concept.objects.bulk_update(stored.values(), ["parent", "level"])
    for row in mappings:
        source_slug = _cell(row, "source_vocabulary") or slug
        ConceptMapping.objects.update_or_create(
            source=Concept.objects.of(source_slug).get(code=_cell(row, "source_code")),
            target=Concept.objects.of(_cell(row, "target_vocabulary") or slug).get(
                code=_cell(row, "target_code")
            ),
            defaults={"relation": RELATIONS[_cell(row, "relation")]},
        )
    return VocabularyImport(vocabulary, created, updated, len(mappings))
