/* openssl_version(): the OpenSSL library this process loaded; tls_context_ok(): libssl makes a client context. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>

static PyObject *openssl_version(PyObject *self, PyObject *args)
{
    (void)self;
    (void)args;
    return PyUnicode_FromString(OpenSSL_version(OPENSSL_VERSION));
}

static PyObject *tls_context_ok(PyObject *self, PyObject *args)
{
    (void)self;
    (void)args;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL)
        Py_RETURN_FALSE;
    SSL_CTX_free(ctx);
    Py_RETURN_TRUE;
}

static PyMethodDef methods[] = {
    {"openssl_version", openssl_version, METH_NOARGS, "The OpenSSL version string, e.g. \"OpenSSL 3.5.1 1 Jul 2025\"."},
    {"tls_context_ok", tls_context_ok, METH_NOARGS, "Whether libssl makes a TLS client context."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_tlsver", NULL, -1, methods};

PyMODINIT_FUNC PyInit__tlsver(void)
{
    return PyModule_Create(&module);
}
