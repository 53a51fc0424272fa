"""The compiled kernels; everything else about the package is in pyproject.toml.

The extension is optional: without a C compiler the install still succeeds
and ``explorer.engine.format.kernels`` serves the pure-Python modules.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "explorer.engine.format._kernels",
            sources=["explorer/engine/format/_kernels.c", "explorer/engine/format/_bdiff.c",
                     "explorer/engine/format/_hgdiff.c", "explorer/engine/format/_walks.c"],
            optional=True,
        )
    ]
)
