"""carbonledger."""
