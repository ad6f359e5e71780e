"""Loopback fakes that speak real protocols, for tests."""
