import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.js";
import { SessionProvider } from "./session.js";
import "./styles.css";

const queries = new QueryClient({
  defaultOptions: {
    queries: {
      // An answer with a status (401, 404, 422...) is final; only network failures are retried.
      retry: (count, error) => count < 2 && !(error instanceof Error && "status" in error),
      staleTime: 5_000,
      refetchOnWindowFocus: true,
    },
  },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <SessionProvider>
        <App />
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);
