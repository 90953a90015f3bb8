/**
 * YAML syntax errors in Switchyard's words. The `yaml` library reports each error with a code
 * (YAMLParseError.code) and a message of its own; the code picks our message, and where one code
 * covers several mistakes (MISSING_CHAR: a closing quote, a colon, a comma...) the library's
 * message only picks among ours. Its text is never shown: a code or a wording we do not know gets
 * the code's general message, or the general one for any syntax error.
 */
import type { ErrorCode } from "yaml";

/** What a mistake is, for a person who wrote the config. */
type Refinement = readonly [RegExp, string | ((source: string) => string)];

interface CodeMessages {
  /** Tried in order on the library's message; the first that matches gives ours. */
  refine?: readonly Refinement[];
  /** The code's message when no refinement matches (a newer library's wording, say). */
  general: string | ((source: string) => string);
}

const OPEN_BRACKETS =
  "A `[` or `{` is not closed where it should be: close it on the line it ends, or indent its lines more than the key it belongs to.";

/**
 * Every code YAML reports as an error while parsing a config (warnings are not errors). Others
 * (RESOURCE_EXHAUSTION: the alias count is ours; IMPOSSIBLE; BAD_COLLECTION_TYPE, a warning) and
 * codes a later version adds get the general message.
 */
const MESSAGES: Partial<Record<ErrorCode, CodeMessages>> = {
  BAD_INDENT: {
    refine: [
      [
        /mapping items/i,
        "This key is indented differently from the keys before it: the keys of one mapping start at the same column.",
      ],
      [
        /sequence items/i,
        "This item is indented differently from the items before it: the items (`- `) of one list start at the same column.",
      ],
      [/must be sufficiently indented|end with a/i, OPEN_BRACKETS],
      [
        /block scalar|indentation indicator|less indented|more-indented/i,
        "A line of this block text (`|` or `>`) is indented less than its first line, or it starts with more-indented blank lines: indent every line at least as much as the first.",
      ],
    ],
    general: "This line is indented where nothing may start: indent it like the lines it belongs with.",
  },
  DUPLICATE_KEY: {
    general: (key) => `Duplicate key "${key.slice(0, 80)}": the keys of a mapping must be unique.`,
  },
  MISSING_CHAR: {
    refine: [
      [/closing "/, 'A double-quoted text is not closed: end it with `"` on the line it should end.'],
      [/closing '/, "A single-quoted text is not closed: end it with `'` on the line it should end."],
      [
        /followed by map values/i,
        "A key without a value: write `key: value` (a colon and a space after the key), or quote the text if it is not a key.",
      ],
      [/space after :/i, "Put a space after the colon in `{key: value}`."],
      [/Missing , (or : )?between/i, "Separate the items of `[...]` or `{...}` with commas."],
      [/without - indicator/i, "A list item here needs its `- ` in front, like the items before it."],
      [/Comments must be separated/i, "A comment (`#`) needs a space before it."],
      [
        /Tags and anchors must be separated/i,
        "An anchor (`&name`) or a tag (`!tag`) needs a space after it.",
      ],
      [
        /same line with directives-end/i,
        "A mapping or list cannot start on the `---` line: start it on the next line.",
      ],
      [/directives-end|doc-start|directives/i, "A YAML directive (`%...`) must be followed by a `---` line."],
      [/end with a/i, OPEN_BRACKETS],
      [
        /newline after/i,
        "After an anchor or tag on a list item, start the item's contents on the next line.",
      ],
    ],
    general:
      "Something is missing here: a closing quote or bracket, a colon after a key, or a comma between items.",
  },
  BLOCK_AS_IMPLICIT_KEY: {
    refine: [
      [
        /compact mappings/i,
        "A mapping cannot start on the line of its key (`a: b: c`): put it on the next lines, indented, or quote the value if it is text.",
      ],
      [
        /block sequence/i,
        "A list (`- item`) cannot start here, where the mapping around it has its keys: indent it under the key it belongs to.",
      ],
    ],
    general: "A mapping or a list cannot start here, on the line of a key.",
  },
  MULTILINE_IMPLICIT_KEY: {
    general:
      "A key must be on one line, followed by a colon: this line may lack its colon, or the line before may be unfinished (an unclosed quote, say).",
  },
  KEY_OVER_1024_CHARS: {
    general:
      "A key is longer than 1024 characters, or its colon is missing and the text runs on: keys are short names followed by `: `.",
  },
  TAB_AS_INDENT: { general: "Tabs cannot indent YAML: indent with spaces." },
  ALIAS_PROPS: { general: "An alias (`*name`) cannot have an anchor or a tag of its own." },
  BAD_ALIAS: {
    refine: [
      [/ending in :/i, "An anchor or alias name cannot end with `:`; put a space before the colon."],
      [/Alias cannot be an empty/i, "An alias (`*`) needs the name of an anchor: `*name`."],
      [/Anchor cannot be an empty/i, "An anchor (`&`) needs a name: `&name`."],
    ],
    general: "An anchor (`&name`) or an alias (`*name`) here is not valid.",
  },
  MULTIPLE_ANCHORS: { general: "A value can have one anchor (`&name`), not several." },
  MULTIPLE_TAGS: { general: "A value can have one tag (`!tag`), not several." },
  BAD_PROP_ORDER: { general: "An anchor or tag goes after `-`, `?` or `:`, not before it." },
  BAD_DQ_ESCAPE: {
    general:
      "Unknown escape in a double-quoted text: write `\\\\` for a backslash, or use single quotes (`'...'`), which take `\\` as it is.",
  },
  BAD_SCALAR_START: {
    general: (source) =>
      `A value cannot start with \`${source.slice(0, 1) || "this character"}\` unquoted: put the value in quotes.`,
  },
  BAD_DIRECTIVE: {
    general:
      "This YAML directive is not valid: `%YAML` takes a version and `%TAG` a handle and a prefix (a config needs neither).",
  },
  BLOCK_IN_FLOW: {
    general:
      "Inside `[...]` or `{...}`, items are separated by commas: `- item` and `key:` on lines of their own cannot be used there.",
  },
  UNEXPECTED_TOKEN: {
    refine: [
      [/Unexpected (flow-map-end|flow-seq-end)/, "A closing bracket without an opening one."],
      [
        /in YAML stream/i,
        "The text from here on does not fit in the document above it: check this line's indentation, and the line before for an unclosed bracket or quote.",
      ],
      [
        /at node end/i,
        "Unexpected text after a complete value: quote the whole value, or put what follows on a line of its own.",
      ],
      [/Unexpected , in/i, "An extra comma in `[...]` or `{...}`."],
      [/empty item/i, "An empty item in `[...]` or `{...}`: remove the extra comma."],
      [
        /Block scalar header/i,
        "After `|` or `>` only an indentation digit and `+` or `-` may follow on that line; start the text on the next line.",
      ],
    ],
    general:
      "This is not valid YAML here: a value or an indicator (`-`, `:`, `,`, a bracket) is out of place.",
  },
  TAG_RESOLVE_FAILED: {
    general:
      "The value does not fit its tag (`!!int`, `!!bool`, ...), or the tag is unknown: remove the tag.",
  },
  NON_STRING_KEY: { general: "A key must be a text or a number, not a list or a mapping." },
  MULTIPLE_DOCS: {
    general:
      "A config is one YAML document: remove the `---` line and what follows, or merge it into the first.",
  },
};

/** The message for any syntax error we have no better words for. */
export const YAML_SYNTAX_FALLBACK = "This is not valid YAML here.";

/**
 * Our message for a syntax error: `code` and `message` as the library reported them, `source` the
 * text the error's range covers (the key of a duplicate, the character a value starts with).
 */
export function yamlSyntaxMessage(code: string, message: string, source: string): string {
  const entry = Object.hasOwn(MESSAGES, code) ? MESSAGES[code as ErrorCode] : undefined;
  if (!entry) return YAML_SYNTAX_FALLBACK;
  const pick = entry.refine?.find(([pattern]) => pattern.test(message))?.[1] ?? entry.general;
  return typeof pick === "function" ? pick(source) : pick;
}

/** Every code this module has words for (the tests send one config for each). */
export const MAPPED_YAML_CODES = Object.keys(MESSAGES) as ErrorCode[];
