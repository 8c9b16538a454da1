/* Unit tests for the symbol table and glob expansion (language.md 1.9,
 * 4.5, 7.5): assignment operators and their errors, scopes, built-ins,
 * deferred directory assignments, single/multi-valued expansion with the
 * slash trimming, nested references, recursion and list expansion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "cu.h"
#include "diag.h"
#include "vars.h"

struct fx {
	struct diag_config dc;
	struct cu_opts opts;
	struct cu *cu;
	struct fe_symtab *st;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dc.warn_enabled = WARN_ALL;
	f->opts.diag = &f->dc;
	f->cu = cu_create(&f->opts, "t.sd");
	cu_add_file(f->cu, "t.sd", "", 0, (struct src_loc){UINT32_MAX, 0, 0});
	f->st = fe_symtab_create(f->cu);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	cu_destroy(f->cu);
	free(f);
	return 0;
}

static const struct src_loc L = {0, 1, 1};

static void set(struct fx *f, const char *name, enum fe_assign_op op,
		const char *vals, int rc)
{
	const char *v[16];
	char *copy = strdup(vals);
	size_t n = 0;

	for (char *t = strtok(copy, " "); t && n < 16; t = strtok(NULL, " "))
		v[n++] = strcmp(t, "\"\"") ? t : "";
	assert_int_equal(fe_var_assign(f->st, name, op, v, n, L), rc);
	free(copy);
}

static const char *expand(struct fx *f, const char *in, bool collapse)
{
	const char *out = NULL;

	assert_int_equal(fe_expand_glob(f->st, fe_symtab_env(f->st), in, L,
					collapse, &out),
			 0);
	return out;
}

static void expand_fails(struct fx *f, const char *in)
{
	const char *out = NULL;

	assert_int_equal(
		fe_expand_glob(f->st, fe_symtab_env(f->st), in, L, true, &out),
		-EINVAL);
}

static const char *last_msg(struct fx *f)
{
	assert_true(f->cu->diag.n > 0);
	return f->cu->diag.msgs[f->cu->diag.n - 1].text;
}

static void test_single_value_substituted_verbatim(void **state)
{
	struct fx *f = *state;

	set(f, "@{S}", FE_ASSIGN_EQ, "/srv/", 0);
	assert_string_equal(expand(f, "@{S}x", false), "/srv/x");
	assert_string_equal(expand(f, "/@{S}/x", false), "//srv//x");
}

static void test_multi_value_becomes_alternation(void **state)
{
	struct fx *f = *state;

	set(f, "@{A}", FE_ASSIGN_EQ, "/a /b", 0);
	assert_string_equal(expand(f, "@{A}.conf", false), "{/a,/b}.conf");
}

static void test_slash_before_trims_leading_slashes(void **state)
{
	struct fx *f = *state;

	set(f, "@{HOMEDIRS}", FE_ASSIGN_EQ, "/home/ /srv/home/", 0);
	assert_string_equal(expand(f, "/@{HOMEDIRS}/x", false),
			    "/{home,srv/home}/x");
	assert_string_equal(expand(f, "@{HOMEDIRS}*/", false),
			    "{/home/,/srv/home/}*/");
}

static void test_nested_references_expand_as_cross_product(void **state)
{
	struct fx *f = *state;

	set(f, "@{A}", FE_ASSIGN_EQ, "/a /b", 0);
	set(f, "@{B}", FE_ASSIGN_EQ, "@{A}/c @{A}/d", 0);
	assert_string_equal(expand(f, "@{B}", false), "{/a/c,/b/c,/a/d,/b/d}");
}

static void test_nested_values_trimmed_after_expansion(void **state)
{
	struct fx *f = *state;

	set(f, "@{A}", FE_ASSIGN_EQ, "/a/ /b/", 0);
	set(f, "@{B}", FE_ASSIGN_EQ, "@{A}c/", 0);
	assert_string_equal(expand(f, "/x/@{B}/y", true), "/x/{a/c,b/c}/y");
}

static void test_home_through_homedirs_keeps_star_before_slash(void **state)
{
	struct fx *f = *state;

	set(f, "@{HOMEDIRS}", FE_ASSIGN_EQ, "/home/", 0);
	set(f, "@{HOME}", FE_ASSIGN_EQ, "@{HOMEDIRS}/*/ /root/", 0);
	set(f, "@{STORE}", FE_ASSIGN_EQ, "@{HOME}/mail/ /var/mail/", 0);
	assert_string_equal(expand(f, "@{STORE}/", true),
			    "{/home/*/mail,/root/mail,/var/mail}/");
	assert_string_equal(expand(f, "@{HOME}/x", true), "{/home/*,/root}/x");
}

static void test_nested_cross_product_of_8112_values_expands(void **state)
{
	struct fx *f = *state;
	static const char letters[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	static const char *names[] = {"@{FOO}", "@{BAR}", "@{BAZ}"};
	const char *v[52];
	const char *out;

	for (size_t i = 0; i < 52; i++)
		v[i] = arena_strndup(f->cu->arena, letters + i, 1);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(
			fe_var_assign(f->st, names[i], FE_ASSIGN_EQ, v, 52, L),
			0);
	set(f, "@{FBB}", FE_ASSIGN_EQ,
	    "@{FOO}/@{BAR} @{BAR}/@{BAZ} @{FOO}/@{BAZ}", 0);
	out = expand(f, "/usr/share/@{FBB}", true);
	assert_int_equal(strlen(out), strlen("/usr/share/{}") + 8112 * 4 - 1);
}

static void test_expanded_duplicates_are_kept(void **state)
{
	struct fx *f = *state;

	set(f, "@{A}", FE_ASSIGN_EQ, "x y", 0);
	set(f, "@{B}", FE_ASSIGN_EQ, "@{A} x", 0);
	assert_string_equal(expand(f, "/q/@{B}", false), "/q/{x,y,x}");
}

static void test_expansion_inside_alternation(void **state)
{
	struct fx *f = *state;

	set(f, "@{A}", FE_ASSIGN_EQ, "a b", 0);
	assert_string_equal(expand(f, "/x/{@{A},c}", false), "/x/{{a,b},c}");
}

static void test_empty_value_then_slash_filter(void **state)
{
	struct fx *f = *state;

	set(f, "@{E}", FE_ASSIGN_EQ, "\"\"", 0);
	assert_string_equal(expand(f, "/n/@{E}/o", true), "/n/o");
}

static void test_slash_filter_keeps_two_leading(void **state)
{
	struct fx *f = *state;

	assert_string_equal(fe_collapse_slashes(f->st, "//host/x"), "//host/x");
	assert_string_equal(fe_collapse_slashes(f->st, "///x//y/"), "/x/y/");
}

static void test_double_slash_result_warns(void **state)
{
	struct fx *f = *state;

	set(f, "@{S}", FE_ASSIGN_EQ, "/srv/", 0);
	expand(f, "/@{S}/x", true);
	assert_false(f->cu->diag.msgs[f->cu->diag.n - 1].error);
	assert_non_null(strstr(last_msg(f), "'//'"));
}

static void test_class_expansion_warns(void **state)
{
	struct fx *f = *state;

	set(f, "@{V}", FE_ASSIGN_EQ, "a b", 0);
	assert_string_equal(expand(f, "/x[@{V}]", false), "/x[{a,b}]");
	assert_non_null(strstr(last_msg(f), "character class"));
}

static void test_escaped_and_comma_refs_are_literal(void **state)
{
	struct fx *f = *state;

	assert_string_equal(expand(f, "/a\\@{X}", false), "/a\\@{X}");
	assert_string_equal(expand(f, "/a@{b,c}", false), "/a@{b,c}");
	assert_string_equal(expand(f, "/y/@A", false), "/y/@A");
}

static void test_undeclared_reference_is_error(void **state)
{
	struct fx *f = *state;

	expand_fails(f, "/x/@{NOPE}");
	assert_string_equal(
		last_msg(f),
		"Found reference to variable NOPE, but is never declared");
}

static void test_recursion_is_error(void **state)
{
	struct fx *f = *state;

	set(f, "@{FOO}", FE_ASSIGN_EQ, "@{BAR}", 0);
	set(f, "@{BAR}", FE_ASSIGN_EQ, "@{FOO}", 0);
	expand_fails(f, "/home/@{FOO}");
	assert_non_null(strstr(last_msg(f), "referenced recursively"));
}

static void test_self_recursion_via_append_is_error(void **state)
{
	struct fx *f = *state;

	set(f, "@{FOO}", FE_ASSIGN_EQ, "foo bar", 0);
	set(f, "@{BAR}", FE_ASSIGN_EQ, "@{FOO}", 0);
	set(f, "@{FOO}", FE_ASSIGN_ADD, "@{BAR}", 0);
	expand_fails(f, "/@{FOO}");
}

static void test_redeclaration_is_error(void **state)
{
	struct fx *f = *state;

	set(f, "@{X}", FE_ASSIGN_EQ, "/a", 0);
	set(f, "@{X}", FE_ASSIGN_EQ, "/b", -EINVAL);
	assert_string_equal(last_msg(f),
			    "variable @{X} was previously declared");
}

static void test_append_to_undeclared_is_error(void **state)
{
	struct fx *f = *state;

	set(f, "@{X}", FE_ASSIGN_ADD, "/a", -EINVAL);
	assert_string_equal(
		last_msg(f),
		"variable @{X} was not previously declared, but is being assigned additional values");
}

static void test_append_adds_values(void **state)
{
	struct fx *f = *state;

	set(f, "@{X}", FE_ASSIGN_EQ, "/a", 0);
	set(f, "@{X}", FE_ASSIGN_ADD, "/b /a", 0);
	assert_string_equal(expand(f, "@{X}", false), "{/a,/b}");
}

static void test_default_and_replace_operators(void **state)
{
	struct fx *f = *state;

	set(f, "@{D}", FE_ASSIGN_DEFAULT, "/d", 0);
	set(f, "@{D}", FE_ASSIGN_DEFAULT, "/e", 0);
	assert_string_equal(expand(f, "@{D}", false), "/d");
	set(f, "@{D}", FE_ASSIGN_REPLACE, "/r", 0);
	assert_string_equal(expand(f, "@{D}", false), "/r");
}

static void test_bool_assign_and_errors(void **state)
{
	struct fx *f = *state;
	bool v = false;

	assert_int_equal(
		fe_bool_assign_word(f->st, "$B", FE_ASSIGN_EQ, "TRUE", L), 0);
	assert_int_equal(
		fe_bool_get(f->st, fe_symtab_env(f->st), "${B}", L, &v), 0);
	assert_true(v);
	assert_int_equal(
		fe_bool_assign_word(f->st, "$C", FE_ASSIGN_EQ, "yes", L),
		-EINVAL);
	assert_string_equal(
		last_msg(f),
		"Invalid boolean assignment for ($C): yes is not true or false");
	assert_int_equal(fe_bool_assign(f->st, "$B", FE_ASSIGN_ADD, true, L),
			 -EINVAL);
	assert_int_equal(fe_bool_assign(f->st, "$B", FE_ASSIGN_EQ, true, L),
			 -EINVAL);
}

static void test_set_and_bool_share_namespace(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fe_bool_assign(f->st, "$X", FE_ASSIGN_EQ, true, L), 0);
	set(f, "@{X}", FE_ASSIGN_EQ, "/a", -EINVAL);
	expand_fails(f, "/@{X}");
	assert_string_equal(
		last_msg(f),
		"Found reference to set variable X, but declared boolean");
}

static void test_unset_boolean_is_error(void **state)
{
	struct fx *f = *state;
	bool v;

	assert_int_equal(
		fe_bool_get(f->st, fe_symtab_env(f->st), "$nope", L, &v),
		-EINVAL);
	assert_string_equal(
		last_msg(f),
		"Unset boolean variable $nope used in if-expression");
}

static void test_name_must_start_with_letter(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fe_var_check_name(f->st, "@{_FOO}", L), -EINVAL);
	assert_int_equal(fe_var_check_name(f->st, "@{1a}", L), -EINVAL);
	assert_int_equal(fe_var_check_name(f->st, "@{a-b}", L), -EINVAL);
	assert_int_equal(fe_var_check_name(f->st, "@{Foo_1}", L), 0);
}

static void test_profile_name_builtin_is_escaped_and_scoped(void **state)
{
	struct fx *f = *state;

	fe_scope_enter(f->st, "a*b//c", NULL);
	assert_string_equal(expand(f, "/x/@{profile_name}", false),
			    "/x/a\\*b//c");
	expand_fails(f, "@{attach_path}");
	fe_scope_leave(f->st);
	expand_fails(f, "@{profile_name}");
}

static void test_profile_name_keeps_escapes_already_in_the_name(void **state)
{
	struct fx *f = *state;

	fe_scope_enter(f->st, "/\\{a,b\\},c?", NULL);
	assert_string_equal(expand(f, "@{profile_name}", false),
			    "/\\{a,b\\},c\\?");
	fe_scope_leave(f->st);
}

static void test_attach_and_exec_path_builtins(void **state)
{
	struct fx *f = *state;

	fe_scope_enter(f->st, "p", "/usr/bin/p");
	assert_string_equal(expand(f, "@{attach_path}", false), "/usr/bin/p");
	assert_string_equal(expand(f, "@{exec_path}", false), "/usr/bin/p");
	fe_scope_leave(f->st);
}

static void test_builtin_shadows_user_variable(void **state)
{
	struct fx *f = *state;

	set(f, "@{profile_name}", FE_ASSIGN_EQ, "/user", 0);
	fe_scope_enter(f->st, "p", NULL);
	assert_string_equal(expand(f, "@{profile_name}", false), "p");
	set(f, "@{profile_name}", FE_ASSIGN_EQ, "/x", -EINVAL);
	fe_scope_leave(f->st);
	assert_string_equal(expand(f, "@{profile_name}", false), "/user");
}

static void test_local_scope_rules(void **state)
{
	struct fx *f = *state;

	set(f, "@{G}", FE_ASSIGN_EQ, "/g", 0);
	fe_scope_enter(f->st, "p", NULL);
	set(f, "@{G}", FE_ASSIGN_EQ, "/x", -EINVAL);
	set(f, "@{G}", FE_ASSIGN_ADD, "/l", 0);
	set(f, "@{L}", FE_ASSIGN_EQ, "/local", 0);
	assert_string_equal(expand(f, "@{G}", false), "{/g,/l}");
	fe_scope_leave(f->st);
	assert_string_equal(expand(f, "@{G}", false), "/g");
	expand_fails(f, "@{L}");
}

static void test_snapshot_keeps_textual_order(void **state)
{
	struct fx *f = *state;
	const struct fe_env *before;
	const char *out;

	set(f, "@{A}", FE_ASSIGN_EQ, "/a", 0);
	before = fe_symtab_env(f->st);
	set(f, "@{A}", FE_ASSIGN_ADD, "/b", 0);
	assert_int_equal(fe_expand_glob(f->st, before, "@{A}", L, false, &out),
			 0);
	assert_string_equal(out, "/a");
}

static void test_lazy_values_resolve_at_use(void **state)
{
	struct fx *f = *state;

	set(f, "@{A}", FE_ASSIGN_EQ, "@{B}/x", 0);
	set(f, "@{B}", FE_ASSIGN_EQ, "/p", 0);
	assert_string_equal(expand(f, "@{A}", false), "/p/x");
}

static void test_directory_defers_append(void **state)
{
	struct fx *f = *state;

	fe_symtab_dir_begin(f->st);
	set(f, "@{HOMEDIRS}", FE_ASSIGN_ADD, "/srv/home/", 0);
	set(f, "@{HOMEDIRS}", FE_ASSIGN_EQ, "/home/", 0);
	assert_int_equal(fe_symtab_dir_end(f->st), 0);
	assert_string_equal(expand(f, "@{HOMEDIRS}", false),
			    "{/home/,/srv/home/}");
}

static void test_directory_deferred_append_still_undeclared(void **state)
{
	struct fx *f = *state;

	fe_symtab_dir_begin(f->st);
	set(f, "@{NOPE}", FE_ASSIGN_ADD, "/x", 0);
	assert_int_equal(fe_symtab_dir_end(f->st), -EINVAL);
	assert_non_null(strstr(last_msg(f), "not previously declared"));
}

static void test_expand_list_cross_product(void **state)
{
	struct fx *f = *state;
	struct fe_strlist l;

	set(f, "@{A}", FE_ASSIGN_EQ, "a b", 0);
	set(f, "@{B}", FE_ASSIGN_EQ, "1 2", 0);
	assert_int_equal(
		fe_expand_list(f->st, fe_symtab_env(f->st), "@{A}-@{B}", L, &l),
		0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0], "a-1");
	assert_string_equal(l.v[3], "b-2");
}

static void test_var_values_sorted_unique(void **state)
{
	struct fx *f = *state;
	struct fe_strlist l;

	set(f, "@{A}", FE_ASSIGN_EQ, "z a", 0);
	set(f, "@{B}", FE_ASSIGN_EQ, "@{A} a", 0);
	assert_int_equal(
		fe_var_values(f->st, fe_symtab_env(f->st), "@{B}", L, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "a");
	assert_string_equal(l.v[1], "z");
}

static void test_exponential_expansion_is_bounded(void **state)
{
	struct fx *f = *state;
	char name[16], val[32];

	set(f, "@{V0}", FE_ASSIGN_EQ, "a b", 0);
	for (int i = 1; i < 40; i++) {
		snprintf(name, sizeof(name), "@{V%d}", i);
		snprintf(val, sizeof(val), "@{V%d}@{V%d}", i - 1, i - 1);
		set(f, name, FE_ASSIGN_EQ, val, 0);
	}
	expand_fails(f, "/x/@{V39}");
	assert_non_null(strstr(last_msg(f), "exceeds"));
}

static void test_exponential_list_expansion_is_bounded(void **state)
{
	struct fx *f = *state;
	struct fe_strlist l;
	char name[16], val[32];

	set(f, "@{V0}", FE_ASSIGN_EQ, "a", 0);
	for (int i = 1; i < 40; i++) {
		snprintf(name, sizeof(name), "@{V%d}", i);
		snprintf(val, sizeof(val), "@{V%d} @{V%d}x", i - 1, i - 1);
		set(f, name, FE_ASSIGN_EQ, val, 0);
	}
	assert_int_equal(
		fe_expand_list(f->st, fe_symtab_env(f->st), "@{V39}", L, &l),
		-EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
		T(test_single_value_substituted_verbatim),
		T(test_multi_value_becomes_alternation),
		T(test_slash_before_trims_leading_slashes),
		T(test_nested_references_expand_as_cross_product),
		T(test_nested_values_trimmed_after_expansion),
		T(test_home_through_homedirs_keeps_star_before_slash),
		T(test_nested_cross_product_of_8112_values_expands),
		T(test_expanded_duplicates_are_kept),
		T(test_expansion_inside_alternation),
		T(test_empty_value_then_slash_filter),
		T(test_slash_filter_keeps_two_leading),
		T(test_double_slash_result_warns),
		T(test_class_expansion_warns),
		T(test_escaped_and_comma_refs_are_literal),
		T(test_undeclared_reference_is_error),
		T(test_recursion_is_error),
		T(test_self_recursion_via_append_is_error),
		T(test_redeclaration_is_error),
		T(test_append_to_undeclared_is_error),
		T(test_append_adds_values),
		T(test_default_and_replace_operators),
		T(test_bool_assign_and_errors),
		T(test_set_and_bool_share_namespace),
		T(test_unset_boolean_is_error),
		T(test_name_must_start_with_letter),
		T(test_profile_name_builtin_is_escaped_and_scoped),
		T(test_profile_name_keeps_escapes_already_in_the_name),
		T(test_attach_and_exec_path_builtins),
		T(test_builtin_shadows_user_variable),
		T(test_local_scope_rules),
		T(test_snapshot_keeps_textual_order),
		T(test_lazy_values_resolve_at_use),
		T(test_directory_defers_append),
		T(test_directory_deferred_append_still_undeclared),
		T(test_expand_list_cross_product),
		T(test_var_values_sorted_unique),
		T(test_exponential_expansion_is_bounded),
		T(test_exponential_list_expansion_is_bounded),
#undef T
	};

	return cmocka_run_group_tests_name("vars", tests, NULL, NULL);
}
