"""The production server starts with ``config/gunicorn.py`` and serves the site.

Gunicorn runs as production does (DEBUG off, static files collected and served by
WhiteNoise) on a free loopback port, against a throw-away SQLite database; requests
carry ``X-Forwarded-Proto: https`` as the reverse proxy in front of it would.
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
PASSWORD = "mat-khau-thu-2025"
START_SECONDS = 30

SETUP = f"""
from django.core.management import call_command
from survey.models import User
call_command("migrate", verbosity=0)
call_command("collectstatic", "--noinput", verbosity=0)
User.objects.create_user(username="khoidong", password="{PASSWORD}")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Just enough of a browser over plain HTTP: cookies (the secure ones too, as
    the proxy terminates TLS) and the headers the proxy adds."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        origin = f"https://127.0.0.1:{self.port}"
        headers = {"X-Forwarded-Proto": "https", "Origin": origin}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return response, content.decode("utf-8", "replace")


def server_environment(tmp_path: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DTI_", "GUNICORN_"))
        and name != "DATABASE_URL"
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SECRET_KEY="smoke-" + "k" * 50,
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="2",
        GUNICORN_ACCESSLOG="none",
    )
    return env


def wait_until_up(browser: Browser, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn stopped with code {server.returncode}")
        try:
            browser.request("GET", "/login/")
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within {START_SECONDS} s")


@pytest.fixture
def server(tmp_path):
    """Gunicorn on a free port; always stopped, even when the test fails."""
    env = server_environment(tmp_path)
    setup = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr
    port = free_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "config/gunicorn.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        browser = Browser(port)
        wait_until_up(browser, process)
        yield browser
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_gunicorn_serves_pages_static_files_and_logins(server):
    response, page = server.request("GET", "/login/")
    assert response.status == 200
    assert '<html lang="vi"' in page
    assert "Đăng nhập" in page

    # Collected, hashed static files, served by WhiteNoise with a long cache.
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, page
    response, css = server.request("GET", stylesheet.group(1))
    assert response.status == 200
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert css.strip()

    form = {
        "username": "khoidong",
        "password": PASSWORD,
        "csrfmiddlewaretoken": server.cookies["csrftoken"],
    }
    response, _ = server.request("POST", "/login/", form)
    assert response.status == 302, response.headers
    assert "sessionid" in server.cookies
    response, home = server.request("GET", "/")
    assert response.status == 200
    assert "khoidong" in home
