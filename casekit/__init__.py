"""casekit: qualitative case-study research toolkit (codebooks, coding, agreement, networks)."""

__version__ = "0.1.0"
__all__ = ["__version__"]
