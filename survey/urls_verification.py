"""URLs of verification, campaigns, accounts and the audit trail."""

urlpatterns: list = []
