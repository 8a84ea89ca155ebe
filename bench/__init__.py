"""Benchmarks for kb: a synthetic archive generator and a harness that measures kb against the
limits of its own parts (see bench/README.md; `make bench` runs it, `make test` does not)."""
