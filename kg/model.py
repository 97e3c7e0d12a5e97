"""Small typed records passed between the pipeline stages.

Every stage is a pure function from some of these to others, so each can be tested on its own and the
order of the pipeline lives in one place (``kg.pipeline``). Offsets are always Python ``str`` indices into
the *decoded* text of the source file (end exclusive), so a user can check every fact against the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from pathlib import PurePosixPath

# Entity types and relation predicates are part of the public contract (DESIGN.md).
ENTITY_TYPES = (
    "Official",
    "Person",
    "Journalist",
    "Agency",
    "Enterprise",
    "Organization",
    "Programme",
    "Place",
    "Project",
    "Event",
    "Position",
)
PREDICATES = (
    "holdsPost",
    "worksFor",
    "runs",
    "participatesIn",
    "attended",
    "locatedIn",
    "invests",
    "partOf",
    "aliasOf",
    "authored",
    "awarded",
)


class Attributed:
    """Records with ``attrs``: a tuple of (key, value) pairs (hashable, ordered, cheap to pickle)."""

    __slots__ = ()

    def attr(self, key: str, default: str = "") -> str:
        for k, v in self.attrs:
            if k == key:
                return v
        return default


def _pickled_by_fields(cls):
    """Pickle a frozen record as its class and its field values: a build moves and caches millions of them, and
    unpickling is 1.7× faster than from the state dictionaries dataclasses give frozen slotted records."""
    names = tuple(f.name for f in fields(cls))
    values = attrgetter(*names) if len(names) > 1 else (lambda obj: (getattr(obj, names[0]),))

    def __reduce__(self):
        return cls, values(self)

    cls.__reduce__ = __reduce__
    return cls


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Source:
    """One input file, decoded. ``text`` is exactly what offsets index into."""

    path: str
    text: str
    encoding: str


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Byline:
    reporters: tuple[str, ...] = ()
    correspondents: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()
    start: int = -1
    end: int = -1


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Article:
    """A span of a page that a reader sees as one piece: a story, a commentary or a photo caption."""

    id: str
    source: str
    start: int
    end: int
    headline: str = ""
    subheadline: str = ""
    date: str | None = None  # ISO ``YYYY-MM-DD`` or partial ``--MM-DD``; never invented
    byline: Byline = field(default_factory=Byline)
    kind: str = "story"  # story | caption | commentary
    year: int | None = None  # the year the page was printed, when the page or the user says it

    @property
    def reporters(self) -> tuple[str, ...]:
        return self.byline.reporters


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Mention(Attributed):
    """A typed span found by one rule. ``text`` is ``source.text[start:end]``; ``name`` is its clean form."""

    type: str
    name: str
    start: int
    end: int
    text: str
    rule: str
    article: str
    attrs: tuple[tuple[str, str], ...] = ()

    def alias_target(self) -> str:
        """The name this mention is declared an alias of (以下简称, a spelled-out slogan), if any."""
        return self.attr("alias_of")

    def source_key(self) -> str:
        return self.article.rsplit("/", 1)[0]


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Post:
    title: str
    org: str = ""
    date: str | None = None
    article: str = ""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Evidence:
    article: str
    start: int
    end: int
    sentence: str


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Relation(Attributed):
    """``s`` and ``o`` are canonical entity names (after resolution) or literal values."""

    s: str
    p: str
    o: str
    evidence: Evidence
    rule: str
    s_type: str = ""
    o_type: str = ""  # empty when ``o`` is a literal
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class Entity:
    id: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    """What the extract stage knows about one source file."""

    source: Source
    articles: list[Article]
    mentions: list[Mention]
    relations: list[Relation]


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Judgement:
    """A person's decision about two names (a line of ``resolve.tsv``): the same thing or not."""

    a: str
    b: str
    same: bool
    note: str = ""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Candidate:
    """Two entities resolution suspects are one, left for a person to judge."""

    a: str  # entity ids
    b: str
    a_name: str
    b_name: str
    confidence: float
    reason: str


@dataclass(slots=True)
class Resolved:
    """The resolve stage's output: one entity per real thing, relations over canonical names."""

    documents: list[Document]
    entities: list[Entity]
    relations: list[Relation]
    candidates: list[Candidate] = field(default_factory=list)


def source_key(path: str) -> str:
    """The id of a source file in IRIs and article ids: its path without suffix, as given (``seeds/000_x``)."""
    if path == "-":
        return "stdin"
    p = PurePosixPath(path.replace("\\", "/"))
    parts = [x for x in p.with_suffix("").parts if x not in ("/", ".", "..")]
    return "/".join(parts[-3:])
