"""Source name -> connector class. Adding a source is one module and one line here."""

from __future__ import annotations

from integrations.base import Connector, SourceConfig
from integrations.facebook import FacebookConnector
from integrations.ga4 import GA4Connector
from integrations.instagram import InstagramConnector

CONNECTORS: dict[str, type] = {
    FacebookConnector.source: FacebookConnector,
    InstagramConnector.source: InstagramConnector,
    GA4Connector.source: GA4Connector,
}

#: The credential fields each source needs, and how to ask for them.
CREDENTIAL_FIELDS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "facebook": (
        ("page_id", "Facebook Page id", False),
        ("access_token", "Page access token", True),
    ),
    "instagram": (
        ("ig_user_id", "Instagram business account id", False),
        ("access_token", "Access token", True),
    ),
    "ga4": (
        ("property_id", "GA4 property id", False),
        ("access_token", "Access token (or leave empty and give a service account key file)", True),
    ),
}

DEFAULT_BASE_URLS = {
    "facebook": "https://graph.facebook.com",
    "instagram": "https://graph.facebook.com",
    "ga4": "https://analyticsdata.googleapis.com",
}


def connector_for(source: str, config: SourceConfig) -> Connector:
    """A connector instance for `source`; KeyError names the sources Impact supports."""
    try:
        return CONNECTORS[source](config)  # type: ignore[no-any-return]
    except KeyError:
        raise KeyError(
            f"unknown source {source!r}; Impact connects {', '.join(sorted(CONNECTORS))}"
        ) from None
