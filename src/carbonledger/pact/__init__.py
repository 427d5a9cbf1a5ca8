"""PACT (Partnership for Carbon Transparency) product footprints: reading (``reader``)."""
