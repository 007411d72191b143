"""Keep what was cited: WARC snapshots, their text, Wayback mementos, bib write-back."""
