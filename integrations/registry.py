"""Source name -> connector class. Adding a source is one module and one line here; the
credential fields and default base URLs are read from the connector classes, and every
source must be one of the catalogue's (`catalogue.SOURCES`, the one list)."""

from __future__ import annotations

from bot.core import catalogue
from integrations.base import Connector, SourceConfig
from integrations.connector import Field, HttpConnector
from integrations.facebook import FacebookConnector
from integrations.ga4 import GA4Connector
from integrations.hubspot import HubSpotConnector
from integrations.instagram import InstagramConnector
from integrations.linkedin import LinkedInConnector
from integrations.meta_ads import MetaAdsConnector
from integrations.pinterest import PinterestConnector
from integrations.shopify import ShopifyConnector
from integrations.stripe import StripeConnector
from integrations.threads import ThreadsConnector
from integrations.tiktok import TikTokConnector
from integrations.x import XConnector
from integrations.youtube import YouTubeConnector

_CLASSES: tuple[type[HttpConnector], ...] = (
    FacebookConnector,
    InstagramConnector,
    GA4Connector,
    LinkedInConnector,
    YouTubeConnector,
    StripeConnector,
    ShopifyConnector,
    HubSpotConnector,
    MetaAdsConnector,
    TikTokConnector,
    PinterestConnector,
    ThreadsConnector,
    XConnector,
)

CONNECTORS: dict[str, type[HttpConnector]] = {c.source: c for c in _CLASSES}

#: The credential fields each source needs, and how to ask for them.
CREDENTIAL_FIELDS: dict[str, tuple[Field, ...]] = {c.source: c.fields for c in _CLASSES}

#: The fields of each source that may be left empty (the form marks them optional).
OPTIONAL_FIELDS: dict[str, frozenset[str]] = {c.source: c.optional for c in _CLASSES}

DEFAULT_BASE_URLS: dict[str, str] = {c.source: c.base_url for c in _CLASSES}

for _connector in _CLASSES:
    _known = catalogue.SOURCES.get(_connector.source)
    if _known is None or _known.platform != _connector.platform:
        raise RuntimeError(f"{_connector.__name__} disagrees with catalogue.SOURCES")


def provides(source: str, metric: str) -> bool:
    """True when `source`'s connector stores `metric`, or the parts it is derived from
    (interactions, engagement rate, CTR); GA4: any outcome it is mapped to."""
    connector = CONNECTORS.get(source)
    if connector is None:
        return False
    return connector.metrics is None or _stores(connector.metrics, metric)


def _stores(metrics: frozenset[str], metric: str) -> bool:
    if metric in metrics:
        return True
    if metric == "interactions":
        return any(part in metrics for part in catalogue.INTERACTION_PARTS)
    found = catalogue.get(metric)
    if found is None or found.ratio_of is None:
        return False
    numerator, denominator = found.ratio_of
    # engagement rate falls back to impressions where reach is missing (product.md)
    below = _stores(metrics, denominator) or (
        denominator == "reach" and _stores(metrics, "impressions")
    )
    return _stores(metrics, numerator) and below


def connector_for(source: str, config: SourceConfig) -> Connector:
    """A connector instance for `source`; KeyError names the sources Impact supports."""
    try:
        return CONNECTORS[source](config)
    except KeyError:
        raise KeyError(
            f"unknown source {source!r}; Impact connects {', '.join(sorted(CONNECTORS))}"
        ) from None
