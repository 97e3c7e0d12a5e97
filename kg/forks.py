"""Work shared with forked processes: one task beside this process (``beside``: the page drawn while the Turtle
is written) or a list of batches shared by this process and its children (``share``: extraction, fragments).

A forked child sees this process's objects as they are, so only results travel, never the inputs. In ``share``
this process works too instead of waiting for a pool (no third process on two cores), the children take batches
from the front of the list and this process from the back until they meet, and each child writes every result
to a spool file as soon as it is made, which this process reads between its own batches: the copying back is
spread over the work instead of following it, and whoever is free takes the next batch, so no core waits on
another at the end. Where processes cannot be forked, everything runs here in order.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from functools import partial

from .engines import signals_held


def share(n: int, work: Callable[[int], object], jobs: int, *, meanwhile: Callable[[], object] | None = None,
          on_result: Callable[[int], None] | None = None) -> tuple[list, object]:
    """``[work(0), …, work(n - 1)]`` made by this process and ``jobs - 1`` forked children, and what ``meanwhile``
    returned (run here first, while the children start on the batches). ``on_result(k)`` is called here as each
    result arrives, in no particular order. A child's exception is raised here once this process is done."""
    import multiprocessing

    context = multiprocessing.get_context()
    jobs = max(1, min(jobs, n + (meanwhile is not None)))  # with work of its own first, a child may take all
    results: list = [None] * n
    if jobs == 1 or context.get_start_method() != "fork":
        aside = meanwhile() if meanwhile else None
        for k in range(n):
            results[k] = work(k)
            if on_result:
                on_result(k)
        return results, aside
    board = _Board(context, n)
    have = [False] * n

    def take(k: int, result) -> None:
        results[k], have[k] = result, True
        if on_result:
            on_result(k)

    with ExitStack() as stack:
        spools = [_spool(stack) for _ in range(jobs - 1)]
        children = [stack.enter_context(beside(partial(_from_front, work, board, spool, c + 1), parallel=True))
                    for c, spool in enumerate(spools)]
        aside = meanwhile() if meanwhile else None
        while (k := board.claim(from_back=True)) is not None:
            take(k, work(k))
            board.collect(spools, have, take)
        for child in children:
            for k, result in child.result().items():
                take(k, result)
        board.collect(spools, have, take)
    missing = have.count(False)
    if missing:  # pragma: no cover - a child ended without error yet without its batches: never expected
        raise RuntimeError(f"{missing} of {n} batches came back from no process")
    return results, aside


class _Board:
    """What the processes of ``share`` see in common: the next batch from the front and from the back, and for
    each batch a child has spooled, the child's number, the offset and the length of its pickle."""

    def __init__(self, context, n: int):
        self.ends = context.Array("i", [0, n], lock=True)  # next from the front; one past the next from the back
        self.spooled = context.Array("q", 3 * n, lock=True)
        self.seen = 0  # (in this process) every batch before this one is in hand

    def claim(self, from_back: bool) -> int | None:
        """The number of the next batch nobody has taken; None when the two ends have met."""
        with self.ends.get_lock():
            front, back = self.ends[0], self.ends[1]
            if front >= back:
                return None
            if from_back:
                self.ends[1] = back - 1
                return back - 1
            self.ends[0] = front + 1
            return front

    def spool(self, k: int, child: int, offset: int, length: int) -> None:
        with self.spooled.get_lock():
            self.spooled[3 * k + 1], self.spooled[3 * k + 2] = offset, length
            self.spooled[3 * k] = child

    def collect(self, spools: list, have: list[bool], take: Callable[[int, object], None]) -> None:
        """Read the batches the children have spooled since the last call."""
        while self.seen < len(have) and have[self.seen]:
            self.seen += 1
        with self.ends.get_lock():
            front = self.ends[0]
        if front <= self.seen:
            return
        with self.spooled.get_lock():
            records = self.spooled[3 * self.seen:3 * front]
        for i in range(0, len(records), 3):
            k, (child, offset, length) = self.seen + i // 3, records[i:i + 3]
            if child and not have[k]:
                data = os.pread(spools[child - 1].fileno(), length, offset)
                if len(data) != length:
                    raise OSError(f"a spool file of worker results is short ({len(data)} of {length} bytes)")
                take(k, pickle.loads(data))


def _spool(stack: ExitStack):
    """An unnamed temp file (in TMPDIR) a child writes its results to, gone when ``share`` returns; None when
    none can be made: the child then sends them all at its end, as it does those a full disk refused."""
    import tempfile

    try:
        return stack.enter_context(tempfile.TemporaryFile(prefix="kg-"))
    except OSError:
        return None


def _from_front(work: Callable[[int], object], board: _Board, spool, child: int) -> dict[int, object]:
    """In a forked child: batches from the front until the ends meet, each spooled as soon as made; what could
    not be spooled (no spool file, a full disk) is returned at the end, by batch number."""
    left: dict[int, object] = {}
    offset = 0
    while (k := board.claim(from_back=False)) is not None:
        result = work(k)
        if spool is not None:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            try:
                _write_at(spool.fileno(), data, offset)
            except OSError:
                left[k] = result
                continue
            board.spool(k, child, offset, len(data))
            offset += len(data)
        else:
            left[k] = result
    return left


def _write_at(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        if not written:
            raise OSError("nothing written to a spool file")
        view, offset = view[written:], offset + written


class _Here:
    """A task run in this process when none can be forked: its result, or its exception, when asked."""

    def __init__(self, task: Callable[[], object]):
        self.task = task

    def result(self):
        return self.task()

    def close(self) -> None:
        pass


class _Forked:
    """A task run in a forked child, which sees this process's objects as they are and sends back only the
    result (or its exception) through a pipe. ``close`` kills a child whose result was never taken: no process
    outlives the build, holding the terminal's pipes open."""

    def __init__(self, task: Callable[[], object], context):
        self.recv, send = context.Pipe(duplex=False)
        self.proc = context.Process(target=_child, args=(task, self.recv, send), daemon=True)
        try:
            self.proc.start()
        except BaseException:  # interrupted while forking: the child, if there is one, goes too
            self.close()
            raise
        finally:
            send.close()

    def result(self):
        from .engines import EngineError

        try:
            ok, value = self.recv.recv()
        except EOFError:
            self.proc.join()
            raise EngineError(f"a worker process died (exit status {self.proc.exitcode})") from None
        if not ok:
            raise value
        return value

    def close(self) -> None:
        if self.proc.pid is not None:
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join()
        self.recv.close()


def _child(task: Callable[[], object], recv, send) -> None:
    import traceback

    from .engines import leave_signals_to_parent

    leave_signals_to_parent()
    recv.close()  # the parent's end: when the parent is gone, sending fails instead of waiting for ever
    try:
        outcome = (True, task())
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent, which raises it
        exc.add_note("in a forked process:\n" + "".join(traceback.format_exception(exc)).rstrip())
        try:
            pickle.loads(pickle.dumps(exc))  # some exceptions pickle but do not unpickle (a custom __init__)
        except Exception:
            exc = RuntimeError(f"{type(exc).__name__}: {exc}\n{exc.__notes__[-1]}")
        outcome = (False, exc)
    try:
        send.send(outcome)
    except Exception as exc:  # noqa: BLE001 - a result that cannot be pickled: its type and message go back
        try:
            send.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        except Exception:  # noqa: BLE001 - the parent is gone: nobody to tell
            pass


@contextmanager
def beside(task: Callable[[], object], parallel: bool):
    """``task`` run in a forked process while the caller goes on (when ``parallel`` and a process can be
    forked here), else in this process when its result is asked for; the child is ended when the block is
    left."""
    import multiprocessing

    context = multiprocessing.get_context()
    running: _Forked | _Here = _Here(task)
    try:
        if parallel and context.get_start_method() == "fork":
            try:
                # a signal handled during a fork would be lost (kg.engines.signals_held); held, it acts once the
                # child is ``running``, so the child is ended with the block
                with signals_held():
                    running = _Forked(task, context)
            except (OSError, AssertionError):  # no memory to fork, or inside a daemonic process: draw it here
                pass
        yield running
    finally:
        running.close()


