/*
 * testutil.h - the shared test helpers (testbase.h) with the library's
 * internal headers, for the suites that test internals.
 */
#ifndef BSSIM_TESTUTIL_H
#define BSSIM_TESTUTIL_H

#include "testbase.h"

#include "input/scenario.h"
#include "calib/world.h"

#endif
