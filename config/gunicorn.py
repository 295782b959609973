"""Gunicorn's settings for the production server (``docs/server.md``).

Run from the project's directory::

    gunicorn -c config/gunicorn.py

Every setting can be changed by an environment variable named ``GUNICORN_<SETTING>``
(``GUNICORN_BIND``, ``GUNICORN_WORKERS``, ...); the defaults suit a small server
behind a reverse proxy on the same machine. Threaded workers (``gthread``) let one
process answer a few requests at once while others wait on the database.
"""

import os
from pathlib import Path

MAX_DEFAULT_WORKERS = 12  # past this, memory runs out before the processors do


def _env(name: str, default: str) -> str:
    value = os.environ.get(f"GUNICORN_{name}", "").strip()
    return value or default


def _env_int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def default_workers(cores: int | None = None) -> int:
    """Two per core plus one, as gunicorn advises, at most ``MAX_DEFAULT_WORKERS``."""
    cores = cores or os.cpu_count() or 1
    return min(2 * cores + 1, MAX_DEFAULT_WORKERS)


wsgi_app = "config.wsgi:application"
bind = _env("BIND", "127.0.0.1:8000").split(",")
worker_class = _env("WORKER_CLASS", "gthread")
workers = _env_int("WORKERS", default_workers())
threads = _env_int("THREADS", 4)
# A worker silent for this long is killed and replaced (a stuck request).
timeout = _env_int("TIMEOUT", 60)
# On reload or stop, workers finish the requests they hold for up to this long.
graceful_timeout = _env_int("GRACEFUL_TIMEOUT", 30)
keepalive = _env_int("KEEPALIVE", 5)
# Each worker is replaced after about this many requests (memory that leaks is freed);
# the jitter keeps them from all restarting at once.
max_requests = _env_int("MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("MAX_REQUESTS_JITTER", 100)
# The proxy in front of gunicorn that may set X-Forwarded-* headers.
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# "-" is standard output; GUNICORN_ACCESSLOG=none turns the access log off.
_accesslog = _env("ACCESSLOG", "-")
accesslog = None if _accesslog.lower() == "none" else _accesslog
errorlog = _env("ERRORLOG", "-")
loglevel = _env("LOGLEVEL", "info")
# The usual combined format plus the time taken, in milliseconds, and the request's id
# (the X-Request-ID the application answers with, also on each of its log lines).
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms '
    "%({x-request-id}o)s"
)

# Workers' heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = (
    _env("WORKER_TMP_DIR", "/dev/shm" if Path("/dev/shm").is_dir() else "") or None
)

# Gunicorn 25.1+ opens a control socket for `gunicornc` in the home directory, one path
# for every instance: off unless GUNICORN_CONTROL_SOCKET names a path for this one.
_control_socket = _env("CONTROL_SOCKET", "")
control_socket_disable = not _control_socket
if _control_socket:
    control_socket = _control_socket
