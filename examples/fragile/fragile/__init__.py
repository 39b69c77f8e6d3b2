"""fragile: a service whose Dockerfile has the shapes that break naive rewriters."""

VERSION = "2.1"
