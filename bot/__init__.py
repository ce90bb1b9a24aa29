"""Impact: tells marketing teams which engagement moves outcomes and which does not."""

__version__ = "0.1.0"
