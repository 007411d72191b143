"""Evidence: is each quote still in its source, and where."""
