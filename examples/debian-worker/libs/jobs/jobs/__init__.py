"""A registry of job functions."""

_JOBS = {"cleanup": lambda: None, "report": lambda: None}


def registered() -> list[str]:
    return sorted(_JOBS)
