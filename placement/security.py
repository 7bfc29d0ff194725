"""Response headers that keep personal data out of caches, frames and third-party hosts."""

from flask import Flask, Response, current_app, request

from placement.redaction import SecretPathFilter

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

#: Responses that carry nothing personal and may be cached: the static files and partnership logos.
CACHEABLE_ENDPOINTS = frozenset({"static", "partnerships.logo"})


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
    hsts = current_app.config.get("HSTS_SECONDS")
    if hsts:
        # Production (PLACEMENT_HSTS_SECONDS, default a year): browsers use only HTTPS for this host from now on.
        response.headers["Strict-Transport-Security"] = f"max-age={int(hsts)}; includeSubDomains"
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        # Every page but the static files may carry personal data: never store it in a cache.
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Add the security headers to every response."""
    app.after_request(_headers)
    # Flask logs "Exception on <path>": never the secret of a mentor link or calendar feed.
    app.logger.addFilter(SecretPathFilter())
