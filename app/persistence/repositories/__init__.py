"""Repositories: the only code that reads/writes ORM rows; they hand out domain objects."""
