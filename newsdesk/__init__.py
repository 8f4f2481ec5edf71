"""newsdesk: a keyboard-driven terminal news-intelligence reader."""
__version__ = "0.1.0"
