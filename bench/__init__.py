"""Benchmarks of Houqin against a large synthetic city (`python -m bench.run`)."""
