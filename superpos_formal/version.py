"""The package version, in a module of its own so that every layer (the
CLI's ``--version``, campaign records) can name it without importing the
package's front door (docs/MODEL.md 8)."""

__all__ = ["__version__"]

__version__ = "0.1.0"
