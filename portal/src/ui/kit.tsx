/** Small building blocks every page uses. Text a user wrote is always rendered as text. */
import { type InputHTMLAttributes, type ReactNode, useEffect, useId, useState } from "react";

export function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: ReactNode;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id, hintId)}
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** Fields in a row; submitting runs `onSubmit` instead of loading a page. */
export function InlineForm({ onSubmit, children }: { onSubmit: () => void; children: ReactNode }) {
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

/** A labelled text input (with its hint); other props go to the <input>. */
export function InputField({
  label,
  hint,
  value,
  onChange,
  ...input
}: {
  label: string;
  hint?: ReactNode;
  value: string;
  onChange: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "value" | "onChange">) {
  return (
    <Field label={label} hint={hint}>
      {(id, hintId) => (
        <input
          id={id}
          aria-describedby={hintId}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          {...input}
        />
      )}
    </Field>
  );
}

const STATUS_TONE: Record<string, string> = {
  SUCCEEDED: "ok",
  DEPLOYED: "ok",
  COMPLETED: "ok",
  ENABLED: "ok",
  CREATE_COMPLETE: "ok",
  UPDATE_COMPLETE: "ok",
  DELETE_COMPLETE: "muted",
  FAILED: "bad",
  CANCELLED: "muted",
  DELETED: "muted",
  PENDING: "busy",
  IN_PROGRESS: "busy",
  DEPLOYING: "busy",
  DELETING: "busy",
  STARTING: "busy",
  RUNNING: "busy",
  CANCELLING: "busy",
};

export function toneOf(status: string): string {
  if (STATUS_TONE[status]) return STATUS_TONE[status];
  if (/FAILED|ROLLBACK/.test(status)) return "bad";
  if (/IN_PROGRESS/.test(status)) return "busy";
  if (/COMPLETE/.test(status)) return "ok";
  return "muted";
}

export function Badge({ status, label }: { status: string; label?: string }) {
  return <span className={`badge badge-${toneOf(status)}`}>{label ?? status}</span>;
}

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <button
      type="button"
      className="button small ghost"
      aria-label={label}
      onClick={async () => {
        await navigator.clipboard.writeText(value);
        setCopied(true);
      }}
    >
      {copied ? "Copied" : "Copy"}
    </button>
  );
}

export function Section({
  title,
  actions,
  children,
  id,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  id?: string;
}) {
  const headingId = useId();
  return (
    <section className="card" aria-labelledby={headingId} id={id}>
      <header className="card-header">
        <h2 id={headingId}>{title}</h2>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" aria-busy="true">
      Loading {what}…
    </p>
  );
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
