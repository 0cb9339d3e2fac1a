"""US and Canadian plate syntax as data: the format table and the prior the reader decodes with."""

from __future__ import annotations

from recognition.plates.formats import FormatTable, FormatTableError, Jurisdiction, PlateFormat, load_table
from recognition.plates.prior import PlatePrior, default_prior

__all__ = ["FormatTable", "FormatTableError", "Jurisdiction", "PlateFormat", "PlatePrior", "default_prior", "load_table"]
