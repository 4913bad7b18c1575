"""Subgraph SDL as a reviewed artifact: written to `schema/<service>.graphql`.

The text is what the subgraph answers to `{ _service { sdl } }` (Strawberry
prints the same schema for both), obtained without starting a server.
"""

from __future__ import annotations

from pathlib import Path

from subgraphs.platform.services import ServiceSpec, load_schema


def subgraph_sdl(spec: ServiceSpec) -> str:
    text: str = load_schema(spec).as_str()
    return text.rstrip("\n") + "\n"


def export_path(spec: ServiceSpec, directory: Path) -> Path:
    return directory / f"{spec.name}.graphql"


def export_sdl(spec: ServiceSpec, directory: Path) -> tuple[Path, bool]:
    """Write the service's SDL under `directory`; returns (path, whether it changed)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = export_path(spec, directory)
    text = subgraph_sdl(spec)
    changed = not path.exists() or path.read_text() != text
    if changed:
        path.write_text(text)
    return path, changed
