"""The GraphQL API (strawberry on starlette), one package per feature — documents, reports, audit, credit,
collections, statements, bank, finance — each with its types, queries and mutations; `schema` assembles their root
types, `http/` serves the schema. What every feature shares sits here: the request context and its role checks
(`context`, over the one table in `permissions`), tokens, loaders, argument parsing (`arguments`), the errors'
mapping (`errors`) and the aging report's shape (`aging`). Features never import one another or `http/`
(pyproject.toml's import-linter contracts)."""
