"""Evidence: whether each quote is still in its source, and what that says of each claim."""
