"""Generated from proto/; do not edit (clients/python/generate.sh)."""
