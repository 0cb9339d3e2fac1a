"""Offline scoring of the recognition pipeline on labelled folders."""
