"""Synthetic corpus generator for nianbao: ground truth, narrative, renderers.

Independent of the indexer on purpose, so that it can test the indexer honestly.
Modules:
- ``places``: the gazetteer (loaded once) and the issuing bodies (names, context needs);
- ``truth``: the template's rows and columns and random numbers obeying every identity;
- ``tablemodel``: the template's tables as rows of spanned cells, and their flat grids;
- ``narrative``: phrase banks, titles, headings and the prose of the six parts;
- ``render``: the layouts (text, HTML, markdown, one-line web text);
- ``corpus``: one report end to end (rng → body → truth → document → bytes + gold).
"""
