"""PDF of the printed report through WeasyPrint (PyPI), when it and its system libraries
(Pango, from Debian) are there; otherwise the page is printed from the browser."""

import functools


@functools.cache
def available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def _mime(path: str) -> str:
    if path.endswith(".css"):
        return "text/css"
    if path.endswith(".js"):
        return "application/javascript"
    return "application/octet-stream"


def render(html: str, *, base_url: str) -> bytes:
    import weasyprint
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        """Static files are read from disk: the server never fetches a URL, not even its own."""

        def fetch(self, url, headers=None):
            path = url.split("/static/", 1)[-1] if "/static/" in url else None
            found = finders.find(path) if path else None
            if path and not found and staticfiles_storage.exists(path):
                # With DEBUG off the pages name the collected copies, hashed (css/app.1a2b.css).
                found = staticfiles_storage.path(path)
            if not found:
                raise ValueError(f"not fetched: {url}")
            with open(found, "rb") as handle:
                body = handle.read()
            return URLFetcherResponse(url, body, {"Content-Type": _mime(found)})

    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=StaticOnly()).write_pdf()
