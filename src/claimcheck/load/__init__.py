"""Loaders: input files to models, with errors that say file:line."""
