"""Pictures and files kept with tickets: downloaded from the platform, stored on disk, listed."""
