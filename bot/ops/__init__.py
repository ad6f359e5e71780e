"""Operations: the optional health and metrics port, the hooks that feed the metrics, and the
log format. Nothing here is imported by the core but `bot.ops.metrics` (stdlib only until a
port is served); prometheus_client and the HTTP server load only when
`DEBATE_DIGEST_HEALTH_PORT` is set.
"""
