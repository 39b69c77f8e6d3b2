"""hello-api: a small HTTP service."""

__version__ = "0.1.0"
