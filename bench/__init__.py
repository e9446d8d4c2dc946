"""Riposte benchmarks: scripts and their measured figures (README.md). Not part of the package."""
