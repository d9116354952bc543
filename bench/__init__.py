"""`make bench`: load the line's webhooks on this machine and compare them with a bare floor."""
