"""Work shared with forked processes: ``share`` (batches taken from both ends, results spooled back) and
``beside`` (one task in a child while this process goes on)."""

from __future__ import annotations

import os
import time

import pytest

import kg.forks
from kg.forks import share


def _pid_and_square(k: int) -> tuple[int, int]:
    time.sleep(0.008 if k % 7 == 0 else 0.005)  # uneven batches, as pages are
    return os.getpid(), k * k


def test_share_gives_every_result_in_order_from_several_processes():
    arrived = []
    for jobs in (1, 2, 3):
        arrived.clear()
        results, aside = share(200, _pid_and_square, jobs, meanwhile=lambda: time.sleep(0.2) or "mine",
                               on_result=arrived.append)
        assert [square for _, square in results] == [k * k for k in range(200)]
        assert aside == "mine"
        assert sorted(arrived) == list(range(200))  # each result announced once, as it arrives
        pids = {pid for pid, _ in results}
        # the children started while this process was busy with ``meanwhile``: they made some of the results
        assert len(pids) == jobs and os.getpid() in pids
    assert share(0, _pid_and_square, 4) == ([], None)
    assert [r for _, r in share(3, _pid_and_square, 8)[0]] == [0, 1, 4]  # more jobs than batches


def test_share_gives_a_single_batch_to_a_child_while_this_process_is_busy():
    """A rebuild with one new page: the child extracts it while this process reads the cache."""
    (result,), aside = share(1, _pid_and_square, 2, meanwhile=lambda: time.sleep(0.5) or "cache read")
    assert result[0] != os.getpid() and aside == "cache read"
    (result,), _ = share(1, _pid_and_square, 2)
    assert result[0] == os.getpid()  # nothing else to do here: no child for one batch


def test_share_reads_spooled_results_between_its_own_batches():
    """The child's results are read while this process still has batches to make, not all after them."""
    parent = os.getpid()
    made_here: list[int] = []
    made_before: list[int] = []  # for each result of the child: how many this process had made when it came

    def work(k):
        time.sleep(0.005)
        if os.getpid() == parent:
            made_here.append(k)
        return k

    share(100, work, 2, on_result=lambda k: k in made_here or made_before.append(len(made_here)))
    assert made_here and made_before
    assert min(made_before) < len(made_here)


@pytest.mark.parametrize("broken", ["no spool file", "disk full"])
def test_share_without_a_usable_spool_sends_results_at_the_end(monkeypatch, broken):
    if broken == "no spool file":
        monkeypatch.setattr(kg.forks, "_spool", lambda stack: None)
    else:
        def full(fd, data, offset):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(kg.forks, "_write_at", full)
    results, _ = share(200, _pid_and_square, 2, meanwhile=lambda: time.sleep(0.2))
    assert [square for _, square in results] == [k * k for k in range(200)]
    assert len({pid for pid, _ in results}) == 2


def _fails_in_a_child(k: int) -> int:
    if k == 0:
        raise ValueError("batch 0 is bad")
    return k


def test_share_raises_a_childs_error_and_leaves_no_process():
    import multiprocessing

    with pytest.raises(ValueError, match="batch 0 is bad") as exc:
        share(20, _fails_in_a_child, 2, meanwhile=lambda: time.sleep(0.5))  # the child takes batch 0 first
    assert "in a forked process" in "".join(exc.value.__notes__)
    assert not multiprocessing.active_children()


def _sleep_long() -> None:
    import time

    time.sleep(60)


def _fail() -> None:
    raise ValueError("no page")


class Unpicklable(Exception):
    def __init__(self):
        import threading

        super().__init__("a lock inside")
        self.lock = threading.Lock()


def _fail_unpicklably() -> None:
    raise Unpicklable()


def test_work_beside_runs_in_a_child_and_never_outlives_its_block():
    """``kg.forks.beside`` (the HTML page drawn while the Turtle is written): the result comes from another
    process, an exception comes back as itself, and a child whose result was not taken is ended with the block,
    so no process is left holding the terminal's pipes after the build."""
    from kg.forks import beside

    with beside(os.getpid, parallel=True) as child:
        assert child.result() != os.getpid()
    with beside(os.getpid, parallel=False) as here:
        assert here.result() == os.getpid()
    with pytest.raises(ValueError, match="no page"), beside(_fail, parallel=True) as child:
        child.result()
    with pytest.raises(RuntimeError, match="Unpicklable: a lock inside"), beside(_fail_unpicklably, parallel=True) \
            as child:
        child.result()
    with beside(_sleep_long, parallel=True) as child:
        pid = child.proc.pid
    assert not child.proc.is_alive() and child.proc.exitcode is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_signal_during_the_fork_beside_is_not_lost_and_ends_the_child(monkeypatch):
    """Ctrl-C while ``beside`` forks: a handler raising inside ``os.fork``'s at-fork hooks would be printed and
    dropped, so the signal is held until the child is running, then raised, and the child ended with it."""
    import signal

    import kg.forks
    from kg.forks import _Forked, beside

    started = []

    def fork_then_interrupt(self, task, context):
        _Forked.__init__(self, task, context)
        started.append(self)
        os.kill(os.getpid(), signal.SIGINT)  # arrives while the fork is under way

    monkeypatch.setattr(kg.forks, "_Forked", type("Interrupted", (_Forked,), {"__init__": fork_then_interrupt}))
    with pytest.raises(KeyboardInterrupt), beside(_sleep_long, parallel=True):
        raise AssertionError("the block ran: the signal was lost")
    (child,) = started
    assert not child.proc.is_alive() and child.proc.exitcode is not None
