"""Learned PLOVER coding of a marked (source, target) pair, and the PLV benchmark tools.

``plv`` reads PLV-format files, ``metrics`` scores predictions, ``dictionary_pairs`` codes pairs
with the PETRARCH verb dictionary, ``markers`` prepares the fine-tuned encoder's input,
``pair_model`` runs the fine-tuned MiniLM (ONNX Runtime), ``combine`` stacks it with the
dictionary's decision, ``finetune`` trains it (PyTorch, training only).
"""
