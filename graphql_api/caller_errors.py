"""What a caller sees of each GraphQL error, decided in one place (for HTTP and websocket operations alike).

- A variable's value that GraphQL itself refused (an Int beyond 32 bits, a JSON number where a string is
  expected, an unknown field inside an input object): GraphQL's own message ("Variable '$input' has invalid value
  …"), coded VALIDATION. graphql-core keeps the scalar's exception as `original_error`, which without this rule
  passes for a fault of ours and is masked.
- Read models halted at an event they cannot fold: READ_MODELS_HALTED (graphql_api/halted.py).
- A fault of ours (an exception without `extensions.code`): "Unexpected error."; the schema logs its traceback.
- Anything else (a refused token, a forbidden field, a bad argument, an invalid document, an outage, which the
  server turns into a 503): as it is.
"""

from __future__ import annotations

from graphql import GraphQLError, VariableDefinitionNode
from strawberry.extensions import MaskErrors
from strawberry.types.graphql import OperationType

from graphql_api.halted import as_halted, halted
from graphql_api.unavailable import unavailable


def variable_error(error: GraphQLError) -> bool:
    """GraphQL refused a variable's value: such errors are located at the variable's definition."""
    return any(isinstance(node, VariableDefinitionNode) for node in error.nodes or ())


def coded(error: GraphQLError) -> bool:
    return bool((error.extensions or {}).get("code"))


def unexpected(error: GraphQLError) -> bool:
    """A fault of ours, not the caller's: a refused token, a forbidden field or a bad argument carries
    `extensions.code`, an invalid document has no original exception, and a refused variable is located at its
    definition."""
    return (error.original_error is not None and not coded(error) and not unavailable(error) and not halted(error)
            and not variable_error(error))


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
        if variable_error(error) and not coded(error):
            return GraphQLError(error.message, nodes=error.nodes, source=error.source, positions=error.positions,
                                path=error.path, extensions={**(error.extensions or {}), "code": "VALIDATION"})
        if halted(error):
            return as_halted(error, mutation)
        return self.anonymise_error(error) if unexpected(error) else error
