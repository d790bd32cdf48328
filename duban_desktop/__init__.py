"""督办 Desktop: coordination and supervision work of a secretarial office."""

import time

# when the program's code began to run: the log says how long the window took to show
STARTED = time.perf_counter()

__version__ = "0.1.0"
APP_NAME = "督办 Desktop"
