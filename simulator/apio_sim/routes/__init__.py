"""One module per API: ``apio`` (gateway), ``auth`` (APIO core + OAuth2), ``portal``, ``admin`` (``/_sim/``)."""
