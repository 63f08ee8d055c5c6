"""The web import of a plan table: upload, preview, confirm (filled in by issue 5)."""

urlpatterns: list = []
