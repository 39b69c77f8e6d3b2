from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "tlsver._tlsver",
            sources=["tlsver/_tlsver.c"],
            libraries=["ssl", "crypto"],
        )
    ]
)
