"""Learned PLOVER coding of a marked (source, target) pair, and the PLV benchmark tools.

``plv`` reads PLV-format files, ``metrics`` scores predictions, ``dictionary_pairs`` codes pairs
with the PETRARCH verb dictionary, ``encoder`` runs all-MiniLM-L6-v2 in numpy and ``classifier``
holds the linear head shipped in ``model/``.
"""
