"""legacy: a worker that needs libxml2 (through a C extension), libmagic (through ctypes) and tzdata."""

import ctypes
from datetime import datetime
from zoneinfo import ZoneInfo

import xmlver


def report() -> str:
    magic = ctypes.CDLL("libmagic.so.1")
    magic.magic_version.restype = ctypes.c_int
    summer = datetime(2026, 7, 1, tzinfo=ZoneInfo("Europe/Madrid")).utcoffset()
    return f"libxml2 {xmlver.libxml2_version()} libmagic {magic.magic_version()} madrid {summer}"
