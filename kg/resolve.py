"""Resolve stage: one entity per real thing, relations over canonical names.

- The paper's city (``--city`` or the prefecture most named on the page) and each article's county give the
  place of 市/县/区 prefixes: 市工信局 on a 潍坊 page is 潍坊市工业和信息化局, 县工商联 in a 昌乐县 story is
  昌乐县工商业联合会, 市委 is 中共潍坊市委员会.
- Department short forms expand by the standard table (kg/data/departments.tsv): 工信局 → 工业和信息化局.
- Places resolve to the division nearest the paper's city (潍坊 → 潍坊市, code 370700).
- An enterprise written with and without its place prefix (华丰纺织有限公司 / 潍坊华丰纺织有限公司) is one,
  and so is a name given by 以下简称.
- People: one node per name (an official stays an official wherever named); journalists are their own type.
Every surface form other than the canonical name becomes an alias.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .extract.lexicon import Division, Lexicon, lexicon
from .extract.orgs import BARE_ZONES
from .extract.programmes import slogan_pattern
from .model import Candidate, Document, Entity, Evidence, Judgement, Mention, Post, Relation, Resolved

PERSON_TYPES = ("Official", "Person")
TYPE_SLUG = {"Official": "person", "Person": "person", "Journalist": "journalist", "Agency": "agency",
             "Enterprise": "enterprise", "Organization": "organization", "Programme": "programme",
             "Place": "place", "Project": "project", "Event": "event"}
TYPE_RANK = {"Official": 0, "Person": 1}
PARTY_PREFIX = "党委"


@dataclass
class Context:
    """Where a page was printed: the city, its province, and each article's county."""

    city: Division | None = None
    province: Division | None = None
    county: dict[str, Division] = field(default_factory=dict)  # article id -> county


def resolve(documents: list[Document], *, city: str | None = None,
            judgements: list[Judgement] | None = None) -> Resolved:
    """Cluster mentions into entities. ``judgements`` (from a reviewed ``resolve.tsv``) merge names judged the
    same and keep apart names judged not the same; what resolution is unsure about becomes a candidate."""
    lex = lexicon()
    judgements = judgements or []
    apart = {frozenset((j.a, j.b)) for j in judgements if not j.same}
    forced = _division_named(city, lex) if city else None
    clusters: dict[tuple[str, str], _Cluster] = {}
    canon_of: dict[tuple[str, str, str], tuple[str, str]] = {}  # (doc path, type, name) -> (type, canonical)
    contexts: dict[str, Context] = {}
    for doc in documents:
        ctx = contexts[doc.source.path] = _context(doc, lex, forced)
        alias = {m.name: m.alias_target() for m in doc.mentions if m.alias_target()}
        for m in doc.mentions:
            if m.type == "Position" or m.type == "Place" and _far_short_form(m.name, ctx, lex):
                continue
            typ, canon = _canonical(m.type, alias.get(m.name, m.name), m.article, ctx, lex)
            canon_of[(doc.source.path, m.type, m.name)] = (typ, canon)
            cluster = clusters.get((_group(typ), canon))
            if cluster is None:  # not setdefault: a cluster (and its Counter) made per mention cost a tenth
                cluster = clusters[(_group(typ), canon)] = _Cluster(typ, canon)
            cluster.add(m, typ)
        doc_ctx = ctx
        for r in doc.relations:
            for typ, name in ((r.s_type, r.s), (r.o_type, r.o)):
                if typ in TYPE_SLUG and (doc.source.path, typ, name) not in canon_of:
                    canon_of[(doc.source.path, typ, name)] = _canonical(typ, alias.get(name, name),
                                                                        r.evidence.article, doc_ctx, lex)
        for r in doc.relations:
            if r.p == "holdsPost" and r.attr("org"):
                key = (doc.source.path, "Agency", r.attr("org"))
                canon_of.setdefault(key, _canonical(r.attr("org_type") or "Agency", r.attr("org"),
                                                    r.evidence.article, doc_ctx, lex))
    merged = _merge_enterprises(clusters, apart)
    _merge_programme_variants(clusters, merged, documents, apart)
    _apply_judgements(clusters, merged, judgements)

    def final(path: str, typ: str, name: str) -> tuple[str, str]:
        t, c = canon_of.get((path, typ, name)) or (typ, name)
        key = _root(merged, (_group(t), c))
        cl = clusters.get(key)
        return (cl.type, cl.name) if cl else (t, c)

    relations: list[Relation] = []
    for doc in documents:
        path = doc.source.path
        dates = {a.id: a.date for a in doc.articles}
        for r in doc.relations:
            if r.rule == "place_prefix.v1" and _far_short_form(r.o, contexts[path], lex, districts_only=False):
                continue  # a 凌云花园项目 on a 聊城 page is not in 凌云县, Guangxi
            s_type, s = final(path, r.s_type, r.s) if r.s_type in TYPE_SLUG else (r.s_type, r.s)
            o_type, o = final(path, r.o_type, r.o) if r.o_type in TYPE_SLUG else (r.o_type, r.o)
            attrs = dict(r.attrs)
            if r.p in ("holdsPost", "worksFor") and attrs.get("org"):
                org_type, attrs["org"] = final(path, attrs.get("org_type") or "Agency", attrs["org"])
                org_cluster = clusters.get((_group(org_type), attrs["org"]))
                if org_cluster is None:
                    org_cluster = clusters[(_group(org_type), attrs["org"])] = _Cluster(org_type, attrs["org"])
                org_cluster.evidence = org_cluster.evidence or r.evidence
            attrs.pop("org_type", None)
            if dates.get(r.evidence.article):
                attrs.setdefault("date", dates[r.evidence.article])
            if s_type in TYPE_SLUG and (_group(s_type), s) not in clusters:
                clusters[(_group(s_type), s)] = _Cluster(s_type, s)
            if o_type in TYPE_SLUG and (_group(o_type), o) not in clusters:
                clusters[(_group(o_type), o)] = _Cluster(o_type, o)
            relations.append(Relation(s, r.p, o, r.evidence, r.rule, s_type, o_type, tuple(sorted(attrs.items()))))
        for m in doc.mentions:
            target = m.alias_target()
            if m.rule == "alias.v1" and target:
                t, c = final(path, m.type, m.name)
                relations.append(Relation(m.name, "aliasOf", c, Evidence(m.article, m.start, m.end, m.text),
                                          m.rule, "", t))
    relations += _org_hierarchy(clusters, relations)
    relations += _place_hierarchy(clusters, lex)
    relations = _dedupe(relations)
    entities = [cl.entity() for key, cl in sorted(clusters.items()) if key not in merged]
    judged = {frozenset((j.a, j.b)) for j in judgements}
    by_name = {(e.type, e.name): e for e in entities}
    for r in sorted(relations, key=lambda r: (r.attr("date") or "9999", r.evidence.article, r.evidence.start)):
        if r.p == "holdsPost":
            ent = by_name.get((r.s_type, r.s))
            if ent is not None and all((p.title, p.org) != (r.o, r.attr("org")) for p in ent.posts):
                ent.posts.append(Post(r.o, r.attr("org"), r.attr("date") or None, r.evidence.article))
    for e in entities:
        e.posts.sort(key=lambda p: (p.date or "", p.title, p.org, p.article))
    return Resolved(documents, entities, relations, _candidates(entities, judged))


def _candidates(entities: list[Entity], judged: set[frozenset[str]]) -> list[Candidate]:
    """People whose names are one character apart and who hold a post in common: most likely one person and
    an OCR or typing slip, but a person must decide (``kg candidates``). Never merged automatically."""
    out = []
    people = [e for e in entities if e.type in PERSON_TYPES and e.posts]
    # names one character apart share a key: the name with that character cut out, and where it was cut
    buckets: dict[tuple[int, str], list[int]] = {}
    for i, e in enumerate(people):
        for k in range(len(e.name)):
            buckets.setdefault((k, e.name[:k] + e.name[k + 1:]), []).append(i)
    pairs = sorted({(i, j) for found in buckets.values() if len(found) > 1
                    for n, i in enumerate(found) for j in found[n + 1:]})
    for i, j in pairs:  # the order of the pairwise scan (i, then j > i) it replaces
        a, b = people[i], people[j]
        if len(a.name) != len(b.name) or sum(x != y for x, y in zip(a.name, b.name, strict=True)) != 1:
            continue
        if frozenset((a.name, b.name)) in judged:
            continue
        shared = sorted({(p.title, p.org) for p in a.posts} & {(p.title, p.org) for p in b.posts})
        if not shared:
            continue
        confidence = min(0.95, 0.5 + 0.15 * len(shared))
        reason = "names one character apart; same posts: " + "; ".join(f"{t} — {o}" for t, o in shared)
        out.append(Candidate(a.id, b.id, a.name, b.name, round(confidence, 2), reason))
    return sorted(out, key=lambda c: (-c.confidence, c.a_name, c.b_name))


# ---------------------------------------------------------------- clusters


class _Cluster:
    def __init__(self, typ: str, name: str):
        self.type = typ
        self.name = name
        self.mentions: list[Mention] = []
        self.surfaces: Counter[str] = Counter()
        self.evidence: Evidence | None = None  # for a body known only as the organisation of a post

    def add(self, m: Mention, typ: str) -> None:
        self.mentions.append(m)
        self.surfaces[m.name] += 1
        if TYPE_RANK.get(typ, 9) < TYPE_RANK.get(self.type, 9):
            self.type = typ

    def absorb(self, other: _Cluster) -> None:
        self.mentions += other.mentions
        self.surfaces.update(other.surfaces)
        self.surfaces[other.name] += 0
        if other.name != self.name:
            self.surfaces[other.name] += 1
        if TYPE_RANK.get(other.type, 9) < TYPE_RANK.get(self.type, 9):
            self.type = other.type

    def entity(self) -> Entity:
        aliases = sorted(s for s in self.surfaces if s != self.name)
        mentions = sorted(self.mentions, key=lambda m: (m.source_key(), m.start, m.end))
        return Entity(f"{TYPE_SLUG[self.type]}/{self.name}", self.type, self.name, aliases, mentions, [])


def _group(typ: str) -> str:
    return TYPE_SLUG.get(typ, typ)


LEGAL_SUFFIXES = ("集团股份有限公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司")


def _merge_enterprises(clusters: dict[tuple[str, str], _Cluster],
                       apart: set[frozenset[str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """Merge a body into the one that is the same name with a place before it (东昌府区…小学 / …小学), and an
    enterprise written without its legal suffix into its one full name (华源电缆 / 江苏华源电缆有限公司)."""
    lex = lexicon()
    merged: dict[tuple[str, str], tuple[str, str]] = {}
    for group in ("enterprise", "organization", "agency"):
        names = {name for (g, name) in clusters if g == group}
        # the longer names that are a place + a name of the group (of 4 characters or more), by that name
        longer_of: dict[str, list[str]] = {}
        for longer in names:
            for k in range(1, len(longer) - 3):
                if longer[:k] in lex.place_names and longer[k:] in names:
                    longer_of.setdefault(longer[k:], []).append(longer)
        if group == "enterprise":  # 华源电缆 / 江苏华源电缆有限公司: the one full name a short one stands for
            full_of: dict[str, set[str]] = {}
            for longer in names:
                suffix = next((x for x in LEGAL_SUFFIXES if longer.endswith(x)), "")
                core = longer[:-len(suffix)] if suffix else ""
                shorts = {core} | {core[k:] for k in range(2, len(core) - 3) if core[:k] in lex.place_names}
                for short in shorts:
                    if len(short) >= 4 and short in names:
                        full_of.setdefault(short, set()).add(longer)
            for short, fulls in full_of.items():
                if len(fulls) == 1:
                    longer_of.setdefault(short, []).extend(fulls)
        for name in sorted(names, key=len):
            candidates = longer_of.get(name, ())
            for longer in sorted(candidates, key=lambda n: (-len(n), n)):
                if frozenset((name, longer)) in apart:
                    continue
                src, dst = (group, name), (group, longer)
                clusters[dst].absorb(clusters[src])
                merged[src] = dst
                break
    return merged


def _root(merged: dict, key: tuple[str, str]) -> tuple[str, str]:
    seen = set()
    while key in merged and key not in seen:
        seen.add(key)
        key = merged[key]
    return key


def _merge_programme_variants(clusters, merged, documents: list[Document], apart) -> None:
    """A programme named on a page once in full and elsewhere without its leading field word (工业…诊断 /
    …诊断) is one programme: the shorter name ends the longer one and both stand on the same page."""
    pages: dict[str, set[str]] = {}
    for doc in documents:
        pages[doc.source.path] = {m.name for m in doc.mentions if m.type in ("Programme", "Event")}
    for group, gap in (("programme", 3), ("event", 40)):
        names = sorted({name for (g, name) in clusters if g == group}, key=lambda n: (len(n), n))
        for short in names:
            for longer in sorted(names, key=lambda n: (-len(n), n)):
                if len(short) < 4 or longer == short or not longer.endswith(short) or len(longer) - len(short) > gap:
                    continue
                if frozenset((short, longer)) in apart:
                    continue
                if any(short in ns and longer in ns for ns in pages.values()):
                    src, dst = _root(merged, (group, short)), _root(merged, (group, longer))
                    if src != dst:
                        clusters[dst].absorb(clusters[src])
                        merged[src] = dst
                    break
    programmes = sorted(name for (g, name) in clusters if g == "programme")
    for abbreviation in programmes:  # 两创一强 and 创新创业、强基础, wherever each is written
        pattern = slogan_pattern(abbreviation)
        for spelled in programmes if pattern else ():
            if spelled != abbreviation and pattern.fullmatch(spelled.strip("“”")) and \
                    frozenset((abbreviation, spelled)) not in apart:
                src, dst = _root(merged, ("programme", spelled)), _root(merged, ("programme", abbreviation))
                if src != dst:
                    clusters[dst].absorb(clusters[src])
                    merged[src] = dst


def _apply_judgements(clusters, merged, judgements: list[Judgement]) -> None:
    """Names judged the same become one entity under the first name (any alias finds it)."""
    by_name: dict[str, tuple[str, str]] = {}
    for key, cl in clusters.items():
        for name in [cl.name, *cl.surfaces]:
            by_name.setdefault(name, key)
    for j in judgements:
        if not j.same or j.a not in by_name or j.b not in by_name:
            continue
        dst, src = _root(merged, by_name[j.a]), _root(merged, by_name[j.b])
        if src != dst and src[0] == dst[0]:
            clusters[dst].absorb(clusters[src])
            merged[src] = dst


# ---------------------------------------------------------------- canonical names


def _context(doc: Document, lex: Lexicon, forced: Division | None) -> Context:
    prefectures: Counter[str] = Counter()
    counties: dict[str, Counter[str]] = {}
    for m in doc.mentions:
        codes = m.attr("codes").split(",")[:1] if m.type == "Place" else []
        if m.type in ("Agency", "Organization", "Enterprise"):
            codes = _prefix_codes(m.name, lex)
        for code in codes:
            d = lex.divisions.get(code)
            if d is None:
                continue
            pref = _ancestor(d, "prefecture", lex)
            if pref:
                prefectures[pref.code] += 1
            if d.level == "county":
                counties.setdefault(m.article, Counter())[d.code] += 1
    city = forced
    if city is None and prefectures:
        city = lex.divisions[sorted(prefectures.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]]
    ctx = Context(city=city, province=_ancestor(city, "province", lex) if city else None)
    for art, counts in counties.items():
        in_city = [(n, c) for c, n in counts.items() if not city or lex.divisions[c].parent == city.code]
        if in_city:
            ctx.county[art] = lex.divisions[sorted(in_city, key=lambda x: (-x[0], x[1]))[0][1]]
    return ctx


def _prefix_codes(name: str, lex: Lexicon) -> list[str]:
    """Codes of a county-level place that an organisation's name starts with (寿光市纪委监委 -> 寿光市)."""
    for length in range(min(8, len(name) - 1), 1, -1):
        divs = lex.place_names.get(name[:length])
        if divs:
            return [d.code for d in divs if d.level == "county"][:1]
    return []


def _ancestor(d: Division | None, level: str, lex: Lexicon) -> Division | None:
    while d is not None and d.level != level:
        d = lex.divisions.get(d.parent)
    return d


def _division_named(name: str, lex: Lexicon) -> Division | None:
    divs = lex.place_names.get(name) or lex.place_names.get(name.rstrip("市"))
    if not divs:
        raise ValueError(f"unknown city {name!r}: not a division of China")
    return sorted(divs, key=lambda d: ({"prefecture": 0, "county": 1, "province": 2}.get(d.level, 3), d.code))[0]


def _far_short_form(name: str, ctx: Context, lex: Lexicon, districts_only: bool = True) -> bool:
    """A district's short form outside the paper's own city (泰山 for 泰山区 on a 聊城 page) is a mountain, a
    brand or a word far more often than the district: papers write other cities' districts in full. Only the
    paper's own districts go by their short names (茌平 on a 聊城 page). With ``districts_only=False``, the
    same for a county's short form outside the paper's province (the 凌云 of a project's name)."""
    divs = lex.place_names.get(name, ())
    if ctx.city is None or not divs:
        return False

    def far(d: Division) -> bool:
        if d.short != name or d.name == name:
            return False
        if d.level == "town":
            return d.code[:4] != ctx.city.code[:4]  # 高新区 is no town of Gansu on a 聊城 page
        if d.level != "county":
            return False
        if d.name.endswith("区"):
            return d.parent != ctx.city.code
        return not districts_only and d.code[:2] != ctx.city.code[:2]

    return all(far(d) for d in divs)


def _best_division(name: str, ctx: Context, lex: Lexicon) -> Division | None:
    divs = lex.place_names.get(name)
    if not divs:
        return None

    def score(d: Division) -> tuple:
        near = 0
        if ctx.city is not None:
            if d.code[:4] == ctx.city.code[:4]:
                near = 2
            elif d.code[:2] == ctx.city.code[:2]:
                near = 1
        return (-near, {"province": 0, "prefecture": 1, "county": 2, "town": 3}[d.level], d.code)

    return sorted(divs, key=score)[0]


def _canonical(typ: str, name: str, article: str, ctx: Context, lex: Lexicon) -> tuple[str, str]:
    if typ == "Place":
        d = _best_division(name, ctx, lex)
        return typ, d.name if d else name
    if typ in ("Agency", "Organization"):
        return typ, _agency_name(name, article, ctx, lex)
    return typ, name


LEVEL_RE = re.compile(r"^(省|市|县|区)")


def _place_prefix(name: str, article: str, ctx: Context, lex: Lexicon) -> tuple[str, str]:
    """(full place name, rest of the name) for the place written at the start of an organisation's name."""
    for length in range(min(9, len(name) - 1), 1, -1):
        cand = name[:length]
        if cand in lex.place_names:
            d = _best_division(cand, ctx, lex)
            if d is not None and (d.level != "town" or name[length:].startswith(("政府", "党委", "人民政府"))):
                return d.name, name[length:]
    m = LEVEL_RE.match(name)
    if m:
        level = m.group(1)
        if level == "市" and ctx.city is not None:
            return ctx.city.name, name[1:]
        if level == "省" and ctx.province is not None:
            return ctx.province.name, name[1:]
        county = ctx.county.get(article)
        if level in "县区" and county is not None and county.name.endswith(level):
            return county.name, name[1:]
    return "", name


def _agency_name(name: str, article: str, ctx: Context, lex: Lexicon) -> str:
    """Canonical name of a Party or government body: 市工信局 -> 潍坊市工业和信息化局, 县委统战部 ->
    中共昌乐县委员会统一战线工作部. Names outside the standard structure are kept as written."""
    if name in BARE_ZONES and ctx.city is not None:
        return ctx.city.short + name  # 高新区 on a 潍坊 page: 潍坊高新区
    place, rest = _place_prefix(name, article, ctx, lex)
    party = False
    if rest.startswith("委") and len(rest) > 1 and not rest.startswith("委员"):
        party, rest = True, rest[1:]
    elif rest.startswith("县委") and place.endswith("县"):
        party, rest = True, rest[2:]  # 昌乐县县委统战部
    if place and rest in lex.bodies and rest != "委":
        return lex.bodies[rest][0].format(place=place)  # 寿光市政府, 市政协, 寿光市纪委监委
    dept = _longest_prefix(rest, lex.departments)
    if dept:
        full = lex.departments[dept][0]
        tail = rest[len(dept):]
        if full.startswith(PARTY_PREFIX) or party:
            core = full[len(PARTY_PREFIX):] if full.startswith(PARTY_PREFIX) else full
            if not place and ctx.city is not None and not dept.startswith(PARTY_PREFIX):
                place = ctx.city.name  # 宣传部 on a city paper is the city committee's
            return f"中共{place}委员会{core}{tail}" if place else name
        if not place and ctx.city is not None and len(dept) >= 3:
            place = ctx.city.name  # a bare department on a city paper is the city's
        return f"{place}{full}{tail}" if place else name
    if party and not rest:
        return f"中共{place}委员会" if place else name
    organ = _longest_prefix(rest, lex.bodies)
    if organ and place and rest == organ:
        return lex.bodies[organ][0].format(place=place)
    if party and place:
        return f"中共{place}委员会{rest}"
    return name


def _longest_prefix(text: str, table) -> str:
    for length in range(min(len(text), 14), 0, -1):
        if text[:length] in table:
            return text[:length]
    return ""


# ---------------------------------------------------------------- relations


def _org_hierarchy(clusters, relations: list[Relation]) -> list[Relation]:
    """partOf from the names themselves: 中共潍坊市委员会宣传部 is part of 中共潍坊市委员会, and
    潍坊市商务局外资科 of 潍坊市商务局 when both are nodes."""
    names = {name: cl for (g, name), cl in clusters.items() if g in ("agency", "organization")}
    out = []
    for name, cl in sorted(names.items()):
        for length in range(len(name) - 2, 3, -1):
            parent = name[:length]
            if parent in names and parent != name:
                ev = _first_evidence(cl)
                if ev is not None:
                    out.append(Relation(name, "partOf", parent, ev, "name_nesting.v1", cl.type, names[parent].type))
                break
    return out


def _place_hierarchy(clusters, lex: Lexicon) -> list[Relation]:
    """partOf between places that are both in the graph, from the divisions data (a town of its county, a
    county of its city, a city of its province), so a question about a county also finds its towns."""
    places = {name: cl for (g, name), cl in clusters.items() if g == "place"}
    out = []
    for name, cl in sorted(places.items()):
        for d in lex.place_names.get(name, ()):
            if d.name != name:
                continue
            parent = lex.divisions.get(d.parent)
            while parent is not None and parent.name not in places:
                parent = lex.divisions.get(parent.parent)
            ev = _first_evidence(cl)
            if parent is not None and ev is not None:
                out.append(Relation(name, "partOf", parent.name, ev, "division_parent.v1", "Place", "Place"))
                break
    return out


def _first_evidence(cl: _Cluster) -> Evidence | None:
    if not cl.mentions:
        return cl.evidence
    m = min(cl.mentions, key=lambda m: (m.source_key(), m.start))
    return Evidence(m.article, m.start, m.end, m.text)


def _dedupe(relations: list[Relation]) -> list[Relation]:
    seen = set()
    out = []
    for r in sorted(relations, key=lambda r: (r.s, r.p, r.o, r.evidence.article, r.evidence.start, r.rule, r.attrs)):
        key = (r.s, r.p, r.o, r.evidence.article, r.evidence.start, r.attrs)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out
