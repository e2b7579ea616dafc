"""Benchmarks: ``bench/run NAME`` or ``bench/run all``; see docs/benchmarks.md."""
