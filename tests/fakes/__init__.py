"""Loopback fakes that speak real protocols (Discord, OpenAI-compatible, web), for tests and
the benchmarks (`bot.bench` puts this folder on the path). Not shipped in the wheel."""
