#!/usr/bin/env bash
# Starts a private Docker daemon for the end-to-end suite and makes sure the base images exist.
#
# The daemon gets its own data root, exec root, pid file and socket under $DFMOD_E2E_DIR, no bridge
# and no iptables rules: containers have no network, and builds use the host's (--network host) to
# reach the Debian mirror apt is configured with. Registries are not contacted unless
# DFMOD_E2E_PULL=1: by default the base images are stand-ins built offline (see docs/e2e.md):
#   debian:trixie-slim          debootstrap --variant=minbase trixie, with the official image's
#                               docker-clean apt settings, imported
#   python:3.13-slim-trixie     that, plus Debian's python3 (3.13), venv and pip (standin/python.Dockerfile)
#   python:3.9-slim-trixie, python:3.11-slim-trixie   the same stand-in under the tags of older Python lines
#   gcr.io/distroless/python3-debian13:nonroot
#                               Debian's python3 on a root without shell, apt or dpkg, user nonroot
#                               65532 (standin/distroless.Dockerfile)
# The debian:trixie-slim stand-in gets /etc/pip.conf (standin/pip-offline.Dockerfile): pip installs
# offline from Debian's wheels in it, as in the python stand-in.
# Prints the DOCKER_HOST to use on its last line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${DFMOD_E2E_DIR:-/tmp/dfmod-e2e}"
mkdir -p "$dir"
log() { echo "e2e: $*" >&2; }
fail() { echo "e2e: $*" >&2; exit 1; }

# Debian's docker.io (dockerd, containerd, runc, and the client at /usr/bin/docker) and debootstrap.
need=()
[ -x /usr/sbin/dockerd ] && [ -x /usr/bin/docker ] || need+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "needs root to install ${need[*]} (apt-get) and to run dockerd"
  log "installing ${need[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ "$(id -u)" = 0 ] || fail "needs root to run dockerd"

sock="$dir/docker.sock"
export DOCKER_HOST="unix://$sock"
if [ -f "$dir/docker.pid" ] && kill -0 "$(cat "$dir/docker.pid")" 2>/dev/null; then
  log "dockerd already running (pid $(cat "$dir/docker.pid"))"
else
  rm -f "$sock" "$dir/docker.pid"
  /usr/sbin/dockerd --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/docker.pid" \
    -H "$DOCKER_HOST" --bridge=none --iptables=false --ip-masq=false >"$dir/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    /usr/bin/docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  /usr/bin/docker info >/dev/null 2>&1 || fail "dockerd did not start (it needs root, cgroups and overlayfs); its log:
$(tail -n 20 "$dir/dockerd.log")"
  log "dockerd running (pid $(cat "$dir/docker.pid")), socket $sock"
fi
docker() { /usr/bin/docker "$@"; }

mirror() {
  local m
  m=$(grep -hE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | head -n1 || true)
  [ -n "$m" ] || m=$(grep -hE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '{for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' || true)
  [ -n "$m" ] || fail "no Debian mirror in the apt configuration"
  echo "$m"
}

pulled() { [ "${DFMOD_E2E_PULL:-0}" = 1 ] && docker pull -q "$1" >/dev/null 2>&1; }

if ! docker image inspect debian:trixie-slim >/dev/null 2>&1 && ! pulled debian:trixie-slim; then
  log "building the debian:trixie-slim stand-in with debootstrap"
  rm -rf "$dir/rootfs"
  debootstrap --variant=minbase trixie "$dir/rootfs" "$(mirror)" >"$dir/debootstrap.log" 2>&1 ||
    fail "debootstrap failed; see $dir/debootstrap.log"
  # As the official image: apt keeps no package cache (pkgcache.bin, srcpkgcache.bin, .debs) in a
  # layer, so a RUN of apt-get install adds what it installs, not tens of MB of apt's own caches.
  cat >"$dir/rootfs/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
  rm -f "$dir/rootfs"/var/cache/apt/*.bin
  tar -C "$dir/rootfs" -c . | docker import -c 'CMD ["bash"]' - debian:trixie-slim >/dev/null
  rm -rf "$dir/rootfs"
fi
if ! docker image inspect python:3.13-slim-trixie >/dev/null 2>&1 && ! pulled python:3.13-slim-trixie; then
  log "building the python:3.13-slim-trixie stand-in"
  DOCKER_BUILDKIT=1 docker build -q --network host -t python:3.13-slim-trixie -f "$here/standin/python.Dockerfile" "$here/standin" >/dev/null ||
    fail "the python stand-in did not build"
fi
if [ "${DFMOD_E2E_PULL:-0}" != 1 ] && ! docker run --rm --network none debian:trixie-slim test -f /etc/pip.conf; then
  log "telling pip in the debian:trixie-slim stand-in to install offline"
  DOCKER_BUILDKIT=1 docker build -q --network host -t debian:trixie-slim -f "$here/standin/pip-offline.Dockerfile" "$here/standin" >/dev/null ||
    fail "the pip configuration of the debian stand-in did not build"
fi
distroless=gcr.io/distroless/python3-debian13:nonroot
if ! docker image inspect "$distroless" >/dev/null 2>&1 && ! pulled "$distroless"; then
  log "building the $distroless stand-in"
  DOCKER_BUILDKIT=1 docker build -q --network host -t "$distroless" -f "$here/standin/distroless.Dockerfile" "$here/standin" >/dev/null ||
    fail "the distroless stand-in did not build"
fi
# Older Python lines (examples/legacy-worker, examples/bookworm-service) get the same stand-in under their own tag.
for tag in 3.9-slim-trixie 3.11-slim-trixie; do
  docker image inspect "python:$tag" >/dev/null 2>&1 || pulled "python:$tag" ||
    docker tag python:3.13-slim-trixie "python:$tag"
done
echo "$DOCKER_HOST"
