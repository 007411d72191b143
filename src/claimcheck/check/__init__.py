"""Link checking: fetch each cited URL and DOI and say truthfully whether it resolves."""
