"""Domain-free plumbing shared by every Shopgraph service.

Settings, database engines, the ORM base, the error tree, token handling, logs,
metrics and the app factory live here so that each service package holds only
its own domain.
"""
