/**
 * Type-level comparison of a Stacktape type (the spec, from the `stacktape` package) with the input
 * type of a Switchyard schema: the union of the paths where a config Stacktape's types accept could
 * be refused by Switchyard's types. `never` means every Stacktape config of that type is at least
 * typed the way Switchyard takes it. Plain structural assignability is not enough: TypeScript lets an
 * object type with more properties be assigned to one with fewer, so a property Stacktape has and
 * Switchyard lacks would pass unnoticed. Here every property is looked up by name, recursively.
 *
 * A path names what differs: `properties.events<sqs>.properties.batchSize` (a property Switchyard
 * does not declare), `... (required)` (optional in Stacktape, required here), `... (type)` (a value
 * Stacktape allows that Switchyard's type does not), `<sqs> (variant)` (a discriminated variant,
 * such as an event type, that Switchyard does not declare).
 *
 * Deliberately refused properties are declared in the schema with `refused()` (any value at the type
 * level, a located problem at run time), so they are covered too: dropping the declaration makes
 * the property a gap again.
 */

type Primitive = string | number | boolean | bigint | symbol | null | undefined;
type IsAny<T> = 0 extends 1 & T ? true : false;
type Defined<T> = Exclude<T, undefined>;
/** The object members of a type (arrays and primitives aside). */
type Objects<T> = Exclude<T, Primitive | readonly unknown[]>;

export type Gaps<S, T, P extends string = ""> =
  IsAny<S> extends true
    ? never
    : unknown extends T
      ? never
      : S extends Primitive
        ? [S] extends [T]
          ? never
          : `${P} (type)`
        : S extends readonly (infer SE)[]
          ? [Extract<T, readonly unknown[]>] extends [never]
            ? `${P} (type)`
            : Gaps<SE, Extract<T, readonly unknown[]>[number], `${P}[]`>
          : ObjectGaps<S, Objects<T>, P>;

/** A discriminated member of a union (`type: "sqs"`) compares with the member of the same `type`. */
type ObjectGaps<S, T, P extends string> = S extends { type: infer D extends string }
  ? [Variant<T, D>] extends [never]
    ? [T] extends [never]
      ? `${P} (type)`
      : T extends { type: string }
        ? `${P}<${D}> (variant)`
        : KeyGaps<S, T, P>
    : KeyGaps<S, Variant<T, D>, `${P}<${D}>`>
  : [T] extends [never]
    ? `${P} (type)`
    : KeyGaps<S, T, P>;

/** The members of T whose `type` takes every value D names (a literal, or an enum of them). */
type Variant<T, D> = T extends { type: infer TD } ? ([D] extends [TD] ? T : never) : never;

/** The gaps of a whole resource (`{ type, properties, overrides }`), paths from its properties. */
export type ResourceGaps<S, T> = KeyGaps<S, Objects<T>, "">;

type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
type Join<P extends string, K> = P extends "" ? `${K & string}` : `${P}.${K & string}`;

type KeyGaps<S, T, P extends string> = string extends keyof S
  ? Gaps<Defined<S[string & keyof S]>, RecordValue<T>, `${P}.*`>
  : {
      [K in keyof S]-?: K extends keyof T
        ?
            | (K extends OptionalKeys<S>
                ? K extends OptionalKeys<T>
                  ? never
                  : `${Join<P, K>} (required)`
                : never)
            | Gaps<Defined<S[K]>, Defined<T[K]>, Join<P, K>>
        : string extends keyof T
          ? Gaps<Defined<S[K]>, RecordValue<T>, Join<P, K>>
          : Join<P, K>;
    }[keyof S];

type RecordValue<T> = T extends Record<string, infer V> ? Defined<V> : never;
