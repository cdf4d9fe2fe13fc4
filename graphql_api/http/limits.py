"""Query depth, alias and cost limits, checked before a document runs (and before the token is looked at).

Depth: how many field levels sit below a root field (`{ a { b } }` has depth 1); introspection (`__schema`,
`__type`) is not counted. Cost: each field costs 1 times the product of the page sizes of the lists around it;
a list field's page size is its `first` argument when written as a number, its default when absent, and the
largest allowed when it comes from a variable (validation cannot see variable values). So `customers(first:
500) { edges { node { invoices(first: 500) { number } } } }` (250,000 invoice rows) is refused, while a page of
500 customers with their details is not.

Aliases: every aliased field, counted as often as fragments repeat it. All three are computed once per fragment (a fragment's cost is linear in the multiplier around it), so a document
whose fragments spread each other twice over costs linear time here, not exponential.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    ValidationRule,
)

MAX_QUERY_COST = 100_000
MAX_QUERY_DEPTH = 10
MAX_ALIASES = 30
MAX_QUERY_TOKENS = 5_000  # tokens in one document, counted by the parser before anything else runs
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


class QueryLimits(ValidationRule):
    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.fragments: dict[str, tuple[int, int, int]] = {}  # name -> (cost at multiplier 1, depth, aliases)
        self.visiting: set[str] = set()

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        cost, depth, aliases = self._measure(node.selection_set)
        depth -= 1  # the root fields themselves are level 0
        if aliases > MAX_ALIASES:
            self.report_error(
                GraphQLError(
                    f"{aliases} aliases found; allowed: {MAX_ALIASES}", node, extensions={"code": "VALIDATION"}
                )
            )
        if depth > MAX_QUERY_DEPTH:
            self.report_error(
                GraphQLError(
                    f"query depth {depth} is over the limit of {MAX_QUERY_DEPTH}",
                    node,
                    extensions={"code": "VALIDATION"},
                )
            )
        if cost > MAX_QUERY_COST:
            self.report_error(
                GraphQLError(
                    f"query cost {cost:,} is over the limit of {MAX_QUERY_COST:,}: ask for smaller pages (`first`) or "
                    "fewer nested lists",
                    node,
                    extensions={"code": "VALIDATION"},
                )
            )

    def _measure(self, selection_set: Any) -> tuple[int, int, int]:
        """(cost at multiplier 1, depth in field levels, aliases) of a selection set."""
        if selection_set is None:
            return 0, 0, 0
        cost, depth, aliases = 0, 0, 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                inner_cost, inner_depth, inner_aliases = self._measure(selection.selection_set)
                page = _page_size(selection) if selection.name.value in PAGED_FIELDS else 1
                cost += 1 + page * inner_cost
                aliases += inner_aliases + (selection.alias is not None)
                if not selection.name.value.startswith("__"):
                    depth = max(depth, 1 + inner_depth)
                continue
            if isinstance(selection, InlineFragmentNode):
                inner_cost, inner_depth, inner_aliases = self._measure(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                inner_cost, inner_depth, inner_aliases = self._fragment(selection.name.value)
            else:
                continue
            cost, depth, aliases = cost + inner_cost, max(depth, inner_depth), aliases + inner_aliases
        return cost, depth, aliases

    def _fragment(self, name: str) -> tuple[int, int, int]:
        if name in self.fragments:
            return self.fragments[name]
        fragment = self.context.get_fragment(name)
        if fragment is None or name in self.visiting:  # unknown or cyclic: other rules report those
            return 0, 0, 0
        self.visiting.add(name)
        measured = self._measure(fragment.selection_set)
        self.visiting.discard(name)
        self.fragments[name] = measured
        return measured
