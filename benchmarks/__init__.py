"""Benchmarks of issue 6: `python benchmarks/run.py` (see docs/benchmarks.md)."""
