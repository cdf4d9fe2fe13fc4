"""The HTTP machinery around the schema: the Starlette app, request limits, the direct report path,
health and metrics, subscriptions over websockets, and the mapping of caller mistakes and outages.
"""
