"""Where extraction runs: in this process, shared with forked children (``kg.forks.share``), in a pool of fresh
worker processes where none can be forked, or on a Dask cluster.

Every engine takes decoded ``Source``s and gives back their ``Document``s *in input order*, whatever order the
workers finish in, so the graph built from them is byte-identical to a one-process build. Only extraction is
distributed (it is per file and dominates the work); resolution, the graph and serialisation stay in the main
process. Workers get sources, not paths, so a remote Dask worker needs kg installed but not the files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from functools import lru_cache

from .model import Document, Source

ENGINES = ("local", "dask")
MAX_BATCH = 8  # files per task: big enough to amortise pickling, small enough to balance uneven files
SHARED_BATCH = 2  # files per batch shared with forked children (kg.forks.share)


class EngineError(Exception):
    """An engine that cannot run (Dask not installed, scheduler unreachable); the message is one line."""


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


WARM_UP = "本报讯 3月5日，全市工作会议召开，市委常委、副市长出席会议并讲话。"


@lru_cache(maxsize=1)
def init_worker() -> None:
    """Load the lexicons, the part-of-speech table and the tokenizer once per process, then extract one line so
    every model an extractor loads lazily is loaded too."""
    from .extract import extract_page
    from .extract.lexicon import lexicon, word_tags
    from .nlp import tokenizer

    lexicon()
    word_tags()
    tokenizer()
    try:
        extract_page(Source("-", WARM_UP, "utf-8"))
    except Exception:  # a warm-up only: a real page will raise the real error
        pass


def _start_worker() -> None:
    """A pool worker: the objects it inherited frozen (its collections never walk, nor copy, the parent's memory),
    the collector on for its own (the parent pauses it during a build: ``kg.pipeline.gc_paused``)."""
    import gc

    gc.freeze()
    gc.enable()
    init_worker()


def extract_batch(sources: Sequence[Source], date: str | None = None) -> list[Document]:
    """Extract a batch of pages (the unit of work of every engine)."""
    from .extract import extract_page

    init_worker()  # cached: free after the first call in a process
    return [extract_page(source, date=date) for source in sources]


def _kept(docs: list[Document], keys: list[str], cache) -> list[Document]:
    """Write each Document to the cache (in the process that extracted it: pickling 500 pages is a tenth of the
    build); ``cache`` is None or an ``ExtractCache``."""
    if cache is not None:
        for key, doc in zip(keys, docs, strict=True):
            cache.put(key, doc)
    return docs


def batches(n: int, jobs: int, shared: bool = False) -> list[range]:
    """Cut ``n`` files into consecutive batches, about four per worker so a slow file does not stall the rest;
    ``shared`` (``kg.forks.share``: a batch costs a lock and a write) smaller ones, at most SHARED_BATCH, so
    the processes finish within a few files of each other."""
    if shared:
        return [range(i, min(n, i + SHARED_BATCH)) for i in range(0, n, SHARED_BATCH)]
    size = max(1, min(MAX_BATCH, n // (jobs * 4)))
    return [range(i, min(n, i + size)) for i in range(0, n, size)]


def extract_sources(sources: Sequence[Source], *, date: str | None = None, jobs: int = 1, engine: str = "local",
                    scheduler: str | None = None, on_done: Callable[[Source], None] | None = None,
                    meanwhile: Callable[[], object] | None = None, cache=None,
                    keys: Sequence[str] = ()) -> list[Document]:
    """The Documents of ``sources`` in their order. ``jobs`` is the number of local worker processes (capped
    at the number of files; 1 means this process); ``engine="dask"`` sends batches to ``scheduler`` (an address
    such as ``tcp://host:8786``) or to a LocalCluster of ``jobs`` workers when no address is given.
    ``meanwhile`` (reading the cached pages of a rebuild) runs in this process while forked children start on
    the pages, else before them. With a ``cache`` (an ``ExtractCache``), each Document is written to it under
    its key in ``keys``, by the process that extracted it; what the children met there is learnt here."""
    import multiprocessing

    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    forking = (engine == "local" and jobs > 1 and bool(sources)
               and multiprocessing.get_context().get_start_method() == "fork")
    if meanwhile and not forking:  # nothing to run beside it: first
        meanwhile()
        meanwhile = None
    if engine == "dask":
        return _kept(_dask(sources, date, jobs, scheduler, on_done), list(keys), cache)
    jobs = max(1, min(jobs, len(sources) + (meanwhile is not None)))
    if jobs == 1:
        docs = []
        for i, source in enumerate(sources):
            docs += _kept(extract_batch([source], date), list(keys[i:i + 1]), cache)
            if on_done:
                on_done(source)
        return docs
    if not forking:
        return _kept(_pool(sources, date, jobs, on_done), list(keys), cache)
    from .forks import share

    if meanwhile is None:
        # loaded once here, before the children are forked: they inherit it (copy-on-write). With other work
        # to do here first, the children load it themselves and start at once
        init_worker()
    cuts = batches(len(sources), jobs, shared=True)
    done = (lambda k: [on_done(sources[i]) for i in cuts[k]]) if on_done else None

    def work(k: int) -> tuple[list[Document], object]:
        docs = _kept(extract_batch([sources[i] for i in cuts[k]], date),
                     [keys[i] for i in cuts[k]] if cache is not None else [], cache)
        return docs, cache.state() if cache is not None else None

    extracted, _ = share(len(cuts), work, jobs, meanwhile=meanwhile, on_result=done)
    if cache is not None:
        for _, state in extracted:
            cache.learn(state)
    return [doc for batch, _ in extracted for doc in batch]


@contextmanager
def signals_held():
    """SIGINT and SIGTERM that arrive in the block act when it is done. (A signal mask would not do: the process
    has other threads, a pool's for one, and the signal goes to one that does not block it.) Forks are made in
    such a block: a handler that raises while ``os.fork`` runs its at-fork hooks has its exception printed and
    dropped (logging's hook), and the signal is lost."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    before = {sig: signal.signal(sig, lambda signum, _frame: caught.append(signum)) for sig in held}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for sig in dict.fromkeys(caught):
            signal.raise_signal(sig)


def leave_signals_to_parent() -> None:
    """In a worker process: Ctrl-C (sent to the whole terminal's process group) and a kill are the parent's to
    handle; the worker ignores the first and dies of the second, so it never prints a traceback of its own."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _worker_start(initializer) -> None:
    leave_signals_to_parent()
    if initializer is not None:
        initializer()


@contextmanager
def pool_of(jobs: int, context, initializer=None):
    """A process pool whose workers are ended at once when its block fails or is interrupted (Ctrl-C, a kill):
    pending batches are dropped, running ones stopped, and no worker outlives the build (waiting for them to
    finish could hang on a queue a dying worker left locked)."""
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_start,
                               initargs=(initializer,))
    try:
        yield pool
    except BaseException:
        workers = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join()
        raise
    pool.shutdown(wait=True)


def _pool(sources, date, jobs, on_done) -> list[Document]:
    import multiprocessing

    parts = batches(len(sources), jobs)
    docs: list[Document] = []
    context = multiprocessing.get_context()
    with pool_of(jobs, context, initializer=_start_worker) as pool:
        with signals_held():  # map() forks the workers
            results = pool.map(extract_batch, [[sources[i] for i in p] for p in parts], [date] * len(parts))
        # map() yields in submission order: the merge is deterministic whatever finishes first
        for part, result in zip(parts, results, strict=True):
            docs += result
            if on_done:
                for i in part:
                    on_done(sources[i])
    return docs


def _dask(sources, date, jobs, scheduler, on_done) -> list[Document]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise EngineError("--engine dask needs Dask: pip install 'kg[dask]' (or 'dask[distributed]')") from None
    if not sources:
        return []
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="20s")
        else:
            cluster = LocalCluster(n_workers=max(1, min(jobs, len(sources))), threads_per_worker=1,
                                   processes=True, dashboard_address=None)
            client = Client(cluster)
    except OSError as exc:
        raise EngineError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: "
                          f"{' '.join(str(exc).split())[:160]}") from None
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        parts = batches(len(sources), n_workers)
        futures = client.map(extract_batch, [[sources[i] for i in p] for p in parts], date=date, pure=False)
        index = {f.key: n for n, f in enumerate(futures)}
        results: list[list[Document] | None] = [None] * len(parts)
        for future in as_completed(futures):
            n = index[future.key]
            results[n] = future.result()
            if on_done:
                for i in parts[n]:
                    on_done(sources[i])
        # merged by batch number, not by completion: the same order as a one-process build
        return [doc for result in results for doc in result]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
