"""CSV imports as background jobs: the upload stores the file, a worker imports it, a page shows progress."""
