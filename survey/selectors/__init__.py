"""Reads: every query the views and services need, one module per area."""
