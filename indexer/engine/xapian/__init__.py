"""The second backend: the same records, query language and result types over Xapian databases.

For users who outgrow one machine: the index is split into N shard databases (``build.py``), each
served by ``xapian-tcpsrv`` (``scripts/cluster``), and searched as one database with merged BM25
ranking and merged facet counts (``search.py``, ``cluster.py``). Xapian is GPL-2+ and optional:
``pip install nianbao[xapian]``; whoosh stays the default backend. See docs/xapian.md.
"""
