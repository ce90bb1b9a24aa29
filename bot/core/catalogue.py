"""The metric catalogue: canonical names, their kind, flow or level, and source aliases.

This is the one place that knows what `reactions` or `signups` means. Everything else asks
it. A team may declare other outcome (or engagement/exposure) names; those are passed in as
`custom` mappings where needed, never stored here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    EXPOSURE = "exposure"
    ENGAGEMENT = "engagement"
    OUTCOME = "outcome"
    #: An outcome that is an amount of money (revenue, donations): judged like any outcome.
    MONEY = "money"
    #: What was paid for reach (`spend`): money, good direction down, never an outcome.
    COST = "cost"


class Aggregation(StrEnum):
    FLOW = "flow"  # a daily amount: sum over a period
    LEVEL = "level"  # a state: take the latest value in a period


@dataclass(frozen=True, slots=True)
class MetricDef:
    name: str
    kind: Kind
    aggregation: Aggregation
    label: str
    #: Phrases people type for this metric (goal grammar), lower-case, without the name itself.
    synonyms: tuple[str, ...] = ()
    #: True when a smaller number is better (cost per signup, complaints).
    lower_is_better: bool = False
    #: For a ratio: numerator and denominator metric names.
    ratio_of: tuple[str, str] | None = None
    #: An amount of money, shown in the team's currency; may be negative (adjustments).
    money: bool = False


_F, _L = Aggregation.FLOW, Aggregation.LEVEL
_EXP, _ENG, _OUT = Kind.EXPOSURE, Kind.ENGAGEMENT, Kind.OUTCOME

METRICS: dict[str, MetricDef] = {
    m.name: m
    for m in (
        # exposure: seen, not acted on
        MetricDef("impressions", _EXP, _F, "impressions", ("impression",)),
        MetricDef("reach", _EXP, _F, "reach", ("unique reach", "people reached")),
        MetricDef("views", _EXP, _F, "views", ("view", "video views", "plays")),
        MetricDef("sessions", _EXP, _F, "sessions", ("session", "visits", "site visits")),
        MetricDef("followers", _EXP, _L, "followers", ("follower", "fans", "subscribers")),
        # engagement: interaction on the platform
        MetricDef("reactions", _ENG, _F, "reactions", ("reaction", "likes", "like")),
        MetricDef("comments", _ENG, _F, "comments", ("comment", "replies")),
        MetricDef("shares", _ENG, _F, "shares", ("share", "reposts", "retweets")),
        MetricDef("saves", _ENG, _F, "saves", ("save", "saved", "bookmarks")),
        MetricDef("clicks", _ENG, _F, "clicks", ("click", "post clicks")),
        MetricDef(
            "link_clicks", _ENG, _F, "link clicks", ("link click", "link-clicks", "website clicks")
        ),
        MetricDef(
            "interactions",
            _ENG,
            _F,
            "interactions",
            ("interaction", "engagement", "engagements", "total interactions"),
        ),
        # outcomes: what the organisation exists for
        MetricDef("conversions", _OUT, _F, "conversions", ("conversion", "key events")),
        MetricDef("signups", _OUT, _F, "signups", ("signup", "sign-ups", "sign ups", "sign_up")),
        MetricDef("leads", _OUT, _F, "leads", ("lead",)),
        MetricDef("orders", _OUT, _F, "orders", ("order", "purchases", "sales")),
        MetricDef("revenue", _OUT, _F, "revenue", ("sales revenue", "income"), money=True),
        MetricDef("donations", _OUT, _F, "donations", ("donation", "gifts"), money=True),
        # deducted from revenue, never judged on its own (product.md 3.2)
        MetricDef("refunds", _OUT, _F, "refunds", ("refund",), lower_is_better=True, money=True),
        MetricDef("registrations", _OUT, _F, "registrations", ("registration",)),
        MetricDef("applications", _OUT, _F, "applications", ("application",)),
        MetricDef("complaints", _OUT, _F, "complaints", ("complaint",), lower_is_better=True),
        # cost: what was paid for reach
        MetricDef(
            "spend",
            Kind.COST,
            _F,
            "spend",
            ("ad spend", "cost", "costs", "ads spend"),
            lower_is_better=True,
            money=True,
        ),
        # derived rates (levels computed from flows)
        MetricDef(
            "engagement_rate",
            _ENG,
            _L,
            "engagement rate",
            ("engagement-rate", "er"),
            ratio_of=("interactions", "reach"),
        ),
        MetricDef(
            "ctr",
            _ENG,
            _L,
            "CTR",
            ("click-through rate", "click through rate", "clickthrough rate"),
            ratio_of=("link_clicks", "impressions"),
        ),
        MetricDef(
            "cost_per_signup",
            _OUT,
            _L,
            "cost per signup",
            ("cost per sign-up", "cost per sign up", "cps"),
            lower_is_better=True,
        ),
    )
}

#: The platforms Impact knows, as users type them and as they are stored.
PLATFORMS: dict[str, str] = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "x": "X",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "pinterest": "Pinterest",
    "threads": "Threads",
    "email": "Email",
}

PLATFORM_ALIASES: dict[str, str] = {
    "fb": "facebook",
    "meta": "facebook",
    "ig": "instagram",
    "insta": "instagram",
    "twitter": "x",
    "yt": "youtube",
    "tik tok": "tiktok",
    "li": "linkedin",
    "pin": "pinterest",
    "newsletter": "email",
    "newsletters": "email",
}


@dataclass(frozen=True, slots=True)
class SourceDef:
    """A system Impact pulls data from: its name as typed, its label, and the platform its
    engagement belongs to (None for an outcome source, whose rows carry their own)."""

    name: str
    label: str
    platform: str | None


#: Every source of product.md section 1: the one list. Connectors, the commands and the
#: settings' base URLs agree with it (a test checks the connectors' registry).
SOURCES: dict[str, SourceDef] = {
    s.name: s
    for s in (
        SourceDef("facebook", "Facebook", "facebook"),
        SourceDef("instagram", "Instagram", "instagram"),
        SourceDef("linkedin", "LinkedIn", "linkedin"),
        SourceDef("x", "X", "x"),
        SourceDef("youtube", "YouTube", "youtube"),
        SourceDef("tiktok", "TikTok", "tiktok"),
        SourceDef("pinterest", "Pinterest", "pinterest"),
        SourceDef("threads", "Threads", "threads"),
        SourceDef("ga4", "Google Analytics", None),
        SourceDef("meta_ads", "Meta ads", None),
        SourceDef("stripe", "Stripe", None),
        SourceDef("shopify", "Shopify", None),
        SourceDef("hubspot", "HubSpot", None),
    )
}

#: Referrer and `utm_source` names -> platform (platform-apis.md, GA4 attribution and the
#: conventions the sources share), lower-case, without `www.`.
REFERRERS: dict[str, str] = {
    name: platform
    for platform, names in {
        "facebook": (
            "facebook.com",
            "m.facebook.com",
            "l.facebook.com",
            "lm.facebook.com",
            "fb",
            "facebook",
        ),
        "instagram": ("instagram.com", "l.instagram.com", "ig", "instagram"),
        "linkedin": ("linkedin.com", "lnkd.in", "linkedin"),
        "x": ("t.co", "x.com", "twitter.com", "twitter", "x"),
        "youtube": ("youtube.com", "m.youtube.com", "youtu.be", "youtube"),
        "tiktok": ("tiktok.com", "tiktok"),
        "pinterest": ("pinterest.com", "pinterest"),
        "threads": ("threads.net", "threads"),
    }.items()
    for name in names
}


#: The engagement metrics whose sum is "interactions" (product.md section 1).
INTERACTION_PARTS: tuple[str, ...] = ("reactions", "comments", "shares", "saves")

#: Per source: the source's own metric name -> canonical name.
SOURCE_ALIASES: dict[str, dict[str, str]] = {
    "facebook": {
        "page_post_engagements": "interactions",
        "page_follows": "followers",
        "page_fans": "followers",
        "page_total_media_view_unique": "reach",
        "page_media_view": "views",
        "page_views_total": "views",
        "page_impressions": "impressions",
        "post_reactions_by_type_total": "reactions",
        "post_clicks": "clicks",
        "link clicks": "link_clicks",
    },
    "instagram": {
        "reach": "reach",
        "views": "views",
        "likes": "reactions",
        "like_count": "reactions",
        "comments": "comments",
        "comments_count": "comments",
        "shares": "shares",
        "saves": "saves",
        "saved": "saves",
        "total_interactions": "interactions",
        "profile_links_taps": "link_clicks",
        "website_clicks": "link_clicks",
        "follower_count": "followers",
    },
    "linkedin": {
        "impressionCount": "impressions",
        "uniqueImpressionsCount": "reach",
        "clickCount": "clicks",
        "likeCount": "reactions",
        "commentCount": "comments",
        "shareCount": "shares",
    },
    "x": {
        "like_count": "reactions",
        "reply_count": "comments",
        "retweet_count": "shares",
        "quote_count": "shares",
        "bookmark_count": "saves",
        "impression_count": "impressions",
        "url_link_clicks": "link_clicks",
    },
    "youtube": {
        "views": "views",
        "likes": "reactions",
        "comments": "comments",
        "shares": "shares",
        "viewCount": "views",
        "likeCount": "reactions",
        "commentCount": "comments",
    },
    "tiktok": {
        "view_count": "views",
        "like_count": "reactions",
        "comment_count": "comments",
        "share_count": "shares",
        "follower_count": "followers",
    },
    "pinterest": {
        "IMPRESSION": "impressions",
        "SAVE": "saves",
        "PIN_CLICK": "clicks",
        "OUTBOUND_CLICK": "link_clicks",
    },
    "threads": {
        "views": "impressions",
        "likes": "reactions",
        "replies": "comments",
        "reposts": "shares",
        "quotes": "shares",
        "shares": "shares",
        "clicks": "link_clicks",
    },
    "ga4": {
        "keyEvents": "conversions",
        "conversions": "conversions",
        "keyEvents:sign_up": "signups",
        "keyEvents:generate_lead": "leads",
        "keyEvents:purchase": "orders",
        "totalRevenue": "revenue",
        "purchaseRevenue": "revenue",
        "sessions": "sessions",
    },
}


def get(name: str) -> MetricDef | None:
    """The catalogue entry for a canonical name, or None."""
    return METRICS.get(name)


def kind_of(name: str, custom: dict[str, Kind] | None = None) -> Kind | None:
    """Kind of a canonical or team-declared metric; None when unknown."""
    found = METRICS.get(name)
    if found is not None:
        return found.kind
    return (custom or {}).get(name)


def is_outcome(name: str, custom: dict[str, Kind] | None = None) -> bool:
    """An outcome metric (count or money), catalogued or declared by the team; rates and
    cost-per-outcome ratios are not."""
    found = METRICS.get(name)
    if found is not None:
        return (
            found.kind is Kind.OUTCOME
            and found.ratio_of is None
            and found.name != "cost_per_signup"
        )
    return (custom or {}).get(name) in (Kind.OUTCOME, Kind.MONEY)


def is_money(name: str, custom: dict[str, Kind] | None = None) -> bool:
    """An amount in the team's currency: revenue, donations, refunds, spend, declared money."""
    found = METRICS.get(name)
    if found is not None:
        return found.money
    return (custom or {}).get(name) in (Kind.MONEY, Kind.COST)


def is_level(name: str) -> bool:
    found = METRICS.get(name)
    return found is not None and found.aggregation is Aggregation.LEVEL


def outcome_names(custom: dict[str, Kind] | None = None) -> list[str]:
    names = [m.name for m in METRICS.values() if m.kind is Kind.OUTCOME and m.ratio_of is None]
    names += [
        n for n, k in (custom or {}).items() if k in (Kind.OUTCOME, Kind.MONEY) and n not in METRICS
    ]
    return [n for n in names if n != "cost_per_signup"]


def canonical_metric(source: str, source_name: str) -> str | None:
    """Map a source's own metric name to the catalogue; None when Impact does not use it."""
    if source_name in METRICS:
        return source_name
    return SOURCE_ALIASES.get(source, {}).get(source_name)


def referrer_platform(source: str) -> str | None:
    """The platform a referrer or `utm_source` belongs to (`l.instagram.com` -> instagram);
    None when it is no platform's (unattributed)."""
    return REFERRERS.get(source.strip().lower().removeprefix("www."))


def canonical_platform(text: str) -> str | None:
    """`Instagram`, `IG`, `twitter` -> canonical platform name; None when unknown."""
    key = text.strip().lower()
    if key in PLATFORMS:
        return key
    return PLATFORM_ALIASES.get(key)


_BY_PHRASE: dict[str, str] = {
    phrase: metric.name
    for metric in METRICS.values()
    for phrase in (*metric.synonyms, metric.label.lower(), metric.name.replace("_", " "))
}


def resolve_metric(text: str) -> str | None:
    """A metric as a person types it (`link clicks`, `Sign-ups`) -> canonical name."""
    return _BY_PHRASE.get(" ".join(text.strip().lower().replace("_", " ").split()))
