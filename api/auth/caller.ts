import type { Role } from "./roles.js";

/** Who sent the request, as the authentication middleware resolved it from the API key. */
export interface Caller {
  keyId: string;
  name: string;
  /** Platform admins may do anything, in every team. */
  platformAdmin: boolean;
  /** The key's team and role; absent for platform-admin keys. */
  team?: string;
  role?: Role;
}
