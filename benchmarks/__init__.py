"""Benchmarks: `make bench` (or `python benchmarks/run.py [--quick]`) runs every bench_*.py module."""
