"""The public results of published campaigns: no login, nothing unpublished."""
