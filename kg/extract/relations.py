"""Relations read within one sentence, each by a named rule:

- ``runs.v1``: agencies or organisations + 组织/主办/发起/牵头/开展 … + a programme or event;
- ``participates.v1``: enterprises or organisations + 参与/参加/加入/接受 … + a programme or event;
- ``attended.v1``: an official or person who 出席/参加/主持 … the event of the sentence or, failing that, the
  article's first event;
- ``invests.v1``: the enterprise named before a project in its sentence, with the amount;
- ``awarded.v1``: enterprises, organisations or people that 上榜/入选/获评/荣获 a quoted honour;
- ``part_of.v1``: 甲所属乙, and a company named right after its group (华新集团潍坊华新…有限公司);
- ``place_prefix.v1``: an organisation or project whose name starts with a place is located in it.
"""

from __future__ import annotations

import re

from .base import Fact, Hit, Text
from .lexicon import Lexicon
from .orgs import place_ending_at

RUNS_RE = re.compile(r"组织|主办|承办|发起|牵头|开展|推行|实施|推出|打造|举办|召开|出台|制定|启动|上线")
PART_RE = re.compile(r"参与|参加|加入|接受|入驻|报名|申报")
ATTEND_RE = re.compile(r"出席|参加|主持|致辞|讲话|带队|参会")
AWARD_RE = re.compile(r"上榜|入选|获评|被评为|荣获|获得|被授予|评为")
HONOUR_RE = re.compile(r"[“\"]([^“”\"]{3,40})[”\"]")
ORG_TYPES = ("Agency", "Organization")
ACTOR_TYPES = ("Enterprise", "Organization")


def find_relations(t: Text, lex: Lexicon, hits: list[Hit]) -> list[Fact]:
    text = t.text
    facts: list[Fact] = []
    by_sentence: dict[tuple[int, int], list[Hit]] = {}
    for h in hits:
        by_sentence.setdefault(t.sentences.around(h.start), []).append(h)
    events = [h for h in hits if h.type == "Event"]
    first_event = events[0] if events else None
    for (s, e), group in sorted(by_sentence.items()):
        group.sort(key=lambda h: h.start)
        sent = text[s:e]
        targets = [h for h in group if h.type in ("Programme", "Event")]
        for m in RUNS_RE.finditer(sent):
            pos = s + m.start()
            actors = [h for h in group if h.type in ORG_TYPES and h.end <= pos]
            after = [h for h in targets if h.start >= pos + len(m.group(0)) - 1]
            before_targets = [h for h in targets if h.end <= pos]
            if actors and after:
                for a in _last_list(actors, text):
                    facts.append(_fact(a, "runs", after[0], s, e, "runs.v1"))
            elif after and "由" in sent[:m.start()] and before_targets:
                pass
            elif actors and before_targets and re.search(r"是由|由", text[before_targets[-1].end:pos]):
                for a in _last_list(actors, text):  # “X”是由A、B等发起的平台
                    facts.append(_fact(a, "runs", before_targets[-1], s, e, "runs.v1"))
        for m in PART_RE.finditer(sent):
            pos = s + m.start()
            actors = [h for h in group if h.type in ACTOR_TYPES and h.end <= pos]
            after = [h for h in targets if h.start >= pos]
            if actors and after:
                facts.append(_fact(actors[-1], "participatesIn", after[-1], s, e, "participates.v1"))
        for m in ATTEND_RE.finditer(sent):
            pos = s + m.start()
            people = [h for h in group if h.type in ("Official", "Person") and h.end <= pos and pos - h.end <= 4]
            evs = [h for h in group if h.type == "Event"] or ([first_event] if first_event else [])
            for p in people:
                if evs:
                    facts.append(_fact(p, "attended", evs[0], s, e, "attended.v1"))
        for p in (h for h in group if h.type == "Project"):
            owners = [h for h in group if h.type == "Enterprise" and h.end <= p.start]
            if owners:
                facts.append(_fact(owners[-1], "invests", p, s, e, "invests.v1", p.attrs))
        am = AWARD_RE.search(sent)
        hm = _honour(sent, am) if am else None
        if hm:
            honour = hm.group(1)
            clause = s + max(sent.rfind(c, 0, am.start()) for c in ",;:!?")  # who is awarded: named in the
            for h in group:  # verb's own clause (…,我市甲公司、乙公司上榜), not elsewhere in the sentence
                if h.type in ("Enterprise", "Organization", "Official", "Person") and clause < h.start and \
                        h.end <= s + am.start() and not s + hm.start() <= h.start < s + hm.end():
                    facts.append(Fact(h.name, h.type, "awarded", honour, "", s, e, "awarded.v1"))
    facts += _part_of(t, hits)
    facts += _located(t, lex, hits)
    return facts


def _honour(sent: str, award: re.Match) -> re.Match | None:
    """The quoted honour of an award: in the award verb's own clause after it (荣获“某某”称号), or a list named
    before it (在“某某企业”名单中,…上榜); not a quoted phrase of another clause (获得…指标,形成了“…”的局面)."""
    for hm in HONOUR_RE.finditer(sent):
        if hm.start() >= award.end() and not re.search(r"[,;:!?]", sent[award.end():hm.start()]):
            return hm
        if hm.end() <= award.start() and re.match(r"(?:名单|榜单|称号|奖)", sent[hm.end():hm.end() + 2]):
            return hm
    return None


def _last_list(actors: list[Hit], text: str) -> list[Hit]:
    """The actors of the last coordinated list before a verb (A、B等 -> A and B)."""
    out = [actors[-1]]
    for h in reversed(actors[:-1]):
        between = text[h.end:out[-1].start]
        if re.fullmatch(r"\s*[、和与及]\s*", between):
            out.append(h)
        else:
            break
    return list(reversed(out))


def _fact(a: Hit, p: str, b: Hit, s: int, e: int, rule: str, attrs=()) -> Fact:
    return Fact(a.attr("alias_of") or a.name, a.type, p, b.attr("alias_of") or b.name, b.type, s, e, rule,
                tuple(attrs))


def _part_of(t: Text, hits: list[Hit]) -> list[Fact]:
    text = t.text
    orgs = sorted((h for h in hits if h.type in ("Agency", "Enterprise", "Organization")), key=lambda h: h.start)
    out = []
    for a, b in zip(orgs, orgs[1:], strict=False):
        gap = text[a.end:b.start]
        s, e = t.sentences.around(a.start)
        if gap in ("所属", "下属", "直属") or (gap == "" and a.type == b.type == "Enterprise"
                                             and a.name.endswith("集团")):
            out.append(Fact(b.name, b.type, "partOf", a.name, a.type, s, e, "part_of.v1"))
    return out


def _located(t: Text, lex: Lexicon, hits: list[Hit]) -> list[Fact]:
    out = []
    for h in hits:
        if h.type not in ("Agency", "Enterprise", "Organization", "Project") or h.rule == "alias.v1":
            continue
        name = h.name
        for length in range(min(8, len(name) - 1), 1, -1):
            cand = name[:length]
            divs = lex.place_names.get(cand)
            if divs and any(d.level != "town" for d in divs) and place_ending_at(name, length, lex) == 0:
                s, e = t.sentences.around(h.start)
                out.append(Fact(name, h.type, "locatedIn", cand, "Place", s, e, "place_prefix.v1"))
                break
    return out
