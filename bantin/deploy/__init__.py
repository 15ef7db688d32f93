"""`bantin deploy`: send what the build changed to a folder, an SFTP server or S3 storage, with
rclone.

May import: builder (its ledger), project, language."""
