/* libpq_version(): the version of the libpq shared library this process loaded. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <libpq-fe.h>

static PyObject *libpq_version(PyObject *self, PyObject *args)
{
    (void)self;
    (void)args;
    return PyLong_FromLong((long)PQlibVersion());
}

static PyMethodDef methods[] = {
    {"libpq_version", libpq_version, METH_NOARGS, "The libpq version as an integer, e.g. 170005."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pgver", NULL, -1, methods};

PyMODINIT_FUNC PyInit__pgver(void)
{
    return PyModule_Create(&module);
}
