"""The meeting-content bot: Telegram app, chat handling and command line over ``index``."""
