"""Grounding: is each claim of an answer supported by the context its request carried?"""
