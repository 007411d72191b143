"""Labelled pages and quotes for the evidence tests."""
