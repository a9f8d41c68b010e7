"""French text normalisation shared by search (and later by duplicate detection)."""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[a-z0-9]+")

# Words too common to help a search: articles, prepositions, conjunctions (accent-free).
FRENCH_STOP_WORDS = frozenset(
    """
    a au aux avec ce ces d dans de des du elle en et il la le les l leur leurs lui ma mais me
    meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes
    toi ton tu un une vos votre vous y est sont
    """.split()  # noqa: SIM905  (a readable word list)
)


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower-case and strip accents: "Coopération" -> "cooperation", "Œuvre" -> "oeuvre"."""
    if text.isascii():
        return text.lower()
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).lower()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("french")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Snowball French stem (PyStemmer's C code when installed, else pure Python)."""
    if word.isdigit():
        return word
    return _stemmer().stemWord(word)


def search_terms(query: str) -> list[str]:
    """The words of a query worth searching: stop words dropped unless nothing else is left."""
    found = words(query)
    meaningful = [w for w in found if w not in FRENCH_STOP_WORDS]
    return meaningful or found
