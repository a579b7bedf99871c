"""Errors the front ends report to the user as they are, rather than as a traceback.

Their messages are what an official reads in the terminal or in Telegram, so they are Chinese;
what must stay literal in them (a path, a suffix, a command to run) stays as it is.
"""


class CatalogueError(Exception):
    """The catalogue file is damaged. It is the source of truth — the index is rebuilt from it —
    so nothing can rebuild it: the admin has to restore it."""


class IndexBusy(Exception):
    """Another process kept the search index's writer longer than a writer waits for it."""


class Unreadable(ValueError):
    """Why a file cannot be read, worded for the person who sent it. A reader's own exceptions
    (a damaged zip, a PDF library's error) are not: they are reported as a damaged file."""
