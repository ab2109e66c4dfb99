"""A static site generator for the companion site of an LLM-alignment survey."""

__version__ = "0.1.0"
