"""URLs of the public results (no login)."""

app_name = "open"
urlpatterns: list = []
