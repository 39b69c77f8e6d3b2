"""zver: which zlib this process runs with."""

from zver._zver import zlib_version

__all__ = ["zlib_version"]
