/* Unit tests for the scanner (parser/lexer.l): token kinds with upstream's
 * names, values after escape processing, locations, start conditions and
 * the lexer's error messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "fe.h"
#include "helper_fe.h"
#include "../../parser/fe_int.h"

struct tok {
	const char *name;
	const char *text;
	struct fe_yyltype loc;
};

/* Scan @text completely; return the number of tokens (at most @max). */
static size_t lex_all(struct fet *t, const char *text, struct tok *out,
		      size_t max)
{
	uint32_t f = cu_add_file(t->cu, "stdin", text, strlen(text),
				 (struct src_loc){UINT32_MAX, 0, 0});
	struct fe_parser *p = fe_parser_new(t->cu, f, NULL);
	size_t n = 0;

	assert_non_null(p);
	for (;;) {
		struct fe_yyltype loc;
		const char *s = NULL;
		int tok = fe_lex_next(p, &loc, &s);

		if (tok == 0 || n == max)
			break;
		out[n].name = fe_lex_token_name(tok);
		out[n].text = s;
		out[n].loc = loc;
		n++;
		if (strcmp(out[n - 1].name, "error") == 0)
			break;
	}
	fe_parser_free(p);
	return n;
}

static int setup(void **state)
{
	*state = fet_new(false);
	return 0;
}

static int teardown(void **state)
{
	fet_free(*state);
	return 0;
}

static void expect_names(const struct tok *toks, size_t n,
			 const char *const *names)
{
	size_t i;

	for (i = 0; names[i]; i++) {
		assert_true(i < n);
		assert_string_equal(toks[i].name, names[i]);
	}
	assert_int_equal(i, n);
}

static void test_file_rule_tokens_and_locations(void **state)
{
	struct tok t[16];
	size_t n =
		lex_all(*state, "/usr/bin/foo {\n  /bin/ls rix,\n}\n", t, 16);
	static const char *const names[] = {
		"TOK_ID",	   "TOK_OPEN",	"TOK_ID", "TOK_MODE",
		"TOK_END_OF_RULE", "TOK_CLOSE", NULL};

	expect_names(t, n, names);
	assert_string_equal(t[0].text, "/usr/bin/foo");
	assert_string_equal(t[2].text, "/bin/ls");
	assert_string_equal(t[3].text, "rix");
	assert_int_equal(t[2].loc.first.line, 2);
	assert_int_equal(t[2].loc.first.col, 3);
	assert_int_equal(t[3].loc.first.col, 11);
	assert_int_equal(t[5].loc.first.line, 3);
	assert_int_equal(t[5].loc.first.col, 1);
}

static void test_mode_word_wins_over_identifier(void **state)
{
	struct tok t[8];
	size_t n = lex_all(*state, "rw /tmp/x, mix /y,", t, 8);
	static const char *const names[] = {
		"TOK_MODE", "TOK_ID", "TOK_END_OF_RULE",
		"TOK_MODE", "TOK_ID", "TOK_END_OF_RULE",
		NULL};

	expect_names(t, n, names);
}

static void test_comma_followed_by_word_char_stays_in_word(void **state)
{
	struct tok t[8];
	size_t n = lex_all(*state, "/etc/{passwd,group} r,/a r,", t, 8);
	static const char *const names[] = {
		"TOK_ID", "TOK_MODE", "TOK_END_OF_RULE",
		"TOK_ID", "TOK_MODE", "TOK_END_OF_RULE",
		NULL};

	expect_names(t, n, names);
	assert_string_equal(t[0].text, "/etc/{passwd,group}");
}

static void test_keyword_enters_network_state(void **state)
{
	struct tok t[8];
	size_t n = lex_all(*state, "network (create, bind) inet stream,", t, 8);
	static const char *const names[] = {
		"TOK_NETWORK", "TOK_OPENPAREN",	  "TOK_VALUE",
		"TOK_VALUE",   "TOK_CLOSEPAREN",  "TOK_ID",
		"TOK_ID",      "TOK_END_OF_RULE", NULL};

	expect_names(t, n, names);
	assert_string_equal(t[3].text, "bind");
}

static void test_condition_tokens(void **state)
{
	struct tok t[12];
	size_t n = lex_all(
		*state, "mount fstype=tmpfs options in (ro, nosuid) -> /mnt/,",
		t, 12);
	static const char *const names[] = {
		"TOK_MOUNT",  "TOK_CONDID",	"TOK_EQUALS",	 "TOK_VALUE",
		"TOK_CONDID", "TOK_IN",		"TOK_OPENPAREN", "TOK_VALUE",
		"TOK_VALUE",  "TOK_CLOSEPAREN", "TOK_ARROW",	 "TOK_ID",
		NULL};

	expect_names(t, n, names);
	assert_string_equal(t[1].text, "fstype");
	assert_string_equal(t[3].text, "tmpfs");
}

static void test_assignment_ends_at_newline(void **state)
{
	struct tok t[12];
	size_t n = lex_all(*state, "@{X} = /a \"/b c\" \\\n /d\n/p {", t, 12);
	static const char *const names[] = {
		"TOK_SET_VAR", "TOK_EQUALS", "TOK_VALUE", "TOK_VALUE",
		"TOK_VALUE",   "TOK_ID",     "TOK_OPEN",  NULL};

	expect_names(t, n, names);
	assert_string_equal(t[3].text, "/b c");
	assert_int_equal(t[5].loc.first.line, 3);
}

static void test_assignment_trailing_comma_is_an_error(void **state)
{
	struct fet *f = *state;
	struct tok t[8];

	lex_all(f, "@{X} = /a,\n", t, 8);
	assert_string_equal(
		fet_error(f),
		"Variable declarations do not accept trailing commas");
}

static void test_comments_and_crlf(void **state)
{
	struct tok t[8];
	size_t n = lex_all(*state, "# hello\r\n/x r, # tail\r\n/a#b w,", t, 8);
	static const char *const names[] = {
		"TOK_ID", "TOK_MODE", "TOK_END_OF_RULE",
		"TOK_ID", "TOK_MODE", "TOK_END_OF_RULE",
		NULL};

	expect_names(t, n, names);
	assert_string_equal(t[3].text, "/a#b");
	assert_int_equal(t[3].loc.first.line, 3);
}

static void test_unexpected_character_message(void **state)
{
	struct fet *f = *state;
	struct tok t[8];
	size_t n = lex_all(f, "/p {\n  ! r,\n}", t, 8);

	assert_string_equal(t[n - 1].name, "error");
	assert_string_equal(
		fet_error(f),
		"Lexer found unexpected character: '!' (0x21) in state: INITIAL");
	assert_int_equal(fet_error_loc(f).line, 2);
	assert_int_equal(fet_error_loc(f).col, 3);
}

static void test_nul_byte_is_an_error(void **state)
{
	struct fet *f = *state;
	static const char text[] = "/p {\n /a\0 r,\n}";
	uint32_t idx = cu_add_file(f->cu, "stdin", text, sizeof(text) - 1,
				   (struct src_loc){UINT32_MAX, 0, 0});

	assert_null(fe_parser_new(f->cu, idx, NULL));
	assert_int_equal(fet_error_loc(f).line, 2);
}

static void test_subtraction_is_one_token(void **state)
{
	struct fet *f = *state;
	struct tok t[8];
	size_t n = lex_all(f, "/** - /sys/** -\n  \"/a b\" wk,", t, 8);
	static const char *const names[] = {"TOK_ID", "TOK_MODE",
					    "TOK_END_OF_RULE", NULL};

	expect_names(t, n, names);
	assert_string_equal(t[0].text, "/**");
}

static void test_hyphen_inside_word_is_literal(void **state)
{
	struct tok t[8];
	size_t n = lex_all(*state, "/usr/lib/x86_64-linux-gnu/** r,", t, 8);
	static const char *const names[] = {"TOK_ID", "TOK_MODE",
					    "TOK_END_OF_RULE", NULL};

	expect_names(t, n, names);
	assert_string_equal(t[0].text, "/usr/lib/x86_64-linux-gnu/**");
}

static void test_profile_keyword_takes_any_name(void **state)
{
	struct tok t[8];
	size_t n = lex_all(*state, "profile mount {", t, 8);
	static const char *const names[] = {"TOK_PROFILE", "TOK_ID", "TOK_OPEN",
					    NULL};

	expect_names(t, n, names);
	assert_string_equal(t[1].text, "mount");
}

static void test_if_expression_tokens(void **state)
{
	struct tok t[12];
	size_t n = lex_all(*state, "if not defined @{A} and $b or @{C} == x {",
			   t, 12);
	static const char *const names[] = {
		"TOK_IF",    "TOK_NOT",	     "TOK_DEFINED", "TOK_SET_VAR",
		"TOK_AND",   "TOK_BOOL_VAR", "TOK_OR",	    "TOK_SET_VAR",
		"TOK_EQ_OP", "TOK_ID",	     "TOK_OPEN",    NULL};

	expect_names(t, n, names);
}

static void test_escapes_in_words(void **state)
{
	struct fet *f = *state;
	struct fe_parser p = {.arena = f->cu->arena};

	assert_string_equal(fe_unescape(&p, "/a\\x41\\101\\d65", 14), "/aAAA");
	assert_string_equal(fe_unescape(&p, "\"/a b\\\"c\"", 9), "/a b\"c");
	assert_string_equal(fe_unescape(&p, "/a\\*\\{\\,", 8), "/a\\*\\{\\,");
	assert_string_equal(fe_unescape(&p, "@a\\000b", 7), "@a\\000b");
	assert_string_equal(fe_unescape(&p, "/x\\q\\\\", 6), "/x\\q\\\\");
	assert_string_equal(fe_unescape(&p, "/x\\x2ay\\052", 11), "/x\\*y\\*");
	assert_string_equal(fe_unescape(&p, "/o\\777", 6), "/o\\?7");
}

static void test_priority_and_flags_states(void **state)
{
	struct tok t[12];
	size_t n = lex_all(*state,
			   "priority=-5 /x r, /p flags=(complain, audit) {", t,
			   12);
	static const char *const names[] = {"TOK_PRIORITY",
					    "TOK_EQUALS",
					    "TOK_VALUE",
					    "TOK_ID",
					    "TOK_MODE",
					    "TOK_END_OF_RULE",
					    "TOK_ID",
					    "TOK_FLAGS",
					    "TOK_EQUALS",
					    "TOK_OPENPAREN",
					    "TOK_VALUE",
					    "TOK_VALUE",
					    NULL};

	expect_names(t, n, names);
	assert_string_equal(t[2].text, "-5");
}

static void test_pound_include_on_last_line(void **state)
{
	struct fet *f = *state;
	struct tok t[8];

	lex_all(f, "/p {\n}\n#include <does-not-exist>", t, 8);
	assert_string_equal(fet_error(f), "Could not open 'does-not-exist'");
	assert_int_equal(fet_error_loc(f).line, 3);
}

static void test_comment_on_last_line(void **state)
{
	struct tok t[8];
	size_t n = lex_all(*state, "/p {\n}\n# the end", t, 8);
	static const char *const names[] = {"TOK_ID", "TOK_OPEN", "TOK_CLOSE",
					    NULL};

	expect_names(t, n, names);
}

static void test_comment_lines_keep_line_numbers(void **state)
{
	struct fet *f = *state;
	struct tok t[8];
	size_t n = lex_all(f, "#\n#x\r\n# include <nope>\n  #\n/p { # c\n}\n#",
			   t, 8);
	static const char *const names[] = {"TOK_ID", "TOK_OPEN", "TOK_CLOSE",
					    NULL};

	expect_names(t, n, names);
	assert_string_equal(fet_error(f), "");
	assert_int_equal(t[0].loc.first.line, 5);
	assert_int_equal(t[2].loc.first.line, 6);
	assert_int_equal(t[2].loc.first.col, 1);
}

static void test_pound_include_resumes_after_its_line(void **state)
{
	struct fet *f = *state;
	struct tok t[8];
	size_t n = lex_all(f, "#include if exists <nope>\n#include <nope>\n",
			   t, 8);

	assert_int_equal(n, 1);
	assert_string_equal(t[0].name, "error");
	assert_string_equal(fet_error(f), "Could not open 'nope'");
	assert_int_equal(fet_error_loc(f).line, 2);
	assert_int_equal(fet_error_loc(f).col, 1);
}

static void test_condition_name_ends_before_equals(void **state)
{
	struct tok t[8];
	size_t n = lex_all(*state, "dbus bus \t= session,", t, 8);
	static const char *const names[] = {"TOK_DBUS", "TOK_CONDID",
					    "TOK_EQUALS", "TOK_VALUE",
					    "TOK_END_OF_RULE", NULL};

	expect_names(t, n, names);
	assert_string_equal(t[1].text, "bus");
	assert_int_equal(t[1].loc.first.col, 6);
	assert_int_equal(t[1].loc.last.col, 8);
	assert_int_equal(t[2].loc.first.col, 11);
	assert_int_equal(t[3].loc.first.col, 13);
}

static void test_condition_list_name_ends_before_equals(void **state)
{
	struct tok t[12];
	size_t n = lex_all(*state, "unix peer = (label=/x),", t, 12);
	static const char *const names[] = {
		"TOK_UNIX",	 "TOK_CONDLISTID", "TOK_EQUALS",
		"TOK_OPENPAREN", "TOK_CONDID",	   "TOK_EQUALS",
		"TOK_VALUE",	 "TOK_CLOSEPAREN", "TOK_END_OF_RULE",
		NULL};

	expect_names(t, n, names);
	assert_string_equal(t[1].text, "peer");
	assert_int_equal(t[1].loc.last.col, 9);
	assert_int_equal(t[2].loc.first.col, 11);
}

static void test_variable_name_ends_before_operator(void **state)
{
	struct tok t[12];
	size_t n = lex_all(*state, "@{X}  += /a\n$B ?= true\n@Y=/b\n", t,
			   12);
	static const char *const names[] = {
		"TOK_SET_VAR", "TOK_ADD_ASSIGN",  "TOK_VALUE",
		"TOK_BOOL_VAR", "TOK_COND_ASSIGN", "TOK_ID",
		"TOK_SET_VAR", "TOK_EQUALS",	  "TOK_VALUE",
		NULL};

	expect_names(t, n, names);
	assert_int_equal(t[0].loc.last.col, 4);
	assert_int_equal(t[1].loc.first.col, 7);
	assert_string_equal(t[3].text, "$B");
	assert_int_equal(t[4].loc.first.line, 2);
	assert_int_equal(t[4].loc.first.col, 4);
	assert_int_equal(t[6].loc.last.col, 2);
	assert_int_equal(t[7].loc.first.col, 3);
}

static void test_pound_include_if_exists_line(void **state)
{
	struct fet *f = *state;
	struct tok t[8];
	size_t n = lex_all(f, "#include  if exists\t<no-such-file>\n/p {", t,
			   8);
	static const char *const names[] = {"TOK_ID", "TOK_OPEN", NULL};

	expect_names(t, n, names);
	assert_string_equal(fet_error(f), "");
	assert_int_equal(t[0].loc.first.line, 2);
	assert_int_equal(t[0].loc.first.col, 1);
}

/* -p output when the parse stops right after a name read before '=':
 * the name is echoed, the '=' it was matched with is not.
 */
static void test_preprocess_echo_stops_at_condition_name(void **state)
{
	struct fet *f = *state;
	static const char text[] = "/p flogs=(x) {\n}\n";
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_not_equal(
		fe_preprocess(f->cu, NULL, text, strlen(text), out), 0);
	fclose(out);
	assert_string_equal(buf, "/p flogs");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_file_rule_tokens_and_locations, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_mode_word_wins_over_identifier, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_comma_followed_by_word_char_stays_in_word, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_keyword_enters_network_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_condition_tokens, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_assignment_ends_at_newline,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_assignment_trailing_comma_is_an_error, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_comments_and_crlf, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_unexpected_character_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_byte_is_an_error,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_subtraction_is_one_token,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_hyphen_inside_word_is_literal, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_profile_keyword_takes_any_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_if_expression_tokens,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_escapes_in_words, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_priority_and_flags_states,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pound_include_on_last_line,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_comment_on_last_line,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_comment_lines_keep_line_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_pound_include_resumes_after_its_line, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_condition_name_ends_before_equals, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_condition_list_name_ends_before_equals, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_variable_name_ends_before_operator, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_pound_include_if_exists_line, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_preprocess_echo_stops_at_condition_name, setup,
			teardown),
	};

	return cmocka_run_group_tests_name("lexer", tests, NULL, NULL);
}
