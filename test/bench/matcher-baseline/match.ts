import type { Branch, CompiledPattern } from "../../../api/eventbridge/pattern/compile.js";
import { matcherAccepts } from "../../../api/eventbridge/pattern/matchers.js";
import type { FlatEvent, Membership } from "./event.js";

/**
 * Array-consistent matching (event-ruler's rulesForJSONEvent): a branch matches when each of its
 * conditions, taken in path order, is met by a value whose array elements agree with those already
 * chosen, or, for `exists: false`, when no value at that path agrees with them.
 */

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

function matchFrom(branch: Branch, event: FlatEvent, at: number, constraints: Membership): boolean {
  const condition = branch.conditions[at];
  if (!condition) return true;
  const fields = event.get(condition.path);
  let anyConsistent = false;
  let triedUnchanged = false;
  if (fields) {
    for (const field of fields) {
      if (!consistent(constraints, field.membership)) continue;
      anyConsistent = true;
      const merged = merge(constraints, field.membership);
      // The rest of the branch only depends on the constraints; never retry the same ones.
      if (merged === constraints) {
        if (triedUnchanged) continue;
      }
      if (!condition.matchers.some((m) => matcherAccepts(m, field.value))) continue;
      if (merged === constraints) triedUnchanged = true;
      if (matchFrom(branch, event, at + 1, merged)) return true;
    }
  }
  return condition.absent && !anyConsistent && matchFrom(branch, event, at + 1, constraints);
}

export function branchMatches(branch: Branch, event: FlatEvent): boolean {
  return matchFrom(branch, event, 0, []);
}

export function patternMatches(pattern: CompiledPattern, event: FlatEvent): boolean {
  return pattern.branches.some((b) => branchMatches(b, event));
}
