"""Private files (insurance-card photos, statements, records) in an S3-compatible bucket."""

from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]


class PrivateS3Storage(S3Storage):
    """Objects written with a private ACL, and no URL of any kind: not public, not even signed.

    Only the staff views read these files (through ``open``) and serve them after their own checks,
    so each look is audited; a URL would let a copy of it reach the file without either.
    """

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError("Private files have no URL: a staff view reads and serves them.")
