"""Reads of reference data shared by many pages."""

from collections import defaultdict
from dataclasses import dataclass

from icilabas.core.page_cache import registry_version

from .models import Concept, ConceptMapping


@dataclass(frozen=True)
class ConceptTree:
    """Every concept by id, each with its vocabulary and its parent (the same objects), and
    the crosswalks by source concept, best-known vocabulary first. Shared: read, never change."""

    concepts: dict[int, Concept]
    mappings_from: dict[int, list[ConceptMapping]]


_held: dict[str, ConceptTree] = {}


def concept_tree() -> ConceptTree:
    """The vocabularies as they stand, read once per process and registry version (saving a
    concept, a vocabulary or a crosswalk bumps it: `core.page_cache`) rather than joined into
    every page: a project's page read its themes, their broader ones and their crosswalks on
    each visit (a few hundred concepts in all)."""
    version = registry_version()
    tree = _held.get(version)
    if tree is None:
        concepts = {c.pk: c for c in Concept.objects.select_related("vocabulary")}
        for concept in concepts.values():
            if concept.parent_id is not None:
                concept.parent = concepts[concept.parent_id]
        mappings_from = defaultdict(list)
        for mapping in ConceptMapping.objects.order_by("target__vocabulary__name", "target__code"):
            mapping.source = concepts[mapping.source_id]
            mapping.target = concepts[mapping.target_id]
            mappings_from[mapping.source_id].append(mapping)
        tree = ConceptTree(concepts=concepts, mappings_from=dict(mappings_from))
        _held.clear()
        _held[version] = tree
    return tree
