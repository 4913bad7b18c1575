"""Composition errors: Apollo's code, where it happened and how to fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CompositionError:
    """One problem found while composing; a run reports all of them together."""

    code: str
    message: str
    subgraphs: tuple[str, ...] = ()
    coordinate: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = f" [{', '.join(self.subgraphs)}]" if self.subgraphs else ""
        at = f" at {self.coordinate}" if self.coordinate else ""
        fix = f"\n  fix: {self.hint}" if self.hint else ""
        return f"{self.code}{at}{where}: {self.message}{fix}"


@dataclass
class ErrorCollector:
    """Gathers errors across all checks so that one run shows every problem."""

    errors: list[CompositionError] = field(default_factory=list)

    def add(
        self,
        code: str,
        message: str,
        *,
        subgraphs: Iterable[str] = (),
        coordinate: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.errors.append(CompositionError(code, message, tuple(subgraphs), coordinate, hint))


class CompositionFailed(Exception):
    """Raised by `compose` when the subgraphs do not compose."""

    def __init__(self, errors: list[CompositionError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors
