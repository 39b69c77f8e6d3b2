"""ANSI colours for terminal text."""


def green(text: str) -> str:
    return f"\x1b[32m{text}\x1b[0m"
