"""The package's version, in a module of its own that imports nothing of the package.

Every layer may record it (results' metadata, a sweep's, a calibration's) without
importing the package root, whose public face (``coalition_sim.run``, ``.sweep``) sits
above them all.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coalition-sim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"
