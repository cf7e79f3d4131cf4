"""PETRARCH/TABARI-format dictionaries (actors, agents, discards, issues) and PETRARCH's
validation records, read as they are shipped."""
