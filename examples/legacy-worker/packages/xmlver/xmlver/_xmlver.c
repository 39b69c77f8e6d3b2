/* libxml2_version(): the version of the libxml2 shared library this process loaded. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <libxml/parser.h>

static PyObject *xmlver_libxml2_version(PyObject *self, PyObject *args)
{
    (void)self;
    (void)args;
    return PyUnicode_FromString(xmlParserVersion);
}

static PyMethodDef methods[] = {
    {"libxml2_version", xmlver_libxml2_version, METH_NOARGS, "The libxml2 version, e.g. \"21207\"."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_xmlver", NULL, -1, methods};

PyMODINIT_FUNC PyInit__xmlver(void)
{
    return PyModule_Create(&module);
}
