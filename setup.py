"""Build the one compiled module, graph._brandes (plain C, no numpy headers); pyproject.toml holds
everything else."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "graph._brandes",
            sources=["graph/_brandes.c"],
            extra_compile_args=["-O3"],
        )
    ]
)
