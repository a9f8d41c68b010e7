"""A vocabulary published in SKOS (Turtle, RDF/XML or N-Triples), read into the rows
the spreadsheet import takes, so that both are checked by the same rules. Each row remembers
the element it comes from: a problem names the concept by its URI and the property at fault.

A concept's code is its skos:notation, else the end of its URI; its label the French
skos:prefLabel (else one without language); its parent the first skos:broader. Crosswalks are
the skos:exactMatch, closeMatch, broadMatch and narrowMatch links to concepts of the file or of
a vocabulary already loaded, whose URIs start with a namespace given for it."""

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

FORMATS = {
    "ttl": "turtle",
    "turtle": "turtle",
    "rdf": "xml",
    "xml": "xml",
    "owl": "xml",
    "nt": "nt",
}  # not JSON-LD: its contexts may be fetched from the network
MATCHES = {
    SKOS.exactMatch: "exact",
    SKOS.closeMatch: "close",
    SKOS.broadMatch: "broader",
    SKOS.narrowMatch: "narrower",
}


@dataclass
class SkosFile:
    """What a SKOS file holds, as rows for `import_vocabulary`, and what could not be read."""

    name: str = ""
    concepts: list[dict] = field(default_factory=list)
    mappings: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def is_skos(filename: str) -> bool:
    return Path(filename).suffix.lower().lstrip(".") in FORMATS


def _label(graph: Graph, subject, predicate, language: str = "fr") -> str:
    labels = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    for wanted in (language, None):
        for label in sorted(labels):
            if label.language == wanted:
                return str(label).strip()
    return str(sorted(labels)[0]).strip() if labels and language == "fr" else ""


def _local_code(uri: str) -> str:
    return uri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def read_skos(data: bytes, *, filename: str, namespaces: dict[str, str]) -> SkosFile:
    """The concepts and crosswalks of a SKOS file; `namespaces` maps URI prefixes to the slugs
    of vocabularies already loaded (targets of crosswalks outside the file)."""
    result = SkosFile()
    graph = Graph()
    try:
        graph.parse(data=data, format=FORMATS[Path(filename).suffix.lower().lstrip(".")])
    except Exception as error:  # rdflib raises parser-specific errors
        reason = " ".join(str(error).split(" in:\n")[0].split()).replace("of <>:", ":")
        result.problems.append(f"Fichier SKOS illisible : {reason[:300]}")
        return result
    for scheme in graph.subjects(RDF.type, SKOS.ConceptScheme):
        result.name = _label(graph, scheme, SKOS.prefLabel) or _label(graph, scheme, DCTERMS.title)
        break
    subjects = sorted(
        s for s in set(graph.subjects(RDF.type, SKOS.Concept)) if isinstance(s, URIRef)
    )
    codes = {
        s: (str(graph.value(s, SKOS.notation) or "").strip() or _local_code(s)) for s in subjects
    }
    for subject in subjects:
        broader = sorted(graph.objects(subject, SKOS.broader))
        parent = ""
        if broader:
            parent = codes.get(broader[0]) or _outside_code(broader[0], namespaces)
        result.concepts.append(
            {
                "code": codes[subject],
                "label": _label(graph, subject, SKOS.prefLabel),
                "label_en": _label(graph, subject, SKOS.prefLabel, "en"),
                "parent": parent,
                "_where": f"Concept <{subject}>",
            }
        )
        for predicate, relation in MATCHES.items():
            for target in sorted(graph.objects(subject, predicate)):
                where = f"Concept <{subject}> ({predicate.n3(graph.namespace_manager)} <{target}>)"
                if target in codes:
                    vocabulary, code = "", codes[target]
                else:
                    vocabulary, code = _outside(target, namespaces)
                    if not vocabulary:
                        result.problems.append(
                            f"{where} : ce concept n'est ni dans le fichier ni sous un espace de "
                            "noms connu ; indiquez --namespace PREFIXE=vocabulaire."
                        )
                        continue
                result.mappings.append(
                    {
                        "source_code": codes[subject],
                        "target_vocabulary": vocabulary,
                        "target_code": code,
                        "relation": relation,
                        "_where": where,
                    }
                )
    if not subjects and not result.problems:
        result.problems.append("Le fichier ne contient aucun skos:Concept.")
    return result


def _outside(uri, namespaces: dict[str, str]) -> tuple[str, str]:
    """(vocabulary slug, code) of a concept URI under a known namespace, else ("", "")."""
    for prefix in sorted(namespaces, key=len, reverse=True):
        if str(uri).startswith(prefix):
            return namespaces[prefix], str(uri)[len(prefix) :].strip("/#")
    return "", ""


def _outside_code(uri, namespaces: dict[str, str]) -> str:
    """A broader concept outside the file: its code if under a namespace, else its URI (the
    check then names it as unknown)."""
    return _outside(uri, namespaces)[1] or str(uri)
