"""groundrail: a guardrail gateway that grounds every LLM answer in the context it was given."""

__version__ = "0.1.0"
