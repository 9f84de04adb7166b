"""Policies: which rules govern a request, and what their findings make of the answer."""
