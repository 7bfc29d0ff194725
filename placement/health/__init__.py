"""``/healthz``: is the service able to answer (database, Redis) — for the reverse proxy and the orchestrator."""
