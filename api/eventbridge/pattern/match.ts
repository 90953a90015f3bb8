import { type Matcher, matcherAccepts } from "./matchers.js";
import type { EventFields, Membership } from "./scan.js";

/**
 * Array-consistent matching (event-ruler's rulesForJSONEvent), for branches with conditions on
 * two or more paths inside arrays of objects: a branch matches when each of its conditions, taken
 * in path order, is met by a value whose array elements agree with those already chosen, or, for
 * `exists: false`, when no value at that path agrees with them.
 */

/** A condition on an interned path. */
export interface PathCondition {
  readonly path: number;
  readonly matchers: readonly Matcher[];
  readonly absent: boolean;
}

/** Whether two memberships pick the same element of every array they share. */
function consistent(constraints: Membership, membership: Membership): boolean {
  for (let i = 0; i < membership.length; i += 2) {
    const id = membership[i];
    for (let j = 0; j < constraints.length; j += 2) {
      if (constraints[j] === id) {
        if (constraints[j + 1] !== membership[i + 1]) return false;
        break;
      }
    }
  }
  return true;
}

function merge(constraints: Membership, membership: Membership): Membership {
  if (membership.length === 0) return constraints;
  if (constraints.length === 0) return membership;
  const out = constraints.slice();
  for (let i = 0; i < membership.length; i += 2) {
    let known = false;
    for (let j = 0; j < constraints.length; j += 2) {
      if (constraints[j] === membership[i]) {
        known = true;
        break;
      }
    }
    if (!known) out.push(membership[i]!, membership[i + 1]!);
  }
  return out;
}

function matchFrom(
  conditions: readonly PathCondition[],
  fields: EventFields,
  at: number,
  constraints: Membership,
): boolean {
  const condition = conditions[at];
  if (!condition) return true;
  let anyConsistent = false;
  let triedUnchanged = false;
  for (let i = fields.first(condition.path); i >= 0; i = fields.next[i]!) {
    const membership = fields.memberships[i]!;
    if (!consistent(constraints, membership)) continue;
    anyConsistent = true;
    const merged = merge(constraints, membership);
    // The rest of the branch only depends on the constraints; never retry the same ones.
    if (merged === constraints && triedUnchanged) continue;
    const value = fields.values[i]!;
    if (!condition.matchers.some((m) => matcherAccepts(m, value))) continue;
    if (merged === constraints) triedUnchanged = true;
    if (matchFrom(conditions, fields, at + 1, merged)) return true;
  }
  return condition.absent && !anyConsistent && matchFrom(conditions, fields, at + 1, constraints);
}

/** Whether the conditions (in path order) hold together on one element of every array involved. */
export function consistentMatch(conditions: readonly PathCondition[], fields: EventFields): boolean {
  return matchFrom(conditions, fields, 0, []);
}
