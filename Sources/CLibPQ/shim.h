#ifndef TERMIN_CLIBPQ_SHIM_H
#define TERMIN_CLIBPQ_SHIM_H
// Debian's libpq-dev puts the header under /usr/include/postgresql; naming the folder here avoids needing pkg-config.
#include <postgresql/libpq-fe.h>
#endif
