from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "pgver._pgver",
            sources=["pgver/_pgver.c"],
            # Debian and Alpine both put libpq-fe.h under /usr/include/postgresql.
            include_dirs=["/usr/include/postgresql"],
            libraries=["pq"],
        )
    ]
)
