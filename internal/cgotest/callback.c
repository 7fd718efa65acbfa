#include "_cgo_export.h"

// callBack calls back into Go from C, with a C frame below the callback.
int callBack(int id) { return goCallback(id) + 0 * id; }
