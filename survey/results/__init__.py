"""The one path to the scoring engine: its inputs built from the database, the
scoring of a campaign, the stored results, the totals that pages show and the
analyses that reports read."""
