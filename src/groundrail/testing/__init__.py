"""Helpers for tests, benchmarks and demos: a scripted OpenAI-compatible upstream, a runner."""
