"""What a folder holds, byte for byte: the before/after picture of every file a test must not touch."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def tree_digests(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under `root` (a symlink: where it points; a FIFO: its kind).

    Never follows links or opens special files, so it is safe on any folder a test builds."""
    digests = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            key = str(path.relative_to(root))
            if path.is_symlink():
                digests[key] = f"link -> {os.readlink(path)}"
            elif path.is_file():
                digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                digests[key] = f"special {path.lstat().st_mode:o}"
    return digests
