import type { MessageSchema } from "../../src/engine/types";
import { pythonMessages } from "../python-version";
import { tagArgMessages } from "../tag-args";

/** The notes debian-to-trixie makes, by id. */
export const messages: Record<string, MessageSchema> = {
  "apt-python-path": {
    severity: "action-needed",
    description:
      "A python:3.N image on the release whose own python3 is 3.N (bookworm's 3.11, bullseye's 3.9) puts apt's python3-* packages on the image's Python path (`ENV PYTHONPATH=/usr/lib/python3/dist-packages`, a .pth file or a link into site-packages). trixie's python3-* packages are built for Python 3.13: on the image's 3.N their compiled modules (python3-gdal's osgeo, python3-apt) would not import, so the stage (FROM included) was left as it was. Move the image to Python 3.13 (`-t debian-to-trixie --python 3.13`), or install the packages with pip, then run dfmod again.",
  },
  "digest-dropped": {
    severity: "warning",
    description:
      "The old image was pinned by digest, and a digest cannot survive a change of tag, so it was dropped. Pin the new image's digest again if you pin digests.",
  },
  "end-of-life": {
    severity: "warning",
    description:
      "The image moved to trixie keeps a version that is end-of-life (Python 3.9): its trixie image is frozen.",
  },
  "image-migrated": {
    severity: "info",
    description:
      "The base image moved from bookworm or bullseye (or a bare `-slim`, which now means trixie) to its trixie tag, the codename written out.",
  },
  "no-trixie-image": {
    severity: "action-needed",
    description:
      "The image's version has no trixie image (Python 3.8 and older, Python 2), so the stage was left as it is. Upgrade Python (--python 3.12, for instance) and run dfmod again.",
  },
  "package-not-in-trixie": {
    severity: "action-needed",
    description:
      "An apt package the stage installs is not in trixie's package list, and dfmod knows no trixie name for it (a package trixie dropped or renamed in a way dfmod has no row for), so the stage (FROM included) was left as it was. Find what takes its place in trixie, then run dfmod again. Stages that add an apt repository are not checked: their packages may come from it.",
  },
  "package-removed": {
    severity: "action-needed",
    description:
      "An apt package the stage installs is not in trixie and has no replacement, so the stage (FROM included) was left as it was. Do what the note says, then run dfmod again.",
  },
  "package-renamed": {
    severity: "info",
    description:
      "apt package names of the stage became trixie's: the 64-bit time_t renames (libssl3 -> libssl3t64) and new names of the same package (libgl1-mesa-glx -> libgl1 libglx-mesa0, dnsutils -> bind9-dnsutils), the same software under its trixie name.",
  },
  "package-replaced": {
    severity: "warning",
    description:
      "An apt package trixie no longer has became the one that takes its place, another version or program (libssl1.1 -> libssl3t64, libpcre3 -> libpcre2-8-0), or the same library with a new soname (libffi7 -> libffi8, libtiff5 -> libtiff6): what the image builds links the new one, and a prebuilt binary for the old one must be rebuilt. The note says what to check.",
  },
  "release-too-old": {
    severity: "warning",
    description:
      "The image is on a Debian release older than bullseye (buster, stretch): the package renames dfmod knows start at bullseye, so the stage was left as it is. Move it to bookworm or trixie by hand.",
  },
  "script-apt": {
    severity: "action-needed",
    description:
      "A script of the build context that the stage runs (`RUN ./install-deps.sh`, the scripts it runs in turn) installs apt packages under names trixie does not have or calls otherwise (libicu72, libssl3), pins versions, names the old release, or reads or edits /etc/apt/sources.list (trixie's images have none). dfmod does not change scripts, so the stage (FROM included) was left as it was: on trixie the script would fail. Change the script for trixie, then run dfmod again.",
  },
  "stage-left": {
    severity: "action-needed",
    description:
      "The stage pins an apt package version, names its old release (apt sources, a backports suite, `-t bookworm`) installs packages in a heredoc dfmod does not read, edits or reads /etc/apt/sources.list (trixie's images have none: their sources are /etc/apt/sources.list.d/debian.sources, so `sed -i ... /etc/apt/sources.list` fails), or copies a sources.list of the old release there: on trixie that would not build, so the stage was left as it was. Change it by hand, then run dfmod again.",
  },
  ...pythonMessages,
  ...tagArgMessages,
};
