"""The factor store: versioned, cited, hash-verified factor sets and their resolution."""
