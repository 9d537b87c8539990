"""hygiene: hold a repository to the OpenSSF / CISA package-repository security principles."""

__version__ = "0.1.0"
