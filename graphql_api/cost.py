"""Query cost limit: a document is refused before it runs when the rows it could ask for exceed MAX_QUERY_COST.

Each field costs 1 times the product of the page sizes of the lists around it; a list field's page size is its
`first` argument when written as a number, its default when absent, and the largest allowed when it comes from a
variable (validation cannot see variable values). So `customers(first: 500) { edges { node { invoices(first: 500)
{ number } } } }` (250,000 invoice rows) is refused, while a page of 500 customers with their details is not.
Depth and alias limits bound the rest.
"""

from __future__ import annotations

from typing import Any

from graphql import (FieldNode, FragmentSpreadNode, GraphQLError, InlineFragmentNode, IntValueNode,
                     OperationDefinitionNode, ValidationRule)

MAX_QUERY_COST = 100_000
# list fields whose size is set by `first`: field name -> (default, largest allowed)
PAGED_FIELDS = {"customers": (50, 500), "invoices": (50, 500)}


def _page_size(node: FieldNode) -> int:
    default, largest = PAGED_FIELDS[node.name.value]
    for argument in node.arguments or ():
        if argument.name.value == "first":
            if isinstance(argument.value, IntValueNode):
                return max(1, min(int(argument.value.value), largest))
            return largest
    return default


class QueryCostLimit(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        cost = self._cost(node.selection_set, 1, set())
        if cost > MAX_QUERY_COST:
            self.report_error(GraphQLError(
                f"query cost {cost:,} is over the limit of {MAX_QUERY_COST:,}: ask for smaller pages (`first`) or "
                "fewer nested lists", node, extensions={"code": "VALIDATION"}))

    def _cost(self, selection_set: Any, multiplier: int, fragments: set[str]) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                inner = multiplier * (_page_size(selection) if selection.name.value in PAGED_FIELDS else 1)
                total += multiplier + self._cost(selection.selection_set, inner, fragments)
            elif isinstance(selection, InlineFragmentNode):
                total += self._cost(selection.selection_set, multiplier, fragments)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in fragments:
                fragment = self.context.get_fragment(selection.name.value)
                if fragment is not None:
                    total += self._cost(fragment.selection_set, multiplier, fragments | {selection.name.value})
        return total
