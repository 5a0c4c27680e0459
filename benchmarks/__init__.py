"""Benchmarks of issue 6: `python benchmarks/run.py` (README, "Benchmarks")."""
