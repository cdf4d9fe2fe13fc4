"""What a caller sees of each GraphQL error, decided in one place (for HTTP and websocket operations alike).

- A value the caller sent or wrote that GraphQL itself refused (a variable's Int beyond 32 bits, a JSON number
  where a string is expected, an unknown field inside an input object, null for an argument that may not be
  null): GraphQL's own message ("Variable '$input' has invalid value …"), coded VALIDATION. graphql-core keeps
  the scalar's exception as `original_error`, which without this rule passes for a fault of ours and is masked.
  Such errors are located at the variable's definition or the argument's value; a fault of ours (a resolver's
  exception, a result that does not serialise) is located at a field.
- Read models halted at an event they cannot fold: READ_MODELS_HALTED (graphql_api/http/halted.py).
- A fault of ours (an exception without `extensions.code`): "Unexpected error."; the schema logs its traceback.
- Anything else (a refused token, a forbidden field, a bad argument, an invalid document, an outage, which the
  server turns into a 503): as it is.
"""

from __future__ import annotations

from graphql import ArgumentNode, GraphQLError, ValueNode, VariableDefinitionNode
from strawberry.extensions import MaskErrors
from strawberry.types.graphql import OperationType

from graphql_api.http.halted import as_halted, halted
from graphql_api.http.unavailable import unavailable


def value_error(error: GraphQLError) -> bool:
    """GraphQL refused a value of the caller's: the error is located at a variable definition or a value."""
    return any(isinstance(node, (VariableDefinitionNode, ArgumentNode, ValueNode)) for node in error.nodes or ())


def coded(error: GraphQLError) -> bool:
    return bool((error.extensions or {}).get("code"))


def unexpected(error: GraphQLError) -> bool:
    """A fault of ours, not the caller's: a refused token, a forbidden field or a bad argument carries
    `extensions.code`, an invalid document has no original exception, and a refused value is located at it."""
    return (
        error.original_error is not None
        and not coded(error)
        and not unavailable(error)
        and not halted(error)
        and not value_error(error)
    )


class CallerErrors(MaskErrors):
    """strawberry's MaskErrors ("Unexpected error." for our faults), plus the caller's own mistakes coded and the
    halted read models explained."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=unexpected)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        try:
            mutation = self.execution_context.operation_type == OperationType.MUTATION
        except RuntimeError:  # no document (it did not parse): no operation either
            mutation = False
        return [self._answer(error, mutation) for error in errors]

    def _answer(self, error: GraphQLError, mutation: bool) -> GraphQLError:
        if value_error(error) and not coded(error):
            return GraphQLError(
                error.message,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions={**(error.extensions or {}), "code": "VALIDATION"},
            )
        if halted(error):
            return as_halted(error, mutation)
        return self.anonymise_error(error) if unexpected(error) else error
