"""The HTTP face of groundrail: the app factory, middlewares and route handlers."""
