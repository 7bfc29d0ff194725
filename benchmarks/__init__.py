"""Benchmarks run with ``python -m benchmarks [suite] [options]`` (suites: matching)."""
