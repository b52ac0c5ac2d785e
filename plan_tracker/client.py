"""The address of the person making a request, as the sign-in lockout and the API's rate limits
count it.

Without a reverse proxy (TRUSTED_PROXY_COUNT = 0) it is REMOTE_ADDR: a client cannot choose it
with a header. Behind N proxies that each append the address they saw to X-Forwarded-For (the
TLS proxy of a deployment), REMOTE_ADDR is the nearest proxy's, the same for everybody: the
client is then the Nth address from the right of X-Forwarded-For, the one the outermost trusted
proxy wrote. What a client writes itself sits further left and is never read.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        # Fewer hops than proxies: the request did not come through them all.
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
