"""Held-out evaluation of the grounding engine on labelled data sets."""
