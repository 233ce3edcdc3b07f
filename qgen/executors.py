"""Executors: run the same pure task function over many inputs on local processes or on a Ray cluster.

The tasks stay pure functions of their arguments (a config and a shard index, say); an executor only
distributes them and hands each result back to the driver, which writes it. ``local`` (the default) uses this
machine's processes; ``ray`` sends each call to a Ray cluster as one task, retried when a worker dies
(Moritz et al. 2018, arXiv:1712.05889). Inside a task, :func:`tick` reports finished units (rows) to the
driver's progress, whichever executor runs it.

>>> ex = get_executor("local", workers=1)
>>> sorted(ex.map(pow, [(2, 3), (3, 2)]))
[(0, 8), (1, 9)]
"""

from __future__ import annotations

import os
import queue as _queue
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from qgen.errors import QgenError
from qgen.optional import require

__all__ = [
    "EXECUTORS",
    "Executor",
    "ExecutorError",
    "LocalExecutor",
    "RayExecutor",
    "TickCount",
    "counted_ticks",
    "get_executor",
    "tick",
]

_TICK: Callable[[int], None] | None = None


class ExecutorError(QgenError):
    """A task could not be run (a worker died, the cluster is unreachable, bad settings)."""


def tick(n: int = 1) -> None:
    """Report ``n`` finished units of the running task to the driver's progress (no-op when none)."""
    if _TICK is not None and n:
        _TICK(n)


class TickCount:
    """How many units the code inside :func:`counted_ticks` reported."""

    def __init__(self) -> None:
        self.n = 0


@contextmanager
def counted_ticks() -> Iterator[TickCount]:
    """Count the :func:`tick` calls inside the block (they still reach the driver).

    A task uses it to report, with its result, how many units it ticked, so the driver can advance the
    progress by the rest when the code it ran does not tick.
    """
    global _TICK
    outer, count = _TICK, TickCount()

    def forward(n: int) -> None:
        count.n += n
        if outer is not None:
            outer(n)

    _TICK = forward
    try:
        yield count
    finally:
        _TICK = outer


class _QueueTick:
    """Picklable tick that puts counts on a queue the driver drains, at most every ``interval`` seconds.

    Counts are summed in between (a put to a Ray queue is a round trip to an actor), and :func:`_call`
    flushes the rest before the task returns, so the driver has every count before it sees the result.
    """

    def __init__(self, q: Any, interval: float = 0.1) -> None:
        self.q, self.interval = q, interval
        self.pending, self.last = 0, 0.0

    def __getstate__(self) -> dict:
        return {"q": self.q, "interval": self.interval}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["q"], state["interval"])

    def __call__(self, n: int) -> None:
        import time

        self.pending += n
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.flush()
            self.last = now

    def flush(self) -> None:
        """Send the counts not sent yet."""
        if self.pending:
            n, self.pending = self.pending, 0
            self.q.put(n)


def _call(fn: Callable, args: tuple, ticker: Callable[[int], None] | None) -> Any:
    global _TICK
    old, _TICK = _TICK, ticker
    try:
        return fn(*args)
    finally:
        _TICK = old
        if isinstance(ticker, _QueueTick):
            ticker.flush()


def _ignore_sigint() -> None:
    """Worker processes leave Ctrl-C to the driver (no KeyboardInterrupt tracebacks from workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Executor:
    """Runs ``fn(*args)`` for every ``args`` in a list; yields ``(index, result)`` as calls finish."""

    name = "base"

    def map(
        self, fn: Callable, args_list: Sequence[tuple], progress: Callable[[int], None] | None = None
    ) -> Iterator[tuple[int, Any]]:
        """Yield ``(i, fn(*args_list[i]))`` as calls finish; ``progress(n)`` receives :func:`tick` counts."""
        raise NotImplementedError

    def describe(self) -> str:
        """One line for logs: where tasks run and how many are in flight."""
        return self.name


class LocalExecutor(Executor):
    """This machine: the calling process (``workers=1``) or spawned worker processes."""

    name = "local"

    def __init__(self, workers: int = 0) -> None:
        if workers < 0:
            raise ExecutorError(f"workers must be >= 0 (0: one per CPU core), got {workers}")
        self.workers = workers or (os.cpu_count() or 1)

    def describe(self) -> str:
        """Where tasks run."""
        return f"local ({self.workers} process{'es' if self.workers != 1 else ''})"

    def map(self, fn, args_list, progress=None):
        """See :meth:`Executor.map`."""
        workers = max(1, min(self.workers, len(args_list) or 1))
        if workers == 1:
            for i, args in enumerate(args_list):
                yield i, _call(fn, tuple(args), progress)
            return
        yield from self._pool(fn, args_list, progress, workers)

    def _pool(self, fn, args_list, progress, workers):
        import multiprocessing as mp
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        ctx = mp.get_context("spawn")
        manager = None
        if progress is not None:
            from multiprocessing.managers import SyncManager

            manager = SyncManager(ctx=ctx)
            manager.start(_ignore_sigint)  # Ctrl-C reaches the driver only
        try:
            q = manager.Queue() if manager is not None else None
            ticker = _QueueTick(q) if q is not None else None
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_ignore_sigint) as pool:
                futures = {pool.submit(_call, fn, tuple(a), ticker): i for i, a in enumerate(args_list)}
                remaining = set(futures)
                try:
                    while remaining:
                        finished, remaining = wait(remaining, timeout=0.2, return_when=FIRST_COMPLETED)
                        _drain(q, progress)
                        for fut in finished:
                            try:
                                result = fut.result()
                            except BrokenProcessPool:
                                raise ExecutorError(
                                    f"a worker process died while running task {futures[fut]} (out of memory "
                                    "or killed); finished tasks are kept: rerun the same command to resume"
                                ) from None
                            yield futures[fut], result
                    _drain(q, progress)
                except BaseException:
                    for fut in remaining:
                        fut.cancel()
                    _stop(pool)  # do not wait for running tasks: their results would be dropped anyway
                    raise
        finally:
            if manager is not None:
                manager.shutdown()


def _stop(pool) -> None:
    """Cancel what has not started and end the worker processes now (Ctrl-C, an error in the driver)."""
    processes = list(getattr(pool, "_processes", {}).values())  # CPython keeps them here; absent: wait
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()


def _drain(q, progress) -> None:
    if q is None or progress is None:
        return
    total = 0
    while True:
        try:
            total += q.get_nowait()
        except (_queue.Empty, EOFError, OSError):
            break
    if total:
        progress(total)


class RayExecutor(Executor):
    """A Ray cluster: each call is one Ray task (re-run when its worker dies); the driver keeps results.

    Args:
        address: ``None`` starts a local Ray instance; ``"auto"`` joins the cluster started on this node with
            ``ray start``; ``"ray://host:10001"`` connects a Ray client.
        num_cpus: CPUs for a local instance (ignored when joining a cluster).
        max_retries: how often a task whose worker died is re-run.
        max_in_flight: tasks submitted at once (default: twice the cluster's CPUs).
    """

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        num_cpus: int | None = None,
        max_retries: int = 3,
        max_in_flight: int | None = None,
    ) -> None:
        self.ray = require("ray", extra="distributed", purpose="--executor ray")
        self.address = address
        if not self.ray.is_initialized():
            kwargs: dict[str, Any] = {"ignore_reinit_error": True, "log_to_driver": False,
                                      "include_dashboard": False}
            if address:
                kwargs["address"] = address
            elif num_cpus:
                kwargs["num_cpus"] = num_cpus
            try:
                self.ray.init(**kwargs)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ExecutorError(f"cannot reach the Ray cluster at {address or 'a new local instance'}: "
                                    f"{exc}") from None
        self.max_retries = max_retries
        cpus = int(self.ray.cluster_resources().get("CPU", 1))
        self.max_in_flight = max_in_flight or max(1, 2 * cpus)

    def describe(self) -> str:
        """Where tasks run."""
        cpus = int(self.ray.cluster_resources().get("CPU", 1))
        return f"ray ({self.address or 'local instance'}, {cpus} CPUs, {self.max_in_flight} tasks in flight)"

    def map(self, fn, args_list, progress=None):
        """See :meth:`Executor.map`; results come back to the driver, which writes them."""
        ray = self.ray
        q = None
        if progress is not None:
            from ray.util.queue import Queue

            q = Queue()
        ticker = _QueueTick(q) if q is not None else None
        remote = ray.remote(num_cpus=1, max_retries=self.max_retries, retry_exceptions=False)(_call_star)
        shared = _put_shared(ray, args_list)
        pending = list(enumerate(args_list))[::-1]
        running: dict[Any, int] = {}
        try:
            while pending or running:
                while pending and len(running) < self.max_in_flight:
                    i, args = pending.pop()
                    refs = [shared.get(id(a), a) for a in args]
                    running[remote.remote(fn, ticker, *refs)] = i
                done, _ = ray.wait(list(running), num_returns=1, timeout=0.2)
                if q is not None:
                    n = 0
                    while not q.empty():
                        n += q.get_nowait()
                    if n:
                        progress(n)
                for ref in done:
                    i = running.pop(ref)
                    try:
                        result = ray.get(ref)
                    except ray.exceptions.RayTaskError as exc:
                        raise exc.as_instanceof_cause() from None
                    except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError) as exc:
                        raise ExecutorError(
                            f"task {i} failed {self.max_retries + 1} times ({type(exc).__name__}); finished "
                            "tasks are kept: rerun the same command to resume"
                        ) from None
                    yield i, result
        finally:
            for ref in running:
                ray.cancel(ref, force=True)
            if q is not None:
                q.shutdown()


def _call_star(fn: Callable, ticker: Callable[[int], None] | None, *args: Any) -> Any:
    """:func:`_call` with the arguments spread out, so Ray resolves object references among them."""
    return _call(fn, args, ticker)


_SCALARS = (int, float, str, bytes, bool, type(None))


def _put_shared(ray: Any, args_list: Sequence[tuple]) -> dict[int, Any]:
    """Arguments passed to more than one task (one pool, one table), stored once in Ray's object store."""
    seen: dict[int, int] = {}
    objects: dict[int, Any] = {}
    for args in args_list:
        for a in args:
            if not isinstance(a, _SCALARS):
                seen[id(a)] = seen.get(id(a), 0) + 1
                objects[id(a)] = a
    return {k: ray.put(objects[k]) for k, count in seen.items() if count > 1}


EXECUTORS = {"local": LocalExecutor, "ray": RayExecutor}


def get_executor(name: str = "local", *, workers: int = 0, address: str | None = None) -> Executor:
    """Build the executor ``name`` (``local`` or ``ray``); unknown names list the valid ones."""
    if name == "local":
        if address:
            raise ExecutorError("--address applies to --executor ray only")
        return LocalExecutor(workers)
    if name == "ray":
        return RayExecutor(address=address, num_cpus=workers or None)
    from qgen.errors import UnknownNameError

    raise UnknownNameError("executor", name, EXECUTORS)
