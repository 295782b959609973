"""Every environment variable the settings and gunicorn's configuration read is
documented in both deployment guides and listed in the sample environment file."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ["docs/deploy.md", "docs/deploy.en.md", "deploy/dti.env.example"]
NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _function_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_function_name(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def read_variables(path: Path, prefix: str = "") -> set[str]:
    """Names passed to os.environ / os.getenv / any env helper (env_bool, env_list,
    gunicorn's _env and _env_int, which add ``prefix``) in the file at ``path``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        name = None
        if isinstance(node, ast.Call) and node.args:
            function = _function_name(node.func)
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                if function in ("os.environ.get", "os.getenv", "environ.get"):
                    name = first.value
                elif function.lstrip("_").startswith("env"):
                    name = first.value
                    if function.startswith("_"):
                        name = prefix + name
        elif (
            isinstance(node, ast.Subscript)
            and _function_name(node.value) in ("os.environ", "environ")
            and isinstance(node.slice, ast.Constant)
        ):
            name = node.slice.value
        if name and NAME.match(name):
            found.add(name)
    return found


def all_variables() -> set[str]:
    names = read_variables(ROOT / "config" / "settings.py")
    names |= read_variables(ROOT / "config" / "gunicorn.py", prefix="GUNICORN_")
    # dj_database_url.config() reads it without naming it.
    names.add("DATABASE_URL")
    return names


def test_the_parser_finds_what_the_settings_read():
    names = all_variables()
    for expected in (
        "DJANGO_SECRET_KEY",  # os.environ.get
        "DJANGO_DEBUG",  # env_bool
        "DJANGO_ALLOWED_HOSTS",  # env_list
        "GUNICORN_BIND",  # _env
        "GUNICORN_WORKERS",  # _env_int
    ):
        assert expected in names
    assert len(names) > 30


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_variable_is_documented(document):
    text = (ROOT / document).read_text()
    missing = sorted(
        name
        for name in all_variables()
        if not re.search(rf"(?<![A-Z0-9_]){name}(?![A-Z0-9_])", text)
    )
    assert not missing, f"{document} does not mention {', '.join(missing)}"
