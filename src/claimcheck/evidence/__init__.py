"""Evidence: whether a quote is still in its source's text, normalised alike on both sides."""
