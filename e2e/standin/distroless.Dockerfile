# A stand-in for gcr.io/distroless/python3-debian13:nonroot, made from the debian:trixie-slim stand-in
# for machines that cannot pull images. Like the real image: Debian 13's Python 3.13 at
# /usr/bin/python3, ca-certificates, netbase and tzdata, the user nonroot (65532:65532,
# /home/nonroot), the interpreter as ENTRYPOINT, and no shell, no apt and no dpkg (nor their data).
FROM debian:trixie-slim AS root
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 ca-certificates netbase tzdata \
 && groupadd --gid 65532 nonroot \
 && useradd --uid 65532 --gid 65532 --home-dir /home/nonroot --create-home --shell /sbin/nologin nonroot \
 && rm -rf /var/lib/apt /var/cache/apt /var/lib/dpkg /var/cache/debconf /var/log/* /etc/apt /etc/dpkg \
      /usr/share/doc /usr/share/man /usr/share/info /usr/share/locale /usr/lib/apt /usr/lib/dpkg /usr/share/dpkg \
      /usr/bin/apt* /usr/bin/dpkg* /usr/sbin/dpkg* \
 && rm -f /usr/bin/sh /usr/bin/dash /usr/bin/bash /usr/bin/rbash /bin/sh /bin/dash /bin/bash /bin/rbash

FROM scratch
COPY --from=root / /
USER 65532
WORKDIR /home/nonroot
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
ENTRYPOINT ["/usr/bin/python3.13"]
