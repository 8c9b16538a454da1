/* -D variables and -D expanded-variables: the symbol table printed as
 * 3.0.8 prints it (outputs below were taken from apparmor_parser 3.0.8).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fe.h"
#include "helper_fe.h"

static const char text[] = "@{A}=/b /a\n"
			   "@{B}=@{A}/x\n"
			   "@{C}=@{B} /y\n"
			   "@{A}+=/c\n"
			   "$v=true\n"
			   "profile x {\n /a r,\n}\n";

static char *dump(bool expanded)
{
	struct fet *t = fet_new(false);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fet_parse(t, text), 0);
	assert_int_equal(fe_dump_variables(t->cu, t->pol, expanded, f), 0);
	fclose(f);
	fet_free(t);
	return buf;
}

static void test_raw_values_newest_first_sets_before_booleans(void **state)
{
	char *s = dump(false);

	(void)state;
	assert_string_equal(s, "@A = \"/c\" \"/a\" \"/b\"\n"
			       "@B = \"@{A}/x\"\n"
			       "@C = \"/y\" \"@{B}\"\n"
			       "$v = true\n");
	free(s);
}

static void test_expanded_values_in_expansion_order(void **state)
{
	char *s = dump(true);

	(void)state;
	assert_string_equal(s, "@A = \"/b\" \"/a\" \"/c\"\n"
			       "@B = \"/b/x\" \"/a/x\" \"/c/x\"\n"
			       "@C = \"/b/x\" \"/a/x\" \"/c/x\" \"/y\"\n"
			       "$v = true\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_raw_values_newest_first_sets_before_booleans),
		cmocka_unit_test(test_expanded_values_in_expansion_order),
	};

	return cmocka_run_group_tests_name("dump_vars", tests, NULL, NULL);
}
