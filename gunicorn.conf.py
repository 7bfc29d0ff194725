"""gunicorn settings for ``make serve``: ``gunicorn -c gunicorn.conf.py 'placement:create_app()'``.

PLACEMENT_BIND (default 127.0.0.1:8000; several separated by commas), PLACEMENT_WORKERS (default 2 × cores),
PLACEMENT_THREADS (default 1), PLACEMENT_TIMEOUT (seconds, default 30), PLACEMENT_ACCESS_LOG (file or -, default -).
The access log never holds query strings or the secrets in /m/ and /calendar/ paths (placement/serving.py).
"""

from placement.serving import gunicorn_settings

_settings = gunicorn_settings()
bind = _settings["bind"]
workers = _settings["workers"]
threads = _settings["threads"]
timeout = _settings["timeout"]
accesslog = _settings["accesslog"]
errorlog = _settings["errorlog"]
access_log_format = _settings["access_log_format"]
logger_class = _settings["logger_class"]
