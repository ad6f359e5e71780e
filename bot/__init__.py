"""Debate Digest: balanced, verifiable summaries of online debates."""

__version__ = "0.2.13"
