"""The feed of province-supplied values sent by provincial systems."""

from ninja import Router

router = Router(tags=["feeds"])
