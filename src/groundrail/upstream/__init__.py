"""Talking to the real LLM APIs: the pooled client, routing, retries, fallback, SSE parsing."""
