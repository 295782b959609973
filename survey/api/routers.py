"""The API's routers, in the order the schema lists them."""

from survey.api import meta

ROUTERS = [
    ("/", meta.router),
]
