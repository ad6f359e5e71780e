"""Tests of bot.store (a package, so that tests can import the helpers in conftest)."""
