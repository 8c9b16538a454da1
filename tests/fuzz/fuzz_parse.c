/* libFuzzer target for the front end: each input is a profile text
 * compiled as stdin would be (preprocess, parse, checks), then the IR is
 * dumped and every diagnostic formatted both ways, so scanner, grammar,
 * checks, dump and diag.c all see fuzzed data. Built by tests/fuzz/run.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cu.h"
#include "diag.h"
#include "fe.h"
#include "feat.h"
#include "ir.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct diag_config fuzz_diag = {
	.warn_enabled = WARN_ALL,
	.format = DIAG_FORMAT_UPSTREAM,
};
static const char *fuzz_dirs[1];
static struct cu_opts fuzz_opts;
static struct arena *fuzz_arena;
static FILE *fuzz_null;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *feat = getenv("FUZZ_FEATURES");
	const char *inc = getenv("FUZZ_INCLUDE");
	struct features *f = NULL;
	const char *err = NULL;

	(void)argc;
	(void)argv;
	fuzz_arena = arena_create();
	fuzz_null = fopen("/dev/null", "w");
	if (feat && feat_load(fuzz_arena, feat, &f, &err) == 0) {
		fuzz_opts.kernel_features = f;
		fuzz_opts.policy_features = f;
	}
	if (inc) {
		fuzz_dirs[0] = inc;
		fuzz_opts.include_dirs = fuzz_dirs;
		fuzz_opts.ninclude_dirs = 1;
	}
	fuzz_opts.base_dir = "/nonexistent";
	fuzz_opts.diag = &fuzz_diag;
	return 0;
}

static void fuzz_format_all(struct cu *cu)
{
	for (size_t i = 0; i < cu->diag.n; i++) {
		fuzz_diag.format = DIAG_FORMAT_GCC;
		fputs(diag_format_msg(cu, &cu->diag.msgs[i]), fuzz_null);
		fuzz_diag.format = DIAG_FORMAT_UPSTREAM;
		fputs(diag_format_msg(cu, &cu->diag.msgs[i]), fuzz_null);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_policy *pol = NULL;
	struct cu *cu;

	fuzz_opts.strict = size && (data[0] & 1);
	cu = cu_create(&fuzz_opts, NULL);
	if (fe_parse_buffer(cu, "stdin", (const char *)data, size, &pol) == 0 &&
	    pol)
		ir_dump(pol, fuzz_null);
	fuzz_format_all(cu);
	cu_destroy(cu);

	cu = cu_create(&fuzz_opts, NULL);
	fe_preprocess(cu, NULL, (const char *)data, size, fuzz_null);
	fuzz_format_all(cu);
	cu_destroy(cu);
	return 0;
}
