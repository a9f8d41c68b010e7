"""Long texts as HTML: Markdown rendered with raw HTML disabled (nothing stored is HTML, so
nothing a user typed runs), then the glossary's adopted terms marked where they first appear,
each a link whose text carries its definition, shown on hover and on keyboard focus (CSS) and
read by screen readers as the link's name. Computed once per text and glossary version."""

import hashlib
import re
from dataclasses import dataclass
from html import escape

from django.core.cache import cache
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from .models import Term

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
# Never inside these: a link in a link, a term in code the reader should copy as it is.
SKIPPED_TAGS = {"a", "code", "pre", "script", "style", "kbd", "samp"}
GLOSSARY_VERSION_KEY = "knowledge:glossary-version"
CACHE_SECONDS = 24 * 3600
DEFINITION_CHARS = 240


@dataclass(frozen=True)
class GlossaryEntry:
    name: str
    url: str
    definition: str


def render_markdown(text: str) -> str:
    return _markdown.render(text or "")


def _word_pattern(word: str) -> str:
    """A word and its French plural (s, x), whatever its case."""
    return re.escape(word) + r"(?:s|x)?"


def glossary_pattern(names: list[str]) -> re.Pattern | None:
    """Whole words only (never "eau" inside "bureau"), the longest term first, a
    multi-word term with any spacing; "l'eau", "d'eau" match (the apostrophe is no letter)."""
    alternatives = [
        r"\s+".join(_word_pattern(word) for word in name.split())
        for name in sorted({n for n in names if n.strip()}, key=len, reverse=True)
    ]
    if not alternatives:
        return None
    return re.compile(r"(?<![\w-])(" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _entry_for(matched: str, entries: dict[str, GlossaryEntry]) -> GlossaryEntry | None:
    key = _normal(matched)
    if key in entries:
        return entries[key]
    singular = " ".join(re.sub(r"(s|x)$", "", word) for word in key.split())
    return entries.get(singular)


def _term_link(matched: str, entry: GlossaryEntry):
    link = lxml_html.Element("a", {"href": entry.url, "class": "glossary-term"})
    link.text = matched
    definition = lxml_html.Element("span", {"class": "glossary-definition"})
    definition.text = f" ({entry.name} : {entry.definition})"
    link.append(definition)
    return link


def _split(text: str, pattern: re.Pattern, entries, seen: set[str]) -> list:
    """`text` as strings and term links (each term marked once per text)."""
    parts, last = [], 0
    for match in pattern.finditer(text):
        entry = _entry_for(match.group(0), entries)
        if entry is None or entry.name in seen:
            continue
        seen.add(entry.name)
        parts.append(text[last : match.start()])
        parts.append(_term_link(match.group(0), entry))
        last = match.end()
    parts.append(text[last:])
    return parts


def _skipped(element) -> bool:
    return any(node.tag in SKIPPED_TAGS for node in [element, *element.iterancestors()])


def _mark_text(element, pattern, entries, seen) -> None:
    """Terms in the element's own text: the links go first among its children."""
    if not element.text or _skipped(element):
        return
    parts = _split(element.text, pattern, entries, seen)
    if len(parts) == 1:
        return
    element.text = parts[0]
    for index, (link, tail) in enumerate(zip(parts[1::2], parts[2::2], strict=True)):
        link.tail = tail
        element.insert(index, link)


def _mark_tail(element, pattern, entries, seen) -> None:
    """Terms in the text after the element (inside its parent): links follow it."""
    parent = element.getparent()
    if not element.tail or parent is None or _skipped(parent):
        return
    parts = _split(element.tail, pattern, entries, seen)
    if len(parts) == 1:
        return
    element.tail = parts[0]
    position = parent.index(element)
    for offset, (link, tail) in enumerate(zip(parts[1::2], parts[2::2], strict=True), start=1):
        link.tail = tail
        parent.insert(position + offset, link)


def link_terms(rendered: str, entries: list[GlossaryEntry]) -> str:
    """Mark the glossary's terms in rendered HTML, in text only: never in a link, in code or
    in an attribute."""
    by_name = {_normal(entry.name): entry for entry in entries}
    pattern = glossary_pattern(list(by_name))
    if pattern is None or not rendered.strip():
        return rendered
    root = lxml_html.fragment_fromstring(rendered, create_parent="div")
    seen: set[str] = set()
    for element in list(root.iter()):  # the elements as rendered, not the links added
        if isinstance(element.tag, str):  # comments and processing instructions aside
            _mark_text(element, pattern, by_name, seen)
            _mark_tail(element, pattern, by_name, seen)
    return escape(root.text or "") + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in root
    )


def glossary_version() -> int:
    return cache.get_or_set(GLOSSARY_VERSION_KEY, 1, None)


def glossary_changed() -> None:
    """Every text is marked again with the glossary as it now stands."""
    try:
        cache.incr(GLOSSARY_VERSION_KEY)
    except ValueError:
        cache.set(GLOSSARY_VERSION_KEY, 2, None)


def adopted_entries() -> list[GlossaryEntry]:
    entries = []
    for term in (
        Term.objects.published().filter(status=Term.Status.ADOPTED).only("pk", "name", "definition")
    ):
        definition = " ".join(term.definition.replace("*", "").split())
        if len(definition) > DEFINITION_CHARS:
            definition = definition[: DEFINITION_CHARS - 1].rsplit(" ", 1)[0] + "…"
        entries.append(
            GlossaryEntry(term.name, reverse("knowledge:term_detail", args=[term.pk]), definition)
        )
    return entries


def rendered_text(text: str, *, with_terms: bool = True) -> SafeString:
    """A long text as safe HTML, with the adopted terms marked; cached per text and version."""
    if not (text or "").strip():
        return mark_safe("")
    digest = hashlib.sha256(text.encode()).hexdigest()
    key = f"knowledge:rendered:{glossary_version()}:{int(with_terms)}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render_markdown(text)
        if with_terms:
            html = link_terms(html, cached_entries())
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)


def cached_entries() -> list[GlossaryEntry]:
    key = f"knowledge:entries:{glossary_version()}"
    entries = cache.get(key)
    if entries is None:
        entries = adopted_entries()
        cache.set(key, entries, CACHE_SECONDS)
    return entries
