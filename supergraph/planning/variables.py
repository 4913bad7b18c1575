"""How the operation's variables are declared again in subgraph queries."""

from __future__ import annotations

from typing import Any

from graphql import OperationDefinitionNode, print_ast, value_from_ast_untyped


class VariableDeclarations:
    """`$name: Type = default` texts of one operation, by variable name."""

    def __init__(self, operation: OperationDefinitionNode) -> None:
        self._texts: dict[str, str] = {}
        self.defaults: dict[str, Any] = {}
        for definition in operation.variable_definitions or ():
            text = f"${definition.variable.name.value}:{print_ast(definition.type)}"
            if definition.default_value is not None:
                text += "=" + print_ast(definition.default_value)
                self.defaults[definition.variable.name.value] = value_from_ast_untyped(
                    definition.default_value
                )
            self._texts[definition.variable.name.value] = text

    def declaration(self, name: str) -> str:
        return self._texts[name]
