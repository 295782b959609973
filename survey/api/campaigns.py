"""Campaigns, by code (the year, with a suffix when a year has several)."""

from ninja import Router

router = Router(tags=["campaigns"])
