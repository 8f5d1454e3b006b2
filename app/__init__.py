"""Stakemap application: settings, database, tables, services, CLI and ``create_app``."""

__version__ = "0.1.0"
