#ifndef TOUCHLOG_CLMDB_SHIM_H
#define TOUCHLOG_CLMDB_SHIM_H
#include <lmdb.h>
#endif
