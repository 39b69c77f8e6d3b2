"""xmlver: which libxml2 this process runs with."""

from xmlver._xmlver import libxml2_version

__all__ = ["libxml2_version"]
