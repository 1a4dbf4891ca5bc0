"""coalition-sim: European defence coalition formation as an agent-based model."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coalition-sim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"
