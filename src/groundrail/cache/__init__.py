"""The verdict cache: Redis when configured, in-process otherwise, behind one interface."""
