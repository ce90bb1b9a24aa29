"""Money as people read it: `$16.8k`, `€5,000`, `−$120`, in the team's currency. Pure.

Currencies are ISO 4217 codes. The common ones have a symbol; any other valid code is
written before the amount (`CHF 1,200`). Nothing is ever converted between currencies.
"""

from __future__ import annotations

import re

DEFAULT_CURRENCY = "USD"

#: Symbol written before the amount; codes not listed are written as `CODE 1,200`.
SYMBOLS: dict[str, str] = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "INR": "₹",
    "BRL": "R$",
    "MXN": "MX$",
    "KRW": "₩",
    "ILS": "₪",
    "NGN": "₦",
    "PHP": "₱",
}

#: Currencies whose amounts have no minor unit (no cents).
NO_DECIMALS = frozenset({"JPY", "KRW", "CLP", "ISK", "VND", "HUF", "UGX", "XOF", "XAF"})

#: Every ISO 4217 code in circulation (funds and metals excluded).
ISO_4217 = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD
    BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR
    FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
    JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
    MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
    QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS
    TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR
    ZMW ZWL""".split()  # noqa: SIM905 (a table is easier to check than 160 literals)
)


def normalise_currency(text: str) -> str | None:
    """`eur` -> `EUR`; None when the text is not an ISO 4217 code."""
    code = text.strip().upper()
    return code if re.fullmatch(r"[A-Z]{3}", code) and code in ISO_4217 else None


def format_money(amount: float, currency: str = DEFAULT_CURRENCY, *, compact: bool = True) -> str:
    """`$16.8k`, `$531`, `€1.2m`, `−$120`, `CHF 1,200`. Compact from 10,000 up; cents are
    shown only for small amounts that have them (`$19.50`)."""
    code = (currency or DEFAULT_CURRENCY).upper()
    sign = "−" if amount < 0 else ""
    value = abs(amount)
    if compact and value >= 999_950:
        number = f"{value / 1_000_000:.1f}".removesuffix(".0") + "m"
    elif compact and value >= 10_000:
        number = f"{value / 1_000:.1f}".removesuffix(".0") + "k"
    elif code not in NO_DECIMALS and value < 100 and round(value, 2) != round(value):
        number = f"{value:,.2f}"
    else:
        number = f"{value:,.0f}"
    symbol = SYMBOLS.get(code)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{code} {number}"
