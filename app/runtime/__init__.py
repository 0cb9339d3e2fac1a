"""What runs beside the UI: recognition, listener, housekeeping, alerts; used by the console and the node."""
