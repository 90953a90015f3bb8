import { useState } from "react";
import { Field } from "./kit.js";

/** A destructive action that runs only once its target's name is typed exactly. */
export function ConfirmByTyping({
  word,
  action,
  busy,
  onConfirm,
}: {
  word: string;
  action: string;
  busy?: boolean;
  onConfirm: () => void;
}) {
  const [typed, setTyped] = useState("");
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (typed === word) onConfirm();
      }}
    >
      <Field label={`Type ${word} to confirm`}>
        {(id) => (
          <input
            id={id}
            autoComplete="off"
            spellCheck={false}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="button danger" disabled={typed !== word || busy}>
        {action}
      </button>
    </form>
  );
}
