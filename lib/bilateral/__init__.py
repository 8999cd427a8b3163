"""bilateral: a research workbench for the economic relationship between two countries.

Layers (one way): data -> analysis -> viz -> notebooks -> reports. See docs/ and ARCHITECTURE.
"""

__version__ = "0.1.0"
