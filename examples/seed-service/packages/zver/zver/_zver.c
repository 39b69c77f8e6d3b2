/* zlib_version(): the version of the zlib shared library this process loaded. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <zlib.h>

static PyObject *zver_zlib_version(PyObject *self, PyObject *args)
{
    (void)self;
    (void)args;
    return PyUnicode_FromString(zlibVersion());
}

static PyMethodDef methods[] = {
    {"zlib_version", zver_zlib_version, METH_NOARGS, "The zlib version, e.g. \"1.3.1\"."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_zver", NULL, -1, methods};

PyMODINIT_FUNC PyInit__zver(void)
{
    return PyModule_Create(&module);
}
