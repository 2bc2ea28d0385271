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

#endif
