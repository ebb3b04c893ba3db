"""importdrill: a terminal drill for the Python import system."""

from __future__ import annotations

__version__ = "0.1.0"
