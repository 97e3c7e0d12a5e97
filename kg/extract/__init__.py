"""Extract stage: typed mentions and relations of one page, each carrying the id of the rule that found it.

Families run in a fixed order because later ones use earlier results: organisations first (titles need them),
then programmes, people, events and projects, places (not inside other names), then relations. Everything
works on each article's flat text; results are mapped back to file offsets here and nowhere else.
"""

from __future__ import annotations

import re

from ..model import Article, Document, Evidence, Mention, Relation, Source
from ..nlp import Flat, flatten
from ..segment import Para, article_paras, resolve_date, segment_page
from .base import Fact, Hit, SpanIndex, Text, drop_overlaps
from .events import find_events, find_projects
from .lexicon import Lexicon, lexicon
from .ner import find_ner, find_ner_many
from .orgs import find_orgs
from .people import find_people, find_repeats
from .places import find_places, known_place
from .programmes import find_programmes
from .relations import find_relations

EXTRACTOR_VERSION = "1"


def extract_page(source: Source, *, date: str | None = None) -> Document:
    """Segment and extract one decoded page."""
    paras, articles = segment_page(source, date=date)
    return extract_document(source, paras, articles)


def extract_document(source: Source, paras: list[Para], articles: list[Article], page: bool = True) -> Document:
    """``page``: a newspaper page (model-only names need grammatical support); ``False`` for free text."""
    lex = lexicon()
    views: list[tuple[Article, Flat, Text, list[Hit], list[Fact]]] = []
    flats = [flatten(source.text, article_paras(paras, art)) for art in articles]
    texts = [Text(f.text) for f in flats]
    model_hits = find_ner_many([f.text for f in flats], page=page,  # one pass over the whole page
                               words=[t.tokens() for t in texts])
    for art, flat, t, found in zip(articles, flats, texts, model_hits, strict=True):
        hits, facts = extract_text(t, lex, art, page=page, model_hits=found)
        views.append((art, flat, t, hits, facts))
    _add_repeats(views)
    mentions: list[Mention] = []
    relations: list[Relation] = []
    for art, flat, t, hits, facts in views:
        facts = facts + find_relations(t, lex, hits)
        mentions += [_mention(flat, art, h) for h in hits]
        relations += [_relation(flat, t, art, f) for f in facts]
        relations += [_authored(flat, art, h) for h in hits if h.type == "Journalist"]
    mentions.sort(key=lambda m: (m.start, m.end, m.type, m.name))
    return Document(source, articles, mentions, _unique(relations))


def extract_text(t: Text, lex: Lexicon | None = None, article: Article | None = None,
                 page: bool = False, model_hits: list[Hit] | None = None) -> tuple[list[Hit], list[Fact]]:
    """All hits and facts of one flat text (an article, or a line of ``kg extract --from-jsonl``).

    The text must be normalised (``kg.read.normalise``): the rules match ASCII punctuation."""
    lex = lex or lexicon()
    orgs = find_orgs(t, lex)
    progs = find_programmes(t, lex)
    people, facts = find_people(t, lex, orgs)
    journalists = _journalists(t, article) if article else []
    events = find_events(t, lex, progs)
    projects = find_projects(t, lex, orgs)
    positions = [h for h in people if h.type == "Position"]
    named = drop_overlaps(progs + orgs + events + projects + [h for h in people if h.type != "Position"]
                          + journalists)
    places = find_places(t, lex, named)
    model = find_ner(t.text, page=page) if model_hits is None else model_hits
    named, places, positions = _add_model_hits(model, named, places, positions)
    hits = sorted(named + places + positions, key=lambda h: (h.start, h.end))
    return hits, facts


YIELDING_RULES = ("central_body.v1", "country.v1")  # rule hits a longer model name may contain


def _add_model_hits(model: list[Hit], named: list[Hit], places: list[Hit], positions: list[Hit]):
    """The model fills what the rules left: a model span is kept only where no rule found anything, except a
    model position that contains a rule's title (研究部主任 around 主任). Spans are indexed (``SpanIndex``), not
    compared pairwise: a line of 市委常委、 repeated gives thousands of hits of each kind."""
    taken = SpanIndex(named + places)
    held = SpanIndex(positions)
    for h in model:
        if h.type == "Position":
            inside = held.within(h)
            if taken.free(h) and held.free(h, but=inside):
                held.remove(inside)
                held.add(h)
        elif taken.free(h) and held.free(h):
            (places if h.type == "Place" else named).append(h)
            taken.add(h)
        elif h.type in ("Agency", "Organization", "Enterprise") and held.free(h):
            inside = taken.within(h)  # 美国国防部, 国家卫健委医政司: a longer body around a central one or a country
            if inside and all(x.rule in YIELDING_RULES and x.end - x.start < h.end - h.start for _, x in inside) \
                    and taken.free(h, but=inside):
                taken.remove(inside)
                gone = {id(x) for _, x in inside}
                named[:] = [x for x in named if id(x) not in gone]
                places[:] = [x for x in places if id(x) not in gone]
                named.append(h)
                taken.add(h)
    return named, places, held.hits()


def _journalists(t: Text, article: Article) -> list[Hit]:
    byline = article.byline
    out = []
    for names, role in ((byline.reporters, "reporter"), (byline.correspondents, "correspondent"),
                        (byline.photographers, "photographer")):
        for name in names:
            m = re.search(re.escape(name), t.text)
            if m and not any(h.start == m.start() for h in out):
                out.append(Hit("Journalist", m.start(), m.end(), name, "byline.v1", (("role", role),)))
    return out


def _add_repeats(views) -> None:
    """Names read once in a document are found again in all its articles (a name, an alias, a programme)."""
    names: dict[str, str] = {}
    for _art, _flat, _t, hits, _facts in views:
        for h in hits:
            if h.type in ("Official", "Person") and h.rule != "name_repeat.v1":
                names.setdefault(h.name, h.type)
            elif h.rule == "alias.v1" or (h.type == "Programme" and len(h.name) >= 4 and h.rule != "document.v1"):
                names.setdefault(h.name, h.type)
    for name, typ in list(names.items()):
        tail = _field_tail(name) if typ == "Programme" else ""
        if tail:
            names.setdefault(tail, typ)  # 工业…诊断 is also written without its field word: …诊断
    shorts: dict[str, str] = {}
    for _art, _flat, _t, hits, _facts in views:
        for h in hits:
            if h.type == "Enterprise" and h.rule == "org_suffix.v1":
                for short in _short_names(h.name):
                    shorts.setdefault(short, h.name)
    if not names and not shorts:
        return
    for i, (art, flat, t, hits, facts) in enumerate(views):
        taken = [(h.start, h.end) for h in hits if h.type not in ("Position", "Place")]
        extra = find_repeats(t, names, taken)
        taken += [(h.start, h.end) for h in extra]
        extra += [Hit("Enterprise", h.start, h.end, h.name, "short_name.v1", (("alias_of", shorts[h.name]),))
                  for h in find_repeats(t, dict.fromkeys(shorts, "Enterprise"), taken)]
        extra = [h for h in extra if h.type not in ("Official", "Person") or len(h.name) >= 2]
        # a name the page declares wins over a place read inside it (潍坊|华丰 once 潍坊华丰 is a company)
        kept = [h for h in hits if h.type != "Place" or all(h.end <= x.start or h.start >= x.end for x in extra)]
        views[i] = (art, flat, t, sorted(kept + extra, key=lambda h: (h.start, h.end)), facts)


LEGAL_SUFFIXES = ("集团股份有限公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司")


def _short_names(name: str) -> list[str]:
    """Short forms of a company's registered name that a page uses after giving it in full: without the legal
    suffix and the place in front or in brackets (潍坊华丰纺织(山东)有限公司 -> 华丰纺织). Four characters at least,
    so a bare brand of two (华丰) is never matched on its own."""
    from .lexicon import lexicon
    from .orgs import place_ending_at

    core = next((name[: -len(s)] for s in LEGAL_SUFFIXES if name.endswith(s)), "")
    if not core:
        return []
    core = re.sub(r"\([^()]*\)", "", core)
    lex = lexicon()
    for length in range(min(6, len(core) - 2), 1, -1):
        if place_ending_at(core, length, lex, towns=False) == 0:
            core = core[length:]
            break
    return [core] if len(core) >= 4 else []


def _field_tail(name: str) -> str:
    """A programme's name without its leading field word (a two-character dictionary noun), when at least four
    characters remain: the short form a page uses once the full name was given."""
    from .lexicon import word_tags

    head = name[:2]
    if any(known_place(name[:n], lexicon()) for n in range(2, 7)):
        return ""  # 某县智慧金融服务平台: the place is no field word, and another place has its own platform
    if len(name) - 2 >= 4 and word_tags().get(head, "")[:1] == "n" and not any(c in name for c in "“”《》"):
        return name[2:]
    return ""


def _mention(flat: Flat, art: Article, h: Hit) -> Mention:
    s, e = flat.span(h.start, h.end)
    attrs = h.attrs
    if h.attr("month"):  # an event's own date, with the year of its article when that is known
        year = int(art.date[:4]) if art.date and art.date[:4].isdigit() else art.year
        date = resolve_date(int(h.attr("month")), int(h.attr("day")), year)
        attrs = tuple((k, v) for k, v in attrs if k not in ("month", "day")) + ((("date", date),) if date else ())
    return Mention(h.type, h.name, s, e, flat.source_text[s:e], h.rule, art.id, attrs)


def _sentence(flat: Flat, t: Text, start: int) -> tuple[int, int, str]:
    ss, se = t.sentences.around(start)
    s, e = flat.span(ss, max(se, ss + 1))
    text = "".join(flat.source_text[o] for o in flat.offsets[ss:se]).strip()
    return s, e, text


def _relation(flat: Flat, t: Text, art: Article, f: Fact) -> Relation:
    s, e, sentence = _sentence(flat, t, f.start)
    return Relation(f.s, f.p, f.o, Evidence(art.id, s, e, sentence), f.rule, f.s_type, f.o_type, f.attrs)


def _authored(flat: Flat, art: Article, h: Hit) -> Relation:
    s, e = flat.span(h.start, h.end)
    return Relation(h.name, "authored", art.id, Evidence(art.id, s, e, art.headline), "byline.v1", "Journalist",
                    "Article", (("role", h.attr("role")),))


def _unique(relations: list[Relation]) -> list[Relation]:
    seen = set()
    out = []
    for r in relations:
        key = (r.s, r.p, r.o, r.evidence.article, r.evidence.start, r.attrs)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out
