"""The tables of a report: the template as data (``template``), its identities (``identities``) and
the reader (``reader``, the entry point :func:`read_tables`)."""
