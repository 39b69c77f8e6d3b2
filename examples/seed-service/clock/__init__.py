"""clock: tells the local time of the zone in TZ, and which zlib it was built against."""

NAME = "clock"
