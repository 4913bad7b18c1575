"""`@link` resolution: which local names mean which federation directives.

A Federation 2 subgraph links the federation spec and imports some of its
directives, possibly renamed (`{name: "@key", as: "@primaryKey"}`); the ones it
does not import are still usable under the link's namespace (`@federation__key`,
or `@fed__key` with `as: "fed"`). A subgraph without that link is Federation 1
and uses the plain names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

FEDERATION_SPEC = re.compile(r"^https://specs\.apollo\.dev/federation/v(\d+)\.(\d+)$")
SPEC_URL = re.compile(
    r"^(?P<base>.*?)/(?P<name>[A-Za-z_][\w-]*)/v(?P<major>\d+)\.(?P<minor>\d+)/?$"
)

# Federation 2 directives and the minor version of the spec that introduced each.
FEDERATION_DIRECTIVES: dict[str, int] = {
    "key": 0,
    "requires": 0,
    "provides": 0,
    "external": 0,
    "tag": 0,
    "extends": 0,
    "shareable": 0,
    "inaccessible": 0,
    "override": 0,
    "composeDirective": 1,
    "interfaceObject": 3,
    "authenticated": 5,
    "requiresScopes": 5,
    "policy": 6,
    "context": 8,
    "fromContext": 8,
    "cost": 9,
    "listSize": 9,
}
FEDERATION_TYPES = ("FieldSet", "Scope", "Policy", "ContextFieldValue")
LATEST_FEDERATION_MINOR = 12
FEDERATION1_DIRECTIVES = (
    "key",
    "requires",
    "provides",
    "external",
    "extends",
    "tag",
    "inaccessible",
)


@dataclass
class OtherLink:
    """A @link to a spec other than federation (used by @composeDirective)."""

    url: str
    name: str
    namespace: str
    imports: dict[str, str]  # local directive name -> name in the spec


@dataclass
class LinkResolution:
    fed2: bool
    minor: int = 0
    directives: dict[str, str] = field(default_factory=dict)  # local name -> canonical
    type_names: set[str] = field(default_factory=set)  # local names of spec types
    others: list[OtherLink] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (code, message)


def _imports(raw: Any) -> list[tuple[str, str]]:
    """(name in spec, local name) pairs of an `import:` argument."""
    pairs: list[tuple[str, str]] = []
    for entry in raw or []:
        if isinstance(entry, str):
            pairs.append((entry, entry))
        elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
            pairs.append((entry["name"], str(entry.get("as") or entry["name"])))
    return pairs


def resolve_links(links: list[dict[str, Any]]) -> LinkResolution:
    """Work out the federation directive names from the schema's @link arguments."""
    federation = [link for link in links if FEDERATION_SPEC.match(str(link.get("url", "")))]
    if not federation:
        return LinkResolution(
            fed2=False,
            directives={name: name for name in FEDERATION1_DIRECTIVES},
            type_names={"_FieldSet", "FieldSet"},
            others=_other_links(links),
        )
    link = federation[0]
    match = FEDERATION_SPEC.match(str(link["url"]))
    assert match is not None
    major, minor = int(match.group(1)), int(match.group(2))
    resolution = LinkResolution(fed2=True, minor=minor, others=_other_links(links))
    if major != 2 or minor > LATEST_FEDERATION_MINOR:
        resolution.problems.append(
            (
                "UNKNOWN_FEDERATION_LINK_VERSION",
                f"Invalid version v{major}.{minor} for the federation feature in @link "
                f"direction on schema",
            )
        )
        return resolution
    namespace = str(link.get("as") or "federation")
    available = {name for name, since in FEDERATION_DIRECTIVES.items() if since <= minor}
    for name in available:
        resolution.directives[f"{namespace}__{name}"] = name
    for type_name in FEDERATION_TYPES:
        resolution.type_names.add(f"{namespace}__{type_name}")
    for spec_name, local in _imports(link.get("import")):
        if spec_name.startswith("@"):
            bare = spec_name[1:]
            if bare not in available:
                resolution.problems.append(
                    (
                        "INVALID_LINK_DIRECTIVE_USAGE",
                        f'Cannot import unknown element "{spec_name}".',
                    )
                )
                continue
            resolution.directives[local.lstrip("@")] = bare
        else:
            resolution.type_names.add(local)
    return resolution


def _other_links(links: list[dict[str, Any]]) -> list[OtherLink]:
    others: list[OtherLink] = []
    for link in links:
        url = str(link.get("url", ""))
        match = SPEC_URL.match(url)
        if match is None or FEDERATION_SPEC.match(url) or match.group("name") == "link":
            continue
        imports = {
            local.lstrip("@"): spec_name.lstrip("@")
            for spec_name, local in _imports(link.get("import"))
            if spec_name.startswith("@")
        }
        others.append(
            OtherLink(
                url=url,
                name=match.group("name"),
                namespace=str(link.get("as") or match.group("name")),
                imports=imports,
            )
        )
    return others
