"""The schema revisions this version of PeerDesk knows, without importing Alembic.

Startup reads the database's revision with one cheap query and compares it
here; Alembic (≈0.5 s to import) is loaded only when an upgrade is due.
A test checks this list against the migration scripts.
"""

KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012", "0013", "0014", "0015", "0016", "0017", "0018", "0020", "0021", "0022", "0023", "0024")
HEAD_REVISION = KNOWN_REVISIONS[-1]
