/*
 * common.h - the base layer in one include: errors (error.h), strings and
 * checked sizes (str.h), safe input files (file.h), large arrays (mem.h)
 * and test hooks (testpoint.h). Every module above base/ includes this or
 * the parts it needs.
 */
#ifndef BS_BASE_COMMON_H
#define BS_BASE_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bssim.h"
#include "base/error.h"
#include "base/file.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/testpoint.h"

/* What the event loop needs of the compiler's inlining (GCC and Clang;
 * elsewhere a plain inline and nothing): BS_HOT forces a hot function
 * inline, BS_NOINLINE keeps a rarely taken one out of a hot caller so
 * that the caller stays small enough to be inlined itself
 * (docs/performance.md, issue 17). */
#if defined(__GNUC__)
#define BS_HOT __attribute__((always_inline)) inline
#define BS_NOINLINE __attribute__((noinline))
#else
#define BS_HOT inline
#define BS_NOINLINE
#endif

#endif
