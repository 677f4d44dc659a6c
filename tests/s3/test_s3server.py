"""The throwaway object store itself: a private bucket that only the configured key can read."""

import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError


def test_the_bucket_keeps_what_the_configured_key_writes(s3_server):
    client = s3_server.client()
    client.put_object(Bucket=s3_server.bucket, Key="probe/hello.txt", Body=b"hello")
    body = client.get_object(Bucket=s3_server.bucket, Key="probe/hello.txt")["Body"].read()
    assert body == b"hello"
    client.delete_object(Bucket=s3_server.bucket, Key="probe/hello.txt")


def test_an_unsigned_request_for_an_object_is_refused(s3_server):
    client = s3_server.client()
    client.put_object(Bucket=s3_server.bucket, Key="probe/private.txt", Body=b"secret")
    url = f"{s3_server.endpoint_url}/{s3_server.bucket}/probe/private.txt"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=5)  # noqa: S310 (loopback)
    assert refused.value.code == 403
    client.delete_object(Bucket=s3_server.bucket, Key="probe/private.txt")


def test_a_wrong_secret_key_is_refused(s3_server):
    client = s3_server.client(aws_secret_access_key="not-the-secret")
    with pytest.raises(ClientError):
        client.list_objects_v2(Bucket=s3_server.bucket)
