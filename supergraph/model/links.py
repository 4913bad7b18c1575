"""Which names in a supergraph belong to linked features (`@link` / Fed1 `@core`).

A supergraph imports specs such as join, link, inaccessible or tag. Every element a
spec brings (its directives, its `prefix__` types, the names it imports) is
machinery, not part of the client-facing graph; this module finds those names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    DocumentNode,
    ListValueNode,
    ObjectValueNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    ValueNode,
)

_URL_NAME = re.compile(r"/([A-Za-z_][A-Za-z0-9_-]*)/v(\d+)\.(\d+)/?$")


@dataclass(frozen=True)
class LinkedFeature:
    """One `@link`ed (or `@core`d) spec and the local names it uses."""

    url: str
    identity: str  # the url without its version, e.g. https://specs.apollo.dev/join
    version: tuple[int, int]
    prefix: str  # local name: elements are `@prefix`, `@prefix__x`, `prefix__X`
    imports: dict[str, str]  # spec name -> local name, with the '@' for directives


@dataclass
class FeatureNames:
    """All feature elements of a supergraph, by local name."""

    features: list[LinkedFeature] = field(default_factory=list)
    directive_names: set[str] = field(default_factory=set)
    type_names: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)

    def is_feature_directive(self, name: str) -> bool:
        if name in self.directive_names:
            return True
        head, sep, _ = name.partition("__")
        return bool(sep) and head in self.prefixes

    def is_feature_type(self, name: str) -> bool:
        if name in self.type_names:
            return True
        head, sep, _ = name.partition("__")
        return bool(sep) and head in self.prefixes

    def by_identity(self, identity: str) -> LinkedFeature | None:
        for feature in self.features:
            if feature.identity == identity:
                return feature
        return None

    def directive_name(self, identity: str, spec_name: str) -> str | None:
        """Local name of a spec's directive (`spec_name` without '@'), if linked."""
        feature = self.by_identity(identity)
        if feature is None:
            return None
        imported = feature.imports.get("@" + spec_name)
        if imported is not None:
            return imported[1:]
        if spec_name == feature.identity.rsplit("/", 1)[-1]:
            return feature.prefix
        return f"{feature.prefix}__{spec_name}"


def _string(value: ValueNode) -> str | None:
    return value.value if isinstance(value, StringValueNode) else None


def _argument(args: tuple[ArgumentNode, ...] | None, name: str) -> ValueNode | None:
    for arg in args or ():
        if arg.name.value == name:
            return arg.value
    return None


def _imports(value: ValueNode | None) -> dict[str, str]:
    imports: dict[str, str] = {}
    if not isinstance(value, ListValueNode):
        return imports
    for item in value.values:
        if isinstance(item, StringValueNode):
            imports[item.value] = item.value
        elif isinstance(item, ObjectValueNode):
            fields = {f.name.value: _string(f.value) for f in item.fields}
            name, alias = fields.get("name"), fields.get("as")
            if name:
                imports[name] = alias or name
    return imports


def find_features(document: DocumentNode) -> FeatureNames:
    """Read the `@link`/`@core` applications on the schema definition."""
    names = FeatureNames()
    schema_nodes = [
        d for d in document.definitions if isinstance(d, SchemaDefinitionNode | SchemaExtensionNode)
    ]
    for node in schema_nodes:
        for directive in node.directives or ():
            if directive.name.value not in ("link", "core"):
                continue
            url_value = _argument(directive.arguments, "url") or _argument(
                directive.arguments, "feature"
            )
            url = _string(url_value) if url_value is not None else None
            if url is None:
                continue
            match = _URL_NAME.search(url)
            if match is None:
                continue
            alias_value = _argument(directive.arguments, "as")
            alias = _string(alias_value) if alias_value is not None else None
            prefix = alias or match.group(1)
            identity = url[: match.start()] + "/" + match.group(1)
            feature = LinkedFeature(
                url=url,
                identity=identity,
                version=(int(match.group(2)), int(match.group(3))),
                prefix=prefix,
                imports=_imports(_argument(directive.arguments, "import")),
            )
            names.features.append(feature)
            names.prefixes.add(prefix)
            names.directive_names.add(prefix)
            for local in feature.imports.values():
                if local.startswith("@"):
                    names.directive_names.add(local[1:])
                else:
                    names.type_names.add(local)
    return names
