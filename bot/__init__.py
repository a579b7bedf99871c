"""The meeting-content bot: Telegram app, chat handling and command line over ``index``."""

from importlib.metadata import version

__version__ = version("meeting-bot")
