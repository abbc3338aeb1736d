// Debian's libsqlite3-dev, plus the pieces of sqlite3.h that Swift cannot import.
#ifndef CSQLITE_H
#define CSQLITE_H

#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro that casts -1 to a function pointer, which Swift cannot import.
// Binding with it makes SQLite copy the bytes before the call returns, so Swift buffers only
// need to live for the duration of the bind call.
static inline sqlite3_destructor_type csqlite_transient_destructor(void) {
    return SQLITE_TRANSIENT;
}

#endif
