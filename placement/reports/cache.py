"""The results page's rendered figures, kept by each worker and, with Redis configured, shared by all of them.

A key names everything the rendered figures depend on (``placement.reports.views.dashboard``: the partnerships'
data revisions, scope, period, the service's today, the reader's disclosure and the language), so a kept page
part is never stale: a change to a record the figures count moves the revision and with it the key. In Redis the
part is kept under a digest of its key for ``SHARED_SECONDS`` (plain text, no pickled objects); the database URL in
the key never leaves the process in clear. Without Redis, or when it does not answer, each worker renders its own.
"""

import hashlib
import logging
from collections.abc import Callable, Hashable

from flask import current_app

from placement import revisions

#: How long a rendered part stays in Redis (a newer revision is another key; old ones just expire).
SHARED_SECONDS = 24 * 3600
#: Seconds to wait for Redis before rendering without it.
REDIS_TIMEOUT = 0.5
_PREFIX = "placement:reports:figures:"

log = logging.getLogger(__name__)
_rendered: revisions.Cache[str] = revisions.Cache(128)


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("placement_reports_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)
        current_app.extensions["placement_reports_redis"] = client
    return client


def _shared(key: Hashable, render: Callable[[], str]) -> str:
    client = _redis()
    if client is None:
        return render()
    from redis.exceptions import RedisError

    name = _PREFIX + hashlib.sha256(repr(key).encode()).hexdigest()
    try:
        kept = client.get(name)
    except RedisError as error:
        log.warning("Redis did not answer (%s): the results are rendered in this worker", type(error).__name__)
        return render()
    if kept is not None:
        return kept.decode()
    text = render()
    try:
        client.set(name, text.encode(), ex=SHARED_SECONDS)
    except RedisError as error:
        log.warning("Redis did not keep the rendered results (%s)", type(error).__name__)
    return text


def rendered(key: Hashable, render: Callable[[], str]) -> str:
    """Return the rendered part kept for ``key`` (this worker's, else Redis's), rendering it when there is none."""
    return _rendered.get(key, lambda: _shared(key, render))
