"""Published results of a campaign: unit totals, pillars, levels, ranks and the
change from the year before."""

from ninja import Router

router = Router(tags=["results"])
