"""Frameworks, their versions and indicators, by code."""

from ninja import Router

router = Router(tags=["frameworks"])
