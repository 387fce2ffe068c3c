#ifndef TERMIN_CLIBPQ_SHIM_H
#define TERMIN_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
