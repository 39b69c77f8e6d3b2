from setuptools import Extension, setup

setup(ext_modules=[Extension("zver._zver", sources=["zver/_zver.c"], libraries=["z"])])
