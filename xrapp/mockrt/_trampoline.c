/* The mock runtime's entry point for the OpenXR loader.
 *
 * The loader dlopen()s the file named in the runtime manifest and calls xrNegotiateLoaderRuntimeInterface. This
 * module is already loaded by Python, so the loader gets the same copy and the call is forwarded to a ctypes
 * callback that xrapp.mockrt registered with set_negotiate(). Everything else happens in Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#define XR_ERROR_RUNTIME_FAILURE (-2)

typedef int32_t (*negotiate_fn)(const void *loader_info, void *runtime_request);

static negotiate_fn negotiate = NULL;

PyMODINIT_FUNC PyInit__trampoline(void);

__attribute__((visibility("default"))) int32_t xrNegotiateLoaderRuntimeInterface(const void *loader_info,
                                                                                   void *runtime_request) {
    return negotiate ? negotiate(loader_info, runtime_request) : XR_ERROR_RUNTIME_FAILURE;
}

static PyObject *set_negotiate(PyObject *self, PyObject *address) {
    void *fn = PyLong_AsVoidPtr(address);
    if (PyErr_Occurred()) return NULL;
    negotiate = (negotiate_fn)fn;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"set_negotiate", set_negotiate, METH_O, "Set the address of the Python negotiate callback (0 to clear)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_trampoline", NULL, -1, methods};

PyMODINIT_FUNC PyInit__trampoline(void) { return PyModule_Create(&module); }
