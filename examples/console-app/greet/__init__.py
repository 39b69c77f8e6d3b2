"""greet: a console script installed as a package."""

__version__ = "0.3.0"
