"""Houqin (后勤): the general-affairs and logistics office of a school district."""

__version__ = "0.1.0"
