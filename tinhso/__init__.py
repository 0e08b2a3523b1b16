"""tinhso — the digital-province platform."""

__version__ = "0.1.0"
