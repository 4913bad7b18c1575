"""Reloading the supergraph while serving: on a change of its files, and on SIGHUP.

A source says which files it is made of and how to turn them into supergraph
SDL: a supergraph file is read; a supergraph.yaml is composed again from the
schema files it lists. The reloader polls the files (modification time, size
and a hash of the content, so that a rewrite within the same clock tick is
seen too) and asks the app to build the new supergraph completely, off the
event loop, before it swaps one reference. Anything that fails on the way is
refused: the old supergraph keeps serving, one JSON line says why, and the
next change of the files is tried again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import signal
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from supergraph.server.events import log_event

Stamp = tuple[tuple[str, int, int, str] | tuple[str, None, None, None], ...]


def supergraph_hash(sdl: str) -> str:
    """The short hash that names a supergraph in logs and on /ready."""
    return hashlib.sha256(sdl.encode()).hexdigest()[:12]


class SupergraphSource(Protocol):
    """Where the served supergraph comes from."""

    @property
    def description(self) -> str: ...

    def watched_files(self) -> tuple[Path, ...]:
        """The files whose change means the supergraph may have changed."""
        ...

    def read(self) -> str:
        """The supergraph SDL; raises when it cannot be produced (the reason is logged)."""
        ...


@dataclass(frozen=True)
class SupergraphFile:
    """A supergraph SDL file, composed elsewhere (`supergraph compose`, rover, a CI job)."""

    path: Path

    @property
    def description(self) -> str:
        return str(self.path)

    def watched_files(self) -> tuple[Path, ...]:
        return (self.path,)

    def read(self) -> str:
        return self.path.read_text()


@dataclass(frozen=True)
class ComposedConfig:
    """A supergraph.yaml whose subgraphs are composed at start and again on each reload.

    Its schema files are watched as well; subgraphs read through `subgraph_url`
    are fetched again on each reload, which only SIGHUP or a change of a file starts.
    """

    path: Path

    @property
    def description(self) -> str:
        return str(self.path)

    def watched_files(self) -> tuple[Path, ...]:
        from supergraph.config import ConfigError, load_config

        try:
            config = load_config(self.path)
        except ConfigError:
            return (self.path,)  # a broken config is still watched for its repair
        files = [s.schema_file for s in config.subgraphs if s.schema_file is not None]
        return (self.path, *files)

    def read(self) -> str:
        from supergraph.composition.compose import SubgraphSource, compose
        from supergraph.config import load_config, read_sdl

        config = load_config(self.path)
        return compose(
            [SubgraphSource(s.name, s.routing_url, read_sdl(s)) for s in config.subgraphs]
        )


def stamp_files(files: tuple[Path, ...]) -> Stamp:
    """What identifies the files' current content (a missing file has its own stamp)."""
    stamps: list[tuple[str, int, int, str] | tuple[str, None, None, None]] = []
    for path in files:
        try:
            status = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            stamps.append((str(path), None, None, None))
        else:
            stamps.append((str(path), status.st_mtime_ns, status.st_size, digest))
    return tuple(stamps)


@dataclass(frozen=True)
class LastGoodCopy:
    """The last supergraph a worker served, for a worker that starts while the files are broken.

    With several workers, uvicorn replaces a worker that dies; were the files
    broken at that moment, the replacement could not start and uvicorn would
    stop the whole server. It starts on this copy instead and waits for a fix.
    """

    path: Path

    def save(self, sdl: str) -> None:
        scratch = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        scratch.write_text(sdl)
        scratch.replace(self.path)  # atomic: other workers read a whole file or none

    def read(self) -> str | None:
        try:
            return self.path.read_text()
        except OSError:
            return None


class Reloadable(Protocol):
    """What the reloader needs from the app it reloads."""

    @property
    def schema_hash(self) -> str: ...

    def build(self, supergraph_sdl: str) -> Any:
        """Everything a request needs for this supergraph (run in a worker thread)."""
        ...

    def swap(self, built: Any) -> None:
        """Serve `built` from now on (requests already running finish on the old one)."""
        ...


class Reloader:
    """Polls a source's files and listens for SIGHUP; reloads the app it is started with."""

    def __init__(
        self,
        source: SupergraphSource,
        interval_s: float,
        last_good: LastGoodCopy | None = None,
    ) -> None:
        self.source = source
        self.interval_s = interval_s
        self.last_good = last_good
        # Stamped before the first read: a change made while the app is built is
        # then seen by the first poll rather than lost.
        self._stamp = stamp_files(source.watched_files())
        self._lock = asyncio.Lock()
        self._target: Reloadable | None = None
        self._poller: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[bool]] = set()
        self._sighup = False

    def read_initial(self) -> str:
        """The supergraph to start with (errors propagate: there is nothing to fall back on)."""
        return self.source.read()

    def start(self, target: Reloadable) -> None:
        """Begin polling and listening for SIGHUP (call inside the running event loop)."""
        self._target = target
        loop = asyncio.get_running_loop()
        if hasattr(signal, "SIGHUP"):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signal.SIGHUP, self._on_sighup)
                self._sighup = True
        if self.interval_s > 0:
            self._poller = asyncio.create_task(self._poll())
        log_event(
            logging.INFO,
            "supergraph_serving",
            source=self.source.description,
            schema=target.schema_hash,
            poll_interval_s=self.interval_s,
            sighup=self._sighup,
        )

    async def stop(self) -> None:
        if self._sighup:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            self._sighup = False
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None

    def _on_sighup(self) -> None:
        self._spawn(self.reload("SIGHUP"))

    def _spawn(self, reload: Coroutine[Any, Any, bool]) -> None:
        task = asyncio.create_task(reload)
        self._tasks.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._tasks.discard)

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                stamp = await asyncio.to_thread(lambda: stamp_files(self.source.watched_files()))
                if stamp != self._stamp:
                    self._stamp = stamp
                    await self.reload("file changed")
            except Exception as error:  # polling must outlive any one bad round
                log_event(
                    logging.ERROR,
                    "supergraph_poll_failed",
                    source=self.source.description,
                    reason=f"{type(error).__name__}: {error}",
                )

    async def reload(self, reason: str) -> bool:
        """Build the source's current supergraph and serve it; False when it was refused."""
        target = self._target
        if target is None:
            raise RuntimeError("the reloader was not started")
        async with self._lock:
            current = target.schema_hash
            try:
                sdl = await asyncio.to_thread(self.source.read)
                new = supergraph_hash(sdl)
                if new == current:
                    log_event(
                        logging.INFO,
                        "supergraph_unchanged",
                        source=self.source.description,
                        trigger=reason,
                        schema=current,
                    )
                    return True
                built = await asyncio.to_thread(target.build, sdl)
            except Exception as error:  # whatever stops the new supergraph, the old one serves
                log_event(
                    logging.ERROR,
                    "supergraph_reload_refused",
                    source=self.source.description,
                    trigger=reason,
                    schema=current,
                    reason=f"{type(error).__name__}: {error}",
                )
                return False
            target.swap(built)
            if self.last_good is not None:
                with contextlib.suppress(OSError):  # only a fallback: serving goes on without it
                    await asyncio.to_thread(self.last_good.save, sdl)
            log_event(
                logging.INFO,
                "supergraph_reloaded",
                source=self.source.description,
                trigger=reason,
                schema=new,
                previous_schema=current,
            )
            return True
