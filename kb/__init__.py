"""kb: a linked-data publisher for newspaper archives."""

__version__ = "0.1.0"
