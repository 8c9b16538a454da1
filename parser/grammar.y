/* The grammar of the profile language (language.md 2, 3, 5 and 7): a pure
 * bison parser whose actions call the fe_build_*() constructors of
 * build.c. Token names are upstream's (they appear in syntax errors);
 * the first syntax error of a file stops it.
 */
%define api.pure full
%define api.prefix {fe_yy}
%define api.location.type {struct fe_yyltype}
%define parse.error verbose
%locations
%expect 0
%param {struct fe_parser *p}

%code requires {
#include <stdbool.h>
#include "fe_int.h"
#include "cond.h"
#include "vars.h"
}

%code provides {
int fe_yylex_scan(FE_YYSTYPE *lval, FE_YYLTYPE *lloc, void *scanner);
int fe_yylex(FE_YYSTYPE *lval, FE_YYLTYPE *lloc, struct fe_parser *p);
void fe_yyerror(FE_YYLTYPE *lloc, struct fe_parser *p, const char *msg);
}

%code {
#include <string.h>

#include "arena.h"
#include "cu.h"

/* The location of a symbol spans its non-empty parts. */
static void fe_loc_default(FE_YYLTYPE *cur, const FE_YYLTYPE *rhs, int n)
{
	int i = 1, j = n;

	while (i <= n && rhs[i].empty)
		i++;
	while (j >= i && rhs[j].empty)
		j--;
	if (i > n) {
		cur->first = rhs[0].last;
		cur->last = rhs[0].last;
		cur->empty = true;
		return;
	}
	cur->first = rhs[i].first;
	cur->last = rhs[j].last;
	cur->empty = false;
}

#define YYLLOC_DEFAULT(Cur, Rhs, N) fe_loc_default(&(Cur), (Rhs), (N))
}

%union {
	const char *str;
	struct ir_pathexpr *id;
	struct fe_vlist *vl;
	struct ir_cond *cond;
	struct fe_condgroup grp;
	struct fe_prefix prefix;
	struct ir_rule *rule;
	struct fe_cond *expr;
	struct fe_cond_operand opnd;
	struct fe_header hdr;
	struct fe_netspec net;
	struct fe_ctr *ctr;
	struct ir_profile *prof;
	int ival;
	bool flag;
}

%token <id> TOK_ID
%token <str> TOK_CONDID
%token <str> TOK_CONDLISTID
%token TOK_CARET
%token TOK_OPEN
%token TOK_CLOSE
%token <str> TOK_MODE
%token TOK_END_OF_RULE
%token TOK_EQUALS
%token TOK_ARROW
%token TOK_ADD_ASSIGN
%token TOK_COND_ASSIGN
%token TOK_OVERRIDE_ASSIGN
%token TOK_LE
%token <id> TOK_SET_VAR
%token <str> TOK_BOOL_VAR
%token <str> TOK_VALUE
%token TOK_IF
%token TOK_ELSE
%token TOK_NOT
%token TOK_DEFINED
%token TOK_CHANGE_PROFILE
%token TOK_NETWORK
%token TOK_UNIX
%token TOK_CREATE
%token TOK_SHUTDOWN
%token TOK_ACCEPT
%token TOK_CONNECT
%token TOK_LISTEN
%token TOK_SETOPT
%token TOK_GETOPT
%token TOK_SETATTR
%token TOK_GETATTR
%token TOK_HAT
%token TOK_UNSAFE
%token TOK_SAFE
%token TOK_COLON
%token TOK_LINK
%token TOK_OWNER
%token TOK_OTHER
%token TOK_SUBSET
%token TOK_AUDIT
%token TOK_DENY
%token TOK_ALLOW
%token TOK_PROMPT
%token TOK_PROFILE
%token TOK_SET
%token TOK_ALIAS
%token TOK_PTRACE
%token TOK_OPENPAREN
%token TOK_CLOSEPAREN
%token TOK_COMMA
%token TOK_FILE
%token TOK_MOUNT
%token TOK_REMOUNT
%token TOK_UMOUNT
%token TOK_PIVOTROOT
%token TOK_IN
%token TOK_DBUS
%token TOK_SIGNAL
%token TOK_SEND
%token TOK_RECEIVE
%token TOK_BIND
%token TOK_READ
%token TOK_WRITE
%token TOK_EAVESDROP
%token TOK_PEER
%token TOK_TRACE
%token TOK_TRACEDBY
%token TOK_READBY
%token TOK_ABI
%token TOK_USERNS
%token TOK_MQUEUE
%token TOK_DELETE
%token TOK_IO_URING
%token TOK_OVERRIDE_CREDS
%token TOK_SQPOLL
%token TOK_ALL
%token TOK_PRIORITY
%token TOK_AND
%token TOK_OR
%token TOK_EQ_OP
%token TOK_NE_OP
%token TOK_IN_OP
%token TOK_GT
%token TOK_GE
%token TOK_LT
%token TOK_RLIMIT
%token TOK_CAPABILITY
%token TOK_FLAGS
%token TOK_IDENTITIES
%token TOK_PLUS
%token <id> TOK_SET_VAR_ASSIGN "TOK_SET_VAR"

%type <ival> opt_profile_flag assign_op opt_rule_mode opt_owner_flag
%type <ival> opt_exec_mode
%type <flag> opt_audit_flag opt_subset_flag opt_file
%type <hdr> profile_head
%type <prof> profile_start child_start
%type <id> opt_id opt_id_or_var id_or_var opt_named_transition
%type <vl> valuelist flagvals flags identities identitiesvals
%type <vl> perm perms opt_perms caps
%type <cond> cond opt_conds rule_cond rule_conds opt_rule_conds
%type <grp> opt_cond_list
%type <prefix> rule_prefix
%type <str> opt_priority file_perms
%type <rule> rule file_rule file_rule_tail frule link_rule network_rule
%type <rule> mnt_rule dbus_rule signal_rule ptrace_rule unix_rule
%type <rule> userns_rule mqueue_rule io_uring_rule all_rule change_profile
%type <rule> capability
%type <net> net_tail net_idlist
%type <vl> opt_net_trailing
%type <ctr> qblock
%type <expr> expr term notfactor factor
%type <opnd> operand

%%

list:	toplevel
	;

toplevel: %empty
	| toplevel alias
	| toplevel varassign
	| toplevel abi_rule
	| toplevel profile
	;

alias:	TOK_ALIAS TOK_ID TOK_ARROW TOK_ID TOK_END_OF_RULE
		{ fe_build_alias(p, $2, $4, @1.first); }
	;

abi_rule: TOK_ABI TOK_ID TOK_END_OF_RULE
		{ fe_build_abi(p, $2->glob, false, @1.first); }
	| TOK_ABI TOK_VALUE TOK_END_OF_RULE
		{ fe_build_abi(p, $2, true, @1.first); }
	;

assign_op: TOK_EQUALS		{ $$ = FE_ASSIGN_EQ; }
	| TOK_ADD_ASSIGN	{ $$ = FE_ASSIGN_ADD; }
	| TOK_COND_ASSIGN	{ $$ = FE_ASSIGN_DEFAULT; }
	| TOK_OVERRIDE_ASSIGN	{ $$ = FE_ASSIGN_REPLACE; }
	;

varassign: TOK_SET_VAR_ASSIGN assign_op valuelist
		{ fe_build_set_assign(p, NULL, $1->glob, $2, $3, @1.first); }
	| TOK_BOOL_VAR assign_op expr
		{ fe_build_bool_assign(p, NULL, $1, $2, $3, @1.first); }
	;

valuelist: TOK_VALUE		{ $$ = fe_build_vlist(p, NULL, $1, @1.first); }
	| valuelist TOK_VALUE	{ $$ = fe_build_vlist(p, $1, $2, @2.first); }
	;

profile: profile_start rules TOK_CLOSE
		{ fe_build_profile_end(p, $1, @3.first); }
	;

profile_start: opt_profile_flag profile_head TOK_OPEN
		{ $2.kind = $1; $$ = fe_build_profile_begin(p, &$2); }
	;

child_start: TOK_PROFILE profile_head TOK_OPEN
		{ $2.kind = 1; $$ = fe_build_profile_begin(p, &$2); }
	| hat_start profile_head TOK_OPEN
		{ $2.kind = 2; $$ = fe_build_profile_begin(p, &$2); }
	;

opt_profile_flag: %empty	{ $$ = 0; }
	| TOK_PROFILE		{ $$ = 1; }
	| hat_start		{ $$ = 2; }
	;

hat_start: TOK_CARET
	| TOK_HAT
	;

profile_head: TOK_ID opt_id_or_var opt_cond_list identities flags
		{
			$$ = (struct fe_header){ .name = $1, .attach = $2,
				.xattrs = $3, .identities = $4, .flags = $5,
				.loc = @1.first, .flags_loc = @5.first };
		}
	;

opt_id: %empty		{ $$ = NULL; }
	| TOK_ID	{ $$ = $1; }
	;

opt_id_or_var: %empty	{ $$ = NULL; }
	| id_or_var	{ $$ = $1; }
	;

id_or_var: TOK_ID	{ $$ = $1; }
	| TOK_SET_VAR	{ $$ = $1; }
	;

flags:	%empty		{ $$ = NULL; }
	| TOK_FLAGS TOK_EQUALS TOK_OPENPAREN flagvals TOK_CLOSEPAREN
			{ $$ = $4; }
	| TOK_OPENPAREN flagvals TOK_CLOSEPAREN
			{ $$ = $2; }
	;

flagvals: TOK_VALUE		{ $$ = fe_build_vlist(p, NULL, $1, @1.first); }
	| flagvals TOK_VALUE	{ $$ = fe_build_vlist(p, $1, $2, @2.first); }
	;

identities: %empty	{ $$ = NULL; }
	| identities TOK_PLUS TOK_IDENTITIES TOK_EQUALS TOK_OPENPAREN identitiesvals TOK_CLOSEPAREN
			{ $$ = fe_build_vlist_cat(p, $1, $6); }
	;

identitiesvals: TOK_VALUE	{ $$ = fe_build_vlist(p, NULL, $1, @1.first); }
	| identitiesvals TOK_VALUE { $$ = fe_build_vlist(p, $1, $2, @2.first); }
	;

opt_priority: %empty	{ $$ = NULL; }
	| TOK_PRIORITY TOK_EQUALS TOK_VALUE	{ $$ = $3; }
	;

opt_audit_flag: %empty	{ $$ = false; }
	| TOK_AUDIT	{ $$ = true; }
	;

opt_rule_mode: %empty	{ $$ = -1; }
	| TOK_ALLOW	{ $$ = IR_MODE_ALLOW; }
	| TOK_DENY	{ $$ = IR_MODE_DENY; }
	| TOK_PROMPT	{ $$ = IR_MODE_PROMPT; }
	;

opt_owner_flag: %empty	{ $$ = -1; }
	| TOK_OWNER	{ $$ = IR_OWNER_OWNER; }
	| TOK_OTHER	{ $$ = IR_OWNER_OTHER; }
	;

opt_rule_conds: %empty	{ $$ = NULL; }
	| rule_conds	{ $$ = $1; }
	;

rule_conds: rule_cond	{ $$ = $1; }
	| rule_conds rule_cond	{ $$ = fe_build_cond_append($1, $2); }
	;

rule_cond: TOK_CONDID TOK_EQUALS TOK_VALUE
		{
			$$ = fe_build_cond(p, $1, IR_COND_EQ,
				fe_build_vlist(p, NULL, $3, @3.first), false,
				@1.first);
		}
	| TOK_CONDID TOK_EQUALS TOK_OPENPAREN valuelist TOK_CLOSEPAREN
		{ $$ = fe_build_cond(p, $1, IR_COND_EQ, $4, true, @1.first); }
	| TOK_CONDID TOK_IN TOK_OPENPAREN valuelist TOK_CLOSEPAREN
		{ $$ = fe_build_cond(p, $1, IR_COND_IN, $4, true, @1.first); }
	;

rule_prefix: opt_priority opt_audit_flag opt_rule_mode opt_owner_flag opt_rule_conds
		{
			fe_build_prefix(p, &$$, $1, @1.first, $2, $3, $4,
					@$.first);
			fe_build_prefix_conds(p, &$$, $5, @5.first);
		}
	;

rules:	%empty
	| rules abi_rule
	| rules rule_prefix rule	{ fe_build_rule_add(p, &$2, $3); }
	| rules rule_prefix qblock	{ fe_build_qual_block(p, &$2, $3); }
	| rules rule_prefix varassign
		{ fe_build_assign_prefix(p, &$2, @3.first); }
	| rules child_start rules TOK_CLOSE
		{ fe_build_profile_end(p, $2, @4.first); }
	| rules cond_rule
	| rules TOK_SET TOK_RLIMIT TOK_ID TOK_LE TOK_VALUE opt_id TOK_END_OF_RULE
		{
			fe_build_rule_add(p, NULL, fe_build_rlimit(p,
				$4->glob, $6, $7 ? $7->glob : NULL,
				@2.first));
		}
	;

qblock: qblock_start rules TOK_CLOSE	{ $$ = fe_build_block_end(p); }
	;

qblock_start: TOK_OPEN	{ fe_build_block_begin(p, FE_CTR_BLOCK, @1.first); }
	;

ifblock: ifblock_start rules TOK_CLOSE
		{ fe_build_if_branch(p, fe_build_block_end(p)); }
	;

ifblock_start: TOK_OPEN	{ fe_build_block_begin(p, FE_CTR_IF, @1.first); }
	;

cond_rule: if_head ifblock		{ fe_build_if_end(p); }
	| if_head ifblock else_mark ifblock	{ fe_build_if_end(p); }
	| if_head ifblock else_mark cond_rule	{ fe_build_if_end(p); }
	;

if_head: TOK_IF expr	{ fe_build_if_begin(p, $2); }
	;

else_mark: TOK_ELSE	{ fe_build_else(p); }
	;

expr:	expr TOK_OR term
		{ $$ = fe_cond_op(p->arena, FE_COND_OR, $1, $3, @2.first); }
	| term	{ $$ = $1; }
	;

term:	term TOK_AND notfactor
		{ $$ = fe_cond_op(p->arena, FE_COND_AND, $1, $3, @2.first); }
	| notfactor	{ $$ = $1; }
	;

notfactor: TOK_NOT notfactor
		{ $$ = fe_cond_op(p->arena, FE_COND_NOT, $2, NULL, @1.first); }
	| factor	{ $$ = $1; }
	;

factor:	TOK_BOOL_VAR
		{ $$ = fe_cond_leaf(p->arena, FE_COND_BOOLVAR, $1, @1.first); }
	| TOK_DEFINED TOK_SET_VAR
		{
			$$ = fe_cond_leaf(p->arena, FE_COND_DEFINED_SET,
					  $2->glob, @1.first);
		}
	| TOK_DEFINED TOK_BOOL_VAR
		{
			$$ = fe_cond_leaf(p->arena, FE_COND_DEFINED_BOOL, $2,
					  @1.first);
		}
	| TOK_OPENPAREN expr TOK_CLOSEPAREN	{ $$ = $2; }
	| operand TOK_EQ_OP operand
		{ $$ = fe_build_compare(p, FE_CMP_EQ, &$1, &$3, @1.first); }
	| operand TOK_NE_OP operand
		{ $$ = fe_build_compare(p, FE_CMP_NE, &$1, &$3, @1.first); }
	| operand TOK_IN_OP operand
		{ $$ = fe_build_compare(p, FE_CMP_IN, &$1, &$3, @1.first); }
	| operand TOK_GT operand
		{ $$ = fe_build_compare(p, FE_CMP_GT, &$1, &$3, @1.first); }
	| operand TOK_GE operand
		{ $$ = fe_build_compare(p, FE_CMP_GE, &$1, &$3, @1.first); }
	| operand TOK_LT operand
		{ $$ = fe_build_compare(p, FE_CMP_LT, &$1, &$3, @1.first); }
	| operand TOK_LE operand
		{ $$ = fe_build_compare(p, FE_CMP_LE, &$1, &$3, @1.first); }
	| operand
		{ $$ = fe_build_cond_word(p, &$1, @1.first); }
	;

operand: TOK_ID		{ $$ = (struct fe_cond_operand){ $1->glob, false }; }
	| TOK_SET_VAR	{ $$ = (struct fe_cond_operand){ $1->glob, true }; }
	;

rule:	file_rule
	| link_rule
	| network_rule
	| mnt_rule
	| dbus_rule
	| signal_rule
	| ptrace_rule
	| unix_rule
	| userns_rule
	| mqueue_rule
	| io_uring_rule
	| all_rule
	| change_profile
	| capability
	;

opt_exec_mode: %empty	{ $$ = IR_EXECMOD_NONE; }
	| TOK_UNSAFE	{ $$ = IR_EXECMOD_UNSAFE; }
	| TOK_SAFE	{ $$ = IR_EXECMOD_SAFE; }
	;

file_rule: TOK_FILE TOK_END_OF_RULE	{ $$ = fe_build_file_bare(p, @1.first); }
	| opt_file file_rule_tail
		{ $$ = fe_build_file_mod(p, $2, $1, -1); }
	;

opt_file: %empty	{ $$ = false; }
	| TOK_FILE	{ $$ = true; }
	;

file_rule_tail: opt_exec_mode frule
		{ $$ = fe_build_file_mod(p, $2, false, $1); }
	| opt_exec_mode id_or_var file_perms id_or_var
		{
			fe_build_rule_missing_eol(p, $2, @2.first);
			YYABORT;
		}
	;

frule:	id_or_var file_perms opt_named_transition TOK_END_OF_RULE
		{
			$$ = fe_build_file(p, $1, $2, @2.first, $3, false,
					   false, @1.first);
		}
	| file_perms opt_subset_flag id_or_var opt_named_transition TOK_END_OF_RULE
		{
			$$ = fe_build_file(p, $3, $1, @1.first, $4, true, $2,
					   @1.first);
		}
	;

file_perms: TOK_MODE	{ $$ = $1; }
	;

opt_subset_flag: %empty	{ $$ = false; }
	| TOK_SUBSET	{ $$ = true; }
	| TOK_LE	{ $$ = true; }
	;

opt_named_transition: %empty	{ $$ = NULL; }
	| TOK_ARROW id_or_var	{ $$ = $2; }
	;

link_rule: TOK_LINK opt_subset_flag id_or_var TOK_ARROW id_or_var TOK_END_OF_RULE
		{ $$ = fe_build_link(p, $2, $3, $5, @1.first); }
	;

network_rule: TOK_NETWORK opt_perms net_tail opt_conds opt_cond_list TOK_END_OF_RULE
		{
			$3.access = $2;
			$$ = fe_build_network(p, &$3, $4, &$5, @1.first);
		}
	;

net_tail: %empty	{ $$ = (struct fe_netspec){ 0 }; }
	| net_idlist opt_net_trailing
		{ $$ = $1; $$.trailing = $2; }
	;

net_idlist: TOK_ID
		{ $$ = (struct fe_netspec){ .ids = { $1 }, .nids = 1 }; }
	| TOK_ID TOK_ID
		{ $$ = (struct fe_netspec){ .ids = { $1, $2 }, .nids = 2 }; }
	| TOK_ID TOK_ID TOK_ID
		{
			$$ = (struct fe_netspec){ .ids = { $1, $2, $3 },
						  .nids = 3 };
		}
	;

opt_net_trailing: %empty	{ $$ = NULL; }
	| perm			{ $$ = $1; }
	| TOK_OPENPAREN perms TOK_CLOSEPAREN	{ $$ = $2; }
	;

cond:	TOK_CONDID
		{ $$ = fe_build_cond(p, $1, IR_COND_EQ, NULL, false, @1.first); }
	| rule_cond	{ $$ = $1; }
	;

opt_conds: %empty	{ $$ = NULL; }
	| opt_conds cond	{ $$ = fe_build_cond_append($1, $2); }
	;

opt_cond_list: %empty	{ $$ = (struct fe_condgroup){ 0 }; }
	| TOK_CONDLISTID TOK_EQUALS TOK_OPENPAREN opt_conds TOK_CLOSEPAREN
		{ $$ = (struct fe_condgroup){ $1, $4, @1.first }; }
	;

mnt_rule: TOK_MOUNT opt_conds opt_id TOK_END_OF_RULE
		{
			$$ = fe_build_mount(p, IR_MOUNT_MOUNT, $2, $3, false,
					    NULL, NULL, @1.first);
		}
	| TOK_MOUNT opt_conds opt_id TOK_ARROW opt_conds TOK_ID TOK_END_OF_RULE
		{
			$$ = fe_build_mount(p, IR_MOUNT_MOUNT, $2, $3, true,
					    $5, $6, @1.first);
		}
	| TOK_REMOUNT opt_conds opt_id TOK_END_OF_RULE
		{
			$$ = fe_build_mount(p, IR_MOUNT_REMOUNT, $2, NULL,
					    false, NULL, $3, @1.first);
		}
	| TOK_UMOUNT opt_conds opt_id TOK_END_OF_RULE
		{
			$$ = fe_build_mount(p, IR_MOUNT_UMOUNT, $2, NULL,
					    false, NULL, $3, @1.first);
		}
	| TOK_PIVOTROOT opt_conds opt_id opt_named_transition TOK_END_OF_RULE
		{ $$ = fe_build_pivot(p, $2, $3, $4, @1.first); }
	;

perm:	TOK_VALUE	{ $$ = fe_build_vlist(p, NULL, $1, @1.first); }
	| TOK_MODE	{ $$ = fe_build_vlist(p, NULL, $1, @1.first); }
	| TOK_CREATE	{ $$ = fe_build_vlist(p, NULL, "create", @1.first); }
	| TOK_BIND	{ $$ = fe_build_vlist(p, NULL, "bind", @1.first); }
	| TOK_LISTEN	{ $$ = fe_build_vlist(p, NULL, "listen", @1.first); }
	| TOK_ACCEPT	{ $$ = fe_build_vlist(p, NULL, "accept", @1.first); }
	| TOK_CONNECT	{ $$ = fe_build_vlist(p, NULL, "connect", @1.first); }
	| TOK_SHUTDOWN	{ $$ = fe_build_vlist(p, NULL, "shutdown", @1.first); }
	| TOK_GETATTR	{ $$ = fe_build_vlist(p, NULL, "getattr", @1.first); }
	| TOK_SETATTR	{ $$ = fe_build_vlist(p, NULL, "setattr", @1.first); }
	| TOK_GETOPT	{ $$ = fe_build_vlist(p, NULL, "getopt", @1.first); }
	| TOK_SETOPT	{ $$ = fe_build_vlist(p, NULL, "setopt", @1.first); }
	| TOK_SEND	{ $$ = fe_build_vlist(p, NULL, "send", @1.first); }
	| TOK_RECEIVE	{ $$ = fe_build_vlist(p, NULL, "receive", @1.first); }
	| TOK_READ	{ $$ = fe_build_vlist(p, NULL, "read", @1.first); }
	| TOK_WRITE	{ $$ = fe_build_vlist(p, NULL, "write", @1.first); }
	| TOK_EAVESDROP	{ $$ = fe_build_vlist(p, NULL, "eavesdrop", @1.first); }
	| TOK_TRACE	{ $$ = fe_build_vlist(p, NULL, "trace", @1.first); }
	| TOK_TRACEDBY	{ $$ = fe_build_vlist(p, NULL, "tracedby", @1.first); }
	| TOK_READBY	{ $$ = fe_build_vlist(p, NULL, "readby", @1.first); }
	| TOK_OPEN	{ $$ = fe_build_vlist(p, NULL, "open", @1.first); }
	| TOK_DELETE	{ $$ = fe_build_vlist(p, NULL, "delete", @1.first); }
	| TOK_SQPOLL	{ $$ = fe_build_vlist(p, NULL, "sqpoll", @1.first); }
	| TOK_OVERRIDE_CREDS
		{ $$ = fe_build_vlist(p, NULL, "override_creds", @1.first); }
	;

perms:	%empty		{ $$ = fe_build_vlist(p, NULL, NULL, @$.first); }
	| perms perm	{ $$ = fe_build_vlist_cat(p, $1, $2); }
	;

opt_perms: %empty	{ $$ = NULL; }
	| perm		{ $$ = $1; }
	| TOK_OPENPAREN perms TOK_CLOSEPAREN	{ $$ = $2; }
	;

dbus_rule: TOK_DBUS opt_perms opt_conds opt_cond_list TOK_END_OF_RULE
		{
			$$ = fe_build_ipc(p, IR_RULE_DBUS, $2, $3, &$4, NULL,
					  @1.first);
		}
	;

unix_rule: TOK_UNIX opt_perms opt_conds opt_cond_list TOK_END_OF_RULE
		{
			$$ = fe_build_ipc(p, IR_RULE_UNIX, $2, $3, &$4, NULL,
					  @1.first);
		}
	;

signal_rule: TOK_SIGNAL opt_perms opt_conds TOK_END_OF_RULE
		{
			$$ = fe_build_ipc(p, IR_RULE_SIGNAL, $2, $3, NULL,
					  NULL, @1.first);
		}
	;

ptrace_rule: TOK_PTRACE opt_perms opt_conds TOK_END_OF_RULE
		{
			$$ = fe_build_ipc(p, IR_RULE_PTRACE, $2, $3, NULL,
					  NULL, @1.first);
		}
	;

userns_rule: TOK_USERNS opt_perms opt_conds TOK_END_OF_RULE
		{
			$$ = fe_build_ipc(p, IR_RULE_USERNS, $2, $3, NULL,
					  NULL, @1.first);
		}
	;

mqueue_rule: TOK_MQUEUE opt_perms opt_conds opt_id TOK_END_OF_RULE
		{
			$$ = fe_build_ipc(p, IR_RULE_MQUEUE, $2, $3, NULL, $4,
					  @1.first);
		}
	;

io_uring_rule: TOK_IO_URING opt_perms opt_conds opt_cond_list TOK_END_OF_RULE
		{
			$$ = fe_build_ipc(p, IR_RULE_IO_URING, $2, $3, &$4,
					  NULL, @1.first);
		}
	;

all_rule: TOK_ALL TOK_END_OF_RULE	{ $$ = fe_build_all(p, @1.first); }
	;

change_profile: TOK_CHANGE_PROFILE opt_exec_mode opt_id opt_named_transition TOK_END_OF_RULE
		{ $$ = fe_build_change_profile(p, $2, $3, $4, @1.first); }
	;

capability: TOK_CAPABILITY caps TOK_END_OF_RULE
		{ $$ = fe_build_capability(p, $2, @1.first); }
	;

caps:	%empty		{ $$ = fe_build_vlist(p, NULL, NULL, @$.first); }
	| caps TOK_ID	{ $$ = fe_build_vlist(p, $1, $2->glob, @2.first); }
	;

%%

int fe_yylex(FE_YYSTYPE *lval, FE_YYLTYPE *lloc, struct fe_parser *p)
{
	fe_lex_flush(p);
	return fe_yylex_scan(lval, lloc, p->scanner);
}

void fe_yyerror(FE_YYLTYPE *lloc, struct fe_parser *p, const char *msg)
{
	diag_fatal(p->cu, lloc->first, "%s", msg);
}

int fe_lex_next(struct fe_parser *p, struct fe_yyltype *loc,
		const char **text)
{
	FE_YYSTYPE v;
	int tok;

	memset(&v, 0, sizeof(v));
	tok = fe_yylex_scan(&v, loc, p->scanner);
	switch (tok) {
	case TOK_ID:
	case TOK_SET_VAR:
		*text = v.id ? v.id->glob : NULL;
		break;
	case TOK_CONDID:
	case TOK_CONDLISTID:
	case TOK_MODE:
	case TOK_BOOL_VAR:
	case TOK_VALUE:
		*text = v.str;
		break;
	default:
		*text = NULL;
	}
	return tok;
}

const char *fe_lex_token_name(int tok)
{
	if (tok == 0)
		return "end of file";
	if (tok == TOK_SET_VAR_ASSIGN)
		return "TOK_SET_VAR";
	return yysymbol_name(YYTRANSLATE(tok));
}
