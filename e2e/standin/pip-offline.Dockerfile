# The debian:trixie-slim stand-in with pip told to install offline from Debian's wheels
# (/usr/share/python-wheels), as the python stand-in is: a builder that installs python3-venv there
# (the distroless runtime's builder) cannot reach a package index either.
FROM debian:trixie-slim
RUN printf '[global]\nno-index = true\nfind-links = /usr/share/python-wheels\ndisable-pip-version-check = true\n' >/etc/pip.conf
