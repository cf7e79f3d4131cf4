"""Event ontologies and coders: code tables (CAMEO, PLOVER), dictionary and learned coders."""
