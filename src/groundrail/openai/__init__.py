"""The OpenAI wire shapes groundrail reads and writes."""
