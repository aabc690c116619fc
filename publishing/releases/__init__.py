"""Releases: scheduling, claiming and publishing an issue, and corrections as new editions."""
