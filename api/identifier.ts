/**
 * Names that identify a team, project or stage: words of `a-z0-9` joined by single hyphens, so no
 * leading, trailing or doubled hyphen. They become stack and resource names, where `--` separates
 * namespace, project and stage (api/teams/namespace.ts), so a name containing one would let two
 * (project, stage) pairs share a stack name. Names made before this rule (any of `a-z0-9-`) still
 * name their team, project or stage; only new ones must follow it.
 */
export const IDENTIFIER = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const IDENTIFIER_RULE = "lowercase letters and digits in words joined by single hyphens";

/**
 * Characters no free-text name (an API key's name) may hold: C0 and C1 controls (CR, LF and NUL
 * among them), line and paragraph separators, and the bidirectional controls that make text display
 * in another order than it is stored (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069).
 */
export const FREE_TEXT_NAME = /^[^\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+$/u;

export const FREE_TEXT_RULE = "no control characters (such as CR, LF or NUL) and no bidirectional controls";

/** Free text that may span lines (a team's description): as FREE_TEXT_NAME, but LF and tab allowed. */
export const FREE_TEXT = /^(?:[^\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\n\t])*$/u;
