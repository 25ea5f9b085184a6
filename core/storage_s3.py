"""
Uploaded files on S3 or S3-compatible object storage (MinIO, Ceph, …), chosen by STORAGE_S3_BUCKET
(iisg_portal/settings.py; README: "More than one machine"). A separate module from core/storage.py
so that boto3 is imported only where it is used.
"""

from storages.backends.s3 import S3Storage

from core.storage import FilesFollowTransactionMixin


class TransactionalS3Storage(FilesFollowTransactionMixin, S3Storage):
    """django-storages' S3Storage whose objects saved in a transaction that rolls back are deleted again."""
