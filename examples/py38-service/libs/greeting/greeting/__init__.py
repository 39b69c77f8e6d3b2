"""greeting: what the service says."""


def greet(name: str) -> str:
    return f"hello, {name}"
