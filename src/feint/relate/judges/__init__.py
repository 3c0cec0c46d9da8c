"""The entailment judges: the protocol and the registry by name (``judge``), and the
back-ends it names (``rules_judge``, ``onnx_judge``, ``cross_encoder``)."""
