/* Private interfaces of the front end's core: the parser state shared by
 * the grammar (grammar.y), the scanner (lexer.l), the IR constructors
 * (build.c), include resolution (include.c) and the driver (fe.c).
 * Nothing outside parser/ includes this header.
 */
#ifndef PARSER_FE_INT_H
#define PARSER_FE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cond.h"
#include "diag.h"
#include "ir.h"

struct cu;
struct fe_symtab;

/* The location of a token or of a grammar symbol: first and last
 * character (file index, line, column; both inclusive).
 */
struct fe_yyltype {
	struct src_loc first;
	struct src_loc last;
	bool empty; /* an empty grammar symbol: first == last == the end of
		       the symbol before it */
};

/* A growable list of strings built by the grammar (arena backed). */
struct fe_vlist {
	const char **v;
	size_t n, cap;
	struct src_loc loc; /* first value */
};

/* Rule qualifiers as written before a rule or a block, plus the rule
 * conditionals of language.md 7.2.
 */
struct fe_prefix {
	struct ir_quals q;
	bool any;	       /* some qualifier or conditional was written */
	bool has_mode;	       /* allow/deny/prompt written */
	bool has_owner;	       /* owner/other written */
	struct ir_cond *conds; /* fs= / label= or NULL */
	struct src_loc loc;    /* first token of the prefix */
};

/* A conditional group NAME=( conds ) (peer=, xattrs=). */
struct fe_condgroup {
	const char *name; /* NULL when absent */
	struct ir_cond *conds;
	struct src_loc loc;
};

/* A profile header: everything before the body's '{'. */
struct fe_header {
	int kind; /* 0 none, 1 'profile', 2 hat (^ or 'hat') */
	struct ir_pathexpr *name;
	struct ir_pathexpr *attach; /* NULL when absent */
	struct fe_condgroup xattrs; /* the TOK_CONDLISTID group */
	struct fe_vlist *identities;
	struct fe_vlist *flags;
	struct src_loc flags_loc;
	struct src_loc loc;    /* the name token */
	struct src_loc kw_loc; /* the keyword or the name */
};

/* The words of a network rule between the keyword and the conditions. */
struct fe_netspec {
	struct fe_vlist *access;    /* leading access list or NULL */
	struct fe_vlist *trailing;  /* trailing access list ([EXT] 7.3) */
	struct ir_pathexpr *ids[3]; /* domain, type, netlink protocol */
	size_t nids;
};

/* What holds rules while they are parsed. */
enum fe_ctr_kind {
	FE_CTR_PROFILE = 0, /* a profile, child or hat body */
	FE_CTR_BLOCK,	    /* a qualifier block */
	FE_CTR_IF,	    /* an if/else branch */
};

struct fe_incscope; /* include-once set of one scope (include.c) */
struct fe_pending;  /* a header error waiting for the body's end */

struct fe_ctr {
	enum fe_ctr_kind kind;
	bool live;   /* false inside an if branch not taken */
	bool scoped; /* fe_scope_enter() was called for it */
	struct ir_rule *rules, *rules_tail;
	struct ir_profile *children, *children_tail;
	struct ir_profile *prof; /* PROFILE: the profile being built */
	struct fe_incscope
		*saved_inc;	    /* PROFILE: the enclosing include scope */
	struct fe_pending *pending; /* PROFILE: header errors, reported at } */
	struct fe_ctr *up;
	struct src_loc loc; /* the '{' */
};

/* State of one conditional chain (if / else if / else). */
struct fe_ifframe {
	bool parent_live; /* the chain is evaluated in a live context */
	bool taken;	  /* some branch of the chain was taken */
	struct fe_ifframe *up;
};

struct fe_lexer;

/* The whole state of parsing one compilation unit. */
struct fe_parser {
	struct cu *cu;
	struct arena *arena;
	struct fe_symtab *st;
	struct ir_policy *pol;
	void *scanner; /* yyscan_t */
	struct fe_lexer *lx;
	struct fe_ctr *ctr; /* innermost container, NULL at top level */
	struct fe_ifframe *ifs;
	int pending_live;	 /* -1, or the liveness of the next block */
	bool else_if;		 /* the next if is the 'if' of an 'else if' */
	bool else_if_live;	 /* ... and its chain's parent liveness */
	bool seen_profile;	 /* a top-level profile was parsed */
	bool strict;		 /* --strict */
	FILE *pp_out;		 /* -p output, or NULL */
	struct fe_incscope *inc; /* include-once set of the current scope */
	struct fe_pending *pending; /* header errors of the profile begun */
};

/* --- fe.c ---------------------------------------------------------------- */

/**
 * fe_parser_new - set up parsing of file @file of @cu (scanner started)
 * @cu: borrowed unit
 * @file: file table index of the top file
 * @pp: -p output stream, or NULL
 *
 * Return: arena parser, or NULL after an error (recorded).
 */
struct fe_parser *fe_parser_new(struct cu *cu, uint32_t file, FILE *pp);

/**
 * fe_parser_free - release the scanner of @p
 * @p: borrowed parser, may be NULL
 */
void fe_parser_free(struct fe_parser *p);

/**
 * fe_parse_text - parse @text as a top file named @name, with or without
 * the semantic checks (tests use the parse alone)
 * @cu: borrowed unit
 * @name: borrowed file name for messages
 * @text: borrowed bytes
 * @len: byte count
 * @check: run fe_check_policy() after a clean parse
 * @out: OUT: arena policy
 *
 * Return: 0 or -EINVAL.
 */
int fe_parse_text(struct cu *cu, const char *name, const char *text, size_t len,
		  bool check, struct ir_policy **out);

/* --- grammar.y ----------------------------------------------------------- */

/**
 * fe_yyparse - parse the unit's top file (bison's entry point)
 * @p: borrowed parser, set up by fe.c with the scanner started
 *
 * Return: 0 when the text was accepted, 1 after a syntax error, 2 when
 * out of memory.
 */
int fe_yyparse(struct fe_parser *p);

/* --- lexer.l ----------------------------------------------------------- */

/**
 * fe_lex_begin - create the scanner for @p and start it on file @file
 * @p: borrowed parser
 * @file: index in the unit's file table of the top file
 *
 * Return: 0, or -EINVAL (NUL byte in the file; error recorded).
 */
int fe_lex_begin(struct fe_parser *p, uint32_t file);

/**
 * fe_lex_end - destroy the scanner of @p and every pending buffer
 * @p: borrowed parser
 */
void fe_lex_end(struct fe_parser *p);

/**
 * fe_lex_push_file - continue scanning in file @file; the current file
 * resumes at its end
 * @p: borrowed parser
 * @file: file table index
 * @dir_end: the end of this file ends a directory include (entries are
 *           pushed last to first, so the first pushed carries the flag)
 *
 * Return: 0, or -EINVAL when the file contains a NUL byte.
 */
int fe_lex_push_file(struct fe_parser *p, uint32_t file, bool dir_end);

/**
 * fe_lex_check_nul - reject a file that contains a NUL byte (language.md
 * 1.1) with upstream's lexer message at the byte's line
 * @p: borrowed parser
 * @file: file table index
 *
 * Return: 0, or -EINVAL with the error recorded.
 */
int fe_lex_check_nul(struct fe_parser *p, uint32_t file);

/**
 * fe_lex_flush - finish the directory includes whose end the scanner has
 * passed (Note [dir-end-timing] in lexer.l)
 * @p: borrowed parser
 *
 * Return: 0, or -EINVAL when a deferred addition failed (recorded).
 */
int fe_lex_flush(struct fe_parser *p);

/**
 * fe_lex_next - scan one token (for tests of the scanner)
 * @p: borrowed parser
 * @loc: OUT: its location
 * @text: OUT: its text (the value of TOK_ID/TOK_VALUE/... or NULL)
 *
 * Return: the token kind, 0 at the end of input.
 */
int fe_lex_next(struct fe_parser *p, struct fe_yyltype *loc, const char **text);

/**
 * fe_lex_token_name - the name of a token kind, for tests
 * @tok: token kind
 *
 * Return: static string.
 */
const char *fe_lex_token_name(int tok);

/* --- include.c --------------------------------------------------------- */

/**
 * fe_include - process an include directive: resolve @name, apply the
 * include-once rule of the current scope and push the file (or the
 * entries of a directory) onto the scanner
 * @p: borrowed parser
 * @name: borrowed target as written, without <> or quotes
 * @search: written <name>: look in the search path
 * @if_exists: 'include if exists'
 * @loc: the directive
 *
 * Return: 0 (also when skipped), or -EINVAL with the error recorded.
 */
int fe_include(struct fe_parser *p, const char *name, bool search,
	       bool if_exists, struct src_loc loc);

/**
 * fe_include_skip_name - whether a directory include skips an entry
 * (cli.md 4.2)
 * @name: borrowed entry name
 * @noisy: OUT: true when the skip is reported ("Ignoring: ...")
 *
 * Return: true to skip.
 */
bool fe_include_skip_name(const char *name, bool *noisy);

/**
 * fe_incscope_new - a fresh, empty include-once scope
 * @p: borrowed parser
 *
 * Return: arena scope.
 */
struct fe_incscope *fe_incscope_new(struct fe_parser *p);

/**
 * fe_include_dir_done - a directory include has been scanned to its end
 * (language.md 7.5.3: apply deferred additions)
 * @p: borrowed parser
 *
 * Return: 0 or -EINVAL.
 */
int fe_include_dir_done(struct fe_parser *p);

/**
 * fe_unescape - process the escapes of language.md 1.7 in a word and
 * strip surrounding quotes
 * @p: borrowed parser (arena)
 * @s: borrowed text as scanned
 * @n: its length
 *
 * Return: arena string.
 */
const char *fe_unescape(struct fe_parser *p, const char *s, size_t n);

/* --- build.c ----------------------------------------------------------- */

struct fe_vlist *fe_build_vlist(struct fe_parser *p, struct fe_vlist *l,
				const char *s, struct src_loc loc);
struct fe_vlist *fe_build_vlist_cat(struct fe_parser *p, struct fe_vlist *a,
				    struct fe_vlist *b);
struct fe_cond *fe_build_compare(struct fe_parser *p, enum fe_cond_cmp cmp,
				 const struct fe_cond_operand *a,
				 const struct fe_cond_operand *b,
				 struct src_loc loc);
struct fe_cond *fe_build_cond_word(struct fe_parser *p,
				   const struct fe_cond_operand *a,
				   struct src_loc loc);
void fe_build_assign_prefix(struct fe_parser *p, struct fe_prefix *pre,
			    struct src_loc loc);
struct ir_pathexpr *fe_build_word(struct fe_parser *p, const char *s,
				  struct src_loc loc);
struct ir_pathexpr *fe_build_subtraction(struct fe_parser *p, const char *text,
					 size_t len, struct src_loc loc);
struct ir_cond *fe_build_cond(struct fe_parser *p, const char *name,
			      enum ir_cond_op op, struct fe_vlist *vals,
			      bool paren, struct src_loc loc);
struct ir_cond *fe_build_cond_append(struct ir_cond *list, struct ir_cond *c);
void fe_build_prefix(struct fe_parser *p, struct fe_prefix *out,
		     const char *priority, struct src_loc prio_loc, bool audit,
		     int mode, int owner, struct src_loc loc);
void fe_build_prefix_conds(struct fe_parser *p, struct fe_prefix *pre,
			   struct ir_cond *conds, struct src_loc loc);

struct ir_profile *fe_build_profile_begin(struct fe_parser *p,
					  struct fe_header *h);
void fe_build_profile_end(struct fe_parser *p, struct ir_profile *prof,
			  struct src_loc close);
void fe_build_block_begin(struct fe_parser *p, enum fe_ctr_kind kind,
			  struct src_loc loc);
struct fe_ctr *fe_build_block_end(struct fe_parser *p);
void fe_build_qual_block(struct fe_parser *p, struct fe_prefix *pre,
			 struct fe_ctr *blk);
void fe_build_if_begin(struct fe_parser *p, struct fe_cond *expr);
void fe_build_else(struct fe_parser *p);
void fe_build_if_branch(struct fe_parser *p, struct fe_ctr *blk);
void fe_build_if_end(struct fe_parser *p);

void fe_build_rule_add(struct fe_parser *p, struct fe_prefix *pre,
		       struct ir_rule *r);
struct ir_rule *fe_build_rule(struct fe_parser *p, enum ir_rule_kind kind,
			      struct src_loc loc);
struct ir_rule *fe_build_file(struct fe_parser *p, struct ir_pathexpr *path,
			      const char *perms, struct src_loc perms_loc,
			      struct ir_pathexpr *target, bool leading,
			      bool subset, struct src_loc loc);
struct ir_rule *fe_build_file_bare(struct fe_parser *p, struct src_loc loc);
struct ir_rule *fe_build_file_mod(struct fe_parser *p, struct ir_rule *r,
				  bool file_kw, int exec_mod);
struct ir_rule *fe_build_link(struct fe_parser *p, bool subset,
			      struct ir_pathexpr *name,
			      struct ir_pathexpr *target, struct src_loc loc);
struct ir_rule *fe_build_capability(struct fe_parser *p, struct fe_vlist *names,
				    struct src_loc loc);
struct ir_rule *fe_build_network(struct fe_parser *p, struct fe_netspec *ns,
				 struct ir_cond *conds,
				 struct fe_condgroup *grp, struct src_loc loc);
struct ir_rule *fe_build_ipc(struct fe_parser *p, enum ir_rule_kind kind,
			     struct fe_vlist *access, struct ir_cond *conds,
			     struct fe_condgroup *grp, struct ir_pathexpr *name,
			     struct src_loc loc);
struct ir_rule *fe_build_mount(struct fe_parser *p, enum ir_mount_kind kind,
			       struct ir_cond *conds, struct ir_pathexpr *src,
			       bool arrow, struct ir_cond *dst_conds,
			       struct ir_pathexpr *dst, struct src_loc loc);
struct ir_rule *fe_build_pivot(struct fe_parser *p, struct ir_cond *conds,
			       struct ir_pathexpr *newroot,
			       struct ir_pathexpr *target, struct src_loc loc);
struct ir_rule *fe_build_change_profile(struct fe_parser *p, int exec_mod,
					struct ir_pathexpr *exec,
					struct ir_pathexpr *target,
					struct src_loc loc);
struct ir_rule *fe_build_rlimit(struct fe_parser *p, const char *res,
				const char *value, const char *unit,
				struct src_loc loc);
struct ir_rule *fe_build_all(struct fe_parser *p, struct src_loc loc);
void fe_build_abi(struct fe_parser *p, const char *name, bool quoted,
		  struct src_loc loc);
void fe_build_alias(struct fe_parser *p, struct ir_pathexpr *from,
		    struct ir_pathexpr *to, struct src_loc loc);
void fe_build_set_assign(struct fe_parser *p, struct fe_prefix *pre,
			 const char *var, int op, struct fe_vlist *vals,
			 struct src_loc loc);
void fe_build_bool_assign(struct fe_parser *p, struct fe_prefix *pre,
			  const char *var, int op, struct fe_cond *expr,
			  struct src_loc loc);
void fe_build_rule_missing_eol(struct fe_parser *p, struct ir_pathexpr *id,
			       struct src_loc loc);
bool fe_build_strict(struct fe_parser *p, const char *ext, struct src_loc loc);
bool fe_build_no_sub(struct fe_parser *p, const struct ir_pathexpr *e,
		     const char *where);

#endif
