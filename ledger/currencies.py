"""ISO 4217 currency codes and their minor-unit exponents (decimal places).

Only currencies with a defined minor unit are listed; funds and metals such as XAU have none and are refused.
"""

_ZERO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE_DECIMALS = "BHD IQD JOD KWD LYD OMR TND"
_FOUR_DECIMALS = "CLF UYW"
_TWO_DECIMALS = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF "
    "CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD "
    "HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT "
    "MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR "
    "SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU "
    "UZS VED VES WST XCD XCG YER ZAR ZMW ZWG"
)

MINOR_UNITS: dict[str, int] = {
    **{code: 0 for code in _ZERO_DECIMALS.split()},
    **{code: 2 for code in _TWO_DECIMALS.split()},
    **{code: 3 for code in _THREE_DECIMALS.split()},
    **{code: 4 for code in _FOUR_DECIMALS.split()},
}


def minor_unit_exponent(currency: str) -> int:
    """Decimal places of the currency's minor unit; KeyError for a code that is not a known ISO 4217 currency."""
    return MINOR_UNITS[currency]


def is_known_currency(currency: str) -> bool:
    """True for an ISO 4217 code with a minor unit."""
    return currency in MINOR_UNITS
