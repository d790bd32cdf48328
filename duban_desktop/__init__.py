"""督办 Desktop: coordination and supervision work of a secretarial office."""

__version__ = "0.1.0"
APP_NAME = "督办 Desktop"
