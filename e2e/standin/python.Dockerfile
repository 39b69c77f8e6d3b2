# A stand-in for python:3.13-slim-trixie, made from the debian:trixie-slim stand-in and Debian's own
# Python 3.13, for machines that cannot pull images. Like the official image: `python` and `pip`
# commands, pip may install into the system Python, ca-certificates, netbase and tzdata present,
# the C headers of Python present but no compiler and no -dev package. pip installs offline, from
# Debian's wheels (setuptools, pip) in /usr/share/python-wheels.
FROM debian:trixie-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv python3-pip python3-setuptools-whl \
      python3-pip-whl python3-dev ca-certificates netbase tzdata \
 && mkdir /tmp/headers && cp -a --parents /usr/include/python3.13 /usr/include/*-linux-gnu/python3.13 /tmp/headers \
 && apt-get purge -y --auto-remove python3-dev \
 && cp -a /tmp/headers/usr/include/. /usr/include/ && rm -rf /tmp/headers \
 && ln -s /usr/bin/python3 /usr/local/bin/python && ln -s /usr/bin/pip3 /usr/local/bin/pip \
 && rm -f /usr/lib/python3.13/EXTERNALLY-MANAGED \
 && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_INDEX=1 PIP_FIND_LINKS=/usr/share/python-wheels PIP_DISABLE_PIP_VERSION_CHECK=1
CMD ["python3"]
