"""pgver: which libpq this process runs with."""

from pgver._pgver import libpq_version

__all__ = ["libpq_version"]
