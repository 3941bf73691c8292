"""Where the bytes of documents (LOAs, bills) live: a folder by default, S3 in production.

Both stores answer to one small interface, `DocumentStorage`, so the rest of the bot names a
document by its key ("PO-10001/D-000001-loa.pdf") and never by a path. Keys are checked against a
strict pattern before any use: a key can't climb out of the folder or the S3 prefix. Documents
carry signatures and account details, so files are private to the bot's user and S3 objects are
encrypted at rest.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qs, unquote, urlsplit

from bot import settings
from bot.core.errors import UserError

DEFAULT_FOLDER = settings.DEFAULT_VAR_DIR / "documents"
MAX_KEY_LENGTH = 512  # well under S3's 1024 bytes and the file systems' path limits
# segments of letters, digits, "-", "_" and "."; one that starts with a dot is refused too, so no
# key is ".", "..", a hidden file or one of FolderStorage's temporary files
_SEGMENT = r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}"
_KEY = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


class StorageUrlError(UserError, ValueError):
    """A storage URL that can't be used; the message says what a good one looks like."""


@runtime_checkable  # so a caller (and a test) can check what it was handed
class DocumentStorage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes:
        """The bytes stored under `key`; KeyError when there are none."""
        ...

    def delete(self, key: str) -> None:
        """Removes `key`; nothing happens when it is absent."""
        ...

    def exists(self, key: str) -> bool: ...


def check_key(key: str) -> str:
    """`key` itself when it is a safe relative name; ValueError otherwise."""
    if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or ".." in key or not _KEY.fullmatch(key):
        raise ValueError(
            f"Invalid document key {key!r}: use letters, digits, '-', '_' and '.' in segments separated "
            "by '/', with no '..', no leading '/' and no empty segment."
        )
    return key


class FolderStorage:
    """Documents as files under `root`; each write is atomic, so a reader never sees half a file."""

    def __init__(self, root: Path):
        self.root = Path(root).expanduser()

    def __repr__(self) -> str:
        return f"FolderStorage({str(self.root)!r})"

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path(key)
        self._make_folders(path.parent)
        # mkstemp creates the file 0600 in the same folder, so os.replace is an atomic rename
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        _sync_folder(path.parent)

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise KeyError(key) from None

    def delete(self, key: str) -> None:
        path = self.path(key)
        if path.is_file():
            path.unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def _make_folders(self, folder: Path) -> None:
        """Creates `folder` and the missing ones between it and the root as 0700; the root's own
        parents (var/) are made as usual."""
        self.root.parent.mkdir(parents=True, exist_ok=True)
        missing = [folder, *folder.parents]
        missing = missing[: missing.index(self.root) + 1]
        for each in reversed(missing):
            try:
                each.mkdir(mode=0o700)
            except FileExistsError:
                continue
            os.chmod(each, 0o700)  # mkdir's mode is narrowed by the umask, never widened: set it exactly


class S3Storage:
    """Documents as objects in any S3-compatible store (AWS S3, MinIO, Ceph), encrypted at rest.

    Without `client`, boto3 makes one from the usual AWS_* environment variables (or an instance role)."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None, endpoint_url: str | None = None):
        if not bucket:
            raise ValueError("S3Storage needs a bucket name")
        self.bucket = bucket
        self.prefix = check_key(prefix.strip("/")) if prefix.strip("/") else ""
        if client is None:
            import boto3  # a second to load, and only production stores documents in S3

            client = boto3.client("s3", endpoint_url=endpoint_url)
        self.client = client

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def object_key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=self.object_key(key),
            Body=data,
            ContentType=content_type,
            ServerSideEncryption="AES256",
        )

    def get(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        except Exception as error:
            if _not_found(error):
                raise KeyError(key) from None
            raise
        with contextlib.closing(response["Body"]) as body:
            return body.read()

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))
        except Exception as error:  # S3 says nothing for a missing key, some compatible stores say 404
            if not _not_found(error):
                raise

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except Exception as error:
            if _not_found(error):
                return False
            raise
        return True


def storage_from_url(url: str) -> DocumentStorage:
    """The storage a URL names: S3Storage for "s3://bucket/prefix?endpoint_url=http://minio:9000",
    FolderStorage for "file:///abs/path" or a plain path."""
    if not url or not url.strip():
        raise StorageUrlError(
            f"The document storage URL is empty: use a folder such as {DEFAULT_FOLDER} or s3://bucket"
        )
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise StorageUrlError(f"{url!r} names no bucket: use s3://bucket/optional/prefix")
        query = parse_qs(parts.query, keep_blank_values=True)
        unknown = sorted(set(query) - {"endpoint_url"})
        if unknown:
            raise StorageUrlError(f"{url!r} has unknown options {unknown}: only ?endpoint_url=... is understood")
        endpoint = query.get("endpoint_url", [""])[-1] or None
        try:
            return S3Storage(parts.netloc, prefix=unquote(parts.path), endpoint_url=endpoint)
        except ValueError as error:
            raise StorageUrlError(f"{url!r}: {error}") from None
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise StorageUrlError(f"{url!r} is not a local folder: use file:///absolute/path")
        return FolderStorage(Path(unquote(parts.path)))
    if parts.scheme and len(parts.scheme) > 1:  # one letter is a Windows drive, "C:\\docs"
        raise StorageUrlError(f"{url!r}: document storage is a folder, file:///path or s3://bucket/prefix")
    return FolderStorage(Path(url))


def _not_found(error: Exception) -> bool:
    """True for botocore's ClientError saying 404, without importing botocore here."""
    response = getattr(error, "response", None)
    code = str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""
    return code in _NOT_FOUND


def _sync_folder(folder: Path) -> None:
    """Makes the rename itself durable: without it a crash may lose a file that `put` returned."""
    with contextlib.suppress(OSError):  # not every platform can open a folder
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
