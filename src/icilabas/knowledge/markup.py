"""Long texts as HTML: Markdown rendered with raw HTML disabled (nothing stored is HTML, so
nothing a user typed runs), then the glossary's adopted terms marked where they first appear,
each a link whose text carries its definition, shown on hover and on keyboard focus (CSS) and
read by screen readers as the link's name. Computed once per text and glossary version."""

import hashlib
import re
from dataclasses import dataclass
from html import escape
from itertools import pairwise

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


TOKEN = re.compile(r"[\w-]+")  # a word; "eau-de-vie" is one, "l'eau" is "l" then "eau"


def _key(word: str) -> str:
    """A word as the glossary compares it: lower case, without a plural s or x."""
    word = word.lower()
    return word[:-1] if len(word) > 2 and word[-1] in "sx" else word


@dataclass(frozen=True)
class Glossary:
    """Terms by their first word, the longest first: a text is read word by word, so the
    cost grows with the text, not with the number of terms."""

    by_first_word: dict[str, list[tuple[tuple[str, ...], GlossaryEntry]]]

    @classmethod
    def of(cls, entries: list[GlossaryEntry]) -> "Glossary":
        index: dict[str, list] = {}
        for entry in entries:
            words = tuple(_key(word) for word in TOKEN.findall(entry.name))
            if words:
                index.setdefault(words[0], []).append((words, entry))
        for candidates in index.values():
            candidates.sort(key=lambda item: len(item[0]), reverse=True)
        return cls(index)

    def matches(self, text: str):
        """(start, end, entry) of each term in `text`, whole words only, left to right."""
        tokens = list(TOKEN.finditer(text))
        position = 0
        while position < len(tokens):
            found = self._match_at(text, tokens, position)
            if found is None:
                position += 1
                continue
            length, entry = found
            yield tokens[position].start(), tokens[position + length - 1].end(), entry
            position += length

    def _match_at(self, text: str, tokens, position: int):
        for words, entry in self.by_first_word.get(_key(tokens[position].group()), ()):
            end = position + len(words)
            if end > len(tokens):
                continue
            following = tokens[position:end]
            if all(_key(t.group()) == w for t, w in zip(following, words, strict=True)) and all(
                not text[a.end() : b.start()].strip() for a, b in pairwise(following)
            ):
                return len(words), entry
        return None


def _term_link(matched: str, entry: GlossaryEntry):
    link = lxml_html.Element("a", {"href": entry.url, "class": "glossary-term"})
    link.text = matched
    definition = lxml_html.Element("span", {"class": "glossary-definition"})
    definition.text = f" ({entry.name} : {entry.definition})"
    link.append(definition)
    return link


def _split(text: str, glossary: Glossary, seen: set[str]) -> list:
    """`text` as strings and term links (each term marked once per text)."""
    parts, last = [], 0
    for start, end, entry in glossary.matches(text):
        if entry.name in seen:
            continue
        seen.add(entry.name)
        parts.append(text[last:start])
        parts.append(_term_link(text[start:end], entry))
        last = end
    parts.append(text[last:])
    return parts


def _skipped(element) -> bool:
    return any(node.tag in SKIPPED_TAGS for node in [element, *element.iterancestors()])


def _mark_text(element, glossary, seen) -> None:
    """Terms in the element's own text: the links go first among its children."""
    if not element.text or _skipped(element):
        return
    parts = _split(element.text, glossary, seen)
    if len(parts) == 1:
        return
    element.text = parts[0]
    for index, (link, tail) in enumerate(zip(parts[1::2], parts[2::2], strict=True)):
        link.tail = tail
        element.insert(index, link)


def _mark_tail(element, glossary, seen) -> None:
    """Terms in the text after the element (inside its parent): links follow it."""
    parent = element.getparent()
    if not element.tail or parent is None or _skipped(parent):
        return
    parts = _split(element.tail, glossary, seen)
    if len(parts) == 1:
        return
    element.tail = parts[0]
    position = parent.index(element)
    for offset, (link, tail) in enumerate(zip(parts[1::2], parts[2::2], strict=True), start=1):
        link.tail = tail
        parent.insert(position + offset, link)


def link_terms(rendered: str, entries: "list[GlossaryEntry] | Glossary") -> str:
    """Mark the glossary's terms in rendered HTML, in text only: never in a link, in code or
    in an attribute."""
    glossary = entries if isinstance(entries, Glossary) else Glossary.of(entries)
    if not glossary.by_first_word or not rendered.strip():
        return rendered
    root = lxml_html.fragment_fromstring(rendered, create_parent="div")
    seen: set[str] = set()
    for element in list(root.iter()):  # the elements as rendered, not the links added
        if isinstance(element.tag, str):  # comments and processing instructions aside
            _mark_text(element, glossary, seen)
            _mark_tail(element, glossary, seen)
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
            html = link_terms(html, cached_glossary())
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)


def cached_glossary() -> Glossary:
    """The adopted terms, indexed once per glossary version."""
    key = f"knowledge:glossary:{glossary_version()}"
    glossary = cache.get(key)
    if glossary is None:
        glossary = Glossary.of(adopted_entries())
        cache.set(key, glossary, CACHE_SECONDS)
    return glossary
