"""The package's version, on the ground floor: the engine checks it on Dask workers, the CLI
prints it, and neither needs to import the package's facade for it."""

__version__ = "0.1.0"
