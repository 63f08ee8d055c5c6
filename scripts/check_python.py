"""Stops `make setup` early with a clear message when the interpreter is too old."""

import sys

if sys.version_info < (3, 11):
    sys.exit(f"ШНОР-портал needs Python 3.11 or newer; found {sys.version.split()[0]}. Set PYTHON=/path/to/python3.11.")
