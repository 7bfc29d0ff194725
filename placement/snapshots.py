"""What a worker built from a partnership's network, kept on disk so that a process started later loads it.

Building a large partnership's matching network takes seconds (its interest model most of them); loading it from a
snapshot takes a fraction of that. ``revisions.Incremental`` uses a ``SnapshotStore``: when a worker process has
nothing kept for a partnership it loads the snapshot and brings it up to date row by row (``network_changes``), like
any kept value; it builds only when there is none or its changes cannot be followed, and then writes one. While one
process builds, the others wait for it (a lock file per partnership) and load what it wrote: workers started together
build once.

A snapshot file holds the key it was made for (database, partnership, the partnership's creation time), its network
revision and the value, pickled and signed with the service's secret key (HMAC-SHA256); its name names the code that
made it (another release of the matching code neither reads it nor keeps it). A file with another key, a wrong
signature (another secret key, damaged, not ours) or that cannot be read is ignored and the value built again.
Files are written to a temporary name and renamed (a reader never sees half a file), readable by the service's user
only, in ``PLACEMENT_NETWORK_SNAPSHOT_DIR`` (default ``snapshots`` in the instance folder;
``PLACEMENT_NETWORK_SNAPSHOTS`` false turns them off, as in the tests). They hold the network's business data (job
functions, companies' places, occupations), never a young person's.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import logging
import os
import pickle  # nosec B403
import tempfile
from collections.abc import Hashable, Iterable, Iterator
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context

log = logging.getLogger(__name__)

_MAGIC = b"placement-snapshot-1\n"
_SIGNATURE = hashlib.sha256().digest_size


class SnapshotStore:
    """Snapshots of one kind of value (``name``: part of the file names), one file per key. ``code``: the files of
    the code that makes the values: a snapshot made by other code (another release) is not used."""

    def __init__(self, name: str, code: Iterable[Path] = ()) -> None:
        self.name = name
        digest = hashlib.sha256()
        for path in sorted(code):
            digest.update(path.read_bytes())
        self.version = digest.hexdigest()[:16]

    def _directory(self) -> Path | None:
        if not has_app_context() or not current_app.config.get("NETWORK_SNAPSHOTS", True):
            return None
        directory = Path(current_app.config.get("NETWORK_SNAPSHOT_DIR") or Path(current_app.instance_path) /
                         "snapshots")
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            log.warning("network snapshots are off: cannot create %s (%s)", directory, error.strerror)
            return None
        return directory

    def _path(self, directory: Path, key: Hashable, version: str | None = None) -> Path:
        digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
        return directory / f"{self.name}-{version or self.version}-{digest}"

    @staticmethod
    def _sign(data: bytes | memoryview) -> bytes:
        return hmac.new(current_app.config["SECRET_KEY"].encode(), data, hashlib.sha256).digest()

    def load(self, key: Hashable) -> tuple[int, Any] | None:
        """The (revision, value) kept for ``key``, or None (none kept, or not one this service wrote for it)."""
        directory = self._directory()
        if directory is None:
            return None
        try:
            blob = self._path(directory, key).with_suffix(".snapshot").read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            log.warning("network snapshot not read: %s", error.strerror)
            return None
        head = len(_MAGIC) + _SIGNATURE
        signature, data = blob[len(_MAGIC):head], memoryview(blob)[head:]  # no copy of a large file
        if not blob.startswith(_MAGIC) or not hmac.compare_digest(signature, self._sign(data)):
            log.warning("network snapshot ignored: not signed with this service's key")
            return None
        try:  # only a file signed with this service's secret key gets here
            saved_key, revision, value = pickle.loads(data)  # noqa: S301  # nosec B301
        except Exception:  # a snapshot of an older version of the code: build again
            log.warning("network snapshot ignored: written by another version of the service")
            return None
        return (revision, value) if saved_key == key else None

    def save(self, key: Hashable, revision: int, value: Any) -> None:
        """Write the snapshot of ``value`` at ``revision`` for ``key`` (replacing the one before)."""
        directory = self._directory()
        if directory is None:
            return
        data = pickle.dumps((key, revision, value), protocol=pickle.HIGHEST_PROTOCOL)
        target = self._path(directory, key).with_suffix(".snapshot")
        try:
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.")
            with os.fdopen(handle, "wb") as out:
                out.write(_MAGIC + self._sign(data) + data)
            os.replace(temporary, target)
            for older in directory.glob(self._path(directory, key, "*").name + ".*"):
                if not older.name.startswith(target.with_suffix("").name):  # made by other code: never read again
                    older.unlink(missing_ok=True)
        except OSError as error:
            log.warning("network snapshot not written: %s", error.strerror)
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(temporary)

    @contextlib.contextmanager
    def building(self, key: Hashable) -> Iterator[None]:
        """Hold the key's build lock (other processes and threads building the same key wait)."""
        directory = self._directory()
        if directory is None:
            yield
            return
        try:
            handle = os.open(self._path(directory, key).with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            os.close(handle)  # closing releases the lock
