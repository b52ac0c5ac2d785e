"""Record lists, pages and forms (the records issue)."""

urlpatterns: list = []
