"""progress views of plans (filled in by issue 5)."""

urlpatterns: list = []
