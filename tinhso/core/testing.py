"""Helpers shared by the apps' tests."""

import re

_EXTERNAL_ADDRESS = re.compile(r'(?:src|href|action)\s*=\s*["\']((?:https?:)?//[^"\']*)["\']', re.IGNORECASE)


def external_addresses(html: str) -> list[str]:
    """Addresses outside this server that a page loads or links to (the product must work offline).

    Matching a word such as "cdn" anywhere in the page is not a test: a random CSRF token can contain it.
    """
    return _EXTERNAL_ADDRESS.findall(html)
