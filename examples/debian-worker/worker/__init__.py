"""worker: runs queued jobs (here: the jobs the jobs library knows)."""

NAME = "debian-worker"
