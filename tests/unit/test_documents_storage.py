"""Document storage: a private folder with atomic writes, and S3 (against moto's S3, no network)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.core.documents import storage as storage_module
from bot.core.documents.storage import (
    DocumentStorage,
    FolderStorage,
    S3Storage,
    StorageUrlError,
    check_key,
    storage_from_url,
)

KEY = "PO-10001/D-000001-loa.pdf"
PDF = b"%PDF-1.7\n%fake letter\n"
BAD_KEYS = ["../x", "/etc/passwd", "a//b", "a/../b", "", "a/", "..", ".", "a/./b", ".hidden", "a b", "a\\b", "a\x00b"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("key", [KEY, "a", "PO-1/bill_2026-11.v2.PNG", "x/y/z/w.jpg"])
def test_good_keys(key):
    assert check_key(key) == key


@pytest.mark.parametrize("key", BAD_KEYS + ["a" * 600])
def test_bad_keys_are_refused(key):
    with pytest.raises(ValueError, match="Invalid document key"):
        check_key(key)


def test_folder_round_trip(tmp_path):
    documents = FolderStorage(tmp_path / "var" / "documents")
    assert isinstance(documents, DocumentStorage)
    assert not documents.exists(KEY)
    documents.put(KEY, PDF, "application/pdf")
    assert documents.exists(KEY)
    assert documents.get(KEY) == PDF
    documents.put(KEY, b"replaced", "application/pdf")
    assert documents.get(KEY) == b"replaced"
    assert leftovers(tmp_path) == ["var/documents/PO-10001/D-000001-loa.pdf"]  # no temporary file left
    documents.delete(KEY)
    assert not documents.exists(KEY)
    documents.delete(KEY)  # absent: nothing to do


def test_folder_files_and_folders_are_private(tmp_path):
    root = tmp_path / "documents"
    old_umask = os.umask(0o022)
    try:
        FolderStorage(root).put("PO-10001/sub/D-1.pdf", PDF, "application/pdf")
    finally:
        os.umask(old_umask)
    assert mode(root / "PO-10001" / "sub" / "D-1.pdf") == 0o600
    for folder in (root, root / "PO-10001", root / "PO-10001" / "sub"):
        assert mode(folder) == 0o700, folder


def test_folder_get_of_an_absent_key_is_a_key_error(tmp_path):
    documents = FolderStorage(tmp_path)
    with pytest.raises(KeyError):
        documents.get(KEY)
    documents.put(KEY, PDF, "application/pdf")
    with pytest.raises(KeyError):
        documents.get("PO-10001")  # a folder is not a document
    assert not documents.exists("PO-10001")
    documents.delete("PO-10001")
    assert documents.exists(KEY)


@pytest.mark.parametrize("key", BAD_KEYS)
def test_folder_refuses_bad_keys_everywhere(tmp_path, key):
    documents = FolderStorage(tmp_path / "documents")
    for call in (
        lambda: documents.put(key, PDF, "application/pdf"),
        lambda: documents.get(key),
        lambda: documents.delete(key),
        lambda: documents.exists(key),
    ):
        with pytest.raises(ValueError):
            call()
    assert leftovers(tmp_path) == []


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    documents = FolderStorage(tmp_path)

    def failing_replace(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_module.os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        documents.put(KEY, PDF, "application/pdf")
    assert leftovers(tmp_path) == []
    assert not documents.exists(KEY)


def test_a_failed_write_keeps_the_previous_version(tmp_path, monkeypatch):
    documents = FolderStorage(tmp_path)
    documents.put(KEY, PDF, "application/pdf")
    monkeypatch.setattr(storage_module.os, "fsync", lambda descriptor: (_ for _ in ()).throw(OSError(5, "I/O")))
    with pytest.raises(OSError):
        documents.put(KEY, b"new", "application/pdf")
    assert documents.get(KEY) == PDF
    assert leftovers(tmp_path) == ["PO-10001/D-000001-loa.pdf"]


def test_urls_for_folders(tmp_path):
    for url in (f"file://{tmp_path}/docs", str(tmp_path / "docs"), f"file://localhost{tmp_path}/docs"):
        documents = storage_from_url(url)
        assert isinstance(documents, FolderStorage)
        assert documents.root == tmp_path / "docs"
    assert storage_from_url("var/documents").root == Path("var/documents")


def test_urls_for_s3(monkeypatch):
    aws(monkeypatch)
    documents = storage_from_url("s3://porting-docs/prod/documents?endpoint_url=http://minio:9000")
    assert isinstance(documents, S3Storage)
    assert (documents.bucket, documents.prefix) == ("porting-docs", "prod/documents")
    assert documents.client.meta.endpoint_url == "http://minio:9000"
    plain = storage_from_url("s3://porting-docs")
    assert (plain.bucket, plain.prefix) == ("porting-docs", "")


@pytest.mark.parametrize(
    "url", ["", "  ", "s3://", "s3://bucket/x?region=eu", "s3://bucket/../up", "ftp://host/docs", "file://host/docs"]
)
def test_bad_urls_say_what_works(url):
    with pytest.raises(StorageUrlError) as caught:
        storage_from_url(url)
    assert isinstance(caught.value, ValueError)


# ---------------------------------------------------------------------------- S3 (moto)


def aws(monkeypatch) -> None:
    # moto answers in-process; fake credentials keep boto3 from looking for real ones
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def s3(monkeypatch):
    from moto import mock_aws

    aws(monkeypatch)
    with mock_aws():
        import boto3

        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="porting-docs")
        yield client


def test_s3_round_trip(s3):
    documents = S3Storage("porting-docs", prefix="/prod/")
    assert isinstance(documents, DocumentStorage)
    assert not documents.exists(KEY)
    documents.put(KEY, PDF, "application/pdf")
    assert documents.exists(KEY)
    assert documents.get(KEY) == PDF
    stored = s3.head_object(Bucket="porting-docs", Key=f"prod/{KEY}")
    assert stored["ContentType"] == "application/pdf"
    assert stored["ServerSideEncryption"] == "AES256"
    assert stored["ContentLength"] == len(PDF)
    documents.delete(KEY)
    assert not documents.exists(KEY)
    documents.delete(KEY)  # absent: nothing to do
    with pytest.raises(KeyError):
        documents.get(KEY)


def test_s3_uses_the_client_it_is_given(s3):
    documents = S3Storage("porting-docs", client=s3)
    documents.put("PO-1/bill.png", b"\x89PNG", "image/png")
    assert s3.get_object(Bucket="porting-docs", Key="PO-1/bill.png")["Body"].read() == b"\x89PNG"


def test_s3_refuses_bad_keys(s3):
    documents = S3Storage("porting-docs", prefix="prod", client=s3)
    for key in BAD_KEYS:
        with pytest.raises(ValueError):
            documents.put(key, PDF, "application/pdf")
    assert s3.list_objects_v2(Bucket="porting-docs")["KeyCount"] == 0


def test_s3_errors_other_than_absent_are_raised(s3):
    from botocore.exceptions import ClientError

    documents = S3Storage("no-such-bucket", client=s3)
    with pytest.raises(ClientError):
        documents.put(KEY, PDF, "application/pdf")
