"""PeerDesk: case management for a peer-support programme.

Kept import-light on purpose: the GUI must paint before SQLAlchemy loads.
"""

__version__ = "0.1.0"
