"""Helpers of scripts/bench.py: corpus, query mix, peers (SQLite FTS5, substring scan), measuring."""
