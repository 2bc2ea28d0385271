/*
 * fuzz_main.c - libFuzzer entry point; the target is chosen at compile
 * time (-DFUZZ_TARGET=bs_fuzz_scenario ...). See tests/fuzztargets.h and
 * docs/robustness.md.
 */
#include "fuzztargets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return FUZZ_TARGET(data, size);
}
