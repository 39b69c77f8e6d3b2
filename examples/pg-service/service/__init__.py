"""A small HTTP service that reports the libpq version it links against."""
