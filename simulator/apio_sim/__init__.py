"""Simulator of the APIO gateway and the Enterprise Portal for the telephony.apio collection's tests."""

from .core import Settings, SimApp, Simulator, create_app

__all__ = ["Settings", "SimApp", "Simulator", "create_app"]
__version__ = "0.1.0"
