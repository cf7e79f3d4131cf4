"""End-to-end extraction: who acts on whom in each sentence, decided by a learned gate.

``focus``: actors with no country word take the article's country, with the evidence.
``candidates``: every (predicate, source, target) the parse offers, eventive nouns and implicit
recipients included. ``features`` and ``gate``: the learned decision event / no event.
"""
