"""Names files by the local time: the image's time zone decides it."""

import time


def zone() -> str:
    return time.strftime("%Z")
