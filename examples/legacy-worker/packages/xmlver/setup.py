from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "xmlver._xmlver",
            sources=["xmlver/_xmlver.c"],
            # Debian and Alpine both put the libxml2 headers under /usr/include/libxml2.
            include_dirs=["/usr/include/libxml2"],
            libraries=["xml2"],
        )
    ]
)
