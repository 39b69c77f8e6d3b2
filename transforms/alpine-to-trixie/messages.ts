import type { MessageSchema } from "../../src/engine/types";
import { pythonMessages } from "../python-version";
import { tagArgMessages } from "../tag-args";

/** The notes alpine-to-trixie makes, by id. */
export const messages: Record<string, MessageSchema> = {
  "alpine-edge-left": {
    severity: "warning",
    description:
      "The stage is based on alpine:edge, which has no stable Debian counterpart, so it was left on Alpine. Base it on a released Alpine version (or choose a Debian image yourself) to have it migrated.",
  },
  "alpine-leftover": {
    severity: "action-needed",
    description:
      "A stage that already runs on Debian (or Ubuntu) still has something of Alpine in it (apk, ash, su-exec, /sbin/tini, BusyBox adduser or addgroup options, or on trixie an apt-get package name trixie does not have), which fails the build or the container. Replace it with the Debian counterpart the note names.",
  },
  "alpine-stage-left": {
    severity: "info",
    description:
      "An Alpine stage that is not on a Python image and installs no Python packages (a Go builder, a Node asset stage, a plain Alpine runtime) was left as it is; --all-stages migrates such stages too.",
  },
  "apk-add-to-apt": {
    severity: "info",
    description:
      "`apk add` became `apt-get install` of the packages' Debian names, with one `apt-get update` per RUN and the package lists removed after the last apt-get; the note lists renamed packages and those Debian does not need. When nothing of it is needed on Debian, the command was removed.",
  },
  "apk-cache-mount-removed": {
    severity: "info",
    description:
      "The RUN's /var/cache/apk cache mount was removed: it means nothing on Debian, where apt-get's lists are removed in the same RUN instead.",
  },
  "apk-config-dropped": {
    severity: "warning",
    description:
      "A command that edits Alpine's package sources (`sed -i ... /etc/apk/repositories`, `echo ... >> /etc/apk/repositories`) was removed: Debian has no /etc/apk, so it would fail the build. If it set a mirror, give apt one in /etc/apt/sources.list.d/debian.sources.",
  },
  "apk-config-not-converted": {
    severity: "action-needed",
    description:
      "A command that edits Alpine's package sources (/etc/apk) stands inside an if, a pipe or a subshell, which dfmod does not take apart, so the stage stays on Alpine. Remove it (Debian has no /etc/apk), then run dfmod again.",
  },
  "apk-del-removed": {
    severity: "info",
    description:
      "An `apk del` was removed: nothing it names is a package the stage installs on Debian. Each name maps to a package already in the base image (tzdata, ca-certificates: removing it would take it from the image), or to none (a tool Debian does not need).",
  },
  "apk-del-to-purge": {
    severity: "info",
    description:
      "`apk del` became `apt-mark auto` of the Debian packages (for a virtual package made by `apk add --virtual`, the packages it grouped) and `apt-get autoremove -y --purge`: as apk del, it removes them only where no package the image keeps needs them (an `apt-get purge` would also remove every package that depends on them: libpq-dev on libssl-dev, and libpq5 with it).",
  },
  "apk-not-converted": {
    severity: "action-needed",
    description:
      'An apk command could not be converted (it uses shell variables, packages from another or a tagged repository, a package with no known trixie name, a virtual package this stage does not create, or an apk subcommand with no apt-get counterpart), so the stage stays on Alpine. Do what the note says (for an unknown package, give its Debian name in the config\'s "packages" or with --package), then run dfmod again.',
  },
  "apk-update-removed": {
    severity: "info",
    description:
      "An `apk update` with no install after it in the same RUN was removed: on Debian every `apt-get install` runs its own `apt-get update`.",
  },
  "alpine-from-arg": {
    severity: "warning",
    description:
      "The stage's image is Alpine only through a global ARG's default that names the variant (`FROM python:${TAG}` with `ARG TAG=3.12-alpine`). dfmod does not change an ARG that may serve more than this image, so the stage was left as it is: set the default to the trixie tag the note gives, then run dfmod again.",
  },
  "base-image-unknown": {
    severity: "info",
    description:
      "The stage's FROM takes its image from a variable that has no default dfmod can see, so dfmod cannot tell whether it is Alpine; the stage was left as it is. Give the global ARG a default to have it checked.",
  },
  "busybox-options-unknown": {
    severity: "action-needed",
    description:
      "A BusyBox adduser, addgroup, deluser or delgroup command has options dfmod cannot convert to useradd, groupadd and the like, so the stage stays on Alpine. Rewrite the command with the options dfmod knows, or convert it by hand, then run dfmod again.",
  },
  "busybox-tools-added": {
    severity: "info",
    description:
      "The image runs a tool that Alpine has built in (BusyBox's wget, nc, unzip, ps..., or Alpine python3's venv) and Debian slim lacks, in a RUN, at run time or in a script it runs: its Debian package was added to an install, or in a RUN of its own.",
  },
  "busybox-user-converted": {
    severity: "info",
    description:
      "A BusyBox user or group command (adduser, addgroup, deluser, delgroup) was converted to its Debian counterpart (useradd, groupadd, usermod, userdel, groupdel, gpasswd), option by option.",
  },
  "ca-certificates-added": {
    severity: "info",
    description:
      "On a debian:trixie-slim stage, an install of curl, wget, git or another https client got ca-certificates too: every Alpine image has the CA bundle, Debian's slim image does not, and apt installs it with those tools only as a recommendation, which --no-install-recommends leaves out.",
  },
  "command-renamed": {
    severity: "info",
    description:
      "A command or path that Debian has elsewhere or under another name was renamed: /sbin/tini to /usr/bin/tini, su-exec to gosu, ash to bash, chromium-browser to chromium (also in ENV values: `CHROME_BIN=/usr/bin/chromium-browser`).",
  },
  "copy-from-alpine-image": {
    severity: "action-needed",
    description:
      "The stage copies files from an Alpine image outside the Dockerfile (COPY --from=some/alpine-image). Unless they are static binaries, what was built against musl does not run on glibc, and dfmod cannot tell which they are, so the stage stays on Alpine. Copy from a Debian (glibc) build of that image, or check the files and migrate by hand.",
  },
  "system-pip-replaces-apt": {
    severity: "action-needed",
    description:
      "On a plain Debian image, a `pip install --break-system-packages` would replace a Python distribution that apt installs there in place of an Alpine py3- package: pip itself (`--upgrade pip`, with py3-pip), or a package named with a version or with --upgrade (`requests==2.32.5`, with py3-requests), on the command line or in a requirement file of the build context. Debian's python3- packages have no RECORD file, so pip stops with uninstall-no-record-file, and the build fails. The stage stays on Alpine. Install into a virtual environment, add --ignore-installed, or build on a python:*-slim-trixie image, then run dfmod again.",
  },
  "ldconfig-added": {
    severity: "info",
    description:
      "A RUN builds and installs a library (`make install`, `ninja install`, `cmake --install`, `meson install`) with configure's default prefix, /usr/local: on Debian, glibc finds a library in /usr/local/lib only through the linker's cache, so `&& ldconfig` is added after the install (TA-Lib's `libta_lib.so.0: cannot open shared object file` otherwise). Alpine's musl looked in /usr/local/lib itself. Not added when the stage runs ldconfig or installs with --prefix=/usr.",
  },
  "openrc-not-converted": {
    severity: "action-needed",
    description:
      "The stage runs OpenRC's commands (rc-service, rc-update, rc-status, openrc) in a RUN or in what the container runs. Debian images have no OpenRC (the apk package openrc maps to nothing), so the command fails. The stage stays on Alpine. Start the service's own program instead (`redis-server --daemonize yes`, or a process supervisor such as supervisord), then run dfmod again.",
  },
  "s6-overlay-v2": {
    severity: "action-needed",
    description:
      "The stage unpacks s6-overlay v2 (`s6-overlay-amd64.tar.gz`, or its installer) over /. Its tarball has a ./bin folder; Debian's /bin is a link to /usr/bin (merged /usr), which tar and ADD replace with a folder holding only s6's programs, so /bin/sh is gone and the next RUN fails. The stage stays on Alpine. Unpack the tarball with `--exclude=./bin` and its ./bin into /usr (s6-overlay v2's instructions for merged /usr), or move to s6-overlay v3 (`.tar.xz`, made for it), then run dfmod again.",
  },
  "sshd-not-converted": {
    severity: "action-needed",
    description:
      "The stage installs Alpine's openssh (client and server in one package) and runs or configures sshd (in a RUN, CMD, ENTRYPOINT or HEALTHCHECK, or sshd_config). Debian's openssh-client, which `openssh` maps to, has no sshd; Debian's openssh-server needs /run/sshd made before sshd starts. The stage stays on Alpine. Move it to Debian by hand (openssh-server, `mkdir -p /run/sshd`), then run dfmod again.",
  },
  "alpine-config-layout": {
    severity: "action-needed",
    description:
      "The stage copies configuration where Alpine's packages read it and Debian's do not: /etc/nginx/http.d (Debian's nginx reads conf.d and sites-enabled; unless the image copies its own nginx.conf that includes http.d), /etc/supervisor.d (Debian's supervisord reads /etc/supervisor/conf.d/*.conf; unless the image copies its own supervisord.conf that includes it), copied there directly or as a subfolder of a context folder (`COPY docker/etc/ /etc/`), or an nginx.conf with `user nginx;` (Debian's nginx user is www-data), or an odbcinst.ini whose driver is Alpine's FreeTDS file, /usr/lib/libtdsodbc.so or libtdsodbc.so.0 (Debian's tdsodbc has only /usr/lib/<arch>-linux-gnu/odbc/libtdsodbc.so, which a bare `libtdsodbc.so` finds). On Debian the service would start without it, so the stage stays on Alpine. Change the paths or the user, then run dfmod again.",
  },
  "alpine-in-shell-string": {
    severity: "action-needed",
    description:
      "A RUN runs apk, BusyBox's adduser / addgroup / deluser / delgroup or su-exec inside a shell's string (`sh -c \"apk add curl\"`, `bash -lc '...'`). dfmod rewrites these commands where they stand in the RUN, not inside a string, so on Debian the RUN would fail: the stage stays on Alpine. Run the command outside the string, then run dfmod again.",
  },
  "apk-not-rewritten": {
    severity: "action-needed",
    description:
      "A RUN runs apk by its path (`/sbin/apk add ...`) or behind a command that runs it (`xargs apk add < packages.txt`, `cat packages.txt | xargs apk add`, `env`, `sudo`, `nice`, `timeout` and the like), or an ONBUILD does. dfmod rewrites `apk` where it is the command itself, with its package names in the RUN; these it cannot read, and Debian has no apk, so the build would fail: the stage stays on Alpine. Write the command as `apk add` with its packages, then run dfmod again.",
  },
  "alpine-path": {
    severity: "action-needed",
    description:
      "The stage names a path of Alpine's layout that Debian's differs from, in an ENV, a RUN or what the container runs: a library file (`ENV GDAL_LIBRARY_PATH=/usr/lib/libgdal.so.34`, `LD_PRELOAD=/usr/lib/libjemalloc.so.2`; Debian keeps libraries under /usr/lib/<arch>-linux-gnu, often with other sonames), the site-packages of Alpine's own python3 (`/usr/lib/python3.12/site-packages`; Debian's is /usr/lib/python3/dist-packages), or, on a python image, Alpine's /usr/bin/python3 (the Debian python image has its Python in /usr/local/bin only); runit's programs in /sbin (`ENTRYPOINT [\"/sbin/runsvdir\", ...]`; Debian's are in /usr/bin, and its runit package enables a default-syslog service in /etc/service); Alpine's /etc/supervisord.conf, unless the stage copies or writes it whole (Debian's supervisor has /etc/supervisor/supervisord.conf: appended to, it is a config with no [supervisord] section; edited in place or given to `supervisord -c`, it is not there) and a RUN that fills /etc/supervisor.d; and data folders of packages the stage installs: tesseract's /usr/share/tessdata (Debian's is /usr/share/tesseract-ocr/5/tessdata) and the folders of Alpine's font packages (`/usr/share/fonts/dejavu`; Debian's are under /usr/share/fonts/truetype or opentype); /etc/alpine-release, which Debian lacks (`[ -f /etc/alpine-release ] && ...` takes the other branch), and Alpine's CA bundle /etc/ssl/cert.pem (`ENV SSL_CERT_FILE=/etc/ssl/cert.pem`; Debian's is /etc/ssl/certs/ca-certificates.crt). COPY and ADD count too (`COPY --from=builder /usr/lib/libpq.so.5* /usr/lib/`, site-packages copied into Alpine's python3 layout). Alpine's python3 paths count when apk installs python3 or py3- packages; a path the stage makes itself (an `ln` target, what a COPY writes, a build installed with --prefix=/usr) does not. The image would build and then fail, or silently run without it, so the stage stays on Alpine. Change the path for Debian, then run dfmod again.",
  },
  "crond-not-converted": {
    severity: "action-needed",
    description:
      "The stage runs crond, the cron daemon of BusyBox or dcron. Debian has no crond: its cron package runs as `cron`, takes other options, and reads /etc/crontab, /etc/cron.d and /var/spool/cron/crontabs rather than /etc/crontabs, so a renamed command would start nothing or fail. The stage stays on Alpine. Move it to Debian's cron by hand (or run the schedule outside the image), then run dfmod again.",
  },
  "debian-has-name": {
    severity: "action-needed",
    description:
      "The stage creates a user or group that Debian images already have, by name or by id (proxy, list, staff, www-data; uid or gid 33...), where Alpine's have none: groupadd and useradd fail on a name or id that is taken, so the stage stays on Alpine. Or it deletes a group that is the primary group of one of Debian's users (`delgroup www-data`), which groupdel refuses. Name another user or group, pick another id, use Debian's own and drop the command, or delete the user with its group, then run dfmod again. A command that runs only when a check fails (`getent group proxy || addgroup -S proxy`), or whose failure the RUN takes (`|| true`, or `;` without `set -e`), is not a blocker.",
  },
  "digest-dropped": {
    severity: "warning",
    description:
      "The Alpine base image was pinned by digest, and a digest cannot survive a change of tag, so it was dropped. Pin the new image's digest again if you pin digests.",
  },
  "distro-python-changes": {
    severity: "warning",
    description:
      "An alpine:3.N stage that installs python3 with apk moves to Debian trixie's python3, 3.13, from the minor that Alpine release has (3.8 on 3.11 to 3.13, 3.12 on 3.20 and later). Pinned dependencies without 3.13 wheels, and code that uses modules Python has removed since, may fail. Building on python:3.N-slim-trixie keeps the minor.",
  },
  "end-of-life": {
    severity: "warning",
    description:
      "The image was migrated, but its version (Python 3.9, Node.js 20 or 25, Ruby 3.2) is end-of-life: its trixie image is frozen and gets no more updates. Plan an upgrade.",
  },
  "exec-run-not-converted": {
    severity: "action-needed",
    description:
      "An exec-form RUN of apk or a BusyBox user command has words that cannot be carried over to a shell command, so the stage stays on Alpine. Rewrite it as a shell-form RUN, then run dfmod again.",
  },
  "exec-run-to-shell": {
    severity: "info",
    description:
      'An exec-form RUN (`RUN ["apk", ...]`) became a shell-form RUN: apt-get needs its update, install and list removal in one shell.',
  },
  "heredoc-not-rewritten": {
    severity: "action-needed",
    description:
      "A heredoc RUN has apk or BusyBox user commands, and dfmod does not rewrite heredoc bodies, so the stage stays on Alpine. Convert the heredoc by hand or write it as a plain RUN, then run dfmod again.",
  },
  "heredoc-uses-alpine": {
    severity: "action-needed",
    description:
      "A heredoc needs Alpine where it runs: a RUN heredoc run by ash (`RUN <<EOF ash`, `#!/bin/ash`), or a heredoc with su-exec, /sbin/tini or crond in it, or a file written by a COPY heredoc that uses them. dfmod does not rewrite heredoc bodies, so the stage stays on Alpine. Change the heredoc by hand, then run dfmod again.",
  },
  "image-migrated": {
    severity: "info",
    description:
      "The Alpine base image was replaced by its Debian trixie counterpart (slim unless asked otherwise); on Python images, glibc lets pip and uv install prebuilt manylinux wheels instead of compiling.",
  },
  "left-on-alpine": {
    severity: "action-needed",
    description:
      "The stage, with the stages that go with it (those built on it, fed by the same ARG, or copying files to or from it), would not build on Debian as it is, so all of them stay on Alpine, FROM included. Fix what the other notes name, then run dfmod again.",
  },
  "left-on-alpine-copy": {
    severity: "action-needed",
    description:
      "This stage stays on Alpine while stages it copies files to or from would move to Debian; what is built against musl does not run on glibc, so none of them is migrated. Make this stage migratable (the note says why it is not), or stop copying files between them, then run dfmod again.",
  },
  "locale-not-generated": {
    severity: "warning",
    description:
      "ENV LANG or LC_* names a locale other than C or C.UTF-8. Alpine's musl accepts any locale name; Debian's glibc knows only the locales generated in the image, and its images have none but C.UTF-8, so a program that sets the locale fails (Python raises locale.Error). Use C.UTF-8, or install the locales package and generate the locale with localedef.",
  },
  "localtime-copy": {
    severity: "info",
    description:
      "`cp /usr/share/zoneinfo/<zone> /etc/localtime` became `cp --remove-destination ...`: on Debian /etc/localtime is a symbolic link to /usr/share/zoneinfo/Etc/UTC, and a plain cp writes through it, so UTC itself would tell the wrong time; `ln -s <zone> /etc/localtime` became `ln -f -s ...`, since ln fails on the link that is there. Alpine has no such link.",
  },
  "missing-group": {
    severity: "action-needed",
    description:
      "The stage names a group that Alpine images have and Debian's do not (wheel, nobody, abuild, ping...) without creating it (COPY --chown, chown, chgrp, useradd, usermod -G, groupmod), or deletes one (delgroup), which would fail on Debian, so the stage stays on Alpine. Create the group, or name one Debian has (Debian calls nobody's group nogroup), then run dfmod again.",
  },
  "missing-user": {
    severity: "action-needed",
    description:
      "The stage names a user that Alpine images have and Debian's do not (guest, cron, ftp, sshd, xfs...) without creating it, in USER, COPY --chown or chown, or deletes one (deluser xfs), or gives GNU chown the id of one with no group (`chown 405:`, where 405 is Alpine's guest: chown looks up the user's group and fails), which would fail on Debian, so the stage stays on Alpine. Create the user, or name one Debian has, then run dfmod again.",
  },
  "no-trixie-image": {
    severity: "action-needed",
    description:
      "The image's version has no Debian trixie image (Python 3.8 or older, Node.js 18 or older, Ruby before 3.2, Go before 1.23), so the stage stays on Alpine. Upgrade to a supported version, then run dfmod again.",
  },
  "package-advice": {
    severity: "info",
    description:
      "Advice from dfmod's package map on an installed package: what else it needs on Debian to build or run (another package, a library at run time).",
  },
  "package-substituted": {
    severity: "warning",
    description:
      "An Alpine package has no exact Debian counterpart and was replaced by another version or library. Check that what the image uses from it still works.",
  },

  "py-package-to-pip": {
    severity: "info",
    description:
      "A Python tool that Alpine packages (such as Poetry) is now installed with pip into the image's own Python: Debian's package would run on Debian's python3, not the image's.",
  },
  "python-minor-not-in-trixie": {
    severity: "action-needed",
    description:
      "A stage on the distribution's own Python (an alpine image with python3 installed, not a python:* image) runs Python by its minor version (python3.11, python${PYTHON_VERSION}): that is Alpine's python3 of that release, and Debian trixie has only python3.13, so the stage stays on Alpine. Run python3, or build on a python:*-slim-trixie image, then run dfmod again.",
  },
  "rust-toolchain-dropped": {
    severity: "info",
    description:
      "Rust and Cargo were dropped from a Python image: on Debian, pip and uv install prebuilt wheels of Rust extensions (cryptography, pydantic-core, orjson...). A stage whose installs forbid wheels (`--no-binary`, PIP_NO_BINARY, UV_NO_BINARY) keeps them (cargo, rustc). Packages still built from source (psycopg2, mysqlclient, python-ldap, GDAL, pygraphviz) need gcc and headers.",
  },
  "musl-wheel": {
    severity: "action-needed",
    description:
      "The stage installs a wheel built for musl (`*-musllinux_*.whl`), by name or from a folder of the build context that holds one (`pip install --no-index --find-links=wheels`). pip installs it on Alpine and refuses it on Debian's glibc, so the stage stays on Alpine. Build the wheels for manylinux (on a Debian image), or let pip get the packages from an index, then run dfmod again.",
  },
  "command-bashism": {
    severity: "action-needed",
    description:
      'A CMD, ENTRYPOINT or HEALTHCHECK runs shell code (its shell form, or the script of `sh -c` in its exec form) with syntax that Alpine\'s sh (BusyBox ash) runs and Debian\'s sh (dash) does not: `[[ ]]`, `==` in `[ ]`, `source`, `&>`, `${var/a/b}`, `echo -e`. The image would build and then fail when it starts, or take another branch without an error (`[ "$MODE" == worker ]` is false in dash), so the stage stays on Alpine. Write it in POSIX sh, or run it with bash (`["bash", "-c", "..."]`), then run dfmod again.',
  },
  "run-bashism": {
    severity: "action-needed",
    description:
      'A RUN uses shell syntax that Alpine\'s sh (BusyBox ash) runs and Debian\'s sh (dash) does not: `[[ ]]`, `==` in `[ ]`, `${var/a/b}`, `${var:1:2}`, `function name`, `&>`, `echo -e` (the echo of dash prints the `-e`). On Debian it would fail, or take the wrong branch without an error, so the stage stays on Alpine. Write it in POSIX sh, or add `SHELL ["/bin/bash", "-c"]` before it, then run dfmod again.',
  },
  "script-uses-alpine": {
    severity: "action-needed",
    description:
      "A script from the build context that the image runs, or the supervisord config or Procfile its process manager runs programs from, has something of Alpine in it (#!/bin/ash or /bin/ash, su-exec, apk, /sbin/tini, chromium-browser, BusyBox user options, ash's shell syntax under #!/bin/sh, a supervisord program run as `user=nginx`, which only Alpine's nginx package makes, OpenRC's rc-service; scripts sourced by such a script, hook folders it runs (`for f in /docker-entrypoint.d/*.sh; do \"$f\"; done`, run-parts, whose Debian version skips names with a dot such as `10-migrate.sh`), the scripts supervisord programs run, a uWSGI ini that runs as `uid = nginx`, and the service scripts of s6-overlay, s6 or runit that the stage copies in, when the container starts that supervisor), so the stage stays on Alpine. Change the script where the note says (file and line) so that it runs on Debian, then run dfmod again.",
  },

  "shell-ash-to-bash": {
    severity: "info",
    description:
      "A SHELL that ran ash, or sh with -o pipefail, now runs bash: Debian's sh is dash, and bash runs what ash ran.",
  },
  "source-to-dot": {
    severity: "info",
    description:
      "`source file` in a RUN became `. file`: RUN's shell on Debian is dash, which has no `source` (Alpine's BusyBox ash has it).",
  },
  "system-pip-refused": {
    severity: "action-needed",
    description:
      "On Debian, the distribution's python3 refuses `pip install` into the system (PEP 668, externally-managed-environment), so a stage not on a python:* image that does this stays on Alpine. Install into a virtual environment, add --break-system-packages, or build on a python:*-slim-trixie image, then run dfmod again.",
  },
  "tag-check": {
    severity: "warning",
    description:
      "The Node.js image is pinned to a minor or patch release, and trixie-slim tags of those exist only for releases since mid-2025. Check that the tag exists, or pin the major version.",
  },
  "tag-never-published": {
    severity: "info",
    description:
      "The image's Python patch release is older than the trixie images (the official images added trixie variants in May 2025: 3.13.4, 3.12.11, 3.11.13, 3.10.18 and 3.9.23 are the first patches known to have them), so the migrated image names the minor version instead.",
  },
  "unknown-alpine-image": {
    severity: "info",
    description:
      "An Alpine image that dfmod does not know how to migrate (an Alpine image of another project, such as nginx:alpine) was left as it is.",
  },
  "unknown-python-version": {
    severity: "warning",
    description:
      "The python image's tag has a version dfmod cannot read, so the stage was left on Alpine. Check the tag, or migrate the stage by hand.",
  },
  "unparsable-run": {
    severity: "action-needed",
    description:
      "A RUN that does not parse as shell has apk or BusyBox user commands, which dfmod cannot convert, so the stage stays on Alpine. Simplify the RUN or convert it by hand, then run dfmod again.",
  },
  "unreadable-run": {
    severity: "action-needed",
    description:
      "The RUN inside an ONBUILD, or the command of an exec-form RUN, cannot be read as a single RUN, so dfmod cannot convert it and the stage stays on Alpine. Convert it by hand, then run dfmod again.",
  },
  "uv-binary-added": {
    severity: "info",
    description:
      "Debian has no uv package: in place of `apk add uv`, the stage copies the static uv binary from the uv image (ghcr.io/astral-sh/uv).",
  },
  "user-uid-changes": {
    severity: "warning",
    description:
      "A stage with a VOLUME creates a system user with BusyBox `adduser -S` and no uid. BusyBox numbered it from 100 up, Debian's useradd --system numbers it from 999 down, so files a volume kept from the Alpine image belong to another uid than the user's. Give the user its old uid (-u) if volumes outlive the image.",
  },
  "version-pins-dropped": {
    severity: "warning",
    description:
      "Alpine package version pins were dropped (a pin such as `sqlite>3.38` was even a shell redirect): Alpine versions mean nothing on Debian. Pin trixie versions if you need to.",
  },
  "virtual-package-purged": {
    severity: "info",
    description:
      "apt has no virtual packages: the packages of `apk add --virtual NAME` are installed one by one, and `apk del NAME` becomes `apt-mark auto` of those packages and `apt-get autoremove`.",
  },
  ...pythonMessages,
  ...tagArgMessages,
};
