"""One module per rule kind; each a small class whose `check()` returns findings."""
