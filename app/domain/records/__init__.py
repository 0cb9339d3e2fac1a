"""Records and compliance rules: detection browsing, holds, retention, releases, audits."""
