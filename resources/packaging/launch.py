"""The entry script of the PyInstaller build (duban_desktop/__main__.py uses a relative
import, which a frozen top-level script cannot)."""

import sys

from duban_desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
