"""The pure-Python kernels: what serves when the compiled ones are not built or not wanted.

``explorer.engine.format.kernels`` picks between these and the C extension
``explorer.engine.format._kernels`` once, at import; the facades
(``format.mpatch``, ``format.bdiff``, ``format.hgdiff``) export the chosen functions. These modules
are the reference: the compiled ones must give the same results and errors.
"""
