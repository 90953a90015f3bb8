/**
 * The signed-in API key. It lives in sessionStorage only: gone when the tab closes, never in a URL,
 * a cookie or localStorage, and never sent anywhere but this origin's API.
 */
import { type Caller, createClient, type SwitchyardClient } from "@switchyard/client";
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";

const STORAGE_KEY = "switchyard.apiKey";

export interface Session {
  apiKey: string;
  client: SwitchyardClient;
}

interface SessionContextValue {
  session: Session | undefined;
  /** Stores the key for this tab once whoami accepted it. */
  signIn(apiKey: string): Promise<Caller>;
  signOut(): void;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

/** A client on this origin's API; with a key when given. */
export function apiClient(apiKey?: string): SwitchyardClient {
  return createClient({ baseUrl: window.location.origin, ...(apiKey ? { apiKey } : {}) });
}

function storedKey(): string | undefined {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled: the user signs in again
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queries = useQueryClient();
  const [apiKey, setApiKey] = useState(storedKey);
  const session = useMemo(() => (apiKey ? { apiKey, client: apiClient(apiKey) } : undefined), [apiKey]);

  const signIn = useCallback(
    async (key: string) => {
      const caller = await apiClient(key).whoami.get();
      sessionStorage.setItem(STORAGE_KEY, key);
      queries.clear();
      queries.setQueryData(["whoami"], caller);
      setApiKey(key);
      return caller;
    },
    [queries],
  );

  const signOut = useCallback(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    queries.clear();
    setApiKey(undefined);
  }, [queries]);

  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

/** The signed-in client; only rendered under a signed-in layout. */
export function useClient(): SwitchyardClient {
  const { session } = useSession();
  if (!session) throw new Error("useClient while signed out");
  return session.client;
}
