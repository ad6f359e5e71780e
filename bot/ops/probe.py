"""`python -m bot.ops.probe`: exit 0 when the running bot's `/healthz` answers 200.

The container's HEALTHCHECK (deploy/Dockerfile) and anyone's shell can ask the bot on this
machine without curl: it reads `HEALTH_PORT` and `HEALTH_HOST` like the bot (environment and
`.env`), asks 127.0.0.1 when the bot listens on every address, and prints one line.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

TIMEOUT_S = 5.0
_ANY = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def probe_url() -> str | None:
    """The `/healthz` URL of the bot these settings describe, or None when it has no port."""
    from bot.settings import Settings

    settings = Settings()
    if settings.health_port is None:
        return None
    host = _ANY.get(settings.health_host, settings.health_host)
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{settings.health_port}/healthz"


def main() -> int:
    try:
        url = probe_url()
    except ValueError as err:  # pydantic's ValidationError: an invalid setting
        sys.stderr.write(f"unhealthy: invalid settings: {str(err).splitlines()[0]}\n")
        return 1
    if url is None:
        sys.stderr.write("unhealthy: DEBATE_DIGEST_HEALTH_PORT is not set\n")
        return 1
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:  # noqa: S310 - local
            body = response.read(1000).decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        body = err.read(1000).decode("utf-8", "replace")
        sys.stderr.write(f"unhealthy: HTTP {err.code} {body}\n")
        return 1
    except (OSError, TimeoutError) as err:
        sys.stderr.write(f"unhealthy: {url}: {getattr(err, 'reason', err)}\n")
        return 1
    sys.stdout.write(f"healthy: {body}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
