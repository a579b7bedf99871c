"""``python -m bot`` is the ``meeting-bot`` command."""

from bot.cli import main

raise SystemExit(main())
