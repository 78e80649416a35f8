"""Version 1 of Chorus's REST API, mounted at /api/v1/ (see chorus/api/v1/api.py)."""
