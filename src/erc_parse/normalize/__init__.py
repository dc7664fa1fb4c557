"""Normalisers for field values of ERC pages (countries, ...)."""
