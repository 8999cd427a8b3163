"""bilateral: a research workbench for the economic relationship between two countries.

Layers (one way): data -> analysis -> viz -> notebooks -> reports. See docs/ and ARCHITECTURE.
"""

__version__ = "0.1.0"

# In a JupyterLab notebook kernel, draw charts with the offline widget renderer (bilateral.viz.notebook);
# anywhere else (CLI, papermill, nbval, scripts) this returns at once and changes nothing.
from bilateral.viz.notebook import auto_enable as _auto_enable  # noqa: E402

_auto_enable()
