"""Refuse SQLite files on network shares: SQLite's locking is unreliable over SMB/NFS,
which corrupts databases when several computers write. Offices with several
computers use PostgreSQL instead."""

from __future__ import annotations

import os
import sys
from pathlib import Path

NETWORK_FS = {"nfs", "nfs4", "cifs", "smb", "smbfs", "smb3", "afpfs", "webdav", "davfs", "fuse.sshfs", "9p", "ncpfs", "afs"}


def _mount_table() -> list[tuple[str, str]]:
    """(mount point, fs type) pairs of this machine, longest mount point first."""
    entries: list[tuple[str, str]] = []
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/mounts", encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    parts = line.split()
                    if len(parts) >= 3:
                        entries.append((parts[1].replace("\\040", " "), parts[2]))
        except OSError:
            return []
    elif sys.platform == "darwin":
        import subprocess

        try:
            out = subprocess.run(["mount"], capture_output=True, text=True, timeout=5).stdout
        except (OSError, subprocess.SubprocessError):
            return []
        for line in out.splitlines():
            # "//user@server/share on /Volumes/share (smbfs, nodev, ...)"
            if " on " in line and "(" in line:
                mount_point = line.split(" on ", 1)[1].rsplit(" (", 1)[0]
                fstype = line.rsplit("(", 1)[1].split(",")[0].strip(" )")
                entries.append((mount_point, fstype))
    entries.sort(key=lambda e: len(e[0]), reverse=True)
    return entries


def fs_type(path: Path, mounts: list[tuple[str, str]] | None = None) -> str | None:
    target = str(Path(path).resolve())
    for mount_point, fstype in mounts if mounts is not None else _mount_table():
        if target == mount_point or target.startswith(mount_point.rstrip("/") + "/"):
            return fstype
    return None


def is_network_path(path: Path, mounts: list[tuple[str, str]] | None = None) -> bool:
    text = str(path)
    if text.startswith(("\\\\", "//")):  # UNC path
        return True
    if sys.platform == "win32" and mounts is None:
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(text))[0] + "\\"
        DRIVE_REMOTE = 4
        return ctypes.windll.kernel32.GetDriveTypeW(drive) == DRIVE_REMOTE
    kind = fs_type(path.parent if not path.exists() else path, mounts)
    return kind is not None and kind.lower() in NETWORK_FS
