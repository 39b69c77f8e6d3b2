import sys

from greeting import greet

if __name__ == "__main__":
    print(greet("world"), "on Python", "%d.%d" % sys.version_info[:2])
