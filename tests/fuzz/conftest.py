"""The loopback web fake, for the crash classes whose fetch path matters."""

from __future__ import annotations

from tests.web.conftest import server as server  # noqa: F401 - the fixture
