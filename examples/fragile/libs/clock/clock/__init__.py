"""The current UTC time as ISO 8601."""

from datetime import datetime, timezone


def now() -> str:
    return datetime.now(timezone.utc).isoformat()
