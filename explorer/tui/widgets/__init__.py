"""The explorer's panes and dialogs, one module each, with the tables and line views
they are built on (``table``, ``lines``, ``styles``) and their background loading
(``loader``)."""
