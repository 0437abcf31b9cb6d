"""Deployment files: deploy/nginx.conf, and nginx.py that fits it to a test machine's ports and paths."""
