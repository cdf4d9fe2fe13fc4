"""The GraphQL API (strawberry on starlette): arrives with issue 4."""
