"""Officials with their posts, other named people, and journalists.

``title_chain.v1`` reads the grammar of Chinese post titles: a chain of ``[organisation]title`` segments joined
by 、 right before a name (市委常委、宣传部部长、统战部部长郑海波; 市商务局党组书记、局长冯晓东), and lists of names
after one chain (副市长张旋宇、洪玉振). A segment without its own organisation inherits the one before it, except a
government head (市长, 县长 …), whose organ is the people's government of that level.
``role_person.v1`` reads role nouns before a name (办事群众刘迪); ``took_post.v1`` a post taken after the name
(赵某担任第一书记); ``byline.v1`` credits journalists;
``name_repeat.v1`` finds later mentions of a name already read.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .base import HAN, Fact, Hit, SpanIndex, Text
from .lexicon import Lexicon
from .orgs import PARTY_ORGANS, central_posts

NOT_GIVEN = set("的了着过在是和与及等对为将也都就说向到从把被让给所这那其该并或而且之以于")
GOV_HEAD = re.compile(r"^(常务)?副?(省|市|县|区|镇|乡)长$")
LIST_FOLLOW = ("", "、", ",", "。", "出", "等", "参", "在", "同", "一", "分", "和", "及")
OFFICIAL_KINDS = {"party", "gov", "congress", "cppcc", "court", "discipline", "rank"}
ANONYMOUS = re.compile(r"^(先生|女士|师傅|老人|大爷|大妈|阿姨|某)")
ZONE_RE = re.compile(r"[\u4e00-\u9fff]{2,10}(?:经济开发区|开发区|高新区|园区|新区)$")
SUBUNIT_RE = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:科|处|股|室|中队|大队)$")


def name_length(text: str, i: int, lex: Lexicon, bounds: set[int] | None = None) -> int:
    """Length of a person's name starting at ``text[i]`` (surname + one or two characters), or 0.

    With ``bounds`` (jieba's word boundaries) the name must also be a word of its own: used where no title
    vouches for the name (群众刘迪激动地说 -> 刘迪)."""
    sl = lex.is_surname_at(text, i)
    if not sl:
        return 0
    title = lex.title_re.match(text, i)
    if title and title.end() - i >= 2:
        return 0  # 顾问团, 常委会: a title word, not a surname and a given name
    best = 0
    for given in (1, 2):
        n = sl + given
        cand = text[i:i + n]
        if len(cand) < n or not all(HAN.match(c) for c in cand):
            break
        if any(c in NOT_GIVEN for c in cand[sl:]):
            break
        rest = text[i + n:]
        if not rest or not HAN.match(rest[0]) or rest.startswith(lex.name_cues):
            best = n
            if given == 1 and rest.startswith(lex.name_cues):  # 刘迪说; 修路。 is a word before a full stop
                return n if cand not in lex.not_names and (HAN.match(rest[0]) or _plain(text, i, n, lex)) else 0
    if best == 0:
        cand3 = text[i:i + sl + 2]
        if len(cand3) == sl + 2 and all(HAN.match(c) for c in cand3) and not any(c in NOT_GIVEN for c in cand3[sl:]):
            best = sl + 2
        elif len(cand3) >= sl + 1 and all(HAN.match(c) for c in cand3[:sl + 1]) and cand3[sl] not in NOT_GIVEN:
            best = sl + 1
    if bounds is not None:
        best = next((n for n in (sl + 2, sl + 1) if i + n in bounds and _plain(text, i, n, lex)
                     and not any(c in NOT_GIVEN for c in text[i + sl:i + n])), 0)
    name = text[i:i + best]
    if best and not _plain(text, i, best, lex) and not text[i + best:].startswith(lex.name_cues):
        return 0  # a common word, not a name
    if best == sl + 2 and not _plain(text, i, sl + 1, lex):
        return 0  # 顾问|组: the first two characters are a common word
    if not best or name in lex.not_names or ANONYMOUS.match(text[i + sl:]) or name[:2] in lex.not_names:
        return 0
    if lex.title_re.match(text, i + sl) or text[i + best:i + best + 1] in ("局", "委", "部", "办", "厅"):
        return 0  # 市长李 / 刘局 … are not names
    return best


def _plain(text: str, i: int, n: int, lex: Lexicon) -> bool:
    from .lexicon import word_tags

    tag = word_tags().get(text[i:i + n])
    return all(HAN.match(c) for c in text[i:i + n]) and (tag is None or tag.startswith("nr"))


def _org_before(hits_by_end: dict[int, Hit], text: str, pos: int, lex: Lexicon) -> tuple[str, str, int]:
    """(organisation name, type, start) written right before a title at ``pos``; ('', '', pos) if none."""
    hit = hits_by_end.get(pos)
    if hit:
        return hit.name, hit.type, hit.start
    m = SUBUNIT_RE.search(text[max(0, pos - 12):pos])
    if m:
        sub_start = pos - len(m.group(0))
        for cut in range(sub_start, pos - 1):
            parent = hits_by_end.get(cut)
            if parent:
                return text[parent.start:pos], parent.type, parent.start
    m = ZONE_RE.search(text[max(0, pos - 14):pos])
    if m:
        return m.group(0), "Agency", pos - len(m.group(0))
    return "", "", pos


def find_people(t: Text, lex: Lexicon, orgs: list[Hit]) -> tuple[list[Hit], list[Fact]]:
    text = t.text
    hits_by_end = {h.end: h for h in orgs if h.rule != "alias.v1"}
    for h in orgs:  # 市工信局党组 | 书记: the title 党组书记 starts inside the organisation's name
        for organ in ("党组", "党委", "党工委"):
            if h.name.endswith(organ) and len(h.name) > len(organ) + 1:
                hits_by_end.setdefault(h.end - len(organ), Hit(h.type, h.start, h.end - len(organ),
                                                                h.name[: -len(organ)], h.rule))
    bounds = set(t.tokens()[0]) | {len(text)}
    titles = list(lex.title_re.finditer(text))
    title_by_end = {m.end(): m for m in titles}
    people: list[Hit] = []
    facts: list[Fact] = []
    positions: list[Hit] = []
    for m in titles:
        n = name_length(text, m.end(), lex)
        if not n:
            continue
        chain = _chain(text, m, title_by_end, hits_by_end, lex)
        chain = _employer(chain, orgs, t, m.start(), lex)
        names = [(m.end(), m.end() + n)]
        # a list of names sharing the chain: 副市长张旋宇、洪玉振
        pos = m.end() + n
        while text[pos:pos + 1] == "、":
            k = name_length(text, pos + 1, lex)
            after = text[pos + 1 + k:pos + 2 + k]
            if not k or lex.title_re.match(text, pos + 1 + k) or after not in LIST_FOLLOW:
                break
            names.append((pos + 1, pos + 1 + k))
            pos += 1 + k
        ev_start = chain[0][3] if chain else m.start()
        former = (("former", "true"),) if text[ev_start - 1:ev_start] == "原" else ()
        for s, e in names:
            name = text[s:e]
            official = any(_is_official(title, org, typ, lex) for title, org, typ, _ in chain)
            ptype = "Official" if official else "Person"
            posts = []
            for title, org, typ, _seg_start in chain:
                posts.append((title, org))
                if _is_official(title, org, typ, lex):
                    facts.append(Fact(name, ptype, "holdsPost", title, "", ev_start, e, "title_chain.v1",
                                      (("org", org), ("org_type", typ), *former)))
                elif org:
                    facts.append(Fact(name, ptype, "worksFor", org, typ, ev_start, e, "title_chain.v1",
                                      (("role", title),)))
            people.append(Hit(ptype, s, e, name, "title_chain.v1",
                              tuple(("post", f"{title}@{org}") for title, org in posts)))
        positions.extend(_position_spans(text, m, chain, title_by_end))
    people += _role_people(t, lex, {h.start for h in people}, bounds)
    appositive, more = _appositives(t, lex, titles, title_by_end, hits_by_end, {h.start for h in people})
    people += appositive
    facts += more
    took, more = _took_post(t, lex, titles, title_by_end, hits_by_end, {h.start for h in people})
    people += took
    facts += more
    after, more = _leader_titles_after(t, lex, {h.start for h in people}, bounds)
    people += after
    facts += more
    seen = set()
    for p in positions:
        if (p.start, p.end) not in seen:
            seen.add((p.start, p.end))
            people.append(p)
    return people, facts


APPOSITIVE_OPEN = (",", "(", ":")
APPOSITIVE_CLOSE = (",", ")", "。", ";", "")


def _appositives(t: Text, lex: Lexicon, titles, title_by_end, hits_by_end, taken: set[int]):
    """``appositive.v1``: a title chain written after the name (张三，某某局局长，…; 张三(某某局局长)): the chain
    opens right after the name and closes at punctuation."""
    text = t.text
    people, facts = [], []
    for m in titles:
        if text[m.end():m.end() + 1] not in APPOSITIVE_CLOSE or name_length(text, m.end(), lex):
            continue
        chain = _chain(text, m, title_by_end, hits_by_end, lex)
        start = chain[0][3] if chain else m.start()
        if text[start - 1:start] not in APPOSITIVE_OPEN or not any(org for _, org, _, _ in chain):
            continue
        found = _name_ending_at(text, start - 1, chain, m.end(), lex, taken, "appositive.v1")
        if found:
            people.append(found[0])
            facts += found[1]
    return people, facts


def _name_ending_at(text: str, end: int, chain, ev_end: int, lex: Lexicon, taken: set[int], rule: str):
    """The person whose name ends at ``end`` (3, 2 or 4 characters, standing at a clause start) holding the
    posts of ``chain``, as (hit, facts); None when no name ends there."""
    for n in (3, 2, 4):
        s = end - n
        if s >= 0 and s not in taken and name_length(text, s, lex) == n and \
                (s == 0 or not HAN.match(text[s - 1]) or text[s - 1] in "由和与及、"):
            name = text[s:s + n]
            official = any(_is_official(title, org, typ, lex) for title, org, typ, _ in chain)
            ptype = "Official" if official else "Person"
            facts = []
            for title, org, typ, _ in chain:
                if _is_official(title, org, typ, lex):
                    facts.append(Fact(name, ptype, "holdsPost", title, "", s, ev_end, rule,
                                      (("org", org), ("org_type", typ))))
                elif org:
                    facts.append(Fact(name, ptype, "worksFor", org, typ, s, ev_end, rule, (("role", title),)))
            return Hit(ptype, s, s + n, name, rule), facts
    return None


QUOTED_BEFORE = re.compile(r"、“[^“”]{1,8}”$")
PARTY_ROOT_RE = re.compile(r"^[\u4e00-\u9fff]{1,8}?[省市县区]委")
TOOK_POST_ANYWHERE = re.compile(r"担任|出任|兼任|就任|当选|任")
TOOK_POST = re.compile(r"(?:曾|现|先后|又|还|已|正式)?(?:担任|出任|兼任|就任|当选为|当选|任)$")


def _took_post(t: Text, lex: Lexicon, titles, title_by_end, hits_by_end, taken: set[int]):
    """``took_post.v1``: a name, a verb of taking a post, then the post (赵某担任第一书记后; 王某任县委书记):
    the title chain stands after the verb instead of before the name."""
    text = t.text
    people, facts = [], []
    verbs = [v.end() for v in TOOK_POST_ANYWHERE.finditer(text)]
    for m in titles:
        k = bisect_right(verbs, m.start())
        if not k or m.start() - verbs[k - 1] > 40:
            continue  # no verb of taking a post shortly before: no chain to read (and no cost on title runs)
        if name_length(text, m.end(), lex) or text[m.end():m.end() + 1] in ("长", "委"):
            continue
        chain = _chain(text, m, title_by_end, hits_by_end, lex)
        start = chain[0][3] if chain else m.start()
        verb = TOOK_POST.search(text, max(0, start - 6), start)
        if not verb:
            continue
        found = _name_ending_at(text, verb.start(), chain, m.end(), lex, taken, "took_post.v1")
        if found:
            people.append(found[0])
            facts += found[1]
            taken.add(found[0].start)
    return people, facts


def _leader_titles_after(t: Text, lex: Lexicon, taken: set[int], bounds: set[int]):
    """``title_after.v1``: the central state's leaders are written name first (某某总书记, 某某总理): a name on
    word bounds right before a title whose body is a whole central organ."""
    text = t.text
    people, facts = [], []
    for m in lex.title_re.finditer(text):
        organ = central_posts().get(m.group(0), "") if lex.titles.get(m.group(0), ("", ""))[1] == "central" else ""
        if not organ:
            continue
        for n in (3, 2):
            s = m.start() - n
            if s < 0 or s in taken or s not in bounds or name_length(text, s, lex) != n:
                continue
            name = text[s:m.start()]
            people.append(Hit("Official", s, m.start(), name, "title_after.v1", (("post", f"{m.group(0)}@{organ}"),)))
            facts.append(Fact(name, "Official", "holdsPost", m.group(0), "", s, m.end(), "title_after.v1",
                              (("org", organ), ("org_type", "Agency"))))
            taken.add(s)
            break
    return people, facts


def _position_spans(text: str, m: re.Match, chain, title_by_end) -> list[Hit]:
    """Each title of a chain as a ``Position`` span (for span-level evaluation)."""
    out = []
    cur = m
    for title, org, _typ, _start in reversed(chain):
        if cur is None or cur.group(0) != title:
            break
        out.append(Hit("Position", cur.start(), cur.end(), title, "title_chain.v1", (("org", org),)))
        seg = cur.start()
        hit_start = seg
        while hit_start > 0 and text[hit_start - 1] not in "、":
            hit_start -= 1
            if hit_start in title_by_end or seg - hit_start > 30:
                break
        cur = title_by_end.get(hit_start - 1) if text[hit_start - 1:hit_start] == "、" else None
    return out


def _is_official(title: str, org: str, typ: str, lex: Lexicon) -> bool:
    kind = lex.titles.get(title, ("public", ""))[0]
    if kind == "enterprise" or typ in ("Enterprise",):
        return False
    if kind in OFFICIAL_KINDS:
        return True
    return typ == "Agency"


def _chain(text: str, m: re.Match, title_by_end, hits_by_end, lex: Lexicon) -> list[tuple[str, str, str, int]]:
    """Segments (title, organisation, organisation type, start) of the title chain ending with ``m``."""
    segments: list[tuple[str, str, str, int]] = []
    cur = m
    while cur is not None:
        title = cur.group(0)
        org, typ, seg_start = _org_before(hits_by_end, text, cur.start(), lex)
        quoted = QUOTED_BEFORE.search(text, max(0, seg_start - 12), seg_start) if not org else None
        organ = next((o for o in PARTY_ORGANS if title.startswith(o) and len(title) > len(o)), "")
        if quoted and organ:  # “两新”工委书记: the quoted word and 工委 name the body, 书记 is the post
            org, typ = quoted.group(0)[1:] + organ, "Agency"
            title = title[len(organ):]
        segments.append((title, org, typ, seg_start))
        prev = None
        if text[seg_start - 1:seg_start] == "、":
            prev = title_by_end.get(seg_start - 1)
        elif quoted:
            prev = title_by_end.get(quoted.start())  # 部长、“两新”工委书记: the chain goes on past a quoted word
        elif not org and seg_start in title_by_end:
            prev = title_by_end[seg_start]  # 党组书记 directly before 局长 without 、 is rare but seen
        cur = prev
    segments.reverse()
    out = []
    inherited, inherited_type, party_root = "", "", ""
    for title, org, typ, start in segments:
        gov = GOV_HEAD.match(title)
        central = central_posts().get(title) if lex.titles.get(title, ("", ""))[1] == "central" else None
        if not org and central:
            org, typ = central, "Agency"  # 总理: the one State Council
        elif not org and gov:
            org, typ = f"{gov.group(2)}政府", "Agency"
        elif not org:
            org, typ = inherited, inherited_type
        elif party_root and lex.departments.get(org, ("", ""))[0].startswith("党委"):
            org = party_root + org  # 市委常委、宣传部部长、统战部部长 -> 市委宣传部, 市委统战部
        elif party_root and org.startswith("“") and org.endswith(PARTY_ORGANS):
            org = party_root + org  # 区委社会工作部部长、“两新”工委书记 -> 区委“两新”工委
        out.append((title, org, typ, start))
        if not gov:
            inherited, inherited_type = org, typ
        root = PARTY_ROOT_RE.match(org) if typ == "Agency" else None
        if org.endswith("委") and typ == "Agency":
            party_root = org
        elif root and lex.departments.get(org[root.end():], ("", ""))[0].startswith("党委"):
            party_root = root.group(0)  # 区委社会工作部: 区委 is the root of the posts after it
    return out


def _employer(chain, orgs: list[Hit], t: Text, pos: int, lex: Lexicon):
    """An enterprise role without its organisation (技术副总周立新) belongs to the enterprise or organisation
    named last before it in the same sentence."""
    out = []
    s_start, _ = t.sentences.around(pos)
    for title, org, typ, start in chain:
        kind = lex.titles.get(title, ("public", ""))[0]
        if not org and kind in ("enterprise", "public"):
            before = [h for h in orgs if s_start <= h.start and h.end <= pos and h.type != "Agency"]
            if before:
                h = max(before, key=lambda h: h.end)
                org, typ = h.attr("alias_of") or h.name, h.type
        out.append((title, org, typ, start))
    return out


ROLE_AFTER = re.compile(r"是[\u4e00-\u9fff]{0,10}?")


def _role_people(t: Text, lex: Lexicon, taken: set[int], bounds: set[int]) -> list[Hit]:
    """``role_person.v1``: a role noun right before a name (村民王某), or the name saying what it is (王某是某村
    村民), a name standing alone before 是 at the start of a clause."""
    text = t.text
    out = []
    for m in lex.person_roles_re.finditer(text):
        if text[m.end():m.end() + 1] not in (",", "。", ";", "") or m.start() == 0:
            continue
        for n in (3, 2):
            window = text[max(0, m.start() - 12 - n):m.start()]
            cue = window.rfind("是")
            s = m.start() - (len(window) - cue) - n
            if cue < 0 or s < 0 or (s > 0 and HAN.match(text[s - 1])) or s in taken:
                continue
            if not ROLE_AFTER.fullmatch(text, s + n, m.start()) or name_length(text, s, lex) != n:
                continue
            out.append(Hit("Person", s, s + n, text[s:s + n], "role_person.v1", (("role", m.group(0)),)))
            taken.add(s)
            break
    for m in lex.person_roles_re.finditer(text):
        if m.end() in taken or m.end() not in bounds:
            continue
        n = name_length(text, m.end(), lex, bounds)
        if n:
            out.append(Hit("Person", m.end(), m.end() + n, text[m.end():m.end() + n], "role_person.v1",
                           (("role", m.group(0)),)))
    return out


def find_repeats(t: Text, names: dict[str, str], taken: list[tuple[int, int]]) -> list[Hit]:
    """Later mentions of names already read in this document (韩立新强调 after 常务副市长韩立新)."""
    text = t.text
    out = []
    index = SpanIndex(Hit("", s, e, "", "") for s, e in taken)
    for name, typ in sorted(names.items(), key=lambda kv: (-len(kv[0]), kv[0])):  # longest first, no overlaps
        for m in re.finditer(re.escape(name), text):
            if not index.free(Hit("", m.start(), m.end(), "", "")):
                continue
            nxt = text[m.end():m.end() + 1]
            if len(name) == 2 and nxt and HAN.match(nxt) and nxt not in "说表指强介出参主带一等在和与对为向到是":
                continue
            out.append(Hit(typ, m.start(), m.end(), name, "name_repeat.v1"))
            index.add(out[-1])
    return out
