"""Segment stage: rejoin column line breaks and split a page into articles.

Newspaper pages come in three layouts (see seeds/): narrow columns with the headline printed *after* the
body, markdown with ``#`` headings, and ``□记者 … 报道`` pages with the headline before the byline. We
work on paragraphs rebuilt from lines (``reflow``), classify each paragraph (heading, byline, lead, caption,
short headline-like line, furniture, body), then cut articles at the start markers and attach headline groups
on the side the layout puts them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .model import Article, Byline, Source, source_key
from .read import normalise
from .resources import data_lines

# ---------------------------------------------------------------- paragraphs


@dataclass(frozen=True, slots=True)
class Line:
    no: int  # line number in the page
    start: int
    end: int
    text: str  # normalised and stripped (offsets still index the source)
    width: float  # printed width of the original line: CJK and full-width characters 1, others 0.5


@dataclass(slots=True)
class Para:
    lines: list[Line]
    kind: str = "body"
    block_breaks: tuple[int, ...] = ()  # indices i where lines[i] starts a new block (blank line before it)

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)


TERMINAL = ("。", "!", "?", ";", "……", "。”", "!”", "?”", "”。", ".", ")。", "。)")
INNER_PUNCT = re.compile(r"[,、。;:]")
MARKER_RE = re.compile(r"^\s*[■□▲◆●]")
ROLE_WORDS = ("本报记者", "本报通讯员", "特约记者", "见习记者", "实习记者", "实习生", "记者", "通讯员", "摄影",
              "文/图", "图/文", "文图", "摄")
ROLE_RE = "|".join(re.escape(r) for r in sorted(ROLE_WORDS, key=len, reverse=True))
NAME_TOKEN = r"[\u4e00-\u9fff·]{2,4}"
# A credit: optional role words, then names separated by spaces, optionally ending in 报道. One [role] name is
# an atomic group that must end where a name can end: 记者 or 摄影王明 reads several ways (a role or a name), and
# trying every reading of every name made "摄影王明 " * 16 take 35 s. The language is the same.
_CREDIT_NAME = rf"(?>(?:(?:{ROLE_RE})\s*)?{NAME_TOKEN}(?=\s|报道\s*$|$))"
CREDIT_BODY_RE = re.compile(rf"^\s*{_CREDIT_NAME}(?:\s+{_CREDIT_NAME})*\s*(?:报道)?\s*$")
LEAD_RE = re.compile(r"^\s*(?:本报讯|本报[\u4e00-\u9fff]{1,6}讯(?!员)|新华社[\u4e00-\u9fff]{1,8}\d+月\d+日电|"
                     r"本报\d+月\d+日讯|据[\u4e00-\u9fff]{2,8}报道)")
HEADING_RE = re.compile(r"^\s*(#{1,6})\s*(.*)$")
_INLINE_NAME = rf"(?>(?:(?:{ROLE_RE})\s*)?{NAME_TOKEN}(?=\s|$))"
INLINE_CREDIT_RE = re.compile(rf"[■□]\s*({_INLINE_NAME}(?:\s+{_INLINE_NAME})*)\s*$")
CONTINUED_RE = re.compile(r"^[(（]?\s*(?:下转|上接|转)\s*\d+\s*版\s*[)）]?$|^[(（]\s*(?:下转|上接)")


@lru_cache(maxsize=1)
def _furniture() -> frozenset[str]:
    return frozenset(data_lines("furniture.txt"))


def lines_of(text: str) -> list[Line]:
    norm = normalise(text)
    out: list[Line] = []
    pos = 0
    for no, raw in enumerate(norm.split("\n")):
        stripped = raw.rstrip()
        lead = len(stripped) - len(stripped.lstrip())  # a blank line is an empty span, not start > end
        start, end = pos + lead, pos + len(stripped)
        out.append(Line(no, start, end, stripped.strip(), _width(text[start:end])))
        pos += len(raw) + 1
    return out


def _width(text: str) -> float:
    return sum(map(_char_width, text))


@lru_cache(maxsize=65536)
def _char_width(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5


@lru_cache(maxsize=8192)
def _is_marker_line(text: str) -> bool:
    return bool(MARKER_RE.match(text) or HEADING_RE.match(text) or LEAD_RE.match(text)
                or _is_furniture(text) or CONTINUED_RE.match(text))


def _is_furniture(text: str) -> bool:
    return re.sub(r"\s+", "", text) in _furniture()


@lru_cache(maxsize=8192)
def _terminal(text: str) -> bool:
    return text.endswith(TERMINAL) or bool(INLINE_CREDIT_RE.search(text))


def reflow(text: str) -> list[Para]:
    """Rebuild paragraphs from layout lines.

    A line continues onto the next non-blank line when it does not end a sentence and it is as wide as its
    column (narrow layouts) or it is a sentence fragment in a long-line layout. Markers (bylines, headings,
    leads, furniture) always stand alone.
    """
    lines = lines_of(text)
    blocks: list[list[Line]] = []
    cur: list[Line] = []
    for line in lines:
        if line.text:
            cur.append(line)
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    widths = sorted(line.width for b in blocks for line in b if line.width >= 6)
    page_width = widths[len(widths) // 2] if widths else 0
    long_lines = page_width > 40

    paras: list[Para] = []
    for b, block in enumerate(blocks):
        width = _block_width(block, page_width)
        for i, line in enumerate(block):
            starts_block = i == 0
            prev = paras[-1] if paras else None
            if starts_block and b > 0:
                # across a blank line only a real column run continues: two lines or more, or one full-width
                # line of running prose (its commas say it is no headline)
                last = blocks[b - 1][-1]
                ok = len(blocks[b - 1]) >= 2 or long_lines or bool(
                    INNER_PUNCT.search(last.text) and page_width and last.width >= 0.75 * page_width)
                line_width = _block_width(blocks[b - 1], page_width) if ok else 0
            else:
                line_width = width
            if prev is not None and _continues(prev.lines[-1], line, line_width, long_lines):
                if starts_block:
                    prev.block_breaks = (*prev.block_breaks, len(prev.lines))
                prev.lines.append(line)
            else:
                paras.append(Para([line]))
    for para in paras:
        para.kind = _classify(para)
    _mark_captions(paras)
    return paras


def _block_width(block: list[Line], page_width: float) -> float:
    """The column width of a block: the upper quartile of its lines but the last (which may end short)."""
    inner = sorted(line.width for line in block[:-1])
    if len(block) >= 3:
        return inner[(len(inner) * 3) // 4]
    return max(page_width, max(inner, default=0))


def _continues(prev: Line, line: Line, width: float, long_lines: bool) -> bool:
    if _is_marker_line(line.text) or _terminal(prev.text) or prev.text.endswith("——") or line.text.startswith("——"):
        return False
    if _is_marker_line(prev.text) and not LEAD_RE.match(prev.text):
        return False
    if long_lines:
        return bool(INNER_PUNCT.search(prev.text)) and len(prev.text) >= 8 and (
            len(line.text) >= 20 or line.text.endswith(TERMINAL))
    return width > 0 and prev.width >= 0.75 * width and prev.width >= 5


def _classify(para: Para) -> str:
    text = para.text
    compact = re.sub(r"\s+", "", text)
    if HEADING_RE.match(para.lines[0].text):
        return "heading"
    if _is_furniture(text) or CONTINUED_RE.match(compact):
        return "furniture"
    if MARKER_RE.match(text) and CREDIT_BODY_RE.match(MARKER_RE.sub("", text)):
        return "byline"
    if LEAD_RE.match(text):
        return "lead"
    if CREDIT_BODY_RE.match(text) and re.match(rf"\s*(?:{ROLE_RE})", text) and len(compact) <= 40:
        return "credit"
    if len(compact) <= 40 and not compact.endswith(TERMINAL):
        return "short"
    return "body"


def _mark_captions(paras: list[Para]) -> None:
    """A paragraph that ends with an inline ■ credit, or is followed in the same block by a ■ line whose
    next paragraph is no body text, is a photo caption and the ■ line is its credit, not a byline."""
    for i, para in enumerate(paras):
        if para.kind == "body" and INLINE_CREDIT_RE.search(para.text):
            para.kind = "caption"
            continue
        if para.kind != "byline" or i == 0:
            continue
        before = paras[i - 1]
        same_block = para.lines[0].no - before.lines[-1].no == 1
        if same_block and before.kind == "body" and before.text.endswith(TERMINAL):
            before.kind = "caption"
            para.kind = "credit"


# ---------------------------------------------------------------- bylines and dates

# Role words made of Chinese characters are already matched by the character class (listing them too made
# 本报讯(记者记者… without a closing bracket exponential); only 文/图 and 图/文 need naming.
_SLASH_ROLES = "|".join(re.escape(r) for r in ROLE_WORDS if "/" in r)
BYLINE_PAREN_RE = re.compile(r"^\s*\S*?讯\s*[(（]\s*((?:" + _SLASH_ROLES + r"|[\u4e00-\u9fff·\s])+?)\s*[)）]")
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
DATE_RE = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*日")
FILE_DATE_RE = re.compile(r"((?:19|20)\d{2})[-_.]?(\d{2})[-_.]?(\d{2})")


def parse_credit(text: str) -> Byline:
    """Names by role from a byline such as ``记者 王明 马永 通讯员 程远`` or ``□本报记者 周平 郑强``."""
    text = MARKER_RE.sub(" ", text)
    text = re.sub(r"报道\s*$", "", text.strip())
    reporters: list[str] = []
    correspondents: list[str] = []
    photographers: list[str] = []
    bucket = reporters
    photo = False
    for token in re.findall(rf"{ROLE_RE}|{NAME_TOKEN}", text.replace("报道", " ")):
        if token in ("记者", "本报记者", "特约记者", "见习记者", "实习记者", "实习生"):
            bucket = reporters
        elif token in ("通讯员", "本报通讯员"):
            bucket = correspondents
            photo = False
        elif token in ("文/图", "图/文", "文图"):
            photo = True
        elif token in ("摄影", "摄"):
            bucket = photographers
        else:
            bucket.append(token)
            if photo and bucket is reporters:
                photographers.append(token)
    return Byline(tuple(reporters), tuple(correspondents), tuple(photographers))


def page_year(text: str, path: str = "") -> int | None:
    """The year the page was printed: from the file name if it holds a date, else the latest year the page
    names (a page names past years, rarely future ones). ``None`` when the page names no year."""
    m = FILE_DATE_RE.search(Path(path).name) if path else None
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1))
    years = [int(y) for y in YEAR_RE.findall(normalise(text))]
    return max(years) if years else None


def resolve_date(month: int, day: int, year: int | None) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


# ---------------------------------------------------------------- articles


@dataclass(slots=True)
class _Draft:
    paras: list[Para]
    kind: str = "story"
    headline: list[Para] | None = None
    head_before: bool = False  # the headline is printed before the byline (a title may span two blocks)


def segment(source: Source, *, date: str | None = None) -> list[Article]:
    """Split one page into articles with headline, byline, date and offsets into ``source.text``."""
    return segment_page(source, date=date)[1]


def article_paras(paras: list[Para], article: Article) -> list[Para]:
    return [p for p in paras if article.start <= p.start and p.end <= article.end]


def segment_page(source: Source, *, date: str | None = None) -> tuple[list[Para], list[Article]]:
    """The page's paragraphs and its articles (extractors work on the paragraphs of each article)."""
    paras = reflow(source.text)
    if not paras:
        return [], []
    year = int(date[:4]) if date else page_year(source.text, source.path)
    if any(p.kind == "heading" for p in paras):
        drafts = _split_markdown(paras)
    else:
        drafts = _split_columns(paras)
    stem = source_key(source.path)
    articles = []
    for draft in drafts:
        body = [p for p in draft.paras if p.kind != "furniture"]
        if not body or not any(p.kind in ("body", "lead", "caption") for p in body):
            continue
        articles.append(_article(source, stem, len(articles) + 1, draft, year, date))
    return paras, articles


def _split_markdown(paras: list[Para]) -> list[_Draft]:
    drafts: list[_Draft] = []
    cur: _Draft | None = None
    for para in paras:
        m = HEADING_RE.match(para.lines[0].text)
        level = len(m.group(1)) if m else 0
        title = m.group(2).strip() if m else ""
        if m and level <= 2 and not title.startswith("——"):
            cur = _Draft([para], headline=[para])
            drafts.append(cur)
        elif m and level <= 2 and cur is not None and cur.paras[-1].kind == "heading":
            cur.paras.append(para)
            cur.headline = [*(cur.headline or []), para]
        elif para.kind == "furniture":
            cur = None
        else:
            if cur is None:
                cur = _Draft([])
                drafts.append(cur)
            cur.paras.append(para)
    return drafts


def _split_columns(paras: list[Para]) -> list[_Draft]:
    """Cut at leads, bylines and captions; headline groups (runs of short lines) attach before or after."""
    starts = []
    for i, para in enumerate(paras):
        if para.kind in ("byline", "caption"):
            starts.append(i)
        elif para.kind == "lead" and not (i > 0 and paras[i - 1].kind == "byline"):
            starts.append(i)
    if not starts:
        return [_Draft(paras)]
    headline_first = _headline_first(paras, starts[0])
    drafts: list[_Draft] = []
    # group runs: [start_k, start_{k+1}) then move the trailing short run to where the layout says
    bounds = [*starts, len(paras)]
    pending_head: list[Para] = []
    if headline_first:
        pending_head = [p for p in paras[: starts[0]] if p.kind == "short"][-3:]
    elif starts[0] > 0:
        drafts.append(_Draft(paras[: starts[0]]))
    for k, s in enumerate(starts):
        chunk = paras[s: bounds[k + 1]]
        tail_start = len(chunk)
        while tail_start > 1 and chunk[tail_start - 1].kind in ("short", "furniture", "credit"):
            tail_start -= 1
        body, tail = chunk[:tail_start], chunk[tail_start:]
        kind = "caption" if paras[s].kind == "caption" else "story"
        if headline_first and kind == "story":
            pending_head = _own_headline(pending_head)
            drafts.append(_Draft(pending_head + body, kind, headline=pending_head, head_before=True))
            pending_head = [p for p in tail if p.kind == "short"]
            body_tail = [p for p in tail if p.kind == "credit"]
            drafts[-1].paras.extend(body_tail)
        else:
            if headline_first and pending_head:
                drafts.append(_Draft(pending_head, "story", headline=pending_head))
                pending_head = []
            head = _headline_run(tail)
            if kind == "caption":
                # a photo's title is the block right under it; more short lines after it are other furniture
                # (a table of contents) that the page layout put there
                head = _first_block(head)
                tail = [p for p in tail if p.kind == "credit" or p in head]
            drafts.append(_Draft(body + tail, kind, headline=head))
    return drafts


def _first_block(run: list[Para]) -> list[Para]:
    out: list[Para] = []
    for p in run:
        if out and p.lines[0].no != out[-1].lines[-1].no + 1:
            break
        out.append(p)
    return out


def _own_headline(run: list[Para]) -> list[Para]:
    """A headline printed before its byline is at most two blocks: the main title and one more line (a
    sub-title, or the title's upper line). Blocks further up belong to no article we can see."""
    blocks: list[list[Para]] = []
    for p in run:
        if blocks and p.lines[0].no == blocks[-1][-1].lines[-1].no + 1:
            blocks[-1].append(p)
        else:
            blocks.append([p])
    return [p for block in blocks[-2:] for p in block]


def _headline_first(paras: list[Para], first_start: int) -> bool:
    """Headlines precede bylines when the page opens with headline-like lines and no body text before the
    first byline, or when it uses ``□记者 … 报道`` bylines."""
    if any(p.kind == "byline" and p.text.rstrip().endswith("报道") for p in paras):
        return True
    before = [p for p in paras[:first_start] if p.kind != "furniture"]
    return bool(before) and all(p.kind == "short" for p in before)


def _headline_run(tail: list[Para]) -> list[Para]:
    """The short lines after a body, up to page furniture that follows them (今日导读 and the like)."""
    run: list[Para] = []
    for p in tail:
        if p.kind == "furniture" and run:
            break
        if p.kind == "short":
            run.append(p)
    return run


def _article(source: Source, stem: str, n: int, draft: _Draft, year: int | None, forced: str | None) -> Article:
    paras = draft.paras
    content = [p for p in paras if p.kind != "furniture"] or paras
    start = min(p.start for p in content)
    end = max(p.end for p in content)
    head, sub = _headline_text(draft.headline or [], source.text, split_title=draft.head_before)
    byline = Byline()
    for p in paras:
        if p.kind in ("byline", "credit") or p.kind == "caption" and INLINE_CREDIT_RE.search(p.text):
            text = p.text if p.kind != "caption" else INLINE_CREDIT_RE.search(p.text).group(0)
            b = parse_credit(text)
            byline = _merge(byline, b, p)
        elif p.kind == "lead":
            m = BYLINE_PAREN_RE.search(p.text[:80])
            if m and re.search(ROLE_RE, m.group(1)):
                byline = _merge(byline, parse_credit(m.group(1)), p)
    if draft.kind == "caption" and byline.reporters and not byline.photographers:
        byline = Byline(byline.reporters, byline.correspondents, byline.reporters + byline.correspondents,
                        byline.start, byline.end)
    date = forced
    if date is None:
        date = _dateline(paras, year)
    kind = draft.kind
    signed = [p for p in paras if p.kind == "byline" and not re.search(ROLE_RE, p.text)]
    if kind == "story" and signed and date is None and not any(p.kind == "lead" for p in paras):
        kind = "commentary"  # signed with a bare name, no dateline, no 本报讯: an opinion piece
    return Article(
        id=f"{stem}/{n}", source=source.path, start=start, end=end, headline=head, subheadline=sub,
        date=date, byline=byline, kind=kind, year=year)


def _merge(a: Byline, b: Byline, para: Para) -> Byline:
    def uniq(*names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for group in names for n in group))

    start = para.start if a.start < 0 else a.start
    return Byline(uniq(a.reporters, b.reporters), uniq(a.correspondents, b.correspondents),
                  uniq(a.photographers, b.photographers), start, max(a.end, para.end))


def _headline_text(paras: list[Para], source_text: str, split_title: bool = False) -> tuple[str, str]:
    """Main headline and sub-headline from a headline group. Lines of one block form one headline; a kicker
    (a short column label, or a lead-in ending with ——) and ——sub-lines go to the sub-headline."""
    parts: list[str] = []
    last_line = -2
    for p in paras:
        original = "".join(source_text[line.start:line.end] for line in p.lines)  # the page's own characters
        m = HEADING_RE.match(original)
        text = m.group(2).strip() if m else original.strip()
        text = re.sub(r"\s+", " ", text)
        if not text:
            continue
        if parts and p.lines[0].no == last_line + 1 and not text.startswith("——") and not m:
            parts[-1] += text  # one headline printed on two lines of one block
        else:
            parts.append(text)
        last_line = p.lines[-1].no
    if split_title and len(parts) == 2 and len(parts[0].replace(" ", "")) <= 10 \
            and not parts[1].startswith("——") and not parts[0].endswith("——"):
        parts = [parts[0] + parts[1]]  # “十四五”以来X / 淘汰…165家: one title printed on two lines
    main = ""
    subs: list[str] = []
    for text in parts:
        compact = text.replace(" ", "")
        if not main and not text.startswith("——") and not text.endswith("——") and len(compact) > 5:
            main = text
        else:
            subs.append(text)
    if not main and subs:
        main = subs.pop(0)
    return main, " ".join(subs)


DATELINE_BEFORE = re.compile(r"(?:^|[。!?;”」)]|讯)\s*$")


def _dateline(paras: list[Para], year: int | None) -> str | None:
    """The article's date is the dateline: an ``M月D日`` that opens a sentence near the start of the first
    text paragraph (``本报讯(记者 X)7月7日,`` or ``…。”7月7日,``), not a date inside a sentence (在6月30日举行的)."""
    texts = [p.text for p in paras if p.kind in ("lead", "body", "caption")]
    if not texts:
        return None
    opening = texts[0]
    for more in texts[1:4]:  # a lead that opens with a quotation: the dateline follows the quote
        if opening.count("“") <= opening.count("”"):
            break
        opening += more
    for m in DATE_RE.finditer(opening[:200]):
        if DATELINE_BEFORE.search(opening[:m.start()]):
            return resolve_date(int(m.group(1)), int(m.group(2)), year)
    return None
