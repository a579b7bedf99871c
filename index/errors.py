"""Errors the front ends report to the user as they are, rather than as a traceback."""


class CatalogueError(Exception):
    """The catalogue file is damaged. It is the source of truth — the index is rebuilt from it —
    so nothing can rebuild it: the admin has to restore it."""


class IndexBusy(Exception):
    """Another process kept the search index's writer longer than a writer waits for it."""
