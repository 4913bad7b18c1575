"""A generic Apollo Federation 2 router: composition, query planning and execution.

Nothing in this package knows about the shop; it imports none of the project's
other packages.
"""
