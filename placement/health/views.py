"""``/healthz``: public, no session, no personal data, not rate limited, not audited."""

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from placement.extensions import db, limiter

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)

#: Seconds a Redis check may take before the service counts Redis as unreachable.
REDIS_TIMEOUT = 2.0


def _database() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any failure means "not healthy"; the reason goes to the log, not the answer
        db.session.rollback()
        log.warning("health check: database unreachable (%s)", type(error).__name__)
        return False
    finally:
        db.session.remove()
    return True


def _redis_client():
    client = current_app.extensions.get("placement_health_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=REDIS_TIMEOUT,
                                      socket_connect_timeout=REDIS_TIMEOUT)
        current_app.extensions["placement_health_redis"] = client
    return client


def _redis() -> bool:
    try:
        return bool(_redis_client().ping())
    except Exception as error:
        log.warning("health check: Redis unreachable (%s)", type(error).__name__)
        return False


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Answer 200 when the database (and Redis, where configured) answer; 503 naming what failed."""
    checks = {"database": "ok" if _database() else "failed"}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = "ok" if _redis() else "failed"
    failed = sorted(name for name, state in checks.items() if state != "ok")
    body = {"status": "ok" if not failed else "failed", "checks": checks}
    if failed:
        body["failed"] = failed
    response = jsonify(body)
    response.status_code = 503 if failed else 200
    return response
