"""Reviewed resolution decisions: a plain tab-separated file a person edits (``resolve.tsv``).

    # name A<TAB>name B<TAB>same|not-same<TAB>note
    柳某某	柳某甲	same	one person, an OCR slip on the 2月 page

``kg build --judgements FILE`` applies it on every build, so decisions survive rebuilds.
"""

from __future__ import annotations

from pathlib import Path

from .model import Judgement

VERDICTS = {"same": True, "not-same": False}


class JudgementError(ValueError):
    """A malformed judgements file; the message is one line naming the file and line."""


def read_judgements(path: str | Path) -> list[Judgement]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise JudgementError(f"{path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise JudgementError(f"{path}: not UTF-8 text") from None
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < 3 or not cols[0] or not cols[1] or cols[2] not in VERDICTS:
            raise JudgementError(f"{path}:{n}: expected 'name<TAB>name<TAB>same|not-same[<TAB>note]'")
        out.append(Judgement(cols[0], cols[1], VERDICTS[cols[2]], cols[3] if len(cols) > 3 else ""))
    return out
