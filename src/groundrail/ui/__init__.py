"""The review page: its static files and the charts it shows."""
