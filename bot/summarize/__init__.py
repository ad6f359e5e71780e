"""Summary schema, engines (offline and LLM) and verification."""
