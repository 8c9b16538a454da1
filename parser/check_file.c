/* Semantic checks of file, link and change_profile rules: permission
 * words and exec modes (language.md 3.2), link targets (3.3), exec
 * targets as labels (7.4), subtraction operands (7.1) and the exec-mode
 * conflicts between rules with the same path text (6.4).
 */
#include <errno.h>
#include <string.h>

#include "arena.h"
#include "check_int.h"
#include "cu.h"
#include "feat.h"

/* Result of parsing a permission word. */
struct perm_word {
	uint32_t perms; /* enum ir_file_perm */
	enum ir_xmode xmode;
	bool xsafe;
	bool upper; /* deprecated uppercase R W L M X I */
};

static enum ir_xmode xmode_of(char first, char fallback)
{
	bool p = first == 'p' || first == 'P';
	bool c = first == 'c' || first == 'C';
	bool i = fallback == 'i' || fallback == 'I';
	bool u = fallback == 'u' || fallback == 'U';

	if (p)
		return i ? IR_X_PIX : u ? IR_X_PUX : IR_X_PX;
	if (c)
		return i ? IR_X_CIX : u ? IR_X_CUX : IR_X_CX;
	if (first == 'i' || first == 'I')
		return IR_X_IX;
	return IR_X_UX;
}

/* Note [perm-word]: letters r w a l k m (and deprecated R W L M X); an
 * exec mode is [pPcC]?[iIuU]? immediately followed by x, at least one
 * modifier letter; a bare x has none. Two different exec modes in one word
 * are an error, identical repeats are harmless.
 */
static int parse_perms(struct chk *c, struct ir_rule *r, const char *w,
		       struct perm_word *pw)
{
	enum ir_xmode mode = IR_X_NONE;
	bool safe = false;

	memset(pw, 0, sizeof(*pw));
	for (size_t i = 0; w[i]; i++) {
		char ch = w[i];
		char first = 0, fb = 0;
		enum ir_xmode m;
		bool s;

		switch (ch) {
		case 'R':
			pw->upper = true;
			/* fall through */
		case 'r':
			pw->perms |= IR_PERM_READ;
			continue;
		case 'W':
			pw->upper = true;
			/* fall through */
		case 'w':
			pw->perms |= IR_PERM_WRITE;
			continue;
		case 'a':
			pw->perms |= IR_PERM_APPEND;
			continue;
		case 'L':
			pw->upper = true;
			/* fall through */
		case 'l':
			pw->perms |= IR_PERM_LINK;
			continue;
		case 'k':
			pw->perms |= IR_PERM_LOCK;
			continue;
		case 'M':
			pw->upper = true;
			/* fall through */
		case 'm':
			pw->perms |= IR_PERM_MMAP;
			continue;
		case 'X':
			pw->upper = true;
			/* fall through */
		case 'x':
			m = IR_X_PLAIN;
			s = false;
			break;
		default:
			if (strchr("pPcC", ch)) {
				first = ch;
				ch = w[++i];
			}
			if (ch && strchr("iIuU", ch)) {
				if (first)
					fb = ch;
				else
					first = ch;
				ch = w[++i];
			}
			if (ch == 'X' && first)
				pw->upper = true;
			if (!first || (ch != 'x' && ch != 'X')) {
				chk_error(
					c, r->loc,
					"Invalid mode, '%s' contains an invalid exec qualifier",
					w);
				return -EINVAL;
			}
			if (first == 'I' || fb == 'I')
				pw->upper = true;
			m = xmode_of(first, fb);
			s = first == 'P' || first == 'C' || first == 'U' ||
			    fb == 'U';
			break;
		}
		pw->perms |= IR_PERM_EXEC;
		if (mode != IR_X_NONE && (mode != m || safe != s)) {
			chk_error(
				c, r->loc,
				"Exec qualifier '%c' invalid, conflicting qualifier already specified",
				first ? first : 'x');
			return -EINVAL;
		}
		mode = m;
		safe = s;
	}
	pw->xmode = mode;
	pw->xsafe = safe;
	return 0;
}

static bool path_start_ok(const char *g)
{
	return g[0] == '/' || (g[0] == '@' && g[1] == '{') || g[0] == '{';
}

/* Subtraction operands of path positions must be rooted; label positions
 * (change_profile targets, language.md 7.1.3) take label globs.
 */
static void check_subtraction_in(struct chk *c, struct ir_pathexpr *pe,
				 bool paths)
{
	if (!pe->nsub)
		return;
	if (chk_strict(c, pe->loc, "set subtraction"))
		return;
	for (size_t i = 0; paths && i < pe->nsub; i++)
		if (!path_start_ok(pe->sub[i]))
			chk_error(
				c, pe->loc,
				"set subtraction operand '%s' must begin with '/'",
				pe->sub[i]);
}

static void check_subtraction(struct chk *c, struct ir_rule *r,
			      struct ir_pathexpr *pe)
{
	(void)r;
	check_subtraction_in(c, pe, true);
}

static void warn_not_rooted(struct chk *c, const struct ir_pathexpr *pe)
{
	if (pe->glob && pe->glob[0] != '/' && pe->glob[0] != '{')
		diag_warn(
			c->cu, WARN_FORMAT, pe->loc,
			"path does not begin with '/' after variable expansion");
}

static void check_exec_target(struct chk *c, struct ir_rule *r)
{
	struct ir_file_rule *f = &r->u.file;
	const char *t = f->target;

	if (chk_expand(c, r->scope, &f->target, f->target_loc, false))
		return;
	t = f->target;
	switch (f->xmode) {
	case IR_X_CX:
	case IR_X_CIX:
	case IR_X_CUX:
		if (t[0] == ':' || (t[0] == '&' && t[1] == ':')) {
			chk_error(
				c, f->target_loc,
				"cx transition target '%s' must name a child profile",
				t);
			return;
		}
		break;
	default:
		break;
	}
	chk_label_ok(c, t, f->target_loc, true);
}

void chk_rule_file(struct chk *c, struct ir_rule *r)
{
	struct ir_file_rule *f = &r->u.file;
	struct perm_word pw;
	bool deny = r->q.mode == IR_MODE_DENY;

	if (f->bare) {
		f->perms = IR_PERM_READ | IR_PERM_WRITE | IR_PERM_APPEND |
			   IR_PERM_LINK | IR_PERM_LOCK | IR_PERM_MMAP |
			   IR_PERM_EXEC;
		f->xmode = deny ? IR_X_PLAIN : IR_X_IX;
		return;
	}
	if (chk_expand_pathexpr(c, r->scope, &f->path, true) ||
	    !chk_pathexpr_ok(c, &f->path))
		return;
	check_subtraction(c, r, &f->path);
	warn_not_rooted(c, &f->path);
	if (!f->perms_text)
		return;
	if (parse_perms(c, r, f->perms_text, &pw))
		return;
	if (pw.upper)
		diag_warn(
			c->cu, WARN_DEPRECATED, r->loc,
			"Uppercase qualifiers \"RWLIMX\" are deprecated, please convert to lowercase\nSee the apparmor.d(5) manpage for details.");
	if ((pw.perms & IR_PERM_WRITE) && (pw.perms & IR_PERM_APPEND)) {
		chk_error(c, r->loc,
			  "Conflict 'a' and 'w' perms are mutually exclusive.");
		return;
	}
	if (deny && pw.xmode != IR_X_NONE && pw.xmode != IR_X_PLAIN) {
		chk_error(
			c, r->loc,
			"Invalid mode, in deny rules 'x' must not be preceded by exec qualifier 'i', 'p', or 'u'");
		return;
	}
	if (!deny && pw.xmode == IR_X_PLAIN) {
		chk_error(
			c, r->loc,
			"Invalid mode, 'x' must be preceded by exec qualifier 'i', 'p', 'c', or 'u'");
		return;
	}
	if (f->subset && pw.perms != IR_PERM_LINK) {
		chk_error(c, r->loc,
			  "subset can only be used with link rules.");
		return;
	}
	if (f->exec_mod != IR_EXECMOD_NONE) {
		if (pw.xmode == IR_X_NONE || pw.xmode == IR_X_PLAIN) {
			chk_error(c, r->loc, "%s rule missing exec permissions",
				  f->exec_mod == IR_EXECMOD_SAFE ? "safe"
								 : "unsafe");
			return;
		}
		if (pw.xmode != IR_X_IX)
			pw.xsafe = f->exec_mod == IR_EXECMOD_SAFE;
	}
	if (pw.xmode == IR_X_UX && !pw.xsafe)
		diag_warn(
			c->cu, WARN_DANGEROUS, r->loc,
			"Unconfined exec qualifier (ux) allows some dangerous environment variables to be passed to the unconfined process; 'man 5 apparmor.d' for details.");
	f->perms = pw.perms;
	f->xmode = pw.xmode;
	f->xsafe = pw.xsafe;
	if (f->target) {
		bool link = pw.perms & IR_PERM_LINK;
		bool exec = pw.xmode != IR_X_NONE;

		if (link && exec && f->leading) {
			chk_error(
				c, r->loc,
				"link and exec perms conflict on a file rule using ->");
			return;
		}
		if (link && exec)
			diag_warn(
				c->cu, WARN_DEPRECATED, r->loc,
				"ambiguous rule specifies both link target and exec transition target. Using as exec transition");
		if (exec) {
			check_exec_target(c, r);
		} else if (link) {
			if (f->target[0] == ':') {
				chk_error(
					c, r->loc,
					"link perms are not allowed on a named profile transition.");
				return;
			}
			chk_expand(c, r->scope, &f->target, f->target_loc,
				   true);
		} else {
			chk_error(
				c, r->loc,
				"A transition target requires an exec or link permission");
		}
	}
}

void chk_rule_link(struct chk *c, struct ir_rule *r)
{
	struct ir_link_rule *l = &r->u.link;

	if (chk_expand_pathexpr(c, r->scope, &l->name, true) ||
	    chk_expand_pathexpr(c, r->scope, &l->target, true) ||
	    !chk_pathexpr_ok(c, &l->name) || !chk_pathexpr_ok(c, &l->target))
		return;
	check_subtraction(c, r, &l->name);
	check_subtraction(c, r, &l->target);
	warn_not_rooted(c, &l->name);
	warn_not_rooted(c, &l->target);
}

static bool same_text(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool same_path(const struct ir_pathexpr *a, const struct ir_pathexpr *b)
{
	if (!same_text(a->glob, b->glob) || a->nsub != b->nsub)
		return false;
	for (size_t i = 0; i < a->nsub; i++)
		if (!same_text(a->sub[i], b->sub[i]))
			return false;
	return true;
}

/* Exact per language.md 4.6: no unescaped '*', '?' or '['. */
static bool glob_is_exact(const char *g)
{
	for (; *g; g++) {
		if (*g == '\\' && g[1]) {
			g++;
			continue;
		}
		if (*g == '*' || *g == '?' || *g == '[')
			return false;
	}
	return true;
}

static bool halves_meet(enum ir_owner a, enum ir_owner b)
{
	return a == IR_OWNER_ANY || b == IR_OWNER_ANY || a == b;
}

static bool is_exec_transition(const struct ir_rule *r)
{
	return r->kind == IR_RULE_FILE && !r->u.file.bare &&
	       r->q.mode == IR_MODE_ALLOW && r->u.file.xmode != IR_X_NONE &&
	       r->u.file.xmode != IR_X_PLAIN;
}

/* Note [merged-x-conflict]: rules with the identical path text are merged
 * before the automaton is built (language.md 6.6); their exec transitions
 * must agree, per owner half, at the same priority.
 */
/* Whether the literal prefixes of two globs (up to the first special
 * character) already differ: then no string matches both, and the product
 * search is skipped. This keeps the pairwise check cheap for the usual
 * profile whose exec rules name different directories. */
static bool lit_prefixes_differ(const char *a, const char *b)
{
	static const char special[] = "*?[]{}\\";

	for (; *a && *b; a++, b++) {
		if (strchr(special, *a) || strchr(special, *b))
			return false;
		if (*a != *b)
			return true;
	}
	return false;
}

void chk_exec_conflicts(struct chk *c, struct ir_profile *p)
{
	for (struct ir_rule *r = p->rules; r; r = r->next) {
		if (!is_exec_transition(r))
			continue;
		for (struct ir_rule *q = p->rules; q != r; q = q->next) {
			const struct ir_file_rule *a = &q->u.file;
			const struct ir_file_rule *b = &r->u.file;

			char wit[256];

			if (!is_exec_transition(q) ||
			    !halves_meet(q->q.owner, r->q.owner) ||
			    q->q.priority != r->q.priority)
				continue;
			if (a->xmode == b->xmode && a->xsafe == b->xsafe &&
			    same_text(a->target, b->target))
				continue;
			if (same_path(&a->path, &b->path)) {
				chk_error(
					c, r->loc,
					"profile %s: has merged rule %s with conflicting x modifiers",
					c->hname, b->path.glob);
				return;
			}
			if (a->path.nsub || b->path.nsub ||
			    lit_prefixes_differ(a->path.glob, b->path.glob) ||
			    glob_is_exact(a->path.glob) !=
				    glob_is_exact(b->path.glob) ||
			    !chk_glob_overlap(c, a->path.glob, b->path.glob,
					      wit, sizeof(wit)))
				continue;
			chk_error(
				c, r->loc,
				"profile %s has merged rule with conflicting x modifiers: '%s' and '%s' (line %u) both match '%s'",
				c->hname, b->path.glob, a->path.glob,
				q->loc.line, wit);
			return;
		}
	}
}

void chk_rule_change_profile(struct chk *c, struct ir_rule *r)
{
	struct ir_change_profile_rule *cp = &r->u.cp;

	if (cp->exec_mod != IR_EXECMOD_NONE && !cp->has_exec) {
		chk_error(
			c, r->loc,
			"Exec condition is required when unsafe or safe keywords are present");
		return;
	}
	if (cp->has_exec) {
		if (chk_expand_pathexpr(c, r->scope, &cp->exec, true) ||
		    !chk_pathexpr_ok(c, &cp->exec))
			return;
		if (!path_start_ok(cp->exec.glob)) {
			chk_error(c, r->loc,
				  "Exec condition must begin with '/'.");
			return;
		}
		check_subtraction(c, r, &cp->exec);
	}
	if (cp->has_target) {
		const char *t;

		if (chk_expand_pathexpr(c, r->scope, &cp->target, false) ||
		    !chk_pathexpr_ok(c, &cp->target))
			return;
		check_subtraction_in(c, &cp->target, false);
		t = cp->target.glob;
		if (t[0] == ':' && strchr(t + 1, ':')) {
			const char *q = strchr(t + 1, ':');

			if (q[1] == '/' && q[2] == '/')
				cp->target.glob = arena_sprintf(
					c->a, "%.*s%s", (int)(q - t + 1), t,
					q + 3);
		}
		if ((t[0] == '&' || strstr(t, "//&")) &&
		    !chk_feat(c, "domain/stack"))
			chk_error(
				c, r->loc,
				"The current kernel does not support stacking of named transitions: %s",
				t);
	}
	if (r->q.audit)
		diag_warn(
			c->cu, WARN_RULE_DOWNGRADED, r->loc,
			"Warning kernel does not support audit modifier for change_profile rule.");
	if (cp->exec_mod == IR_EXECMOD_SAFE && !chk_feat(c, "domain/stack"))
		diag_warn(
			c->cu, WARN_RULE_DOWNGRADED, r->loc,
			"downgrading change_profile safe rule to unsafe due to lack of necessary kernel support");
}

void chk_cp_conflicts(struct chk *c, struct ir_profile *p)
{
	for (struct ir_rule *r = p->rules; r; r = r->next) {
		if (r->kind != IR_RULE_CHANGE_PROFILE || !r->u.cp.has_exec ||
		    r->q.mode == IR_MODE_DENY)
			continue;
		for (struct ir_rule *q = p->rules; q != r; q = q->next) {
			bool sa, sb;

			if (q->kind != IR_RULE_CHANGE_PROFILE ||
			    !q->u.cp.has_exec || q->q.mode == IR_MODE_DENY ||
			    !same_path(&q->u.cp.exec, &r->u.cp.exec) ||
			    q->u.cp.has_target != r->u.cp.has_target ||
			    (q->u.cp.has_target &&
			     !same_path(&q->u.cp.target, &r->u.cp.target)))
				continue;
			sa = q->u.cp.exec_mod == IR_EXECMOD_UNSAFE;
			sb = r->u.cp.exec_mod == IR_EXECMOD_UNSAFE;
			if (sa != sb) {
				chk_error(
					c, r->loc,
					"profile %s: has merged rules %s with conflicting safe and unsafe change_profile exec conditions",
					c->hname, r->u.cp.exec.glob);
				return;
			}
		}
	}
}
