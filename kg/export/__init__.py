"""Exports of a kg graph for people: the interactive HTML network (``kg.export.html``)."""
